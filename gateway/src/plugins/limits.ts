import type { FastifyInstance } from 'fastify';
import underPressure from '@fastify/under-pressure';
import { AppError } from '@qm/kit';
import type { RateCounter } from '../domain/rate-counter';
import { GatewayErrors } from '../errors';

/** Seconds a shed request is asked to wait: a lagging event loop catches up within that. */
const SHED_RETRY_AFTER_SECONDS = 5;

/** The refusal of a request shed while the event loop lags (logged at warn, as chosen). */
export class OverloadedError extends AppError {
  constructor() {
    super('OVERLOADED', 503, 'the gateway is overloaded, retry shortly', {
      retryAfter: SHED_RETRY_AFTER_SECONDS,
    });
  }
}

/** Sheds load when the event loop lags, before any other work is done. */
export async function shedLoad(app: FastifyInstance, maxEventLoopDelayMs: number): Promise<void> {
  await app.register(underPressure, {
    maxEventLoopDelay: maxEventLoopDelayMs,
    retryAfter: SHED_RETRY_AFTER_SECONDS,
    customError: OverloadedError,
  });
}

/**
 * Requests per minute per key, answered from the gateway's own count and shared with the
 * other gateways through Redis every `syncMs` (see `RateCounter` for the bound on overshoot).
 * When Redis fails each gateway keeps counting alone: the limit protects the services, it
 * must not stop them. Runs after authentication; calls without a key are not counted.
 */
export function limitRate(app: FastifyInstance, counter: RateCounter, syncMs: number): void {
  let failing = false;
  const sync = () => {
    counter.sync().then(
      () => {
        if (failing) app.log.info('rate-limit counts shared again');
        failing = false;
      },
      (error: unknown) => {
        if (!failing) app.log.warn({ err: error }, 'rate-limit counts not shared, counting alone');
        failing = true;
      },
    );
  };
  const timer = setInterval(sync, syncMs).unref();
  app.addHook('onClose', async () => clearInterval(timer));

  app.addHook('onRequest', (request, reply, done) => {
    const key = request.apiKey;
    if (key === null) return done();

    const limit = key.rateLimitPerMinute;
    const left = counter.take(key.id, limit);
    const reset = counter.resetSeconds();
    void reply
      .header('ratelimit-limit', limit)
      .header('ratelimit-remaining', Math.max(left, 0))
      .header('ratelimit-reset', reset);
    if (left >= 0) return done();

    void reply.header('retry-after', reset);
    done(
      GatewayErrors.RATE_LIMITED(
        `the key's limit of ${limit} requests per minute is reached, retry in ${reset} s`,
      ),
    );
  });
}
