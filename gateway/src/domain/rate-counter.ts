/** Limits are per key per minute, in fixed windows aligned to the clock on every gateway. */
export const WINDOW_MS = 60_000;

/** Where the gateways add up their counts (Redis in production). */
export interface SharedCounts {
  /**
   * Adds this gateway's new requests per key to the shared counts of one window and returns
   * the shared totals, in the same order.
   */
  add(window: number, increments: [key: string, count: number][]): Promise<number[]>;
}

interface Count {
  window: number;
  /** The shared total at the last sync, this gateway's synced requests included. */
  shared: number;
  /** Requests let through here since the last sync began. */
  local: number;
  /** Requests let through here that the sync under way is adding to the shared total. */
  sending: number;
}

/**
 * Counts requests per key in fixed one-minute windows. A request is decided here, from the
 * shared total as last synced plus this gateway's own requests since, so no call waits on
 * Redis; `sync()`, run every few hundred milliseconds, adds the local counts to the shared
 * ones and learns what the other gateways let through.
 *
 * The limit is exact on one gateway. With several, a gateway does not yet see what the
 * others admitted since their last sync began, nor since its own last sync: a key may exceed
 * its limit in a window by at most what the other gateways admit for it in two sync
 * intervals plus Redis round trips. While the shared counts cannot be reached, each gateway
 * keeps counting alone.
 */
export class RateCounter {
  private readonly counts = new Map<string, Count>();
  private syncing = false;

  constructor(
    private readonly shared?: SharedCounts,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Counts a request for `key` if it is within `limit` for the current window. Returns the
   * requests left after it, or -1 when the limit is reached (the request is not counted).
   */
  take(key: string, limit: number): number {
    const window = Math.floor(this.now() / WINDOW_MS);
    let count = this.counts.get(key);
    if (count === undefined || count.window !== window) {
      count = { window, shared: 0, local: 0, sending: 0 };
      this.counts.set(key, count);
    }
    const used = count.shared + count.local + count.sending;
    if (used >= limit) return -1;
    count.local += 1;
    return limit - used - 1;
  }

  /** Whole seconds until the current window ends and counts start again (at least 1). */
  resetSeconds(): number {
    const now = this.now();
    return Math.ceil(((Math.floor(now / WINDOW_MS) + 1) * WINDOW_MS - now) / 1000);
  }

  /**
   * Adds the local counts of the current window to the shared ones and takes the shared
   * totals; forgets past windows. Does nothing while a sync is under way. On failure the
   * local counts are kept for the next sync and the error is thrown.
   */
  async sync(): Promise<void> {
    if (this.shared === undefined || this.syncing) return;
    const window = Math.floor(this.now() / WINDOW_MS);
    const batch: [string, Count][] = [];
    for (const [key, count] of this.counts) {
      if (count.window !== window) {
        this.counts.delete(key);
        continue;
      }
      count.sending = count.local;
      count.local = 0;
      batch.push([key, count]);
    }
    if (batch.length === 0) return;

    this.syncing = true;
    try {
      const totals = await this.shared.add(
        window,
        batch.map(([key, count]) => [key, count.sending]),
      );
      batch.forEach(([, count], i) => {
        count.shared = Math.max(count.shared, totals[i]);
        count.sending = 0;
      });
    } catch (error) {
      for (const [, count] of batch) {
        count.local += count.sending;
        count.sending = 0;
      }
      throw error;
    } finally {
      this.syncing = false;
    }
  }
}
