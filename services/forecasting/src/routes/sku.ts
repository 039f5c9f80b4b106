import { errorResponses, type ServiceApp } from '@qm/kit';
import type { SkuForecasts } from '../domain/sku-forecasts';
import { BacktestReply, SkuForecastReply, SkuParams, SkuQuery } from '../schemas/forecasts';

/** Forecasts and backtests of SKUs known from sales events. */
export function skuRoutes(app: ServiceApp, deps: { skus: SkuForecasts }): void {
  app.get(
    '/v1/forecasts/:sku',
    {
      schema: {
        tags: ['forecasts'],
        summary: "A SKU's daily demand forecast",
        params: SkuParams,
        querystring: SkuQuery,
        response: { 200: SkuForecastReply, ...errorResponses(400, 404) },
      },
    },
    async (request) => deps.skus.get(request.params.sku, request.query.horizon),
  );

  app.get(
    '/v1/forecasts/:sku/backtest',
    {
      schema: {
        tags: ['forecasts'],
        summary: "Each candidate model's backtest errors on a SKU",
        params: SkuParams,
        querystring: SkuQuery,
        response: { 200: BacktestReply, ...errorResponses(400, 404) },
      },
    },
    async (request) => deps.skus.backtest(request.params.sku, request.query.horizon),
  );
}
