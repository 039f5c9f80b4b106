import { MemoryVelocityStore, WINDOWS, type Observation } from '../src/domain/velocity';

const MINUTE = WINDOWS.findIndex((w) => w.name === '1m');
const HOUR = WINDOWS.findIndex((w) => w.name === '1h');
const t0 = Date.parse('2026-03-02T10:00:00Z');

const obs = (id: string, customer: string, at: number, amount = 10): Observation => ({
  transactionId: id,
  customerId: customer,
  amount,
  at,
  entities: { device: 'd1', customer },
});

describe('MemoryVelocityStore', () => {
  it('counts earlier orders, other customers and amount per device in each window', () => {
    const store = new MemoryVelocityStore();
    store.observeNow(obs('a', 'c1', t0 - 30 * 60_000, 5), 'replace');
    store.observeNow(obs('b', 'c2', t0 - 30_000, 7), 'replace');
    store.observeNow(obs('c', 'c1', t0 - 10_000, 9), 'replace');
    const { velocity } = store.observeNow(obs('d', 'c1', t0), 'read');
    expect(velocity.device[MINUTE]).toEqual({ orders: 2, others: 1, amount: 16 });
    expect(velocity.device[HOUR]).toEqual({ orders: 3, others: 1, amount: 21 });
  });

  it('does not count an order twice when it is scored again', () => {
    const store = new MemoryVelocityStore();
    store.observeNow(obs('a', 'c1', t0), 'replace');
    const again = store.observeNow(obs('a', 'c1', t0), 'replace');
    expect(again.velocity.device[MINUTE].orders).toBe(0);
    expect(again.history.count).toBe(0);
    expect(store.observeNow(obs('z', 'c1', t0), 'read').history.count).toBe(1);
  });

  it('adds the amounts of sale lines of one order into one order of the history', () => {
    const store = new MemoryVelocityStore();
    store.observeNow({ ...obs('o1', 'c1', t0, 10), entities: { customer: 'c1' } }, 'add');
    store.observeNow({ ...obs('o1', 'c1', t0, 5), entities: { customer: 'c1' } }, 'add');
    const { history, velocity } = store.observeNow(obs('next', 'c1', t0 + 1000), 'read');
    expect(history).toEqual({ count: 1, sum: 15, sumSq: 225 });
    expect(velocity.customer[MINUTE]).toEqual({ orders: 1, others: 0, amount: 15 });
  });

  it('leaves orders older than a window out of it and later orders out of every window', () => {
    const store = new MemoryVelocityStore();
    store.observeNow(obs('old', 'c2', t0 - 2 * 60_000), 'replace');
    store.observeNow(obs('later', 'c3', t0 + 60_000), 'replace');
    const { velocity } = store.observeNow(obs('now', 'c1', t0), 'read');
    expect(velocity.device[MINUTE].orders).toBe(0);
    expect(velocity.device[HOUR].orders).toBe(1);
  });

  it('keeps device history past windows: first seen, accounts, quick orders, same amounts', () => {
    const store = new MemoryVelocityStore();
    const day = 86_400_000;
    store.observeNow({ ...obs('a', 'c1', t0 - 30 * day, 25), quick: true }, 'replace');
    store.observeNow(obs('b', 'c2', t0 - 20 * day, 25), 'replace');
    store.observeNow(obs('c', 'c3', t0 - 10 * day, 40), 'replace');
    const { entities, velocity } = store.observeNow(obs('d', 'c2', t0, 25), 'read');
    expect(velocity.device.every((w) => w.orders === 0)).toBe(true);
    expect(entities.device).toEqual({
      orders: 3,
      accounts: 2,
      firstSeenAt: t0 - 30 * day,
      quickOrders: 1,
      sameAmount: 2,
    });
    expect(entities.ip).toEqual({ orders: 0, accounts: 0, quickOrders: 0, sameAmount: 0 });
  });

  it('does not add an order scored again to the device history', () => {
    const store = new MemoryVelocityStore();
    store.observeNow({ ...obs('a', 'c1', t0), quick: true }, 'replace');
    store.observeNow({ ...obs('a', 'c1', t0), quick: true }, 'replace');
    const { entities } = store.observeNow(obs('b', 'c2', t0 + 1000), 'read');
    expect(entities.device).toMatchObject({ orders: 1, accounts: 1, quickOrders: 1 });
  });

  it('reads for an order scored again exactly what it read the first time', () => {
    const store = new MemoryVelocityStore();
    store.observeNow(obs('a', 'c1', t0 - 60_000, 25), 'replace');
    const retried = { ...obs('b', 'c2', t0, 25), quick: true };
    const first = store.observeNow(retried, 'replace');
    const again = store.observeNow(retried, 'replace');
    expect(again).toEqual(first);
    expect(store.observeNow(obs('z', 'c2', t0 + 1000), 'read').history.count).toBe(1);
  });

  it('gives no first-seen time to a device whose only order is the one scored again', () => {
    const store = new MemoryVelocityStore();
    store.observeNow(obs('a', 'c1', t0), 'replace');
    const again = store.observeNow(obs('a', 'c1', t0), 'replace');
    expect(again.entities.device).toEqual({
      orders: 0,
      accounts: 0,
      quickOrders: 0,
      sameAmount: 0,
    });
    expect(again.history).toEqual({ count: 0, sum: 0, sumSq: 0 });
  });
});
