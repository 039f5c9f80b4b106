import { errorResponses, type ServiceApp } from '@qm/kit';
import type { ForecastPool } from '../adapters/forecast-pool';
import { ForecastBody, ForecastReply } from '../schemas/forecasts';

/** `POST /v1/forecasts`: forecasts the series sent in the body. */
export function forecastRoutes(app: ServiceApp, deps: { pool: ForecastPool }): void {
  app.post(
    '/v1/forecasts',
    {
      schema: {
        tags: ['forecasts'],
        summary: 'Forecast the series in the body (up to 1,000)',
        body: ForecastBody,
        response: { 200: ForecastReply, ...errorResponses(400, 413, 503) },
      },
    },
    async (request) => {
      const { series, ...options } = request.body;
      const forecasts = await deps.pool.forecast(series, options);
      return { forecasts };
    },
  );
}
