export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long an open circuit refuses calls before one probe is let through. */
  cooldownMs: number;
  now?: () => number;
}

/** What one call says about its service's health. */
export type CallOutcome = 'success' | 'failure' | 'inconclusive';

/**
 * What a service's answer says of its health. A 5xx means the service is in trouble, but a
 * 503 with `Retry-After` is the service shedding load on purpose: alive, and asking this
 * caller to come back later, not every caller to stay away.
 */
export function answerOutcome(status: number, retryAfter: unknown): CallOutcome {
  if (status < 500) return 'success';
  return status === 503 && retryAfter !== undefined ? 'inconclusive' : 'failure';
}

/**
 * What a call that got no answer says: a refused or reset connection is a failure; the
 * gateway's own timeout is not, since one long call within the documented limits (a heavy
 * forecast batch, a long voice file) says nothing of the calls beside it.
 */
export function noAnswerOutcome(timedOut: boolean): CallOutcome {
  return timedOut ? 'inconclusive' : 'failure';
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

  /** Records a call's outcome; an inconclusive one neither counts nor clears failures. */
  record(outcome: CallOutcome): void {
    switch (outcome) {
      case 'success':
        this.success();
        return;
      case 'failure':
        this.failure();
        return;
      case 'inconclusive':
        // A probe that ended without a verdict frees the way for the next call to probe.
        this.probeStartedAt = undefined;
        return;
    }
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
