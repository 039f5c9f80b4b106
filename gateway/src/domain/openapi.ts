import { requiredAccess } from './scopes';

/** The parts of an OpenAPI 3 document the gateway reads and writes. */
export interface OpenApiDoc {
  openapi: string;
  info: { title: string; version: string; description?: string };
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown>; [part: string]: unknown };
  tags?: { name: string; description?: string }[];
  [extension: string]: unknown;
}

export interface Operation {
  tags?: string[];
  security?: Record<string, string[]>[];
  responses?: Record<
    string,
    { description?: string; content?: Record<string, { schema?: unknown }> }
  >;
  [field: string]: unknown;
}

/** One service's document, or undefined while the service has not answered. */
export interface ServiceDoc {
  area: string;
  service: string;
  doc: OpenApiDoc | undefined;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
const WITH_BODY = new Set(['post', 'put', 'patch']);
const ERROR_REF = { $ref: '#/components/schemas/Error' };

const ERROR_SCHEMA = {
  type: 'object',
  description: 'An error',
  required: ['statusCode', 'code', 'error', 'message'],
  properties: {
    statusCode: { type: 'integer' },
    code: { type: 'string' },
    error: { type: 'string' },
    message: { type: 'string' },
    field: { type: 'string' },
    requestId: { type: 'string' },
    details: {},
  },
};

const GATEWAY_ERRORS: Record<string, string> = {
  '401': 'No API key, or one that is unknown, revoked or expired',
  '403': 'The key lacks the required scope, or may not be used from this origin',
  '429': 'The key made too many requests this minute; see Retry-After',
  '503': 'The service is unavailable (named in the message) or the gateway is overloaded',
};

/** `/v1/items/{id}` as a concrete path, so the scope table can judge it. */
function concrete(path: string): string {
  return path.replace(/\{[^}]+\}/g, 'x');
}

function errorResponse(description: string) {
  return { description, content: { 'application/json': { schema: ERROR_REF } } };
}

/** Adds the scope, the security requirement and the gateway's own error answers. */
function annotate(method: string, path: string, operation: Operation, tag: string): Operation {
  const access = requiredAccess(method.toUpperCase(), concrete(path));
  const out: Operation = { ...operation, responses: { ...operation.responses } };
  if (out.tags === undefined || out.tags.length === 0) out.tags = [tag];
  if (access.kind === 'public') return out;

  out.security = [{ apiKey: [] }, { bearer: [] }];
  if (access.kind === 'scope') out['x-required-scope'] = access.scope;
  const responses = out.responses ?? {};
  for (const [status, description] of Object.entries(GATEWAY_ERRORS)) {
    responses[status] ??= errorResponse(description);
  }
  if (WITH_BODY.has(method)) responses['413'] ??= errorResponse('The body is over the limit');
  responses['400'] ??= errorResponse('The request or its path is not valid');
  out.responses = responses;
  return out;
}

/** Prefixes a document's component names so two services' schemas cannot collide. */
function prefixComponents(doc: OpenApiDoc, prefix: string): OpenApiDoc {
  const schemas = doc.components?.schemas;
  if (schemas === undefined || Object.keys(schemas).length === 0) return doc;
  const text = JSON.stringify(doc).replace(
    /"#\/components\/schemas\/([^"]+)"/g,
    (_match, name: string) => `"#/components/schemas/${prefix}.${name}"`,
  );
  const renamed = JSON.parse(text) as OpenApiDoc;
  const prefixed: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(renamed.components?.schemas ?? {})) {
    prefixed[`${prefix}.${name}`] = schema;
  }
  return { ...renamed, components: { ...renamed.components, schemas: prefixed } };
}

/**
 * One document for the whole API: the gateway's own routes and every service's routes
 * under its area, each annotated with the scope it needs and the gateway's error answers.
 * A service that has not answered yet is listed in `x-services` as unavailable.
 */
export function mergeDocs(gateway: OpenApiDoc, services: ServiceDoc[]): OpenApiDoc {
  const paths: Record<string, Record<string, Operation>> = {};
  const schemas: Record<string, unknown> = { Error: ERROR_SCHEMA };
  const tags = new Map<string, { name: string; description?: string }>();

  const take = (doc: OpenApiDoc, tag: string, keep: (path: string) => boolean) => {
    for (const t of doc.tags ?? []) if (!tags.has(t.name)) tags.set(t.name, t);
    Object.assign(schemas, doc.components?.schemas ?? {});
    for (const [path, item] of Object.entries(doc.paths ?? {})) {
      if (!keep(path)) continue;
      const merged: Record<string, Operation> = { ...paths[path] };
      for (const [method, operation] of Object.entries(item)) {
        merged[method] = METHODS.includes(method)
          ? annotate(method, path, operation, tag)
          : operation;
      }
      paths[path] = merged;
    }
  };

  take(gateway, 'gateway', () => true);
  for (const { area, service, doc } of services) {
    if (doc === undefined) continue;
    const prefix = `/v1/${area}`;
    take(
      prefixComponents(doc, service),
      service,
      (p) => p === prefix || p.startsWith(`${prefix}/`),
    );
  }

  return {
    openapi: '3.0.3',
    info: {
      title: 'Quartermaster API',
      version: gateway.info.version,
      description:
        'Every route of every service, through the gateway. Send the API key in `x-api-key` ' +
        '(or `Authorization: Bearer`); `x-required-scope` names the scope each route needs.',
    },
    tags: [...tags.values()],
    paths,
    components: {
      schemas,
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        bearer: { type: 'http', scheme: 'bearer' },
      },
    },
    'x-services': services.map((s) => ({
      service: s.service,
      area: s.area,
      available: s.doc !== undefined,
    })),
  };
}

/** `METHOD path` of every operation without a schema for a successful answer. */
export function operationsWithoutResponseSchema(doc: OpenApiDoc): string[] {
  const missing: string[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.includes(method)) continue;
      const ok = Object.entries(operation.responses ?? {}).some(([status, response]) => {
        if (!/^2\d\d$/.test(status)) return false;
        if (status === '204') return true;
        return Object.values(response.content ?? {}).some((c) => c.schema !== undefined);
      });
      if (!ok) missing.push(`${method.toUpperCase()} ${path}`);
    }
  }
  return missing;
}
