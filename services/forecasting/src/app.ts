import { createServiceApp, type ServiceApp, type ServiceAppDeps } from '@qm/kit';
import type { ForecastPool } from './adapters/forecast-pool';
import type { GlobalModel } from './domain/global/model';
import type { SkuForecasts } from './domain/sku-forecasts';
import { forecastRoutes } from './routes/forecasts';
import { skuRoutes } from './routes/sku';

export interface AppDeps extends ServiceAppDeps {
  pool: ForecastPool;
  global?: GlobalModel;
  /** Forecasts of SKUs known from sales events; absent when the service runs without storage. */
  skus?: SkuForecasts;
}

export async function buildApp(deps: AppDeps): Promise<ServiceApp> {
  const app = await createServiceApp({
    metrics: deps.metrics,
    name: 'forecasting',
    description: 'Per-SKU demand forecasts with prediction intervals',
    logger: deps.log,
    bodyLimit: deps.bodyLimit ?? 16_777_216,
    readiness: deps.readiness,
    tags: [{ name: 'forecasts', description: 'Demand forecasts' }],
  });
  forecastRoutes(app, { pool: deps.pool });
  if (deps.skus) skuRoutes(app, { skus: deps.skus });
  return app;
}
