import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { errorResponses } from '@qm/kit';
import { createKey, type KeyRecord, type KeyStore } from '../domain/keys';
import type { KeyResolver } from '../domain/key-cache';
import { CreateKeyBody, CreatedKey, KeyIdParams, KeyList, KeyView } from '../schemas/keys';
import { GatewayErrors } from '../errors';

export interface KeyRoutesOptions {
  store: KeyStore;
  resolver: KeyResolver;
  defaultRateLimitPerMinute: number;
}

function view(record: KeyRecord) {
  return {
    ...record,
    expiresAt: record.expiresAt?.toISOString() ?? null,
    revokedAt: record.revokedAt?.toISOString() ?? null,
    createdAt: record.createdAt.toISOString(),
  };
}

const tags = ['admin'];
const denied = errorResponses(401, 403, 429);

/** `POST /v1/admin/keys`, `GET /v1/admin/keys`, `DELETE /v1/admin/keys/{id}` (scope admin). */
export async function keyRoutes(app: FastifyInstance, options: KeyRoutesOptions): Promise<void> {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.post(
    '/v1/admin/keys',
    {
      schema: {
        tags,
        summary: 'Create an API key (the key is shown once)',
        body: CreateKeyBody,
        response: { 201: CreatedKey, ...errorResponses(400), ...denied },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const { record, key } = await createKey(options.store, {
        name: body.name,
        scopes: body.scopes,
        rateLimitPerMinute: body.rateLimitPerMinute ?? options.defaultRateLimitPerMinute,
        allowedOrigins: body.allowedOrigins ?? [],
        expiresAt: body.expiresAt === undefined ? null : new Date(body.expiresAt),
      });
      void reply.status(201);
      return { ...view(record), key };
    },
  );

  api.get(
    '/v1/admin/keys',
    { schema: { tags, summary: 'List API keys', response: { 200: KeyList, ...denied } } },
    async () => ({ keys: (await options.store.list()).map(view) }),
  );

  // A revocation has no body; clients that send a JSON content type with none are answered.
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (request.method === 'DELETE' && text === '') done(null, undefined);
    else void json(request, text, done);
  });

  api.delete(
    '/v1/admin/keys/:id',
    {
      schema: {
        tags,
        summary: 'Revoke an API key (takes effect within 5 s on every gateway)',
        params: KeyIdParams,
        response: { 200: KeyView, ...errorResponses(400, 404), ...denied },
      },
    },
    async (request) => {
      const record = await options.store.revoke(request.params.id, new Date());
      if (record === undefined)
        throw GatewayErrors.KEY_NOT_FOUND(`no API key ${request.params.id}`);
      options.resolver.clear();
      return view(record);
    },
  );
}
