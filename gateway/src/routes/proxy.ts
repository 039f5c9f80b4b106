import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { AREAS, type AreaRoute, type Upstreams } from '../domain/routing';
import { canonicalPath } from '../domain/paths';
import { answerOutcome, noAnswerOutcome, type CircuitBreaker } from '../domain/breaker';
import type { UpstreamMetrics } from '../plugins/observability';
import { ServiceClient, type AnswerHandler } from '../adapters/service-client';
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

/** Headers of one hop only, never passed on (RFC 9110 section 7.6.1), and `expect`. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
]);
/** Also kept from the service: the caller's key, and the gateway's own host. */
const NOT_FORWARDED = new Set([...HOP_BY_HOP, 'host', 'x-api-key', 'authorization']);

/**
 * The headers a service receives: the caller's, less those of this hop (and any the caller's
 * `Connection` header names), the key, and the host; plus the request id.
 */
export function forwardedHeaders(headers: IncomingHttpHeaders, id: string): IncomingHttpHeaders {
  const named = headers.connection;
  const dropped =
    named === undefined || named === 'keep-alive' || named === 'close'
      ? undefined
      : new Set(named.toLowerCase().split(/\s*,\s*/));
  const out: IncomingHttpHeaders = {};
  for (const name in headers) {
    if (NOT_FORWARDED.has(name) || dropped?.has(name) === true) continue;
    out[name] = headers[name];
  }
  out['x-request-id'] = id;
  return out;
}

/**
 * What one area does with its service's answers: count them, tell the breaker, and send
 * them to the caller. Built once per area; each call passes its reply.
 */
function answers(
  service: string,
  breaker: CircuitBreaker | undefined,
  metrics: UpstreamMetrics,
): AnswerHandler<FastifyReply> {
  const details = { details: { service } };
  return {
    answered(reply, status, headers, body: Buffer | Readable) {
      const seconds = (performance.now() - reply.request.forwardedAt) / 1000;
      metrics.observe(service, status, seconds);
      breaker?.record(answerOutcome(status, headers['retry-after']));
      void reply.code(status);
      for (const name in headers) {
        if (!HOP_BY_HOP.has(name)) void reply.header(name, headers[name]);
      }
      void reply.send(body);
    },
    failed(reply, error, timedOut) {
      breaker?.record(noAnswerOutcome(timedOut));
      metrics.failed(service, timedOut ? 'timeout' : 'unreachable');
      reply.request.log.warn({ service, err: error.message }, 'service call failed');
      void reply.send(
        timedOut
          ? GatewayErrors.UPSTREAM_TIMEOUT(`${service} did not answer in time`, details)
          : GatewayErrors.SERVICE_UNAVAILABLE(`${service} is unavailable`, details),
      );
    },
  };
}

declare module 'fastify' {
  interface FastifyRequest {
    /** When the call to the service went out (performance.now()), for its latency. */
    forwardedAt: number;
  }
}

type Forwarder = (request: FastifyRequest, reply: FastifyReply, path: string) => void;

/**
 * Forwards calls to one area's service; everything but the call itself is built once. The
 * second forwarder, for the service's health probes, neither asks nor tells the breaker: a
 * readiness answer of 503 is the service speaking, and a monitor polling it must neither
 * open the circuit for every caller nor be refused while it is open.
 */
function forwarder(route: AreaRoute, options: ProxyOptions): [Forwarder, Forwarder, ServiceClient] {
  const { service } = route;
  const breaker = options.breakers.get(service);
  const client = new ServiceClient(options.upstreams[route.area], {
    connections: options.connections,
    timeoutMs: options.timeoutMs,
  });
  const handler = answers(service, breaker, options.metrics);
  const probeHandler = answers(service, undefined, options.metrics);
  const details = { details: { service } };

  const send = (
    request: FastifyRequest,
    reply: FastifyReply,
    path: string,
    to: AnswerHandler<FastifyReply>,
  ) => {
    request.upstream = service;
    request.forwardedAt = performance.now();
    const method = request.method as Dispatcher.HttpMethod;
    // Bodies arrive as raw bytes and leave as they came (never re-encoded).
    const body = Buffer.isBuffer(request.body) ? request.body : null;
    const headers = forwardedHeaders(request.headers, request.id);
    const call = { method, path, headers, body, retry: IDEMPOTENT.has(method) };
    client.forward(call, to, reply);
  };
  const forward: Forwarder = (request, reply, path) => {
    if (breaker !== undefined && !breaker.allow()) {
      options.metrics.failed(service, 'circuit_open');
      throw GatewayErrors.SERVICE_UNAVAILABLE(`${service} is unavailable`, details);
    }
    send(request, reply, path, handler);
  };
  const forwardProbe: Forwarder = (request, reply, path) =>
    send(request, reply, path, probeHandler);
  return [forward, forwardProbe, client];
}

/**
 * Forwards `/v1/<area>/...` unchanged (canonically percent-encoded) to the area's service,
 * and `/v1/<area>/healthz|readyz` to the service's own probes. Bodies are passed on as
 * bytes, within the area's body limit.
 */
export async function proxyRoutes(app: FastifyInstance, options: ProxyOptions): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
    done(null, body);
  });

  app.decorateRequest('forwardedAt', 0);

  for (const route of AREAS) {
    const [forward, forwardProbe, client] = forwarder(route, options);
    app.addHook('onClose', async () => client.close());

    for (const probe of ['healthz', 'readyz']) {
      app.get(
        `/v1/${route.area}/${probe}`,
        { logLevel: 'silent', schema: { hide: true } },
        (request, reply) => forwardProbe(request, reply, `/${probe}`),
      );
    }

    // Not async: the answer is sent from the client's callbacks, so no promise is needed.
    const handler = (request: FastifyRequest, reply: FastifyReply) => {
      const url = request.url;
      const query = url.indexOf('?');
      const checked = canonicalPath(query === -1 ? url : url.slice(0, query));
      if (!checked.ok) throw GatewayErrors.BAD_PATH(checked.reason);
      request.routeLabel = options.routeOf(request.method, checked.path) ?? null;
      forward(request, reply, query === -1 ? checked.path : checked.path + url.slice(query));
    };
    const common = { method: METHODS, bodyLimit: route.bodyLimit, schema: { hide: true }, handler };
    app.route({ ...common, url: `/v1/${route.area}` });
    app.route({ ...common, url: `/v1/${route.area}/*` });
  }
}
