import type { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { createLogger } from '@qm/kit';
import { ConsumerStatsRecorder, listConsumerGroups, pipelineStatus, statsKey } from '../src/stats';

const log = createLogger('test', 'silent');

function fakeAdmin(committed: Record<string, { partition: number; offset: string }[]>) {
  return {
    fetchOffsets: jest.fn(async ({ topics }: { groupId: string; topics?: string[] }) =>
      Object.entries(committed)
        .filter(([topic]) => topics === undefined || topics.includes(topic))
        .map(([topic, partitions]) => ({
          topic,
          partitions: partitions.map((p) => ({ ...p, metadata: null })),
        })),
    ),
    fetchTopicOffsets: jest.fn(async () => [
      { partition: 0, offset: '120', high: '120', low: '20' },
      { partition: 1, offset: '50', high: '50', low: '0' },
    ]),
  };
}

describe('pipelineStatus', () => {
  it('sums the lag over partitions, counting an uncommitted partition from its start', async () => {
    const admin = fakeAdmin({
      'qm.sales.v1': [
        { partition: 0, offset: '100' },
        { partition: 1, offset: '-1' },
      ],
    });
    const redis = {
      hgetall: async (key: string): Promise<Record<string, string>> =>
        key === statsKey('forecasting.sales', 'qm:')
          ? { 'qm.sales.v1|consumed': '80', 'qm.sales.v1|deadLettered': '2' }
          : {},
    };

    const status = await pipelineStatus({ admin, redis, groups: ['forecasting.sales'] });

    expect(status).toEqual({
      consumers: [
        {
          group: 'forecasting.sales',
          topic: 'qm.sales.v1',
          consumed: 80,
          deadLettered: 2,
          lag: 70,
        },
      ],
    });
  });

  it('reports a group with committed offsets but no saved counts with zero counts', async () => {
    const admin = fakeAdmin({
      'qm.sales.v1': [
        { partition: 0, offset: '120' },
        { partition: 1, offset: '50' },
      ],
    });
    const redis = { hgetall: async () => ({}) };

    const status = await pipelineStatus({ admin, redis, groups: ['inventory.sales'] });

    expect(status.consumers).toEqual([
      { group: 'inventory.sales', topic: 'qm.sales.v1', consumed: 0, deadLettered: 0, lag: 0 },
    ]);
  });
});

describe('ConsumerStatsRecorder', () => {
  it('adds batch counts to the group hash in Redis and to the Prometheus counters', async () => {
    const calls: [string, string, number][] = [];
    const tx = {
      hincrby(key: string, field: string, by: number) {
        calls.push([key, field, by]);
        return tx;
      },
      exec: async () => [],
    };
    const redis = { multi: () => tx } as unknown as Redis;
    const registry = new Registry();
    const recorder = new ConsumerStatsRecorder({ redis, keyPrefix: 't:', registry }, log);

    await recorder.record('fraud.sales', 'qm.sales.v1', 5, 1);

    expect(calls).toEqual([
      ['t:consumer-stats:fraud.sales', 'qm.sales.v1|consumed', 5],
      ['t:consumer-stats:fraud.sales', 'qm.sales.v1|deadLettered', 1],
    ]);
    const metrics = await registry.getMetricsAsJSON();
    const consumed = metrics.find((m) => m.name === 'qm_events_consumed_total');
    expect(consumed?.values[0]?.value).toBe(5);
  });

  it('keeps going when Redis fails', async () => {
    const redis = {
      multi: () => ({
        hincrby() {
          return this;
        },
        exec: async () => Promise.reject(new Error('Connection is closed.')),
      }),
    } as unknown as Redis;
    const recorder = new ConsumerStatsRecorder({ redis }, log);

    await expect(recorder.record('g', 't', 1, 0)).resolves.toBeUndefined();
  });
});

describe('listConsumerGroups', () => {
  it("keeps the services' consumer groups and drops the others", async () => {
    const admin = {
      listGroups: async () => ({
        groups: [
          { groupId: 'inventory.sales', protocolType: 'consumer' },
          { groupId: 'console-consumer-1', protocolType: 'consumer' },
          { groupId: 'facts.sales', protocolType: 'consumer' },
          { groupId: 'fraud.tx', protocolType: 'connect' },
        ],
      }),
    };

    expect(await listConsumerGroups(admin)).toEqual(['facts.sales', 'inventory.sales']);
  });
});
