import type { FastifyInstance } from 'fastify';
import type { ServiceApp } from '@qm/kit';
import { AREAS } from '../src/domain/routing';
import { operationsWithoutResponseSchema, type OpenApiDoc } from '../src/domain/openapi';
import { startStubService } from './support/fakes';
import { buildTestGateway, NOWHERE } from './support/gateway';

const ENV: Record<string, string> = {
  forecasts: 'QM_FORECASTING_URL',
  recommendations: 'QM_RECOMMENDATIONS_URL',
  inventory: 'QM_INVENTORY_URL',
  pricing: 'QM_PRICING_URL',
  support: 'QM_SUPPORT_URL',
  fraud: 'QM_FRAUD_URL',
};

describe('merged API documentation', () => {
  const stubs: { app: ServiceApp; url: string }[] = [];
  const gateways: FastifyInstance[] = [];
  const env: Record<string, string> = {};

  beforeAll(async () => {
    for (const { area } of AREAS) {
      const stub = await startStubService(area);
      stubs.push(stub);
      env[ENV[area]] = stub.url;
    }
  });

  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.close()));
    await Promise.all(stubs.map((s) => s.app.close()));
  });

  const docOf = async (extra: Record<string, string> = {}): Promise<OpenApiDoc> => {
    const { app } = await buildTestGateway({ ...env, ...extra });
    gateways.push(app);
    const response = await app.inject({ url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    return response.json<OpenApiDoc>();
  };

  it('lists every route of every service with its scope and error answers', async () => {
    const doc = await docOf();
    for (const { area } of AREAS) {
      const item = doc.paths?.[`/v1/${area}/items/{id}`];
      expect(Object.keys(item ?? {}).sort()).toEqual(['get', 'post']);
      expect(item?.get['x-required-scope']).toEqual(expect.stringMatching(/:|admin/));
      expect(Object.keys(item?.get.responses ?? {})).toEqual(
        expect.arrayContaining(['200', '401', '403', '429', '503']),
      );
    }
    expect(doc.paths?.['/v1/fraud/items/{id}'].get['x-required-scope']).toBe('fraud:admin');
    expect(doc.paths?.['/v1/admin/keys'].post['x-required-scope']).toBe('admin');
    expect(doc.paths?.['/v1/admin/keys/{id}'].delete).toBeDefined();
    expect(doc['x-services']).toHaveLength(6);
  });

  it('declares a response schema for every route it lists', async () => {
    expect(operationsWithoutResponseSchema(await docOf())).toEqual([]);
  });

  it('still documents the other services while one is down', async () => {
    const doc = await docOf({ QM_FRAUD_URL: NOWHERE });
    expect(doc.paths?.['/v1/fraud/items/{id}']).toBeUndefined();
    expect(doc.paths?.['/v1/inventory/items/{id}']).toBeDefined();
    expect(doc['x-services']).toContainEqual({ service: 'fraud', area: 'fraud', available: false });
  });

  it('serves Swagger UI at /docs from the merged document', async () => {
    const { app } = await buildTestGateway(env);
    gateways.push(app);
    const page = await app.inject({ url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const json = await app.inject({ url: '/docs/json' });
    expect(json.json().paths['/v1/pricing/items/{id}']).toBeDefined();
  });
});

describe('operationsWithoutResponseSchema', () => {
  it('names a route that declares no schema for its successful answer', () => {
    const doc: OpenApiDoc = {
      openapi: '3.0.3',
      info: { title: 't', version: '1' },
      paths: {
        '/a': { get: { responses: { 200: { content: { 'application/json': { schema: {} } } } } } },
        '/b': { post: { responses: { 200: { description: 'ok' } } } },
        '/c': { delete: { responses: { 204: { description: 'gone' } } } },
      },
    };
    expect(operationsWithoutResponseSchema(doc)).toEqual(['POST /b']);
  });
});
