import { Type, type Static } from '@sinclair/typebox';
import { BaseConfig, loadConfig } from '@qm/kit';

const url = (port: number) => Type.String({ default: `http://127.0.0.1:${port}` });

export const GatewayConfig = {
  ...BaseConfig,
  QM_HTTP_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
  /** The bootstrap key with every scope; empty disables it. */
  QM_MASTER_KEY: Type.String({ default: '' }),
  QM_MASTER_RATE_LIMIT_PER_MINUTE: Type.Integer({ minimum: 1, default: 6000 }),
  QM_DEFAULT_RATE_LIMIT_PER_MINUTE: Type.Integer({ minimum: 1, default: 600 }),
  /**
   * How often each gateway adds its rate-limit counts to the shared ones in Redis; a key can
   * overshoot its limit by what the other gateways admit for it in about twice this long.
   */
  QM_RATE_SYNC_MS: Type.Integer({ minimum: 10, maximum: 5000, default: 100 }),
  /** How long a looked-up key is trusted; at most 5 s so a revoked key stops within 5 s. */
  QM_KEY_CACHE_MS: Type.Integer({ minimum: 0, maximum: 5000, default: 5000 }),
  QM_FORECASTING_URL: url(8081),
  QM_RECOMMENDATIONS_URL: url(8082),
  QM_INVENTORY_URL: url(8083),
  QM_PRICING_URL: url(8084),
  QM_SUPPORT_URL: url(8085),
  QM_FRAUD_URL: url(8086),
  QM_UPSTREAM_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 30_000 }),
  QM_UPSTREAM_CONNECTIONS: Type.Integer({ minimum: 1, default: 128 }),
  QM_BREAKER_FAILURES: Type.Integer({ minimum: 1, default: 5 }),
  QM_BREAKER_COOLDOWN_MS: Type.Integer({ minimum: 100, default: 10_000 }),
  QM_OPENAPI_REFRESH_MS: Type.Integer({ minimum: 1000, default: 60_000 }),
  QM_MAX_EVENT_LOOP_DELAY_MS: Type.Integer({ minimum: 0, default: 1000 }),
};

export type Config = Static<ReturnType<typeof Type.Object<typeof GatewayConfig>>>;

/** Reads the gateway's settings from the environment once. */
export function readConfig(env: Record<string, string | undefined> = process.env): Config {
  return loadConfig(GatewayConfig, env);
}
