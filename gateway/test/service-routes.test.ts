import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { operationsWithoutResponseSchema, type OpenApiDoc } from '../src/domain/openapi';

const SERVICES_DIR = join(__dirname, '..', '..', 'services');

/**
 * Stands in for any dependency: every property is another stand-in and every call returns
 * one. Building an app only registers routes, so the handlers' dependencies go unused.
 */
function standIn(): unknown {
  const target = function standInFn() {
    return undefined;
  };
  return new Proxy(target, {
    get: (_t, prop) => (prop === 'then' ? undefined : standIn()),
    apply: () => standIn(),
  });
}

function depsFor(): unknown {
  const log = pino({ level: 'silent' });
  const known: Record<string, unknown> = { log, logger: log, readiness: {} };
  return new Proxy(
    {},
    {
      get: (_t, prop) => {
        if (typeof prop !== 'string') return undefined;
        if (prop in known) return known[prop];
        if (/limit|bytes|ms|seconds|threshold|sentiment/i.test(prop)) return undefined;
        return standIn();
      },
    },
  );
}

const services = readdirSync(SERVICES_DIR).filter((name) =>
  existsSync(join(SERVICES_DIR, name, 'src', 'app.ts')),
);

describe('every route of every service declares its answers', () => {
  it.each(services)('%s documents a response schema for each route', async (name) => {
    const module = (await import(join(SERVICES_DIR, name, 'src', 'app.ts'))) as {
      buildApp: (deps: unknown) => Promise<FastifyInstance>;
    };
    const app = await module.buildApp(depsFor());
    try {
      await app.ready();
      const doc = app.swagger() as unknown as OpenApiDoc;
      expect(Object.keys(doc.paths ?? {}).length).toBeGreaterThan(0);
      expect(operationsWithoutResponseSchema(doc)).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
