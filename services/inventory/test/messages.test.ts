import {
  create,
  ForecastUpdatedSchema,
  InventoryMovementSchema,
  MovementKind,
  timestampFromDate,
} from '@qm/contracts';
import { validateForecast, validateMovement } from '../src/adapters/messages';

const forecast = (mean: number[]) =>
  create(ForecastUpdatedSchema, { sku: 'A', model: 'test', start: '2011-06-03', mean });

describe('validating Kafka messages', () => {
  it('takes a forecast of any finite size and rejects one that is not a number', () => {
    expect(validateForecast(forecast([137_088_940_589, 1e300]))).toBeUndefined();
    expect(validateForecast(forecast([1, Number.NaN]))).toMatch(/finite/);
    expect(validateForecast(forecast([Number.POSITIVE_INFINITY]))).toMatch(/finite/);
  });

  it('rejects movements dated before 1970 or more than a year ahead', () => {
    const at = (iso: string) => timestampFromDate(new Date(iso));
    const movement = (iso: string) =>
      create(InventoryMovementSchema, {
        eventId: 'e',
        sku: 'A',
        kind: MovementKind.RECEIPT,
        quantity: 1,
        occurredAt: at(iso),
      });
    expect(validateMovement(movement('2011-12-09T12:50:00Z'))).toBeUndefined();
    for (const iso of ['0001-01-01T00:00:00Z', '1969-12-31T23:59:59Z', '3000-01-01T00:00:00Z']) {
      expect(validateMovement(movement(iso))).toMatch(/occurredAt/);
    }
  });

  it('rejects movements whose event id, SKU or warehouse the route would refuse', () => {
    const movement = (extra: object) =>
      create(InventoryMovementSchema, {
        eventId: 'e',
        sku: 'A',
        kind: MovementKind.RECEIPT,
        quantity: 1,
        ...extra,
      });
    expect(validateMovement(movement({ sku: 'BANK CHARGES', warehouse: 'main' }))).toBeUndefined();
    expect(validateMovement(movement({ eventId: '   ' }))).toMatch(/eventId/);
    expect(validateMovement(movement({ eventId: 'm1 ' }))).toMatch(/eventId/);
    expect(validateMovement(movement({ sku: 'QA\tX' }))).toMatch(/sku/);
    expect(validateMovement(movement({ sku: 'QA\u202eX' }))).toMatch(/sku/);
    expect(validateMovement(movement({ warehouse: ' main' }))).toMatch(/warehouse/);
    expect(validateMovement(movement({ sku: 'S'.repeat(65) }))).toMatch(/sku/);
  });
});
