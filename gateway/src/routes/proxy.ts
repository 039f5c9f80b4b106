import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import replyFrom from '@fastify/reply-from';
import type { IncomingHttpHeaders } from 'node:http';
import { AREAS, type AreaRoute, type Upstreams } from '../domain/routing';
import { canonicalPath } from '../domain/paths';
import type { CircuitBreaker } from '../domain/breaker';
import type { UpstreamMetrics } from '../plugins/observability';
import { GatewayErrors } from '../errors';

export interface ProxyOptions {
  upstreams: Upstreams;
  breakers: Map<string, CircuitBreaker>;
  metrics: UpstreamMetrics;
  timeoutMs: number;
  connections: number;
  /** The documented route of a call, for metrics and logs. */
  routeOf: (method: string, path: string) => string | undefined;
}

const METHODS: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);
/** Statuses that mean the service itself is in trouble, not the request. */
const UNHEALTHY = new Set([502, 503, 504]);

/** The key stays at the gateway; the request id travels on. */
function rewriteHeaders(
  request: { id: string },
  headers: IncomingHttpHeaders,
): IncomingHttpHeaders {
  // reply-from hands over its own copy of the caller's headers, so it is changed in place.
  delete headers['x-api-key'];
  delete headers.authorization;
  headers['x-request-id'] = request.id;
  return headers;
}

/**
 * Forwards `/v1/<area>/...` unchanged (canonically percent-encoded) to the area's service,
 * and `/v1/<area>/healthz|readyz` to the service's own probes. Bodies are passed on as
 * bytes, within the area's body limit.
 */
export async function proxyRoutes(app: FastifyInstance, options: ProxyOptions): Promise<void> {
  await app.register(replyFrom, {
    disableRequestLogging: true,
    retryMethods: ['GET', 'HEAD', 'OPTIONS'],
    undici: {
      connections: options.connections,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    },
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
    done(null, body);
  });

  const forward = (reply: FastifyReply, route: AreaRoute, path: string): FastifyReply => {
    const { service } = route;
    const breaker = options.breakers.get(service);
    if (breaker !== undefined && !breaker.allow()) {
      options.metrics.failed(service, 'circuit_open');
      throw GatewayErrors.SERVICE_UNAVAILABLE(`${service} is unavailable`, {
        details: { service },
      });
    }
    reply.request.upstream = service;
    const started = performance.now();

    // Bodies arrive as raw bytes and leave as they came (never re-encoded).
    const body = reply.request.body;
    const raw = Buffer.isBuffer(body)
      ? { body, contentType: reply.request.headers['content-type'] ?? 'application/octet-stream' }
      : {};

    return reply.from(options.upstreams[route.area] + path, {
      ...raw,
      retriesCount: IDEMPOTENT.has(reply.request.method) ? 1 : 0,
      rewriteRequestHeaders: rewriteHeaders,
      onResponse: (_request, res, upstream) => {
        const status = (upstream as unknown as { statusCode: number }).statusCode;
        options.metrics.observe(service, status, (performance.now() - started) / 1000);
        if (UNHEALTHY.has(status)) breaker?.failure();
        else breaker?.success();
        void res.send((upstream as unknown as { stream: NodeJS.ReadableStream }).stream);
      },
      onError: (res, { error }) => {
        breaker?.failure();
        const timedOut = (error as { statusCode?: number }).statusCode === 504;
        options.metrics.failed(service, timedOut ? 'timeout' : 'unreachable');
        res.request.log.warn({ service, err: error.message }, 'service call failed');
        void res.send(
          timedOut
            ? GatewayErrors.UPSTREAM_TIMEOUT(`${service} did not answer in time`, {
                details: { service },
              })
            : GatewayErrors.SERVICE_UNAVAILABLE(`${service} is unavailable`, {
                details: { service },
              }),
        );
      },
    });
  };

  for (const route of AREAS) {
    for (const probe of ['healthz', 'readyz']) {
      app.get(
        `/v1/${route.area}/${probe}`,
        { logLevel: 'silent', schema: { hide: true } },
        async (_request, reply) => forward(reply, route, `/${probe}`),
      );
    }

    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      const url = request.url;
      const query = url.indexOf('?');
      const checked = canonicalPath(query === -1 ? url : url.slice(0, query));
      if (!checked.ok) throw GatewayErrors.BAD_PATH(checked.reason);
      request.routeLabel = options.routeOf(request.method, checked.path) ?? null;
      return forward(reply, route, checked.path);
    };
    const common = { method: METHODS, bodyLimit: route.bodyLimit, schema: { hide: true }, handler };
    app.route({ ...common, url: `/v1/${route.area}` });
    app.route({ ...common, url: `/v1/${route.area}/*` });
  }
}
