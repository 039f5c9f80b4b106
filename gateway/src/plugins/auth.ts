import type { FastifyInstance, FastifyRequest } from 'fastify';
import { keyFromHeaders, keyProblem, type KeyRecord } from '../domain/keys';
import type { KeyResolver } from '../domain/key-cache';
import { hasScope, requiredAccess } from '../domain/scopes';
import { GatewayErrors } from '../errors';

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
 * Authenticates every request that the scope table does not mark public, then checks the
 * scope and, for keys bound to browser origins, the `Origin` header.
 */
export function authenticate(app: FastifyInstance, resolver: KeyResolver): void {
  app.decorateRequest('apiKey', null);

  app.addHook('onRequest', async (request) => {
    const access = requiredAccess(request.method, pathOf(request));
    if (access.kind === 'public') return;

    const key = keyFromHeaders(request.headers['x-api-key'], request.headers.authorization);
    if (key === undefined) throw GatewayErrors.MISSING_API_KEY();

    const record = await resolver.resolve(key);
    if (record === undefined) throw GatewayErrors.INVALID_API_KEY();
    const problem = keyProblem(record, new Date());
    if (problem !== undefined) throw GatewayErrors[problem]();
    request.apiKey = record;

    if (access.kind === 'scope' && !hasScope(record.scopes, access.scope)) {
      throw GatewayErrors.MISSING_SCOPE(`this call needs the scope ${access.scope}`, {
        details: { requiredScope: access.scope },
      });
    }

    const origin = request.headers.origin;
    if (origin !== undefined && record.allowedOrigins.length > 0) {
      if (!record.allowedOrigins.includes(origin)) {
        throw GatewayErrors.ORIGIN_NOT_ALLOWED(`the API key may not be used from ${origin}`);
      }
    }
  });
}
