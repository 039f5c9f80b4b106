import { randomUUID } from 'node:crypto';
import { deadLetterTopic, Topics } from '@qm/contracts';
import { Headers, type EventBus } from '@qm/events';

/** Dead-lettered messages of one source topic, counted by reason. */
export interface DeadLetterTally {
  topic: string;
  total: number;
  reasons: Record<string, number>;
}

/** The reason without the values that make each message unique (ids, offsets). */
function reasonKind(reason: string): string {
  return reason
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\d+/g, 'N')
    .slice(0, 120);
}

/**
 * Reads every dead-letter topic from its start with a throwaway group and counts
 * the messages by the reason the consumer recorded in their headers.
 */
export async function tallyDeadLetters(bus: EventBus): Promise<DeadLetterTally[]> {
  const admin = await bus.admin();
  const existing = new Set(await admin.listTopics());
  const tallies: DeadLetterTally[] = [];

  for (const key of Object.keys(Topics) as (keyof typeof Topics)[]) {
    const topic = deadLetterTopic(bus.topic(key));
    if (!existing.has(topic)) continue;
    const offsets = await admin.fetchTopicOffsets(topic);
    const total = offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
    const tally: DeadLetterTally = { topic: bus.topic(key), total, reasons: {} };
    tallies.push(tally);
    if (total === 0) continue;

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
          const kind = reasonKind(event.headers[Headers.dlqReason] ?? 'no reason recorded');
          tally.reasons[kind] = (tally.reasons[kind] ?? 0) + 1;
        }
        seen += events.length;
        if (seen >= total) done();
      },
    });
    await Promise.race([finished, new Promise((resolve) => setTimeout(resolve, 30_000))]);
    await handle.stop();
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
  return tallies;
}
