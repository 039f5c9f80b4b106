export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long an open circuit refuses calls before one probe is let through. */
  cooldownMs: number;
  now?: () => number;
}

/**
 * A circuit breaker for one service. Closed: calls pass, consecutive failures are counted.
 * Open: calls are refused at once until the cool-down ends. Half-open: one probe passes;
 * its success closes the circuit, its failure opens it again.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private probeStartedAt: number | undefined;
  private current: BreakerState = 'closed';
  private readonly now: () => number;

  constructor(private readonly options: BreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  get state(): BreakerState {
    return this.current;
  }

  /** Whether a call may go out now. */
  allow(): boolean {
    if (this.current === 'closed') return true;
    const now = this.now();
    if (this.current === 'open') {
      if (now - this.openedAt < this.options.cooldownMs) return false;
      this.current = 'half-open';
      this.probeStartedAt = now;
      return true;
    }
    // A probe that never reported back (client gone) must not keep the circuit shut.
    if (this.probeStartedAt === undefined || now - this.probeStartedAt >= this.options.cooldownMs) {
      this.probeStartedAt = now;
      return true;
    }
    return false;
  }

  success(): void {
    this.failures = 0;
    this.probeStartedAt = undefined;
    this.current = 'closed';
  }

  failure(): void {
    this.failures += 1;
    if (this.current === 'half-open' || this.failures >= this.options.failureThreshold) {
      this.current = 'open';
      this.openedAt = this.now();
      this.probeStartedAt = undefined;
    }
  }
}
