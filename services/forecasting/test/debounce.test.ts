import { RefreshScheduler } from '../src/domain/debounce';

describe('RefreshScheduler', () => {
  let refreshed: string[][];
  let scheduler: RefreshScheduler;

  beforeEach(() => {
    jest.useFakeTimers();
    refreshed = [];
    scheduler = new RefreshScheduler(
      { quietMs: 1000, maxWaitMs: 5000, holdLag: 100, maxHoldMs: 60_000, lagTtlMs: 600_000 },
      async (skus) => void refreshed.push(skus),
      () => undefined,
    );
  });

  afterEach(async () => {
    await scheduler.drain();
    jest.useRealTimers();
  });

  it('refreshes a SKU once it has been quiet, in one call for a burst', async () => {
    scheduler.touch(['A']);
    await jest.advanceTimersByTimeAsync(500);
    scheduler.touch(['A', 'B']);
    await jest.advanceTimersByTimeAsync(999);
    expect(refreshed).toEqual([]);

    await jest.advanceTimersByTimeAsync(1);
    expect(refreshed).toEqual([['A', 'B']]);
  });

  it('refreshes a quiet SKU while other SKUs keep being touched', async () => {
    scheduler.touch(['A']);
    for (let t = 0; t < 10; t++) {
      await jest.advanceTimersByTimeAsync(400);
      scheduler.touch([`busy-${t}`]);
    }

    expect(refreshed[0]).toEqual(['A']);
    expect(refreshed.flat()).toEqual(['A', ...Array.from({ length: 7 }, (_, t) => `busy-${t}`)]);
  });

  it('refreshes a SKU that is never quiet once its longest wait has passed', async () => {
    for (let t = 0; t < 20; t++) {
      scheduler.touch(['hot']);
      await jest.advanceTimersByTimeAsync(500);
    }

    expect(refreshed).toEqual([['hot'], ['hot']]);
  });

  /** Touches the SKUs every half second for `ms`. */
  async function keepSelling(skus: string[], ms: number): Promise<void> {
    for (let t = 0; t < ms; t += 500) {
      scheduler.touch(skus);
      await jest.advanceTimersByTimeAsync(500);
    }
  }

  it('holds refreshes while the consumer is behind, then refreshes each SKU once', async () => {
    scheduler.recordLag(0, 5000);
    await keepSelling(['A', 'B'], 20_000);
    expect(refreshed).toEqual([]);

    // Caught up half a second after the last sale: the refresh waits the other half.
    scheduler.recordLag(0, 100);
    await jest.advanceTimersByTimeAsync(499);
    expect(refreshed).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(refreshed).toEqual([['A', 'B']]);

    await jest.advanceTimersByTimeAsync(60_000);
    expect(refreshed).toHaveLength(1);
  });

  it('refreshes at once a held SKU that was quiet when the consumer caught up', async () => {
    scheduler.recordLag(3, 5000);
    scheduler.touch(['A']);
    await jest.advanceTimersByTimeAsync(30_000);
    expect(refreshed).toEqual([]);

    scheduler.recordLag(3, 0);
    await jest.advanceTimersByTimeAsync(1);
    expect(refreshed).toEqual([['A']]);
  });

  it('holds while the lags of all partitions together exceed the threshold', async () => {
    scheduler.recordLag(0, 60);
    scheduler.recordLag(1, 60);
    scheduler.touch(['A']);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(refreshed).toEqual([]);

    scheduler.recordLag(1, 0);
    await jest.advanceTimersByTimeAsync(1);
    expect(refreshed).toEqual([['A']]);
  });

  it('counts the longest wait of a held SKU from when the consumer caught up', async () => {
    scheduler.recordLag(0, 5000);
    await keepSelling(['hot'], 20_000);
    scheduler.recordLag(0, 0);

    await keepSelling(['hot'], 4500);
    expect(refreshed).toEqual([]);
    await keepSelling(['hot'], 500);
    expect(refreshed).toEqual([['hot']]);
  });

  it('refreshes a SKU held by a backlog that never clears after its longest hold', async () => {
    scheduler.recordLag(0, 5000);
    await keepSelling(['A'], 59_500);
    scheduler.touch(['A']);
    await jest.advanceTimersByTimeAsync(499);
    expect(refreshed).toEqual([]);

    await jest.advanceTimersByTimeAsync(1);
    expect(refreshed).toEqual([['A']]);
    await keepSelling(['A'], 59_500);
    expect(refreshed).toEqual([['A']]);
    await jest.advanceTimersByTimeAsync(500);
    expect(refreshed).toEqual([['A'], ['A']]);
  });

  it('stops holding for a partition whose lag is no longer told', async () => {
    const short = new RefreshScheduler(
      { quietMs: 1000, maxWaitMs: 5000, holdLag: 100, maxHoldMs: 60_000, lagTtlMs: 10_000 },
      async (skus) => void refreshed.push(skus),
      () => undefined,
    );
    // Partition 0 goes on being told; partition 1 went to another member after this lag.
    short.recordLag(1, 5000);
    short.touch(['A']);
    for (let t = 0; t < 9; t++) {
      short.recordLag(0, 10);
      await jest.advanceTimersByTimeAsync(1000);
    }
    await jest.advanceTimersByTimeAsync(999);
    expect(refreshed).toEqual([]);

    await jest.advanceTimersByTimeAsync(1);
    expect(refreshed).toEqual([['A']]);
    await short.drain();
  });
});
