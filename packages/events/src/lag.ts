/** Settings of a `ConsumerLag`; times in milliseconds. */
export interface ConsumerLagOptions {
  /** Messages behind, over all partitions, beyond which the consumer is behind; 1,000. */
  holdLag?: number;
  /** How long a partition's lag counts once told, unless told again; 1 minute. */
  ttlMs?: number;
}

/**
 * How far a consumer is behind its topic's end, from the lags its `onLag` is told. A
 * consumer that is behind tells them after every slice, so a partition's lag not told for
 * `ttlMs` is dropped: the partition went to another member in a rebalance, or its consumer
 * stopped, and must not keep work held here.
 */
export class ConsumerLag {
  private readonly lags = new Map<number, { lag: number; at: number }>();
  private readonly holdLag: number;
  private readonly ttlMs: number;

  constructor(options: ConsumerLagOptions = {}) {
    this.holdLag = options.holdLag ?? 1_000;
    this.ttlMs = options.ttlMs ?? 60_000;
  }

  /** Records one partition's lag; true when this brought the consumer within `holdLag`. */
  record(partition: number, lag: number, now = Date.now()): boolean {
    const wasBehind = this.behind(now);
    this.lags.set(partition, { lag, at: now });
    return wasBehind && !this.behind(now);
  }

  /** Whether the lags told within `ttlMs` add up to more than `holdLag`. */
  behind(now = Date.now()): boolean {
    let lag = 0;
    for (const [partition, told] of this.lags) {
      if (told.at + this.ttlMs <= now) this.lags.delete(partition);
      else lag += told.lag;
    }
    return lag > this.holdLag;
  }

  /** When the oldest lag still counted stops counting; Infinity when none counts. */
  expiry(): number {
    let at = Infinity;
    for (const told of this.lags.values()) at = Math.min(at, told.at + this.ttlMs);
    return at;
  }
}
