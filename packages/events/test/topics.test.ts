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
  /** Metadata of topics with one partition, led by broker 1. */
  const led = (names: string[], leader = 1) =>
    names.map((name) => ({
      name,
      partitions: [{ partitionErrorCode: 0, partitionId: 0, leader, replicas: [1], isr: [1] }],
    }));

  it('creates only the topics that are missing', async () => {
    const existing = topicSpecs('')
      .map((s) => s.name)
      .filter((n) => n !== 'qm.sales.v1.dlq');
    const createTopics = jest.fn(async () => true);
    const admin = {
      listTopics: async () => existing,
      createTopics,
      fetchTopicMetadata: async ({ topics }: { topics: string[] }) => ({
        topics: led(topics),
      }),
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

  /** An admin whose cluster answers the metadata of new topics only after `answers`. */
  function settlingAdmin(answers: (() => unknown)[]) {
    let calls = 0;
    return {
      listTopics: async () => [],
      createTopics: async () => true,
      fetchTopicMetadata: async ({ topics }: { topics: string[] }) => {
        const answer = answers[calls++];
        if (answer !== undefined) return answer() as never;
        return { topics: led(topics) };
      },
      calls: () => calls,
    };
  }
  const protocolError = (type: string) => () => {
    throw Object.assign(new Error(type), { type });
  };

  it('waits for new topics the broker does not know yet, and for their leaders', async () => {
    const admin = settlingAdmin([
      protocolError('UNKNOWN_TOPIC_OR_PARTITION'),
      () => ({ topics: led(['x'], -1) }),
      protocolError('LEADER_NOT_AVAILABLE'),
    ]);

    const created = await ensureTopics(admin, 't2.');

    expect(created).toHaveLength(18);
    expect(admin.calls()).toBe(4);
  });

  it('gives up on another error of the metadata, and after the wait', async () => {
    await expect(
      ensureTopics(settlingAdmin([protocolError('TOPIC_AUTHORIZATION_FAILED')]), 't3.'),
    ).rejects.toThrow('TOPIC_AUTHORIZATION_FAILED');

    const never = Array.from({ length: 100 }, () => protocolError('LEADER_NOT_AVAILABLE'));
    await expect(ensureTopics(settlingAdmin(never), 't4.', { leaderWaitMs: 200 })).rejects.toThrow(
      'topics without a leader after 200 ms',
    );
  });
});
