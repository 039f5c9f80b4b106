export interface RebuildTiming {
  /** Rebuild once no new interaction has arrived for this long (a bulk load has landed). */
  quietMs: number;
  /** While interactions keep arriving, rebuild at least this often. */
  maxAgeMs: number;
}

/**
 * Decides when the models are rebuilt: after new interactions, once the stream has been
 * quiet for a moment, or when the models have grown old while events keep coming. Nothing
 * new, no rebuild. One rebuild runs at a time; events that arrive during it wait for the next.
 * A rebuild that fails is tried again after a wait that doubles with each failure in a row
 * (from the quiet time up to the maximum age), so a broken store is not rebuilt from forever.
 */
export class RebuildSchedule {
  private pending = false;
  private lastEventAt = 0;
  private builtAt: number;
  private running: Promise<void> | undefined;
  private failures = 0;
  private retryAt = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly rebuild: () => Promise<unknown>,
    private readonly timing: RebuildTiming,
    private readonly onError: (error: unknown) => void,
    now = Date.now(),
  ) {
    this.builtAt = now;
    this.timer = setInterval(
      () => void this.tick(),
      Math.max(100, Math.min(timing.quietMs, 5_000)),
    );
    this.timer.unref();
  }

  /** Records that `count` new interactions were stored. */
  noteInteractions(count: number, now = Date.now()): void {
    if (count <= 0) return;
    this.pending = true;
    this.lastEventAt = now;
  }

  /** Starts a rebuild if one is due; returns it so callers (and tests) can wait for it. */
  tick(now = Date.now()): Promise<void> | undefined {
    if (!this.pending || this.running || now < this.retryAt) return undefined;
    const quiet = now - this.lastEventAt >= this.timing.quietMs;
    const old = now - this.builtAt >= this.timing.maxAgeMs;
    if (!quiet && !old) return undefined;
    this.pending = false;
    this.running = this.rebuild()
      .then(() => {
        this.builtAt = now;
        this.failures = 0;
        this.retryAt = 0;
      })
      .catch((error: unknown) => {
        this.pending = true;
        this.failures += 1;
        const wait = Math.max(this.timing.quietMs, 1_000) * 2 ** (this.failures - 1);
        this.retryAt = now + Math.min(wait, Math.max(this.timing.maxAgeMs, 1_000));
        this.onError(error);
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
