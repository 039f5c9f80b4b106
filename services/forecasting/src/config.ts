import { Type } from '@sinclair/typebox';
import { BaseConfig, loadConfig } from '@qm/kit';

export const ForecastingConfig = {
  ...BaseConfig,
  QM_HTTP_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8081 }),
  QM_BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, default: 16_777_216 }),
  QM_DATA_DIR: Type.String({ default: '' }),
  /** The global model written by `pnpm train:forecast`; relative paths are from the repo root. */
  QM_FORECAST_MODEL_PATH: Type.String({ default: '.qm/models/forecast/global.json' }),
  /** Worker threads for local model fitting; 0 fits on the main thread. */
  QM_FORECAST_WORKERS: Type.Integer({ minimum: 0, maximum: 32, default: 2 }),
  /**
   * Values of series queued on the workers beyond which a new batch answers 503; about one
   * request of 1,000 series of 1,000 values, some 15 s of ARIMA fits on two workers.
   */
  QM_FORECAST_MAX_QUEUED_VALUES: Type.Integer({ minimum: 1, default: 1_000_000 }),
  /** Quiet time after the last sale event of a SKU before its forecast is refreshed. */
  QM_FORECAST_REFRESH_DEBOUNCE_MS: Type.Integer({ minimum: 0, default: 5_000 }),
  /** Messages the sales consumer may be behind the topic's end before refreshes are held. */
  QM_FORECAST_REFRESH_HOLD_LAG: Type.Integer({ minimum: 0, default: 1_000 }),
  /** Longest wait of a SKU's refresh after its first waiting sale while refreshes are held. */
  QM_FORECAST_REFRESH_MAX_HOLD_MS: Type.Integer({ minimum: 0, default: 600_000 }),
  QM_FORECAST_HORIZON: Type.Integer({ minimum: 1, maximum: 366, default: 28 }),
};

export type Config = ReturnType<typeof loadForecastingConfig>;

export function loadForecastingConfig(env?: Record<string, string | undefined>) {
  return loadConfig(ForecastingConfig, env);
}
