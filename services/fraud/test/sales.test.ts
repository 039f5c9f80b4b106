import { create, SaleKind, SaleLineSchema, timestampFromDate } from '@qm/contracts';
import type { Pool } from 'pg';
import type { Redis } from 'ioredis';
import { createLogger } from '@qm/kit';
import { RedisVelocityStore } from '../src/adapters/redis-velocity';
import { salesConsumer } from '../src/adapters/sales-consumer';
import { saleObservations, type SaleFact } from '../src/domain/sales';
import { MemoryVelocityStore, type Observation } from '../src/domain/velocity';

const at = Date.parse('2026-03-02T10:00:00Z');

const fact = (over: Partial<SaleFact> = {}): SaleFact => ({
  eventId: 'e-1',
  orderId: 'o-1',
  customerId: 'c-1',
  quantity: 2,
  unitPrice: 10,
  isSale: true,
  at,
  ...over,
});

const observation = (amount: number, when = at): Observation => ({
  transactionId: 'sale:o-1',
  customerId: 'c-1',
  amount,
  at: when,
  entities: { customer: 'c-1' },
});

/** A Redis stand-in that records whether the velocity script was called. */
function scriptlessRedis() {
  const fraudVelocity = jest.fn();
  return { redis: { fraudVelocity } as unknown as Redis, fraudVelocity };
}

describe('sale lines for velocity', () => {
  const consumer = salesConsumer({
    pool: {} as Pool,
    velocity: new MemoryVelocityStore(),
    topic: 'qm.sales.v1',
    log: createLogger('fraud-test', 'silent'),
  });
  const line = (unitPrice: number, quantity = 1) =>
    create(SaleLineSchema, {
      eventId: 'e-1',
      currency: 'GBP',
      orderId: 'o-1',
      sku: 'SKU-1',
      occurredAt: timestampFromDate(new Date(at)),
      quantity,
      unitPrice,
      customerId: 'c-1',
      kind: quantity < 0 ? SaleKind.RETURN : SaleKind.SALE,
    });

  it.each([
    ['a price of 1e300', line(1e300)],
    ['an infinite price', line(Infinity)],
    ['a price that is not a number', line(NaN)],
    ['a line value beyond 10,000,000', line(6_000_000, 2)],
    ['a return of absurd value', line(1e300, -1)],
  ])('rejects a sale line with %s before it reaches Redis', (_case, sale) => {
    expect(consumer.validate?.(sale)).toMatch(/unitPrice|line value/);
  });

  it('accepts an ordinary sale line', () => {
    expect(consumer.validate?.(line(19.99, 3))).toBeUndefined();
  });

  it('leaves lines of absurd value out of the orders it observes', () => {
    const orders = saleObservations([
      fact({ eventId: 'e-1', unitPrice: 1e300 }),
      fact({ eventId: 'e-2', unitPrice: NaN }),
      fact({ eventId: 'e-3', unitPrice: 5 }),
    ]);
    expect(orders).toEqual([expect.objectContaining({ transactionId: 'sale:o-1', amount: 10 })]);
  });
});

describe('velocity stores and numbers they cannot count', () => {
  it.each([
    ['1e300', 1e300],
    ['Infinity', Infinity],
    ['NaN', NaN],
  ])(
    'the Redis store refuses an amount of %s as bad data, without calling Redis',
    async (_c, n) => {
      const { redis, fraudVelocity } = scriptlessRedis();
      const store = new RedisVelocityStore(redis, 'qm:test:');
      await expect(store.observe(observation(n), 'add')).rejects.toMatchObject({ code: '22003' });
      expect(fraudVelocity).not.toHaveBeenCalled();
    },
  );

  it('the Redis store refuses an event time that is not finite', async () => {
    const { redis, fraudVelocity } = scriptlessRedis();
    const store = new RedisVelocityStore(redis, 'qm:test:');
    const observed = store.observe(observation(10, NaN), 'add');
    await expect(observed).rejects.toMatchObject({ code: '22003' });
    expect(fraudVelocity).not.toHaveBeenCalled();
  });

  it('the in-memory store refuses the same amounts, so both stay alike', () => {
    const store = new MemoryVelocityStore();
    expect(() => store.observeNow(observation(1e300), 'add')).toThrow(
      expect.objectContaining({ code: '22003' }),
    );
    expect(store.observeNow(observation(10), 'read').history.count).toBe(0);
  });
});
