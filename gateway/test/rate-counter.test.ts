import { RateCounter, WINDOW_MS, type SharedCounts } from '../src/domain/rate-counter';

/** Counts in memory, added up like the Redis counters every gateway shares. */
class MemoryCounts implements SharedCounts {
  readonly totals = new Map<string, number>();
  down = false;

  async add(window: number, increments: [string, number][]): Promise<number[]> {
    if (this.down) throw new Error('unreachable');
    return increments.map(([key, count]) => {
      const name = `${key}:${window}`;
      const total = (this.totals.get(name) ?? 0) + count;
      this.totals.set(name, total);
      return total;
    });
  }
}

describe('RateCounter', () => {
  let now: number;
  const clock = () => now;

  beforeEach(() => {
    now = 10 * WINDOW_MS + 1000;
  });

  it('lets exactly the limit through in a window and counts afresh in the next', () => {
    const counter = new RateCounter(undefined, clock);
    expect([1, 2, 3].map(() => counter.take('k', 2))).toEqual([1, 0, -1]);
    expect(counter.take('other', 2)).toBe(1);
    expect(counter.resetSeconds()).toBe(59);

    now += 59_000;
    expect(counter.take('k', 2)).toBe(1);
    expect(counter.resetSeconds()).toBe(60);
  });

  it('shares the budget with another gateway once both have synced', async () => {
    const shared = new MemoryCounts();
    const first = new RateCounter(shared, clock);
    const second = new RateCounter(shared, clock);
    for (let i = 0; i < 3; i++) expect(first.take('k', 5)).toBeGreaterThanOrEqual(0);
    expect(second.take('k', 5)).toBe(4);

    await first.sync();
    await second.sync();
    expect(shared.totals.get('k:10')).toBe(4);
    expect(second.take('k', 5)).toBe(0);
    expect(second.take('k', 5)).toBe(-1);

    await second.sync();
    await first.sync();
    expect(first.take('k', 5)).toBe(-1);
  });

  it('counts alone while the shared counts are unreachable, and adds them later', async () => {
    const shared = new MemoryCounts();
    const counter = new RateCounter(shared, clock);
    shared.down = true;
    counter.take('k', 3);
    counter.take('k', 3);
    await expect(counter.sync()).rejects.toThrow('unreachable');
    expect(counter.take('k', 3)).toBe(0);

    shared.down = false;
    await counter.sync();
    expect(shared.totals.get('k:10')).toBe(3);
    expect(counter.take('k', 3)).toBe(-1);
  });

  it('counts requests made during a sync once', async () => {
    const shared = new MemoryCounts();
    const counter = new RateCounter(shared, clock);
    counter.take('k', 10);
    const syncing = counter.sync();
    counter.take('k', 10);
    await syncing;
    await counter.sync();
    expect(shared.totals.get('k:10')).toBe(2);
    expect(counter.take('k', 10)).toBe(7);
  });
});
