export { buildApp, type AppDeps } from './app';
export { createPricing, type Pricing } from './pricing';
export { createExperiments, type Experiments } from './experiments';
export { createEstimator, computePools, type Estimator } from './estimates';
export { recommendPrice, type Recommendation } from './domain/recommend';
export { estimateElasticity, type ElasticityEstimate } from './domain/elasticity';
export { loadPricingConfig, type Config } from './config';
