import { topicSpecs, ensureTopics } from '../src/topics';

describe('topicSpecs', () => {
  it('lays out every topic with its dead-letter topic under the prefix', () => {
    const specs = topicSpecs('t1.');
    const byName = new Map(specs.map((s) => [s.name, s]));

    expect(byName.get('t1.qm.sales.v1')?.partitions).toBe(6);
    expect(byName.get('t1.qm.clickstream.v1')?.partitions).toBe(6);
    expect(byName.get('t1.qm.products.v1')?.config['cleanup.policy']).toBe('compact');
    expect(byName.get('t1.qm.inventory-movements.v1')?.partitions).toBe(3);
    expect(byName.get('t1.qm.forecasts.v1')?.partitions).toBe(3);
    expect(byName.get('t1.qm.sales.v1.dlq')?.partitions).toBe(1);
    expect(specs.every((s) => s.name.startsWith('t1.qm.'))).toBe(true);
    expect(specs).toHaveLength(18);
  });
});

describe('ensureTopics', () => {
  it('creates only the topics that are missing', async () => {
    const existing = topicSpecs('')
      .map((s) => s.name)
      .filter((n) => n !== 'qm.sales.v1.dlq');
    const createTopics = jest.fn(async () => true);
    const admin = {
      listTopics: async () => existing,
      createTopics,
      fetchTopicMetadata: async () => ({ topics: [] }),
    };

    const created = await ensureTopics(admin, '');

    expect(created).toEqual(['qm.sales.v1.dlq']);
    expect(createTopics).toHaveBeenCalledWith(
      expect.objectContaining({
        topics: [
          expect.objectContaining({
            topic: 'qm.sales.v1.dlq',
            numPartitions: 1,
            replicationFactor: 1,
          }),
        ],
      }),
    );
  });
});
