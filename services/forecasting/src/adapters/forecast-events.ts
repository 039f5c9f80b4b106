import { create, encode, ForecastUpdatedSchema, timestampFromDate } from '@qm/contracts';
import type { Publisher } from '@qm/events';
import type { SkuForecast } from '../domain/sku-forecasts';

/** Publishes a refreshed forecast as ForecastUpdated, keyed by SKU. */
export function forecastPublisher(publisher: Publisher, topic: string) {
  return async (forecast: SkuForecast): Promise<void> => {
    const message = create(ForecastUpdatedSchema, {
      sku: forecast.sku,
      model: forecast.model,
      start: forecast.start,
      mean: forecast.mean,
      lower95: forecast.lower['95'] ?? [],
      upper95: forecast.upper['95'] ?? [],
      computedAt: timestampFromDate(new Date(forecast.computedAt)),
    });
    await publisher.publish(topic, [
      { key: forecast.sku, value: encode(ForecastUpdatedSchema, message) },
    ]);
  };
}
