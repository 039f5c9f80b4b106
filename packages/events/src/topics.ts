import type { Admin, ITopicConfig } from 'kafkajs';
import type { Logger } from 'pino';
import { Topics, deadLetterTopic, topicName, type TopicKey } from '@qm/contracts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** How one topic is laid out. */
export interface TopicSpec {
  name: string;
  partitions: number;
  config: Record<string, string>;
}

interface Layout {
  partitions: number;
  /** Time retention in days; absent for compacted topics, which keep the latest per key. */
  retentionDays?: number;
  compacted?: boolean;
}

/**
 * Partitions follow the expected volume: the inputs that carry the data sets get 6, the rest 3.
 * Retention is time based on the broker's append time, so replayed history is not dropped
 * for being old (see proto/README.md).
 */
const LAYOUT: Record<TopicKey, Layout> = {
  sales: { partitions: 6, retentionDays: 30 },
  clickstream: { partitions: 6, retentionDays: 7 },
  products: { partitions: 3, compacted: true },
  inventoryMovements: { partitions: 3, retentionDays: 30 },
  forecasts: { partitions: 3, retentionDays: 7 },
  restockSignals: { partitions: 3, retentionDays: 7 },
  priceChanges: { partitions: 3, retentionDays: 30 },
  fraudDecisions: { partitions: 3, retentionDays: 30 },
  supportHandoffs: { partitions: 3, retentionDays: 7 },
};

const DEAD_LETTER_RETENTION_DAYS = 30;

/** The broker stamps records, so retention counts from arrival, not from the event's time. */
const APPEND_TIME = { 'message.timestamp.type': 'LogAppendTime' };

function retention(days: number): Record<string, string> {
  return { 'cleanup.policy': 'delete', 'retention.ms': String(days * DAY_MS) };
}

/** Every topic of the system and its dead-letter topic, under a deployment's prefix. */
export function topicSpecs(topicPrefix = ''): TopicSpec[] {
  const specs: TopicSpec[] = [];
  for (const key of Object.keys(Topics) as TopicKey[]) {
    const layout = LAYOUT[key];
    const name = topicName(key, topicPrefix);
    const policy: Record<string, string> = layout.compacted
      ? { 'cleanup.policy': 'compact' }
      : retention(layout.retentionDays ?? 7);
    const config = { ...policy, ...APPEND_TIME };
    specs.push({ name, partitions: layout.partitions, config });
    specs.push({
      name: deadLetterTopic(name),
      partitions: 1,
      config: { ...retention(DEAD_LETTER_RETENTION_DAYS), ...APPEND_TIME },
    });
  }
  return specs;
}

/** Options of {@link ensureTopics}. */
export interface EnsureTopicsOptions {
  log?: Logger;
  /** Copies of each partition; 1 on a single broker. */
  replicationFactor?: number;
  /** How long new topics may take to have a leader on every partition (ms); 30 s. */
  leaderWaitMs?: number;
}

/** Errors of a metadata request about a topic the cluster is still setting up. */
const SETTING_UP = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE']);

/**
 * Waits until every partition of the topics has a leader. Right after a creation the broker
 * may not know a topic yet (KRaft spreads its metadata a moment later, later still while
 * other creations are under way), which kafkajs's own wait takes for a failure.
 */
async function waitForLeaders(
  admin: Pick<Admin, 'fetchTopicMetadata'>,
  names: string[],
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 50; ; delay = Math.min(delay * 2, 1_000)) {
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: names });
      const led = topics.every(
        (t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0),
      );
      if (led && topics.length === names.length) return;
    } catch (err) {
      if (!SETTING_UP.has((err as { type?: string }).type ?? '')) throw err;
    }
    if (Date.now() + delay > deadline) {
      throw new Error(`topics without a leader after ${timeoutMs} ms: ${names.join(', ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/**
 * Creates the missing topics and leaves existing ones alone; returns the names it created.
 * A topic that exists with another partition count is reported, not changed: adding
 * partitions would move keys to other partitions and break their order.
 */
export async function ensureTopics(
  admin: Pick<Admin, 'listTopics' | 'createTopics' | 'fetchTopicMetadata'>,
  topicPrefix = '',
  options: EnsureTopicsOptions = {},
): Promise<string[]> {
  const { log, replicationFactor = 1 } = options;
  const specs = topicSpecs(topicPrefix);
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !existing.has(s.name));

  if (missing.length > 0) {
    const topics: ITopicConfig[] = missing.map((s) => ({
      topic: s.name,
      numPartitions: s.partitions,
      replicationFactor,
      configEntries: Object.entries(s.config).map(([name, value]) => ({ name, value })),
    }));
    // Another process of the deployment may be creating the same topics: kafkajs then
    // reports them as existing, which is as good.
    await admin.createTopics({ topics, waitForLeaders: false });
    await waitForLeaders(
      admin,
      missing.map((s) => s.name),
      options.leaderWaitMs ?? 30_000,
    );
  }

  const present = specs.filter((s) => existing.has(s.name));
  if (present.length > 0 && log !== undefined) {
    const { topics } = await admin.fetchTopicMetadata({ topics: present.map((s) => s.name) });
    for (const t of topics) {
      const wanted = present.find((s) => s.name === t.name)?.partitions;
      if (wanted !== undefined && wanted !== t.partitions.length) {
        log.warn(
          { topic: t.name, partitions: t.partitions.length, wanted },
          'topic partitions differ',
        );
      }
    }
  }
  return missing.map((s) => s.name);
}

/**
 * Deletes the topics and consumer groups of one deployment prefix (a test run's or a
 * benchmark's own), so that nothing it made outlives it.
 */
export async function deletePrefixed(admin: Admin, prefix: string): Promise<void> {
  const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
  if (topics.length > 0) await admin.deleteTopics({ topics });
  const { groups } = await admin.listGroups();
  const mine = groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix));
  if (mine.length > 0) await admin.deleteGroups(mine);
}
