import type { Decision } from '../domain/scorer';

/** A decision waiting to be stored. */
export interface Pending {
  /** Without its feature vector, which only the stored row needs. */
  decision: Decision;
  /** The row as JSON, made when the decision is queued. */
  row: string;
  /** The row's size in UTF-8, as it is sent to PostgreSQL. */
  bytes: number;
}

/**
 * Decisions waiting to be stored, oldest first, kept within a count and a byte bound by
 * dropping the oldest. The bytes are those of the serialised rows: one order may carry
 * several kilobytes of text, so a count alone does not bound the memory held.
 */
export class DecisionQueue {
  private items: (Pending | undefined)[] = [];
  /** Index of the oldest waiting item: dropping moves it instead of shifting the array. */
  private head = 0;
  private queuedBytes = 0;

  constructor(
    private readonly maxCount: number,
    private readonly maxBytes: number,
  ) {}

  get length(): number {
    return this.items.length - this.head;
  }

  get bytes(): number {
    return this.queuedBytes;
  }

  /** Adds a decision at the end; returns how many of the oldest were dropped for it. */
  push(pending: Pending): number {
    this.items.push(pending);
    this.queuedBytes += pending.bytes;
    return this.trim();
  }

  /** Takes everything waiting, oldest first. */
  takeAll(): Pending[] {
    const out = this.waiting();
    this.items = [];
    this.head = 0;
    this.queuedBytes = 0;
    return out;
  }

  /**
   * Puts a batch that could not be stored back ahead of what arrived since; returns how
   * many of the oldest were dropped to stay within the bounds.
   */
  putBack(batch: Pending[]): number {
    this.items = batch.concat(this.waiting());
    this.head = 0;
    for (const p of batch) this.queuedBytes += p.bytes;
    return this.trim();
  }

  private waiting(): Pending[] {
    const rest = this.head === 0 ? this.items : this.items.slice(this.head);
    return rest as Pending[];
  }

  private trim(): number {
    let dropped = 0;
    while (this.length > 0 && (this.length > this.maxCount || this.queuedBytes > this.maxBytes)) {
      this.queuedBytes -= (this.items[this.head] as Pending).bytes;
      this.items[this.head] = undefined;
      this.head++;
      dropped++;
    }
    // Compacting once the dropped front is as long as the rest moves each item a bounded
    // number of times however long a flood lasts.
    if (this.head > 0 && this.head >= this.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return dropped;
  }
}
