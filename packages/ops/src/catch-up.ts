import type { ConsumerStats, EventBus } from '@qm/events';
import { listConsumerGroups, serviceGroupPrefixes } from '@qm/events';

export interface CatchUpResult {
  consumers: ConsumerStats[];
  caughtUp: boolean;
  waitedMs: number;
}

/**
 * Polls every service consumer group until each has no lag on two polls in a row
 * (a group may still be joining on the first), or the deadline passes.
 */
export async function waitForCatchUp(
  bus: EventBus,
  deadlineMs: number,
  onPoll: (consumers: ConsumerStats[]) => void,
): Promise<CatchUpResult> {
  const started = Date.now();
  let quietPolls = 0;
  let consumers: ConsumerStats[] = [];

  while (Date.now() - started < deadlineMs) {
    const prefixes = serviceGroupPrefixes(bus.topicPrefix);
    const groups = await listConsumerGroups(await bus.admin(), prefixes);
    consumers = (await bus.pipelineStatus(groups)).consumers.filter(
      (c) => !c.topic.endsWith('.dlq'),
    );
    onPoll(consumers);
    const lagging = consumers.some((c) => c.lag > 0);
    quietPolls = lagging || consumers.length === 0 ? 0 : quietPolls + 1;
    if (quietPolls >= 2) return { consumers, caughtUp: true, waitedMs: Date.now() - started };
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return { consumers, caughtUp: false, waitedMs: Date.now() - started };
}
