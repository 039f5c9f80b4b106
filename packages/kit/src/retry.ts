/** Options for {@link retry}. */
export interface RetryOptions {
  retries?: number;
  minDelayMs?: number;
  maxDelayMs?: number;
  /** Decides whether an error is worth another try; by default `error.retriable === true`. */
  isRetriable?: (error: unknown) => boolean;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  signal?: AbortSignal;
}

/** Raised when every attempt failed; the last failure is the `cause`. */
export class RetriesExhaustedError extends Error {
  readonly attempts: number;

  constructor(attempts: number, cause: unknown) {
    super(`gave up after ${attempts} attempts`, { cause });
    this.name = 'RetriesExhaustedError';
    this.attempts = attempts;
  }
}

const defaultIsRetriable = (error: unknown): boolean =>
  typeof error === 'object' &&
  error !== null &&
  (error as { retriable?: unknown }).retriable === true;

/** Full-jitter exponential backoff: a random delay in [0, min(max, min * 2^attempt)]. */
export function backoffDelay(attempt: number, minDelayMs: number, maxDelayMs: number): number {
  const ceiling = Math.min(maxDelayMs, minDelayMs * 2 ** attempt);
  return Math.round(Math.random() * ceiling);
}

/** Runs `task`, retrying retriable failures with exponential backoff and jitter. */
export async function retry<T>(
  task: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const retries = options.retries ?? 5;
  const minDelayMs = options.minDelayMs ?? 100;
  const maxDelayMs = options.maxDelayMs ?? 5000;
  const isRetriable = options.isRetriable ?? defaultIsRetriable;

  for (let attempt = 0; ; attempt++) {
    try {
      return await task(attempt);
    } catch (error) {
      if (!isRetriable(error)) throw error;
      if (attempt >= retries) throw new RetriesExhaustedError(attempt + 1, error);
      if (options.signal?.aborted) throw error;

      const delayMs = backoffDelay(attempt, minDelayMs, maxDelayMs);
      options.onRetry?.(error, attempt + 1, delayMs);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
