import pino from 'pino';
import type { ServiceApp } from '@qm/kit';
import { buildApp } from '../src/app';
import type { Inventory } from '../src/inventory';
import { DEFAULT_SETTINGS } from '../src/domain/policy';
import { InventoryErrors } from '../src/errors';

/** Only what the routes call; the real one is covered by the integration test. */
function fakeInventory(): Inventory & { movements: unknown[] } {
  const movements: unknown[] = [];
  const fake = {
    movements,
    known: async (sku: string) => sku === 'KNOWN',
    policyForSku: async (sku: string) => {
      throw InventoryErrors.SKU_NOT_FOUND(`no SKU ${sku}`, { field: 'sku' });
    },
    stock: async () => [],
    signals: async () => [],
    settingsOf: async () => DEFAULT_SETTINGS,
    putSettings: async (_sku: string, patch: object) => ({ ...DEFAULT_SETTINGS, ...patch }),
    applyMovements: async (list: unknown[]) => {
      movements.push(...list);
      return { applied: list.length, duplicates: 0 };
    },
  };
  return fake as unknown as Inventory & { movements: unknown[] };
}

describe('inventory routes', () => {
  let app: ServiceApp;
  let inventory: ReturnType<typeof fakeInventory>;

  beforeEach(async () => {
    inventory = fakeInventory();
    app = await buildApp({ inventory, log: pino({ level: 'silent' }) });
  });

  afterEach(async () => {
    await app.close();
  });

  it('computes a policy for a history in the body, every figure finite', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/inventory/policies',
      payload: {
        history: [50, 40, 30, 20, 10, 5, 0, 0, 0, 0],
        onHand: 3,
        leadTimeDays: 5,
        serviceLevel: 0.95,
        asOf: '2011-11-01',
      },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ sku: null, orderQuantity: 0, method: 'dormant', leadTimeDays: 5 });
    for (const key of ['reorderPoint', 'orderUpTo', 'safetyStock', 'daysOfCover', 'excessStock']) {
      expect(Number.isFinite(body[key])).toBe(true);
    }
  });

  it('rejects a negative lead time and a service level outside (0, 1) by field', async () => {
    const negative = await app.inject({
      method: 'GET',
      url: '/v1/inventory/policies/KNOWN?leadTimeDays=-2',
    });
    expect(negative.statusCode).toBe(400);
    expect(negative.json().field).toBe('leadTimeDays');

    const level = await app.inject({
      method: 'POST',
      url: '/v1/inventory/policies',
      payload: { history: [1, 2], onHand: 0, leadTimeDays: 7, serviceLevel: 1 },
    });
    expect(level.statusCode).toBe(400);
    expect(level.json().field).toBe('serviceLevel');
  });

  it('rejects absurd quantities in a policy request by field rather than computing', async () => {
    const post = (payload: object) =>
      app.inject({ method: 'POST', url: '/v1/inventory/policies', payload });
    const base = { onHand: 0, leadTimeDays: 7, serviceLevel: 0.95 };

    for (const daily of [1e15, 1e308]) {
      const res = await post({ ...base, history: Array(30).fill(daily) });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'history[0]' });
    }
    const stock = await post({ ...base, history: [1, 2], onHand: 1e300 });
    expect(stock.json().field).toBe('onHand');
    const forecast = await post({
      ...base,
      history: [1, 2],
      forecast: { mean: [1e12], lower95: [], upper95: [] },
    });
    expect(forecast.json().field).toBe('forecast.mean[0]');

    const largest = await post({
      ...base,
      history: Array(30).fill(1e9),
      unitCost: 1e-300,
      orderCost: 1e9,
    });
    expect(largest.statusCode).toBe(200);
    for (const value of Object.values(largest.json())) {
      if (typeof value === 'number') expect(Number.isFinite(value)).toBe(true);
    }
  });

  it('rejects an asOf that is not a real date from 1970 to a year from now, by field', async () => {
    const base = { history: [1, 2], onHand: 0, leadTimeDays: 7, serviceLevel: 0.95 };
    const nextYear = new Date(Date.now() + 400 * 86_400_000).toISOString().slice(0, 10);
    for (const asOf of ['9999-99-99', '2011-02-30', '1969-12-31', nextYear]) {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/inventory/policies',
        payload: { ...base, asOf },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ field: 'asOf' });
    }
    const ok = await app.inject({
      method: 'POST',
      url: '/v1/inventory/policies',
      payload: { ...base, asOf: '2011-02-28' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().asOf).toBe('2011-02-28');
  });

  it('rejects a forecast whose lower 95% bound is above its upper one, by field', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/inventory/policies',
      payload: {
        history: [1, 2],
        onHand: 0,
        leadTimeDays: 7,
        serviceLevel: 0.95,
        forecast: { mean: [2, 2], lower95: [1, 5], upper95: [3, 1] },
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ field: 'forecast.lower95[1]' });
  });

  it('rejects forecast bands that are not as long as the mean, naming the band', async () => {
    const post = (forecast: object) =>
      app.inject({
        method: 'POST',
        url: '/v1/inventory/policies',
        payload: { history: [1, 2], onHand: 0, leadTimeDays: 7, serviceLevel: 0.95, forecast },
      });
    for (const [forecast, field] of [
      [{ mean: [1, 2, 3], lower95: [1], upper95: [] }, 'forecast.lower95'],
      [{ mean: [1, 2, 3], lower95: [0, 1, 2], upper95: [2, 3, 4, 5] }, 'forecast.upper95'],
    ] as const) {
      const res = await post(forecast);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'INVALID_POLICY_REQUEST', field });
    }
    const ok = await post({ mean: [1, 2, 3], lower95: [0, 1, 2], upper95: [2, 3, 4] });
    expect(ok.statusCode).toBe(200);
  });

  it('answers 404 naming the SKU when it is unknown', async () => {
    const policy = await app.inject({ method: 'GET', url: '/v1/inventory/policies/NOPE' });
    expect(policy.statusCode).toBe(404);
    expect(policy.json()).toMatchObject({ code: 'SKU_NOT_FOUND', field: 'sku' });

    const stock = await app.inject({ method: 'GET', url: '/v1/inventory/stock/NOPE' });
    expect(stock.statusCode).toBe(404);
    expect(stock.json().message).toContain('NOPE');
  });

  it('rejects a cursor it did not make', async () => {
    const signals = await app.inject({
      method: 'GET',
      url: '/v1/inventory/restock-signals?cursor=abc',
    });
    expect(signals.statusCode).toBe(400);
    expect(signals.json().field).toBe('cursor');

    const stock = await app.inject({ method: 'GET', url: '/v1/inventory/stock?cursor=%%%' });
    expect(stock.statusCode).toBe(400);
    expect(stock.json().field).toBe('cursor');
  });

  it('takes movements with a known kind and prefixes their ids', async () => {
    const bad = await app.inject({
      method: 'POST',
      url: '/v1/inventory/movements',
      payload: { movements: [{ eventId: 'm1', sku: 'A', kind: 'THEFT', quantity: 1 }] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toContain('movements[0]');

    const negative = await app.inject({
      method: 'POST',
      url: '/v1/inventory/movements',
      payload: { movements: [{ eventId: 'm0', sku: 'A', kind: 'RECEIPT', quantity: -3 }] },
    });
    expect(negative.statusCode).toBe(400);
    expect(negative.json().field).toBe('movements[0].quantity');

    const huge = await app.inject({
      method: 'POST',
      url: '/v1/inventory/movements',
      payload: { movements: [{ eventId: 'm2', sku: 'A', kind: 'ORDER', quantity: 1_000_000_001 }] },
    });
    expect(huge.statusCode).toBe(400);
    expect(huge.json().field).toBe('movements[0].quantity');

    const ok = await app.inject({
      method: 'POST',
      url: '/v1/inventory/movements',
      payload: { movements: [{ eventId: 'm1', sku: 'A', kind: 'RECEIPT', quantity: 5 }] },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ applied: 1, duplicates: 0 });
    expect(inventory.movements).toEqual([expect.objectContaining({ eventId: 'api:m1' })]);
  });

  it('rejects a movement dated before 1970 or over a year ahead, naming the field', async () => {
    const at = (occurredAt: string) =>
      app.inject({
        method: 'POST',
        url: '/v1/inventory/movements',
        payload: {
          movements: [{ eventId: 'm9', sku: 'A', kind: 'RECEIPT', quantity: 1, occurredAt }],
        },
      });
    for (const when of ['0000-01-01T00:00:00Z', '1969-12-31T23:59:59Z', '3000-01-01T00:00:00Z']) {
      const res = await at(when);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({
        code: 'INVALID_MOVEMENT',
        field: 'movements[0].occurredAt',
      });
    }
    expect((await at('2011-12-09T12:50:00Z')).statusCode).toBe(200);
    expect(inventory.movements).toHaveLength(1);
  });

  it('says a leap second is not an instant it can read, rather than out of range', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/inventory/movements',
      payload: {
        movements: [
          {
            eventId: 'm8',
            sku: 'A',
            kind: 'RECEIPT',
            quantity: 1,
            occurredAt: '2011-11-12T23:59:60Z',
          },
        ],
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'INVALID_MOVEMENT',
      field: 'movements[0].occurredAt',
      message: 'body.movements[0].occurredAt must be a real instant',
    });
  });

  it('rejects a blank, padded or disguised SKU or warehouse in a body or a path', async () => {
    const movement = (fields: object) =>
      app.inject({
        method: 'POST',
        url: '/v1/inventory/movements',
        payload: {
          movements: [{ eventId: 'm3', sku: 'A', kind: 'RECEIPT', quantity: 1, ...fields }],
        },
      });
    for (const [fields, field] of [
      [{ sku: ' ' }, 'movements[0].sku'],
      [{ sku: '\u3000' }, 'movements[0].sku'],
      [{ warehouse: '  ' }, 'movements[0].warehouse'],
      [{ sku: ' A' }, 'movements[0].sku'],
      [{ sku: 'A\t' }, 'movements[0].sku'],
      [{ sku: 'A\tB' }, 'movements[0].sku'],
      [{ sku: 'A\u202eB' }, 'movements[0].sku'],
      [{ sku: 'A\u0085B' }, 'movements[0].sku'],
      [{ warehouse: 'main ' }, 'movements[0].warehouse'],
    ] as const) {
      const res = await movement(fields);
      expect(res.statusCode).toBe(400);
      expect(res.json().field).toBe(field);
    }
    const settings = await app.inject({
      method: 'PUT',
      url: '/v1/inventory/settings/%20',
      payload: { leadTimeDays: 3 },
    });
    expect(settings.statusCode).toBe(400);
    expect(settings.json().field).toBe('sku');
    const policy = await app.inject({
      method: 'POST',
      url: '/v1/inventory/policies',
      payload: { sku: ' ', history: [1], onHand: 0, leadTimeDays: 1, serviceLevel: 0.9 },
    });
    expect(policy.statusCode).toBe(400);
    expect(policy.json().field).toBe('sku');
    expect(inventory.movements).toHaveLength(0);
    expect((await movement({ sku: 'BANK CHARGES' })).statusCode).toBe(200);
  });

  it('rejects a blank or padded movement eventId, naming it', async () => {
    for (const eventId of ['   ', '\u3000', ' m4', 'm4\t']) {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/inventory/movements',
        payload: { movements: [{ eventId, sku: 'A', kind: 'RECEIPT', quantity: 1 }] },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().field).toBe('movements[0].eventId');
    }
    expect(inventory.movements).toHaveLength(0);
  });

  it('merges a settings update over the current settings', async () => {
    const res = await app.inject({
      method: 'PUT',
      url: '/v1/inventory/settings/A',
      payload: { leadTimeDays: 10, packSize: 6 },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      sku: 'A',
      leadTimeDays: 10,
      packSize: 6,
      serviceLevel: DEFAULT_SETTINGS.serviceLevel,
    });

    const bad = await app.inject({
      method: 'PUT',
      url: '/v1/inventory/settings/A',
      payload: { packSize: 0 },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('packSize');
  });
});
