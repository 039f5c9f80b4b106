import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import replyFrom, { type FastifyReplyFromHooks } from '@fastify/reply-from';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
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

declare module 'fastify' {
  interface FastifyRequest {
    /** When the call to the service went out (performance.now()), for its latency. */
    forwardedAt: number;
  }
}

type Forwarder = (reply: FastifyReply, path: string) => FastifyReply;

/**
 * Forwards calls to one area's service. Everything a call needs besides its path and body is
 * built once here, so a call allocates no options or callbacks of its own.
 */
function forwarder(route: AreaRoute, options: ProxyOptions): Forwarder {
  const { service } = route;
  const base = options.upstreams[route.area];
  const breaker = options.breakers.get(service);
  const details = { details: { service } };

  const onResponse: FastifyReplyFromHooks['onResponse'] = (request, reply, upstream) => {
    const { statusCode, stream } = upstream as unknown as { statusCode: number; stream: Readable };
    const seconds = (performance.now() - request.forwardedAt) / 1000;
    options.metrics.observe(service, statusCode, seconds);
    if (UNHEALTHY.has(statusCode)) breaker?.failure();
    else breaker?.success();
    void reply.send(stream);
  };
  const onError: FastifyReplyFromHooks['onError'] = (reply, { error }) => {
    breaker?.failure();
    const timedOut = (error as { statusCode?: number }).statusCode === 504;
    options.metrics.failed(service, timedOut ? 'timeout' : 'unreachable');
    reply.request.log.warn({ service, err: error.message }, 'service call failed');
    void reply.send(
      timedOut
        ? GatewayErrors.UPSTREAM_TIMEOUT(`${service} did not answer in time`, details)
        : GatewayErrors.SERVICE_UNAVAILABLE(`${service} is unavailable`, details),
    );
  };
  const common = { rewriteRequestHeaders: rewriteHeaders, onResponse, onError };
  const retried = { ...common, retriesCount: 1 };
  const once = { ...common, retriesCount: 0 };

  return (reply, path) => {
    if (breaker !== undefined && !breaker.allow()) {
      options.metrics.failed(service, 'circuit_open');
      throw GatewayErrors.SERVICE_UNAVAILABLE(`${service} is unavailable`, details);
    }
    const request = reply.request;
    request.upstream = service;
    request.forwardedAt = performance.now();

    const callOptions = IDEMPOTENT.has(request.method) ? retried : once;
    // Bodies arrive as raw bytes and leave as they came (never re-encoded).
    const body = request.body;
    if (!Buffer.isBuffer(body)) return reply.from(base + path, callOptions);
    const contentType = request.headers['content-type'] ?? 'application/octet-stream';
    return reply.from(base + path, { ...callOptions, body, contentType });
  };
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

  app.decorateRequest('forwardedAt', 0);

  for (const route of AREAS) {
    const forward = forwarder(route, options);
    for (const probe of ['healthz', 'readyz']) {
      app.get(
        `/v1/${route.area}/${probe}`,
        { logLevel: 'silent', schema: { hide: true } },
        async (_request, reply) => forward(reply, `/${probe}`),
      );
    }

    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      const url = request.url;
      const query = url.indexOf('?');
      const checked = canonicalPath(query === -1 ? url : url.slice(0, query));
      if (!checked.ok) throw GatewayErrors.BAD_PATH(checked.reason);
      request.routeLabel = options.routeOf(request.method, checked.path) ?? null;
      return forward(reply, checked.path);
    };
    const common = { method: METHODS, bodyLimit: route.bodyLimit, schema: { hide: true }, handler };
    app.route({ ...common, url: `/v1/${route.area}` });
    app.route({ ...common, url: `/v1/${route.area}/*` });
  }
}
