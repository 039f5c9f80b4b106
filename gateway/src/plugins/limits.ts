import type { FastifyInstance } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import cors from '@fastify/cors';
import type { Redis } from 'ioredis';
import { AppError } from '@qm/kit';
import { GatewayErrors } from '../errors';

export interface LimitOptions {
  /** Shared counters for every gateway; without it counts are per process (tests). */
  redis?: Redis;
  redisPrefix: string;
  maxEventLoopDelayMs: number;
}

class OverloadedError extends AppError {
  constructor() {
    super('OVERLOADED', 503, 'the gateway is overloaded, retry shortly');
  }
}

/** Sheds load when the event loop lags, before any other work is done. */
export async function shedLoad(app: FastifyInstance, options: LimitOptions): Promise<void> {
  await app.register(underPressure, {
    maxEventLoopDelay: options.maxEventLoopDelayMs,
    retryAfter: 5,
    customError: OverloadedError,
  });
}

/**
 * Browser access for keys bound to origins. A preflight carries no key, so it is answered
 * for any origin; the real request is refused (403) unless the key allows its origin, and
 * only then carries `access-control-allow-origin`.
 */
export async function allowOrigins(app: FastifyInstance): Promise<void> {
  await app.register(cors, {
    hook: 'preHandler',
    delegator: (request, callback) => {
      const allowed = request.apiKey?.allowedOrigins ?? [];
      const origin = request.headers.origin;
      const preflight = request.method === 'OPTIONS';
      callback(null, {
        origin: preflight || (origin !== undefined && allowed.includes(origin)) ? origin : false,
        allowedHeaders: ['content-type', 'x-api-key', 'authorization', 'x-request-id'],
        exposedHeaders: ['x-request-id', 'retry-after', 'ratelimit-limit', 'ratelimit-remaining'],
        maxAge: 600,
      });
    },
  });
}

/**
 * Requests per minute per key, counted in Redis so every gateway shares the count. When
 * Redis fails, requests pass: the limit protects the services, it must not stop them.
 */
export async function limitRate(app: FastifyInstance, options: LimitOptions): Promise<void> {
  await app.register(rateLimit, {
    hook: 'preParsing',
    timeWindow: 60_000,
    max: (request) => request.apiKey?.rateLimitPerMinute ?? 1,
    keyGenerator: (request) => request.apiKey?.id ?? request.ip,
    allowList: (request) => request.apiKey === null,
    enableDraftSpec: true,
    skipOnError: true,
    nameSpace: `${options.redisPrefix}gateway:rate:`,
    ...(options.redis === undefined ? {} : { redis: options.redis }),
    errorResponseBuilder: (_request, context) =>
      GatewayErrors.RATE_LIMITED(
        `the key's limit of ${context.max} requests per minute is reached, retry in ${context.after}`,
      ),
  });
}
