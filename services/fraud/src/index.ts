export { buildApp, type FraudAppDeps } from './app';
export { buildFeatures, FEATURE_NAMES } from './domain/features';
export { scoreOrder, type Decision } from './domain/scorer';
export type { Order } from './domain/order';
