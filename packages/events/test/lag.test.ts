import { ConsumerLag } from '../src/lag';

describe('ConsumerLag', () => {
  it('is behind while the lags of its partitions add up to more than the hold lag', () => {
    const lag = new ConsumerLag({ holdLag: 100, ttlMs: 60_000 });
    expect(lag.behind(0)).toBe(false);

    expect(lag.record(0, 60, 0)).toBe(false);
    expect(lag.behind(0)).toBe(false);
    expect(lag.record(1, 60, 0)).toBe(false);
    expect(lag.behind(0)).toBe(true);

    // Coming within the hold lag is reported once, by the record that did it.
    expect(lag.record(1, 40, 10)).toBe(true);
    expect(lag.behind(10)).toBe(false);
    expect(lag.record(0, 10, 20)).toBe(false);
  });

  it('stops counting a partition whose lag was not told again within its time to live', () => {
    const lag = new ConsumerLag({ holdLag: 100, ttlMs: 1_000 });
    lag.record(0, 5_000, 0);
    lag.record(1, 5_000, 500);
    expect(lag.expiry()).toBe(1_000);

    expect(lag.behind(999)).toBe(true);
    expect(lag.behind(1_000)).toBe(true);
    expect(lag.expiry()).toBe(1_500);
    expect(lag.behind(1_500)).toBe(false);
    expect(lag.expiry()).toBe(Infinity);
  });
});
