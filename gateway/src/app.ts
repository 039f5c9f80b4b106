import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
} from 'fastify';
import swagger from '@fastify/swagger';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import {
  clientErrorHandler,
  CommonErrors,
  handleError,
  healthRoutes,
  parseJsonBodies,
  requestIdFor,
  type ReadinessCheck,
} from '@qm/kit';
import type { Config } from './config';
import { accessLogVia, type AccessLog } from './logger';
import { CircuitBreaker } from './domain/breaker';
import { KeyResolver } from './domain/key-cache';
import { RateCounter } from './domain/rate-counter';
import type { KeyRecord, KeyStore } from './domain/keys';
import { AREAS, type Upstreams } from './domain/routing';
import { routeMatcher } from './domain/route-templates';
import { SCOPES } from './domain/scopes';
import { authenticate } from './plugins/auth';
import { corsPreflight } from './plugins/cors';
import { limitRate, shedLoad } from './plugins/limits';
import { observability } from './plugins/observability';
import { ServiceDocs } from './adapters/service-docs';
import { RedisSharedCounts } from './adapters/shared-counts';
import { eventRoutes, type EventRoutesOptions } from './routes/events';
import { docsRoutes } from './routes/docs';
import { keyRoutes } from './routes/keys';
import { pipelineRoutes, type PipelineRoutesOptions } from './routes/pipeline';
import { proxyRoutes } from './routes/proxy';

export interface GatewayDeps {
  config: Config;
  log: Logger;
  /** Where the access-log lines go; info lines of `log` when absent. */
  accessLog?: AccessLog;
  keys: KeyStore;
  /** Where the gateways share rate-limit counts; without it each counts alone (tests). */
  redis?: Redis;
  readiness?: Record<string, ReadinessCheck>;
  metrics?: Registry;
  /** The services' API documents; by default fetched from the upstreams. */
  docs?: ServiceDocs;
  /** The clock rate-limit windows follow; tests pin it so no window ends mid-test. */
  clock?: () => number;
  /** `POST /v1/events` (scope events:write); left out when absent. */
  ingestion?: EventRoutesOptions;
  /** `GET /v1/ops/pipeline` (scope admin); left out when absent. */
  pipeline?: PipelineRoutesOptions;
}

/** Service base URLs from the configuration. */
export function upstreamsFrom(config: Config): Upstreams {
  const trim = (url: string) => url.replace(/\/+$/, '');
  return {
    forecasts: trim(config.QM_FORECASTING_URL),
    recommendations: trim(config.QM_RECOMMENDATIONS_URL),
    inventory: trim(config.QM_INVENTORY_URL),
    pricing: trim(config.QM_PRICING_URL),
    support: trim(config.QM_SUPPORT_URL),
    fraud: trim(config.QM_FRAUD_URL),
  };
}

function masterRecord(config: Config): KeyRecord {
  return {
    id: 'master',
    name: 'master',
    scopes: [...SCOPES],
    rateLimitPerMinute: config.QM_MASTER_RATE_LIMIT_PER_MINUTE,
    allowedOrigins: [],
    expiresAt: null,
    revokedAt: null,
    createdAt: new Date(0),
  };
}

/** Builds the gateway from its dependencies; `server.ts` and the tests both use it. */
export async function buildApp(deps: GatewayDeps): Promise<FastifyInstance> {
  const { config } = deps;
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    bodyLimit: config.QM_BODY_LIMIT_BYTES,
    genReqId: (req) => requestIdFor(req.headers['x-request-id']),
    // One access-log line per request is written by the observability hook instead.
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { maxParamLength: 500 },
    // A JSON body states its types: `"rateLimitPerMinute": "0x10"` is text, not 16. The
    // gateway's own routes read no numbers from query strings or paths. A field a schema
    // does not know is refused rather than dropped: `allowedOrigin` for `allowedOrigins`
    // would otherwise create a key usable from any origin.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false } },
    clientErrorHandler,
    frameworkErrors: (error, request, reply) => {
      handleError(error, request, reply as unknown as FastifyReply);
    },
  });

  app.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  // The gateway's own JSON routes (keys, events) read bodies as the services do; proxied
  // calls pass theirs on as bytes.
  parseJsonBodies(app);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => {
    const error = CommonErrors.ROUTE_NOT_FOUND(`no route for ${request.method} ${request.url}`);
    handleError(error, request, reply);
  });

  const registry = deps.metrics ?? new Registry();
  if (deps.metrics === undefined) {
    registry.setDefaultLabels({ service: 'gateway' });
    collectDefaultMetrics({ register: registry });
  }

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Quartermaster gateway', version: '0.1.0' },
    },
  });
  const upstreamMetrics = observability(app, registry, deps.accessLog ?? accessLogVia(deps.log));
  healthRoutes(app, deps.readiness ?? {});

  await shedLoad(app, config.QM_MAX_EVENT_LOOP_DELAY_MS);

  const resolver = new KeyResolver({
    lookup: (hash) => deps.keys.findByHash(hash),
    ttlMs: config.QM_KEY_CACHE_MS,
    master:
      config.QM_MASTER_KEY === ''
        ? undefined
        : { key: config.QM_MASTER_KEY, record: masterRecord(config) },
  });
  authenticate(app, resolver);
  corsPreflight(app);
  const shared =
    deps.redis === undefined
      ? undefined
      : new RedisSharedCounts(deps.redis, `${config.QM_REDIS_PREFIX}gateway:rate:`);
  limitRate(app, new RateCounter(shared, deps.clock), config.QM_RATE_SYNC_MS);

  await app.register(keyRoutes, {
    store: deps.keys,
    resolver,
    defaultRateLimitPerMinute: config.QM_DEFAULT_RATE_LIMIT_PER_MINUTE,
  });

  // The gateway's own routes; their scopes come from the scope table like every other route.
  if (deps.ingestion !== undefined) await app.register(eventRoutes, deps.ingestion);
  if (deps.pipeline !== undefined) await app.register(pipelineRoutes, deps.pipeline);

  const upstreams = upstreamsFrom(config);
  const docs =
    deps.docs ??
    new ServiceDocs(
      AREAS.map((a) => ({ area: a.area, service: a.service, url: upstreams[a.area] })),
      deps.log,
    );
  await app.register(docsRoutes, { docs });
  // Metrics label forwarded calls with the services' documented routes, kept in step with the docs.
  let routes = { version: -1, match: routeMatcher([]) };
  const routeOf = (method: string, path: string) => {
    if (routes.version !== docs.version) {
      routes = { version: docs.version, match: routeMatcher(docs.current().map((d) => d.doc)) };
    }
    return routes.match(method, path);
  };
  app.addHook('onReady', async () => {
    await docs.refresh();
    docs.start(config.QM_OPENAPI_REFRESH_MS);
  });
  app.addHook('onClose', async () => docs.stop());

  const breakers = new Map(
    AREAS.map((a) => [
      a.service,
      new CircuitBreaker({
        failureThreshold: config.QM_BREAKER_FAILURES,
        cooldownMs: config.QM_BREAKER_COOLDOWN_MS,
      }),
    ]),
  );
  await app.register(proxyRoutes, {
    upstreams,
    breakers,
    metrics: upstreamMetrics,
    timeoutMs: config.QM_UPSTREAM_TIMEOUT_MS,
    connections: config.QM_UPSTREAM_CONNECTIONS,
    routeOf,
  });

  return app;
}
