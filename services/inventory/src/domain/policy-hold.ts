import { ConsumerLag } from '@qm/events';

/** When policies are put off during a bulk load; times in milliseconds. */
export interface PolicyHoldSettings {
  /** Sales consumer lag (messages, over all partitions) beyond which policies wait; 1,000. */
  holdLag?: number;
  /** Longest wait after a key's first mark while the consumer stays behind; 10 minutes. */
  maxHoldMs?: number;
  /** How long a partition's lag counts once told, unless told again; 1 minute. */
  lagTtlMs?: number;
}

/**
 * Whether policies and signals are recomputed with each batch or put off. While the sales
 * consumer is more than `holdLag` messages behind the topic's end, a batch only marks its keys
 * stale: a policy from a history that is still loading would be replaced by the next batch.
 * Once caught up, the marked keys are recomputed once each; a consumer that stays behind
 * still has them recomputed `maxHoldMs` after the oldest mark, so a live system that never
 * catches up goes on moving.
 */
export class PolicyHold {
  private readonly lag: ConsumerLag;
  private readonly maxHoldMs: number;

  constructor(settings: PolicyHoldSettings = {}) {
    this.lag = new ConsumerLag({ holdLag: settings.holdLag, ttlMs: settings.lagTtlMs });
    this.maxHoldMs = settings.maxHoldMs ?? 600_000;
  }

  /** The sales consumer's lag on one partition after its latest slice. */
  recordLag(partition: number, lag: number, now = Date.now()): void {
    this.lag.record(partition, lag, now);
  }

  /** Whether a batch marks its keys stale instead of recomputing them. */
  holding(now = Date.now()): boolean {
    return this.lag.behind(now);
  }

  /** Whether put-off work runs now, given the oldest stale mark (null: none). */
  releasing(oldestMark: Date | null, now = Date.now()): boolean {
    if (!this.lag.behind(now)) return true;
    return oldestMark !== null && now - oldestMark.getTime() >= this.maxHoldMs;
  }
}
