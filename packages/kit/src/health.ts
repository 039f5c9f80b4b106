import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';

/** A readiness check: resolves when the dependency answers, throws when it does not. */
export type ReadinessCheck = () => Promise<unknown>;

const CHECK_TIMEOUT_MS = 1500;

async function withTimeout(check: ReadinessCheck): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer in ${CHECK_TIMEOUT_MS} ms`)),
      CHECK_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([check(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const HealthResponse = Type.Object({ status: Type.Literal('ok') });
const ReadyResponse = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('unavailable')]),
  failing: Type.Array(Type.String()),
  checks: Type.Record(Type.String(), Type.String()),
});

/** `/healthz` (the process is alive) and `/readyz` (every dependency answers). */
export function healthRoutes(app: FastifyInstance, checks: Record<string, ReadinessCheck>): void {
  app.get(
    '/healthz',
    { logLevel: 'silent', schema: { hide: true, response: { 200: HealthResponse } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      logLevel: 'silent',
      schema: { hide: true, response: { 200: ReadyResponse, 503: ReadyResponse } },
    },
    async (_request, reply) => {
      const names = Object.keys(checks);
      const outcomes = await Promise.allSettled(names.map((n) => withTimeout(checks[n])));
      const results: Record<string, string> = {};
      const failing: string[] = [];
      outcomes.forEach((outcome, i) => {
        const name = names[i];
        if (outcome.status === 'fulfilled') {
          results[name] = 'ok';
        } else {
          failing.push(name);
          const reason = outcome.reason as Error | undefined;
          results[name] = `down: ${reason?.message ?? 'unknown error'}`;
        }
      });
      if (failing.length > 0) {
        void reply.status(503);
        return { status: 'unavailable' as const, failing, checks: results };
      }
      return { status: 'ready' as const, failing, checks: results };
    },
  );
}
