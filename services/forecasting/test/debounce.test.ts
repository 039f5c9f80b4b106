import { RefreshScheduler } from '../src/domain/debounce';

describe('RefreshScheduler', () => {
  let refreshed: string[][];
  let scheduler: RefreshScheduler;

  beforeEach(() => {
    jest.useFakeTimers();
    refreshed = [];
    scheduler = new RefreshScheduler(
      1000,
      async (skus) => void refreshed.push(skus),
      () => undefined,
    );
  });

  afterEach(() => jest.useRealTimers());

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
    const patient = new RefreshScheduler(
      1000,
      async (skus) => void refreshed.push(skus),
      () => undefined,
      5000,
    );
    for (let t = 0; t < 20; t++) {
      patient.touch(['hot']);
      await jest.advanceTimersByTimeAsync(500);
    }

    expect(refreshed).toEqual([['hot'], ['hot']]);
    await patient.drain();
  });
});
