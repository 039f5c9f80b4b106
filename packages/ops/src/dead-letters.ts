import { randomUUID } from 'node:crypto';
import {
  ClickEventSchema,
  SaleLineSchema,
  decode,
  deadLetterTopic,
  Topics,
  type TopicKey,
} from '@qm/contracts';
import { Headers, type EventBus } from '@qm/events';
import { factsGroupId, FactsGroups } from '@qm/facts';

/** What one consumer group sent to a dead-letter topic. */
export interface GroupDeadLetters {
  count: number;
  /** Messages by reason, with the values that make each one unique left out. */
  reasons: Record<string, number>;
}

/** Dead-lettered messages of one source topic. */
export interface DeadLetterTally {
  topic: string;
  key: TopicKey;
  /** Messages in the dead-letter topic: each group that refuses an event adds one. */
  total: number;
  groups: Record<string, GroupDeadLetters>;
  /**
   * Distinct events the facts writer refused, by the set their id names (`online-retail`,
   * `taobao`, ...): a replay run again dead-letters the same events again.
   */
  factsEvents: Record<string, number>;
}

/** The reason without the values that make each message unique (ids, offsets). */
function reasonKind(reason: string): string {
  return reason
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\d+/g, 'N')
    .slice(0, 120);
}

/** Event ids of the payloads the replay writes, per topic. */
const EVENT_IDS: Partial<Record<TopicKey, (bytes: Buffer) => string>> = {
  sales: (bytes) => decode(SaleLineSchema, bytes).eventId,
  clickstream: (bytes) => decode(ClickEventSchema, bytes).eventId,
};

function eventIdOf(key: TopicKey, bytes: Buffer | null): string | undefined {
  const read = EVENT_IDS[key];
  if (read === undefined || bytes === null) return undefined;
  try {
    return read(bytes);
  } catch {
    // Bytes that never decoded were not written by the replay.
    return undefined;
  }
}

/** The facts writer's group on a topic, when it has one. */
function factsGroupOf(key: TopicKey, prefix: string): string | undefined {
  return key in FactsGroups ? factsGroupId(key as keyof typeof FactsGroups, prefix) : undefined;
}

/**
 * Reads every dead-letter topic from its start with a throwaway group and counts the
 * messages by the group that refused them and the reason it recorded in their headers.
 */
export async function tallyDeadLetters(bus: EventBus): Promise<DeadLetterTally[]> {
  const admin = await bus.admin();
  const existing = new Set(await admin.listTopics());
  const tallies: DeadLetterTally[] = [];

  for (const key of Object.keys(Topics) as TopicKey[]) {
    const topic = deadLetterTopic(bus.topic(key));
    if (!existing.has(topic)) continue;
    const offsets = await admin.fetchTopicOffsets(topic);
    const total = offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
    const tally: DeadLetterTally = {
      topic: bus.topic(key),
      key,
      total,
      groups: {},
      factsEvents: {},
    };
    tallies.push(tally);
    if (total === 0) continue;

    const factsGroup = factsGroupOf(key, bus.topicPrefix);
    const factsIds = new Set<string>();
    const groupId = `ops.dead-letter-report.${randomUUID()}`;
    let seen = 0;
    let done: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const handle = await bus.runConsumer<Buffer>({
      groupId,
      topic,
      decode: (value) => value,
      handle: async (events) => {
        for (const event of events) {
          const group = event.headers[Headers.dlqConsumerGroup] ?? 'unknown group';
          const kind = reasonKind(event.headers[Headers.dlqReason] ?? 'no reason recorded');
          const entry = (tally.groups[group] ??= { count: 0, reasons: {} });
          entry.count += 1;
          entry.reasons[kind] = (entry.reasons[kind] ?? 0) + 1;
          const id = group === factsGroup ? eventIdOf(key, event.value) : undefined;
          if (id !== undefined) factsIds.add(id);
        }
        seen += events.length;
        if (seen >= total) done();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([finished, new Promise((resolve) => (timer = setTimeout(resolve, 30_000)))]);
    clearTimeout(timer);
    await handle.stop();
    await admin.deleteGroups([groupId]).catch(() => undefined);
    for (const id of factsIds) {
      const set = id.slice(0, Math.max(0, id.indexOf(':')));
      tally.factsEvents[set] = (tally.factsEvents[set] ?? 0) + 1;
    }
  }
  return tallies;
}
