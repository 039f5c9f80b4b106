import type { Admin } from 'kafkajs';

/**
 * Messages of a topic not yet committed by a consumer group, summed over partitions. A
 * partition the group has not committed on counts from its low watermark.
 */
export async function consumerLag(
  admin: Pick<Admin, 'fetchOffsets' | 'fetchTopicOffsets'>,
  groupId: string,
  topic: string,
): Promise<number> {
  const [ends, committed] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId, topics: [topic] }),
  ]);
  const offsets = new Map(
    (committed.find((t) => t.topic === topic)?.partitions ?? []).map((p) => [
      p.partition,
      Number(p.offset),
    ]),
  );
  let lag = 0;
  for (const end of ends) {
    const offset = offsets.get(end.partition) ?? -1;
    lag += Math.max(0, Number(end.high) - (offset < 0 ? Number(end.low) : offset));
  }
  return lag;
}

/** Messages ever written to a topic (the sum of its high watermarks less low ones). */
export async function topicSize(
  admin: Pick<Admin, 'fetchTopicOffsets'>,
  topic: string,
): Promise<number> {
  const ends = await admin.fetchTopicOffsets(topic);
  return ends.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
}
