import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { createServiceApp, errorResponses, type ServiceApp } from '@qm/kit';
import { Type } from '@sinclair/typebox';
import type { KeyRecord, KeyStore, NewKey } from '../../src/domain/keys';

/** Keys kept in memory, for tests that need no database. */
export class MemoryKeyStore implements KeyStore {
  readonly records = new Map<string, KeyRecord & { hash: string }>();

  async insert(key: NewKey & { hash: string }): Promise<KeyRecord> {
    const record = { ...key, id: randomUUID(), revokedAt: null, createdAt: new Date() };
    this.records.set(record.id, record);
    return strip(record);
  }

  async findByHash(hash: string): Promise<KeyRecord | undefined> {
    const found = [...this.records.values()].find((r) => r.hash === hash);
    return found === undefined ? undefined : strip(found);
  }

  async list(): Promise<KeyRecord[]> {
    return [...this.records.values()].map(strip);
  }

  async revoke(id: string, at: Date): Promise<KeyRecord | undefined> {
    const found = this.records.get(id);
    if (found === undefined) return undefined;
    found.revokedAt ??= at;
    return strip(found);
  }
}

function strip(record: KeyRecord & { hash: string }): KeyRecord {
  const { hash: _hash, ...rest } = record;
  return { ...rest };
}

/**
 * A tiny service built with the kit, like the real ones: an echo route that answers with
 * what it received, and a documented route per area.
 */
export async function startStubService(area: string): Promise<{ app: ServiceApp; url: string }> {
  const app = await createServiceApp({ name: `stub-${area}`, logger: pino({ level: 'silent' }) });
  const Echo = Type.Object({
    service: Type.String(),
    id: Type.String(),
    url: Type.String(),
    requestId: Type.String(),
    sawKey: Type.Boolean(),
    bodyBytes: Type.Integer(),
  });
  const handler = async (request: {
    params: { id: string };
    url: string;
    id: string;
    headers: Record<string, unknown>;
    body?: unknown;
  }) => ({
    service: area,
    id: request.params.id,
    url: request.url,
    requestId: request.id,
    sawKey:
      request.headers['x-api-key'] !== undefined || request.headers.authorization !== undefined,
    bodyBytes: request.body === undefined ? 0 : JSON.stringify(request.body).length,
  });
  const schema = {
    params: Type.Object({ id: Type.String() }),
    response: { 200: Echo, ...errorResponses(400, 404) },
  };
  app.get(`/v1/${area}/items/:id`, { schema }, handler);
  app.post(`/v1/${area}/items/:id`, { schema }, handler);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url };
}
