import { DEFAULT_RETRY_AFTER_SECONDS } from '@qm/kit';
import { SupportErrors } from '../errors';
import type { Transcriber } from './transcriber';

export interface TranscriberLimits {
  /** Recognitions running at once: each is one recogniser process on a core. */
  concurrency: number;
  /** Recordings that may wait for a free slot; more are refused at once. */
  queue: number;
  /** How long a recording may wait for a slot before it is refused. */
  waitMs: number;
}

/**
 * Runs at most `concurrency` recognitions at once, with a short wait queue. A recording
 * that finds the queue full, or waits longer than `waitMs`, is a 503 RECOGNISER_BUSY
 * (with Retry-After), answered well before the gateway gives up on the request.
 */
export function limitTranscriber(inner: Transcriber, limits: TranscriberLimits): Transcriber {
  // A recognition takes seconds, so a slot is likely free after the default wait.
  const retryAfter = DEFAULT_RETRY_AFTER_SECONDS;
  const busy = () => SupportErrors.RECOGNISER_BUSY(undefined, { retryAfter });
  let running = 0;
  const waiting: (() => void)[] = [];

  function acquire(): Promise<void> {
    if (running < limits.concurrency) {
      running++;
      return Promise.resolve();
    }
    if (waiting.length >= limits.queue) return Promise.reject(busy());
    return new Promise((resolve, reject) => {
      const grant = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        waiting.splice(waiting.indexOf(grant), 1);
        reject(busy());
      }, limits.waitMs);
      waiting.push(grant);
    });
  }

  function release(): void {
    const next = waiting.shift();
    // The slot passes straight to the next in line, so `running` stays as it is.
    if (next) next();
    else running--;
  }

  return {
    async transcribe(wav) {
      await acquire();
      try {
        return await inner.transcribe(wav);
      } finally {
        release();
      }
    },
  };
}
