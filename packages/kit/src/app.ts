import { AjvCompiler } from '@fastify/ajv-compiler';
import { randomUUID } from 'node:crypto';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyBaseLogger,
  type RawServerDefault,
} from 'fastify';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import type { Logger } from 'pino';
import { handleError } from './error-handler';
import { healthRoutes, type ReadinessCheck } from './health';
import { createMetricsRegistry, metricsRoutes } from './metrics';
import { CommonErrors } from './errors';
import { mayHoldNonFinite, nonFinitePath, parseJsonBodies } from './json-body';
import { integerFields, nonDecimalField } from './text-integers';
import { clientErrorHandler } from './server';
import { isKitLogger } from './logger';
import { RequestLines } from './request-log';

/** A Fastify instance whose routes take TypeBox schemas. */
export type ServiceApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export interface ServiceAppOptions {
  /** Short name, used in logs, metrics and the OpenAPI title. */
  name: string;
  description?: string;
  version?: string;
  logger: Logger;
  bodyLimit?: number;
  /** Dependencies checked by `/readyz`, by name (`postgres`, `redis`, `kafka`). */
  readiness?: Record<string, ReadinessCheck>;
  metrics?: Registry;
  /** OpenAPI tags with their descriptions. */
  tags?: { name: string; description: string }[];
}

/** What a service's app takes from its server besides the service's own parts. */
export interface ServiceAppDeps {
  /** The registry `/metrics` serves; the consumers' counts are in the one of `openConnections`. */
  metrics?: Registry;
  log: Logger;
  bodyLimit?: number;
  /** Dependencies checked by `/readyz`, by name. */
  readiness?: Record<string, ReadinessCheck>;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Reuses a well-formed `x-request-id` from the caller, or makes one. */
export function requestIdFor(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && REQUEST_ID.test(value) ? value : randomUUID();
}

interface BadField {
  where: string;
  name: string;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * The first query or path field holding a number that is not finite, or text with a control
 * character (a NUL cannot be stored as text, and no id or filter means one).
 */
function nonFiniteField(values: unknown, where: string): BadField | undefined {
  if (values === null || typeof values !== 'object') return undefined;
  for (const [name, value] of Object.entries(values)) {
    const items: unknown[] = Array.isArray(value) ? value : [value];
    const bad = items.some(
      (v) =>
        (typeof v === 'number' && !Number.isFinite(v)) ||
        (typeof v === 'string' && CONTROL.test(v)),
    );
    if (bad) return { where, name };
  }
  return undefined;
}

function textField(values: unknown, schema: unknown, where: string): BadField | undefined {
  const name = nonDecimalField(values, integerFields(schema));
  return name === undefined ? undefined : { where, name };
}

function bodyField(path: string | undefined): BadField | undefined {
  return path === undefined ? undefined : { where: 'body', name: path };
}

const validators = AjvCompiler();
const AJV_OPTIONS = { allErrors: false, removeAdditional: false, useDefaults: true };
/** Query strings, paths and headers are text: their numbers and booleans are read from it. */
const textValidator = validators({}, { customOptions: { ...AJV_OPTIONS, coerceTypes: 'array' } });
/** A JSON body states its types: `"horizon": "7"` is a string, not a number. */
const strictValidator = validators({}, { customOptions: { ...AJV_OPTIONS, coerceTypes: false } });

/**
 * Builds a service's Fastify app with the shared behaviour: request ids, one error shape,
 * OpenAPI at `/openapi.json`, health, readiness and metrics. Register routes on the result.
 */
export async function createServiceApp(options: ServiceAppOptions): Promise<ServiceApp> {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    ...(isKitLogger(options.logger) ? { logController: new RequestLines() } : {}),
    bodyLimit: options.bodyLimit ?? 1_048_576,
    genReqId: (req) => requestIdFor(req.headers['x-request-id']),
    routerOptions: { maxParamLength: 500 },
    clientErrorHandler,
    frameworkErrors: (error, request, reply) => {
      handleError(error, request, reply as unknown as FastifyReply);
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler((route) =>
    route.httpPart === 'body' ? strictValidator(route) : textValidator(route),
  );
  // The hooks every call runs take callbacks: an async hook costs a promise and a turn of
  // the microtask queue per call.
  app.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });

  parseJsonBodies(app);
  app.addHook('preValidation', (request, _reply, done) => {
    // Checked before Ajv coerces the text, which would read `0x10` or `1e1` as a number.
    const schema = request.routeOptions.schema;
    const field =
      textField(request.query, schema?.querystring, 'querystring') ??
      textField(request.params, schema?.params, 'params');
    if (field === undefined) return done();
    done(
      CommonErrors.VALIDATION_FAILED(
        `${field.where}.${field.name} must be an integer in decimal digits`,
        { field: field.name },
      ),
    );
  });
  app.addHook('preHandler', (request, _reply, done) => {
    // Ajv turns `"Infinity"` or `1e400` into Infinity and then skips the range checks.
    const field =
      nonFiniteField(request.query, 'querystring') ??
      nonFiniteField(request.params, 'params') ??
      (mayHoldNonFinite.has(request) ? bodyField(nonFinitePath(request.body)) : undefined);
    if (field === undefined) return done();
    done(
      CommonErrors.VALIDATION_FAILED(`${field.where}.${field.name} is not valid`, {
        field: field.name,
      }),
    );
  });
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => {
    handleError(
      CommonErrors.ROUTE_NOT_FOUND(`no route for ${request.method} ${request.url}`),
      request,
      reply,
    );
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: `Quartermaster ${options.name}`,
        description: options.description ?? '',
        version: options.version ?? '0.1.0',
      },
      tags: options.tags ?? [],
    },
  });

  app.get('/openapi.json', { schema: { hide: true }, logLevel: 'silent' }, async () =>
    app.swagger(),
  );
  healthRoutes(app, options.readiness ?? {});
  metricsRoutes(app, options.metrics ?? createMetricsRegistry(options.name));
  return app;
}
