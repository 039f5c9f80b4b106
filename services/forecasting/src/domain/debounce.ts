/**
 * Collects SKUs touched by events and refreshes them once no event has touched them for
 * `quietMs`, so a burst of sales gives one refresh, not one per line; a SKU that never goes
 * quiet (one selling all day) is refreshed `maxWaitMs` after the first touch still waiting.
 */
export class RefreshScheduler {
  private readonly due = new Map<string, number>();
  /** When each waiting SKU was first touched since its last refresh. */
  private readonly since = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly quietMs: number,
    private readonly refresh: (skus: string[]) => Promise<unknown>,
    private readonly onError: (error: unknown) => void,
    private readonly maxWaitMs = Math.max(12 * quietMs, 60_000),
  ) {}

  touch(skus: string[]): void {
    const now = Date.now();
    for (const sku of skus) {
      const first = this.since.get(sku) ?? now;
      this.since.set(sku, first);
      this.due.set(sku, Math.min(now + this.quietMs, first + this.maxWaitMs));
    }
    // A timer already set is due no later than these SKUs are; moving it on would keep
    // postponing the SKUs due before them for as long as any other SKU is touched.
    if (skus.length > 0 && this.timer === undefined) this.arm(this.quietMs);
  }

  private arm(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), ms);
    this.timer.unref();
  }

  private flush(): void {
    this.timer = undefined;
    const now = Date.now();
    const ready = [...this.due].filter(([, at]) => at <= now).map(([sku]) => sku);
    for (const sku of ready) {
      this.due.delete(sku);
      this.since.delete(sku);
    }
    if (this.due.size > 0) this.arm(Math.max(1, Math.min(...this.due.values()) - now));
    if (ready.length === 0) return;
    this.running = this.running
      .then(async () => void (await this.refresh(ready)))
      .catch(this.onError);
  }

  /** Refreshes everything still waiting, and waits for refreshes in flight. */
  async drain(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const rest = [...this.due.keys()];
    this.due.clear();
    this.since.clear();
    if (rest.length > 0)
      this.running = this.running
        .then(async () => void (await this.refresh(rest)))
        .catch(this.onError);
    await this.running;
  }
}
