import type { Admin } from 'kafkajs';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { Counter, Gauge, Registry } from 'prom-client';
import { SERVICE_GROUP_PREFIXES } from './groups';
import type { ConsumerStats } from './types';

/** Where consumer counts go: Prometheus always, Redis when a client is given. */
export interface StatsOptions {
  /** Counts are kept in Redis so they survive restarts and are seen by every process. */
  redis?: Redis;
  /** Prefix of the Redis keys; default `qm:`. */
  keyPrefix?: string;
  /** Registry for the Prometheus metrics; a private one when absent. */
  registry?: Registry;
}

const DEFAULT_KEY_PREFIX = 'qm:';

/** The Redis hash of one group's counts: fields `<topic>|consumed`, `<topic>|deadLettered`. */
export function statsKey(group: string, keyPrefix = DEFAULT_KEY_PREFIX): string {
  return `${keyPrefix}consumer-stats:${group}`;
}

function metric<T>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

/** Counts what the consumers of one bus did. */
export class ConsumerStatsRecorder {
  private readonly consumed: Counter<'group' | 'topic'>;
  private readonly deadLettered: Counter<'group' | 'topic'>;
  private readonly lag: Gauge<'group' | 'topic' | 'partition'>;

  constructor(
    private readonly options: StatsOptions,
    private readonly log: Logger,
  ) {
    const registers = [options.registry ?? new Registry()];
    const registry = registers[0];
    const labelNames = ['group', 'topic'] as const;
    this.consumed = metric(
      registry,
      'qm_events_consumed_total',
      () =>
        new Counter({
          name: 'qm_events_consumed_total',
          help: 'Messages handled by a consumer group, per topic',
          labelNames,
          registers,
        }),
    );
    this.deadLettered = metric(
      registry,
      'qm_events_dead_lettered_total',
      () =>
        new Counter({
          name: 'qm_events_dead_lettered_total',
          help: 'Messages sent to the dead-letter topic, per consumer group and source topic',
          labelNames,
          registers,
        }),
    );
    this.lag = metric(
      registry,
      'qm_events_consumer_lag',
      () =>
        new Gauge({
          name: 'qm_events_consumer_lag',
          help: 'Messages behind the high watermark after the last batch, per partition',
          labelNames: ['group', 'topic', 'partition'],
          registers,
        }),
    );
  }

  /** Adds a batch's counts. A Redis failure is logged, never thrown: counts are advisory. */
  async record(
    group: string,
    topic: string,
    consumed: number,
    deadLettered: number,
  ): Promise<void> {
    if (consumed > 0) this.consumed.inc({ group, topic }, consumed);
    if (deadLettered > 0) this.deadLettered.inc({ group, topic }, deadLettered);

    const { redis } = this.options;
    if (redis === undefined || consumed + deadLettered === 0) return;
    const key = statsKey(group, this.options.keyPrefix);
    try {
      await redis
        .multi()
        .hincrby(key, `${topic}|consumed`, consumed)
        .hincrby(key, `${topic}|deadLettered`, deadLettered)
        .exec();
    } catch (err) {
      this.log.warn({ err, group, topic }, 'consumer counts not saved');
    }
  }

  /** Sets the lag of one partition as seen at the end of a batch. */
  setLag(group: string, topic: string, partition: number, lag: number): void {
    this.lag.set({ group, topic, partition: String(partition) }, Math.max(0, lag));
  }
}

/** The admin calls that pipeline reports make. */
export type PipelineAdmin = Pick<Admin, 'fetchOffsets' | 'fetchTopicOffsets' | 'listGroups'>;

/** Parts {@link pipelineStatus} needs. */
export interface PipelineStatusOptions {
  admin: Pick<Admin, 'fetchOffsets' | 'fetchTopicOffsets'>;
  redis: Pick<Redis, 'hgetall'>;
  groups: string[];
  keyPrefix?: string;
}

interface Counts {
  consumed: number;
  deadLettered: number;
}

function countsByTopic(hash: Record<string, string>): Map<string, Counts> {
  const out = new Map<string, Counts>();
  for (const [field, raw] of Object.entries(hash)) {
    const cut = field.lastIndexOf('|');
    if (cut <= 0) continue;
    const topic = field.slice(0, cut);
    const name = field.slice(cut + 1);
    const counts = out.get(topic) ?? { consumed: 0, deadLettered: 0 };
    const value = Number.parseInt(raw, 10);
    if (!Number.isFinite(value)) continue;
    if (name === 'consumed') counts.consumed = value;
    else if (name === 'deadLettered') counts.deadLettered = value;
    out.set(topic, counts);
  }
  return out;
}

/**
 * Counts and lag of each group per topic. Lag is the sum over partitions of end offset
 * minus committed offset; a partition without a commit lags from its start offset.
 */
export async function pipelineStatus(
  options: PipelineStatusOptions,
): Promise<{ consumers: ConsumerStats[] }> {
  const { admin, redis, keyPrefix } = options;
  const topicEnds = new Map<string, Promise<Map<number, { low: number; high: number }>>>();
  const endsOf = (topic: string) => {
    let ends = topicEnds.get(topic);
    if (ends === undefined) {
      ends = admin
        .fetchTopicOffsets(topic)
        .then(
          (parts) =>
            new Map(parts.map((p) => [p.partition, { low: Number(p.low), high: Number(p.high) }])),
        );
      topicEnds.set(topic, ends);
    }
    return ends;
  };

  const perGroup = await Promise.all(
    options.groups.map(async (group) => {
      const counts = countsByTopic(await redis.hgetall(statsKey(group, keyPrefix)));
      const committed = await admin.fetchOffsets({ groupId: group, topics: [...counts.keys()] });
      const extra = await admin.fetchOffsets({ groupId: group });
      const byTopic = new Map(committed.map((t) => [t.topic, t.partitions]));
      for (const t of extra) if (!byTopic.has(t.topic)) byTopic.set(t.topic, t.partitions);

      const rows: ConsumerStats[] = [];
      for (const [topic, partitions] of byTopic) {
        const ends = await endsOf(topic);
        let lag = 0;
        for (const [partition, end] of ends) {
          const offset = Number(partitions.find((p) => p.partition === partition)?.offset ?? -1);
          lag += Math.max(0, end.high - (offset < 0 ? end.low : offset));
        }
        const c = counts.get(topic) ?? { consumed: 0, deadLettered: 0 };
        rows.push({ group, topic, consumed: c.consumed, deadLettered: c.deadLettered, lag });
      }
      return rows;
    }),
  );

  const consumers = perGroup
    .flat()
    .sort((a, b) => a.group.localeCompare(b.group) || a.topic.localeCompare(b.topic));
  return { consumers };
}

/** Consumer groups known to the cluster whose ids start with one of the prefixes. */
export async function listConsumerGroups(
  admin: Pick<Admin, 'listGroups'>,
  prefixes: string[] = SERVICE_GROUP_PREFIXES,
): Promise<string[]> {
  const { groups } = await admin.listGroups();
  return groups
    .filter((g) => g.protocolType === 'consumer' || g.protocolType === '')
    .map((g) => g.groupId)
    .filter((id) => prefixes.length === 0 || prefixes.some((p) => id.startsWith(p)))
    .sort();
}
