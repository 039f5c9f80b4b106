import { defineErrors } from '@qm/kit';

export const PricingErrors = defineErrors({
  SKU_NOT_FOUND: [404, 'no such SKU'],
  RECOMMENDATION_NOT_FOUND: [404, 'no such recommendation'],
  EXPERIMENT_NOT_FOUND: [404, 'no such experiment'],
  INVALID_GUARDRAILS: [400, 'the guardrails are not valid'],
  INVALID_PRICE: [400, 'a price must be above 0'],
  INVALID_EXPERIMENT: [400, 'the experiment is not valid'],
  EXPERIMENT_RUNNING: [409, 'an experiment is already running on this SKU'],
  NO_PRICE: [409, 'no price has been observed for this SKU'],
  RECOMMENDATION_NOT_CURRENT: [409, 'the recommendation is no longer current'],
  NO_PRICE_CHANGE: [409, 'the recommended price is the current price'],
});
