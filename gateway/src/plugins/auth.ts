import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppError } from '@qm/kit';
import { keyFromHeaders, keyProblem, type KeyRecord } from '../domain/keys';
import type { KeyResolver } from '../domain/key-cache';
import { hasScope, requiredAccess, type Access } from '../domain/scopes';
import { GatewayErrors } from '../errors';
import { allowOrigin } from './cors';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller's key once authenticated; null on public routes. */
    apiKey: KeyRecord | null;
  }
}

function pathOf(request: FastifyRequest): string {
  const url = request.url;
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/**
 * A call without a known key is refused readably for browser code too: no key means no origin
 * list to check, and the refusal tells nothing that a preflight (answered for any origin) does
 * not, while without the header a storefront with a mistyped key sees only a network error.
 */
function refuseUnknown(request: FastifyRequest, reply: FastifyReply, error: AppError): AppError {
  const origin = request.headers.origin;
  if (origin !== undefined) allowOrigin(reply, origin);
  return error;
}

/** Why a request with this key may not go on, if it may not; else it is let in. */
function admit(
  request: FastifyRequest,
  reply: FastifyReply,
  access: Access,
  record: KeyRecord | undefined,
): AppError | undefined {
  if (record === undefined) return refuseUnknown(request, reply, GatewayErrors.INVALID_API_KEY());

  // Set first, so that browser code can also read why its call was refused.
  const origin = request.headers.origin;
  const bound = origin !== undefined && record.allowedOrigins.length > 0;
  if (bound && record.allowedOrigins.includes(origin)) allowOrigin(reply, origin);

  const problem = keyProblem(record, new Date());
  if (problem !== undefined) return GatewayErrors[problem]();
  request.apiKey = record;

  if (access.kind === 'scope' && !hasScope(record.scopes, access.scope)) {
    return GatewayErrors.MISSING_SCOPE(`this call needs the scope ${access.scope}`, {
      details: { requiredScope: access.scope },
    });
  }

  if (bound && !record.allowedOrigins.includes(origin)) {
    return GatewayErrors.ORIGIN_NOT_ALLOWED(`the API key may not be used from ${origin}`);
  }
  return undefined;
}

/**
 * Authenticates every request that the scope table does not mark public, then checks the
 * scope and, for keys bound to browser origins, the `Origin` header. A key looked up within
 * the cache time is checked at once; only the others wait for the store.
 */
export function authenticate(app: FastifyInstance, resolver: KeyResolver): void {
  app.decorateRequest('apiKey', null);

  app.addHook('onRequest', (request, reply, done) => {
    const access = requiredAccess(request.method, pathOf(request));
    if (access.kind === 'public') return done();

    const key = keyFromHeaders(request.headers['x-api-key'], request.headers.authorization);
    if (key === undefined)
      return done(refuseUnknown(request, reply, GatewayErrors.MISSING_API_KEY()));

    const known = resolver.known(key);
    if (known !== undefined) return done(admit(request, reply, access, known.record));
    resolver.resolve(key).then(
      (record) => done(admit(request, reply, access, record)),
      (error: Error) => done(error),
    );
  });
}
