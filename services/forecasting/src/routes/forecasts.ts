import { errorResponses, type ServiceApp } from '@qm/kit';
import type { ForecastPool } from '../adapters/forecast-pool';
import { ForecastErrors } from '../errors';
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
      // Forecasts are told apart by their series' id: two of one id could not be.
      const seen = new Map<string, number>();
      series.forEach((s, i) => {
        const first = seen.get(s.id);
        if (first !== undefined) {
          throw ForecastErrors.DUPLICATE_SERIES(
            `series[${i}].id ${JSON.stringify(s.id)} is also series[${first}].id`,
            { field: `series[${i}].id` },
          );
        }
        seen.set(s.id, i);
      });
      const forecasts = await deps.pool.forecast(series, options);
      return { forecasts };
    },
  );
}
