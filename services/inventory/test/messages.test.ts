import { create, ForecastUpdatedSchema } from '@qm/contracts';
import { validateForecast } from '../src/adapters/messages';

const forecast = (mean: number[]) =>
  create(ForecastUpdatedSchema, { sku: 'A', model: 'test', start: '2011-06-03', mean });

describe('validating Kafka messages', () => {
  it('takes a forecast of any finite size and rejects one that is not a number', () => {
    expect(validateForecast(forecast([137_088_940_589, 1e300]))).toBeUndefined();
    expect(validateForecast(forecast([1, Number.NaN]))).toMatch(/finite/);
    expect(validateForecast(forecast([Number.POSITIVE_INFINITY]))).toMatch(/finite/);
  });
});
