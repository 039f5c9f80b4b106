export { buildApp, type AppDeps } from './app';
export { createRecommendations, type Recommendations } from './recommendations';
export * from './domain/recommender';
