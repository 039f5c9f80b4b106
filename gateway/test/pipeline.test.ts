import { createLogger, createServiceApp, type ServiceApp } from '@qm/kit';
import { pipelineRoutes, type PipelineRoutesOptions } from '../src/routes/pipeline';

function fakeAdmin(failing = false): PipelineRoutesOptions['admin'] {
  return {
    listGroups: async () => {
      if (failing) throw new Error('no broker');
      return {
        groups: [
          { groupId: 'forecasting.sales', protocolType: 'consumer' },
          { groupId: 'scratch-tool', protocolType: 'consumer' },
        ],
      };
    },
    fetchOffsets: async ({ groupId }) =>
      groupId === 'forecasting.sales'
        ? [{ topic: 'qm.sales.v1', partitions: [{ partition: 0, offset: '90', metadata: null }] }]
        : [],
    fetchTopicOffsets: async () => [{ partition: 0, offset: '100', high: '100', low: '0' }],
  } as PipelineRoutesOptions['admin'];
}

const redis = {
  hgetall: async (key: string): Promise<Record<string, string>> =>
    key === 'qm:consumer-stats:forecasting.sales'
      ? { 'qm.sales.v1|consumed': '88', 'qm.sales.v1|deadLettered': '2' }
      : {},
};

async function buildApp(options: PipelineRoutesOptions): Promise<ServiceApp> {
  const app = await createServiceApp({ name: 'gateway-test', logger: createLogger('t', 'silent') });
  await app.register(pipelineRoutes, options);
  await app.ready();
  return app;
}

describe('GET /v1/ops/pipeline', () => {
  let app: ServiceApp | undefined;

  afterEach(async () => {
    await app?.close();
  });

  it("reports the services' groups found in Kafka with their counts and lag", async () => {
    app = await buildApp({ admin: fakeAdmin(), redis });

    const res = await app.inject({ method: 'GET', url: '/v1/ops/pipeline' });

    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      consumers: [
        {
          group: 'forecasting.sales',
          topic: 'qm.sales.v1',
          consumed: 88,
          deadLettered: 2,
          lag: 10,
        },
      ],
    });
  });

  it("reports only the groups under the deployment's prefix", async () => {
    const groups = ['forecasting.sales', 'p1.forecasting.sales', 'p1.inventory.sales'];
    const partitions = [{ partition: 0, offset: '5', metadata: null }];
    const admin = {
      listGroups: async () => ({
        groups: groups.map((groupId) => ({ groupId, protocolType: 'consumer' })),
      }),
      fetchOffsets: async () => [{ topic: 'p1.qm.sales.v1', partitions }],
      fetchTopicOffsets: async () => [{ partition: 0, offset: '5', high: '5', low: '0' }],
    } as PipelineRoutesOptions['admin'];
    app = await buildApp({ admin, redis, topicPrefix: 'p1.' });

    const res = await app.inject({ method: 'GET', url: '/v1/ops/pipeline' });

    expect(res.statusCode).toBe(200);
    const reported = (res.json() as { consumers: { group: string }[] }).consumers;
    expect(reported.map((c) => c.group)).toEqual(['p1.forecasting.sales', 'p1.inventory.sales']);
  });

  it('answers 503 when Kafka does not answer', async () => {
    app = await buildApp({ admin: fakeAdmin(true), redis });

    const res = await app.inject({ method: 'GET', url: '/v1/ops/pipeline' });

    expect(res.statusCode).toBe(503);
    expect(res.json().code).toBe('DEPENDENCY_UNAVAILABLE');
  });
});
