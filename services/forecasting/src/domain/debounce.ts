import { ConsumerLag } from '@qm/events';

/** When a touched SKU is refreshed; times in milliseconds. */
export interface RefreshTiming {
  /** Time without a sale of the SKU before it is refreshed. */
  quietMs: number;
  /** Longest wait after the first waiting sale, for SKUs never quiet; max(12 x quiet, 60 s). */
  maxWaitMs?: number;
  /** Consumer lag (messages, over all partitions) beyond which refreshes are held; 1,000. */
  holdLag?: number;
  /** Longest wait after the first waiting sale while refreshes are held; 10 minutes. */
  maxHoldMs?: number;
  /** How long a partition's lag counts once told, unless told again; 1 minute. */
  lagTtlMs?: number;
}

/** A SKU touched since its last refresh. */
interface Waiting {
  first: number;
  last: number;
}

/**
 * Collects SKUs touched by events and refreshes them once no event has touched them for
 * `quietMs`, so a burst of sales gives one refresh, not one per line; a SKU that never goes
 * quiet (one selling all day) is refreshed `maxWaitMs` after the first touch still waiting.
 *
 * While the consumer is more than `holdLag` messages behind the topic's end, refreshes are
 * held: a forecast from half-loaded history would be replaced as soon as the rest is in.
 * Once it has caught up, each waiting SKU is refreshed once quiet, its longest wait counted
 * from then. A consumer that stays behind still refreshes a SKU `maxHoldMs` after its first
 * waiting touch, so a live system that never catches up goes on moving.
 */
export class RefreshScheduler {
  private readonly waiting = new Map<string, Waiting>();
  /** The consumer's lag per partition; a lag not told for `lagTtlMs` stops counting. */
  private readonly lag: ConsumerLag;
  /** When the consumer last came within `holdLag`; the longest waits count from there. */
  private caughtUpAt = -Infinity;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private readonly quietMs: number;
  private readonly maxWaitMs: number;
  private readonly maxHoldMs: number;

  constructor(
    timing: RefreshTiming,
    private readonly refresh: (skus: string[]) => Promise<unknown>,
    private readonly onError: (error: unknown) => void,
  ) {
    this.quietMs = timing.quietMs;
    this.maxWaitMs = timing.maxWaitMs ?? Math.max(12 * timing.quietMs, 60_000);
    this.maxHoldMs = timing.maxHoldMs ?? 600_000;
    this.lag = new ConsumerLag({ holdLag: timing.holdLag, ttlMs: timing.lagTtlMs });
  }

  touch(skus: string[]): void {
    const now = Date.now();
    for (const sku of skus) {
      const first = this.waiting.get(sku)?.first ?? now;
      this.waiting.set(sku, { first, last: now });
    }
    // A timer already set is due no later than these SKUs are; moving it on would keep
    // postponing the SKUs due before them for as long as any other SKU is touched.
    if (skus.length > 0 && this.timer === undefined) this.armForNext(now);
  }

  /** The consumer's lag on one partition after its latest slice of events. */
  recordLag(partition: number, lag: number): void {
    const now = Date.now();
    if (!this.lag.record(partition, lag, now)) return;
    this.caughtUpAt = now;
    this.armForNext(now);
  }

  private dueAt({ first, last }: Waiting, now: number): number {
    const held = first + this.maxHoldMs;
    if (this.lag.behind(now)) return Math.min(held, this.lag.expiry());
    const waitFrom = Math.max(first, this.caughtUpAt);
    return Math.min(last + this.quietMs, waitFrom + this.maxWaitMs, held);
  }

  /** Sets the timer for the first SKU due, if any waits. */
  private armForNext(now: number): void {
    let next = Infinity;
    for (const waiting of this.waiting.values()) next = Math.min(next, this.dueAt(waiting, now));
    if (next === Infinity) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), Math.max(1, next - now));
    this.timer.unref();
  }

  private flush(): void {
    this.timer = undefined;
    const now = Date.now();
    const ready = [...this.waiting]
      .filter(([, w]) => this.dueAt(w, now) <= now)
      .map(([sku]) => sku);
    for (const sku of ready) this.waiting.delete(sku);
    this.armForNext(now);
    if (ready.length > 0) this.run(ready);
  }

  private run(skus: string[]): void {
    this.running = this.running
      .then(async () => void (await this.refresh(skus)))
      .catch(this.onError);
  }

  /** Refreshes everything still waiting, and waits for refreshes in flight. */
  async drain(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const rest = [...this.waiting.keys()];
    this.waiting.clear();
    if (rest.length > 0) this.run(rest);
    await this.running;
  }
}
