import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { AccessLog } from '../logger';

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const QUIET_ROUTES = new Set(['/metrics', '/healthz', '/readyz']);

/** Records calls to the services: latency per service and failures per reason. */
export interface UpstreamMetrics {
  observe(service: string, status: number, seconds: number): void;
  failed(service: string, reason: string): void;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The service a request was forwarded to, for logs and metrics. */
    upstream: string | null;
    /** The documented route a forwarded request matched, when known. */
    routeLabel: string | null;
  }
}

/**
 * Per-route latency and error counts, per-service latency, and one access-log line per
 * request on `access` with its request id, the key's name (never the key), method, route,
 * service (`upstream`), status and duration.
 */
export function observability(
  app: FastifyInstance,
  registry: Registry,
  access: AccessLog,
): UpstreamMetrics {
  const duration = new Histogram({
    name: 'gateway_request_duration_seconds',
    help: 'Gateway request duration by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: BUCKETS,
    registers: [registry],
  });
  const errors = new Counter({
    name: 'gateway_request_errors_total',
    help: 'Gateway responses with a 4xx or 5xx status, by route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  // `upstream` rather than `service`: the registry's default `service` label names the gateway.
  const upstream = new Histogram({
    name: 'gateway_upstream_duration_seconds',
    help: 'Time until a service answered, by service and status',
    labelNames: ['upstream', 'status'],
    buckets: BUCKETS,
    registers: [registry],
  });
  const upstreamErrors = new Counter({
    name: 'gateway_upstream_errors_total',
    help: 'Calls to a service that failed or were refused, by service and reason',
    labelNames: ['upstream', 'reason'],
    registers: [registry],
  });

  app.decorateRequest('upstream', null);
  app.decorateRequest('routeLabel', null);

  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeLabel ?? request.routeOptions.url ?? 'unmatched';
    if (QUIET_ROUTES.has(route)) return done();
    const status = reply.statusCode;
    const ms = reply.elapsedTime;
    const labels = { method: request.method, route, status: String(status) };
    duration.observe(labels, ms / 1000);
    if (status >= 400) errors.inc(labels);
    access({
      reqId: request.id,
      key: request.apiKey?.name,
      method: request.method,
      route,
      upstream: request.upstream ?? undefined,
      status,
      ms: Math.round(ms * 100) / 100,
    });
    done();
  });

  app.get('/metrics', { logLevel: 'silent', schema: { hide: true } }, async (_request, reply) => {
    void reply.type(registry.contentType);
    return registry.metrics();
  });

  return {
    observe: (service, status, seconds) =>
      upstream.observe({ upstream: service, status: String(status) }, seconds),
    failed: (service, reason) => upstreamErrors.inc({ upstream: service, reason }),
  };
}
