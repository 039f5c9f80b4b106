export { buildApp, type AppDeps } from './app';
export { answerMessage, type SupportAnswer } from './domain/assistant';
export { extractEntities, type Entity } from './domain/entities';
export { IntentModel } from './nlu/intent-model';
