import { setTimeout as sleep } from 'node:timers/promises';
import { topicName, type TopicKey } from '@qm/contracts';
import type { OutgoingMessage, Publisher } from '@qm/events';
import { SETS, type OutgoingEvent, type SetName } from './sources';

export interface ReplayOptions {
  publisher: Publisher;
  topicPrefix?: string;
  dataDir: string;
  sets: SetName[];
  /** Data time per wall-clock time (3600 = an hour of data per second); 0 = as fast as possible. */
  speed?: number;
  /** Rows read per set at most. */
  limit?: number;
  /** Messages per publish call. */
  batchSize?: number;
  /** Called before a set's first row is read. */
  onSetStart?: (set: SetName) => void;
  /** Called after every publish and at the end of each set. */
  onProgress?: (progress: SetProgress) => void;
}

/** Rows that could not be parsed, by reason, with the first few row numbers. */
export type Rejections = Record<string, { count: number; rows: number[] }>;

export interface SetProgress {
  set: SetName;
  read: number;
  produced: number;
  rejected: number;
}

export interface SetSummary extends SetProgress {
  /** Messages per topic (`sales`, `clickstream`, `products`). */
  byTopic: Partial<Record<TopicKey, number>>;
  reasons: Rejections;
  elapsedMs: number;
}

export interface ReplaySummary {
  sets: SetSummary[];
  read: number;
  produced: number;
  rejected: number;
  elapsedMs: number;
  /** Messages produced per second of the whole replay. */
  eventsPerSecond: number;
  /** Peak resident memory of this process so far. */
  peakRssBytes: number;
  /** CPU time of this process (user + system) during the replay. */
  cpuMs: number;
}

const DEFAULT_BATCH = 5000;
const SAMPLE_ROWS = 5;

/**
 * Sends each batch while the next one is being read: at most one publish is in flight, so
 * messages of one key keep their file order.
 */
class BatchSender {
  private pending = new Map<string, OutgoingMessage[]>();
  private size = 0;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(private readonly publisher: Publisher) {}

  get pendingCount(): number {
    return this.size;
  }

  add(topic: string, message: OutgoingMessage): void {
    let list = this.pending.get(topic);
    if (list === undefined) {
      list = [];
      this.pending.set(topic, list);
    }
    list.push(message);
    this.size++;
  }

  /** Waits for the previous publish, then starts this batch's. */
  async flush(): Promise<void> {
    await this.inFlight;
    if (this.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    this.size = 0;
    this.inFlight = (async () => {
      for (const [topic, messages] of batch) await this.publisher.publish(topic, messages);
    })();
    // Marked as handled here; the failure is raised by the next flush or by drain().
    this.inFlight.catch(() => undefined);
  }

  async drain(): Promise<void> {
    await this.flush();
    await this.inFlight;
  }
}

function reject(reasons: Rejections, problem: string, row: number): void {
  const entry = (reasons[problem] ??= { count: 0, rows: [] });
  entry.count++;
  if (entry.rows.length < SAMPLE_ROWS) entry.rows.push(row);
}

async function replaySet(options: ReplayOptions, set: SetName): Promise<SetSummary> {
  const { publisher, topicPrefix = '', speed = 0, limit = Infinity } = options;
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  options.onSetStart?.(set);
  const started = performance.now();
  const sender = new BatchSender(publisher);
  const summary: SetSummary = {
    set,
    read: 0,
    produced: 0,
    rejected: 0,
    byTopic: {},
    reasons: {},
    elapsedMs: 0,
  };
  const topics = new Map<TopicKey, string>();
  const report = () => options.onProgress?.(summary);
  let firstAt: number | undefined;

  const pace = async (event: OutgoingEvent) => {
    firstAt ??= event.at;
    const due = started + (event.at - firstAt) / speed;
    const wait = due - performance.now();
    if (wait < 2) return;
    await sender.flush();
    report();
    await sleep(wait);
  };

  for await (const items of SETS[set].read(options.dataDir, limit)) {
    for (const item of items) {
      if ('problem' in item) {
        summary.read++;
        summary.rejected++;
        reject(summary.reasons, item.problem, item.row);
        continue;
      }
      if (item.topic !== 'products') summary.read++;
      if (speed > 0) await pace(item);

      let topic = topics.get(item.topic);
      if (topic === undefined) {
        topic = topicName(item.topic, topicPrefix);
        topics.set(item.topic, topic);
      }
      sender.add(topic, { key: item.key, value: item.value });
      summary.produced++;
      summary.byTopic[item.topic] = (summary.byTopic[item.topic] ?? 0) + 1;
      if (sender.pendingCount >= batchSize) {
        await sender.flush();
        report();
      }
    }
  }
  await sender.drain();
  summary.elapsedMs = Math.round(performance.now() - started);
  report();
  return summary;
}

/** Streams the chosen sets into Kafka one after the other and sums up what happened. */
export async function replay(options: ReplayOptions): Promise<ReplaySummary> {
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const sets: SetSummary[] = [];
  for (const set of options.sets) sets.push(await replaySet(options, set));

  const elapsedMs = Math.round(performance.now() - started);
  const cpu = process.cpuUsage(cpuStart);
  const produced = sets.reduce((n, s) => n + s.produced, 0);
  return {
    sets,
    read: sets.reduce((n, s) => n + s.read, 0),
    produced,
    rejected: sets.reduce((n, s) => n + s.rejected, 0),
    elapsedMs,
    eventsPerSecond: elapsedMs > 0 ? Math.round((produced * 1000) / elapsedMs) : 0,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
  };
}
