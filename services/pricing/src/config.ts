import { Type } from '@sinclair/typebox';
import { BaseConfig, loadConfig } from '@qm/kit';

export const PricingConfig = {
  ...BaseConfig,
  QM_HTTP_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8084 }),
  /** Unit cost as a share of the current price when no product event gave one. */
  QM_PRICING_DEFAULT_COST_RATIO: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.6 }),
  QM_PRICING_CURRENCY: Type.String({ minLength: 3, maxLength: 3, default: 'GBP' }),
  /** How long elasticities and recommendations stay cached in Redis (seconds). */
  QM_PRICING_CACHE_SECONDS: Type.Integer({ minimum: 1, default: 60 }),
  /** How often the pooled elasticity is recomputed from every SKU (seconds). */
  QM_PRICING_POOL_REFRESH_SECONDS: Type.Integer({ minimum: 10, default: 900 }),
  /** How often approved price changes that could not be published are tried again (ms). */
  QM_PRICING_PUBLISH_RETRY_MS: Type.Integer({ minimum: 100, default: 5_000 }),
  /** Where stock levels come from; an unreachable inventory service means "stock unknown". */
  QM_INVENTORY_URL: Type.String({ default: 'http://127.0.0.1:8083' }),
};

export type Config = ReturnType<typeof loadPricingConfig>;

/** Reads the pricing service's environment once. */
export function loadPricingConfig(env?: Record<string, string | undefined>) {
  return loadConfig(PricingConfig, env);
}
