import { backoffDelay } from '@qm/kit';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { Counter, Registry } from 'prom-client';
import type { Decision } from '../domain/scorer';
import type { Order } from '../domain/order';
import { DecisionQueue, type Pending } from './decision-queue';

/** Sends stored decisions on; resolves once the broker has them. */
export interface DecisionPublisher {
  publish(decisions: Decision[], requestId?: string): Promise<void>;
}

export interface DecisionLogOptions {
  /** The PostgreSQL schema of the `decisions` table. */
  schema?: string;
  /** Beyond this many waiting decisions the oldest are dropped, with an error logged. */
  maxQueue?: number;
  /** Beyond this many bytes of waiting rows the oldest are dropped, likewise. */
  maxQueueBytes?: number;
  /** Where the count of dropped decisions is registered; a private registry when absent. */
  metrics?: Registry;
}

/** Why a decision was dropped before it was stored, as the metric labels it. */
type DropReason = 'queue_full' | 'not_serialisable' | 'refused';

/** Longest wait between two attempts while PostgreSQL or Kafka keeps failing. */
const MAX_BACKOFF_MS = 30_000;

/** The service's default byte bound (`QM_FRAUD_QUEUE_MAX_BYTES`). */
const DEFAULT_MAX_QUEUE_BYTES = 128 * 1024 * 1024;

/** PostgreSQL's data exceptions and integrity violations: the row, not the database, is wrong. */
function isRowError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Logs a failure that repeats once per distinct error, and once when it ends. */
class RepeatedFailure {
  count = 0;
  private lastMessage: string | undefined;

  constructor(
    private readonly log: Logger,
    private readonly failing: string,
    private readonly recovered: string,
  ) {}

  failed(err: unknown, fields: Record<string, unknown>): void {
    this.count++;
    const message = messageOf(err);
    if (message === this.lastMessage) return;
    this.lastMessage = message;
    this.log.error({ err, failures: this.count, ...fields }, this.failing);
  }

  succeeded(fields: Record<string, unknown>): void {
    if (this.count === 0) return;
    this.log.info({ failures: this.count, ...fields }, this.recovered);
    this.count = 0;
    this.lastMessage = undefined;
  }
}

/**
 * Write-behind log of decisions. Scoring only appends to memory (the row is serialised then,
 * so a decision that cannot be is dropped alone); every `flushMs` the queue is inserted in one
 * statement, and the decisions that were new (a transaction scored twice keeps its first
 * decision) are published once and marked published. A row PostgreSQL refuses is found by
 * halving the batch and dropped; any other failed insert keeps the queue, and the next
 * attempts back off up to `MAX_BACKOFF_MS`. A failed publish leaves rows unpublished, and they
 * are retried from PostgreSQL. What is lost on a crash is at most one interval of decisions.
 * The queue is bounded by count and by bytes of rows; every decision dropped is counted in
 * `qm_fraud_decisions_dropped_total` by reason.
 */
export class DecisionLog {
  private readonly queue: DecisionQueue;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private retryUnpublished = true;
  /** While failures back off, timed flushes leave each stage alone until its time (ms). */
  private storeAt = 0;
  private publishAt = 0;
  private dropped = 0;
  private readonly storing: RepeatedFailure;
  private readonly publishing: RepeatedFailure;
  private readonly droppedTotal: Counter<'reason'>;
  private readonly schema: string;

  constructor(
    private readonly pool: Pool,
    private readonly publisher: DecisionPublisher,
    private readonly log: Logger,
    private readonly flushMs: number,
    options: DecisionLogOptions = {},
  ) {
    this.schema = options.schema ?? 'fraud';
    this.queue = new DecisionQueue(
      options.maxQueue ?? 100_000,
      options.maxQueueBytes ?? DEFAULT_MAX_QUEUE_BYTES,
    );
    this.droppedTotal = new Counter({
      name: 'qm_fraud_decisions_dropped_total',
      help: 'Decisions dropped before they were stored, by reason',
      labelNames: ['reason'],
      registers: [options.metrics ?? new Registry()],
    });
    this.storing = new RepeatedFailure(
      log,
      'decisions not stored, will retry',
      'decisions stored again',
    );
    this.publishing = new RepeatedFailure(
      log,
      'decisions not published, will retry',
      'decisions published again',
    );
  }

  start(): void {
    this.timer ??= setInterval(() => {
      if (Date.now() >= Math.min(this.storeAt, this.publishAt)) void this.run(true);
    }, this.flushMs);
    this.timer.unref();
  }

  append(decision: Decision, order: Order): void {
    let row: string;
    try {
      row = JSON.stringify(toRow(decision, order));
    } catch (err) {
      const reason = messageOf(err);
      this.log.error(
        { transactionId: decision.transactionId, reason },
        'decision not serialisable, dropped',
      );
      this.countDropped('not_serialisable', 1);
      return;
    }
    const bytes = Buffer.byteLength(row);
    const pending = { decision: { ...decision, features: [] }, row, bytes };
    this.queueFull(this.queue.push(pending));
  }

  /**
   * Writes and publishes everything appended before the call, backing off or not. A run
   * already under way took its batch earlier, so it is waited for and a new one follows;
   * calls made meanwhile share that one.
   */
  async flush(): Promise<void> {
    if (this.flushing) await this.flushing;
    await this.run(false);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  private countDropped(reason: DropReason, count: number): void {
    if (count > 0) this.droppedTotal.inc({ reason }, count);
  }

  /** Counts decisions the queue dropped for its bounds; the log line waits for the flush. */
  private queueFull(dropped: number): void {
    this.dropped += dropped;
    this.countDropped('queue_full', dropped);
  }

  private run(timed: boolean): Promise<void> {
    this.flushing ??= this.flushOnce(timed).finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  /** Never rejects: failures are logged and retried. */
  private async flushOnce(timed: boolean): Promise<void> {
    if (this.dropped > 0) {
      // One line per flush however many were dropped since the last one.
      const fields = {
        dropped: this.dropped,
        waiting: this.queue.length,
        waitingBytes: this.queue.bytes,
      };
      this.log.error(fields, 'decision queue full, oldest dropped');
      this.dropped = 0;
    }
    const now = Date.now();
    let inserted: Decision[] = [];
    if (!timed || now >= this.storeAt) {
      const stored = await this.storeQueue();
      if (stored === undefined) return;
      inserted = stored;
    }
    if (timed && now < this.publishAt) return;
    try {
      if (this.retryUnpublished) inserted = inserted.concat(await this.unpublished(inserted));
      if (inserted.length === 0) return;
      await this.publisher.publish(inserted);
      await this.pool.query(
        `update ${this.schema}.decisions set published_at = now() ` +
          `where transaction_id = any($1::text[])`,
        [inserted.map((d) => d.transactionId)],
      );
      this.retryUnpublished = false;
      this.publishAt = 0;
      this.publishing.succeeded({ decisions: inserted.length });
    } catch (err) {
      this.retryUnpublished = true;
      this.publishing.failed(err, { decisions: inserted.length });
      this.publishAt = this.backOff(this.publishing.count);
    }
  }

  /** Inserts the queue: the decisions that were new, or undefined when it stays queued. */
  private async storeQueue(): Promise<Decision[] | undefined> {
    const batch = this.queue.takeAll();
    if (batch.length === 0) return [];
    try {
      const inserted = await this.store(batch);
      this.storeAt = 0;
      this.storing.succeeded({ waiting: this.queue.length });
      return inserted;
    } catch (err) {
      this.queueFull(this.queue.putBack(batch));
      // Part of the batch may be stored already: those rows are found again as unpublished.
      this.retryUnpublished = true;
      this.storing.failed(err, { waiting: this.queue.length });
      this.storeAt = this.backOff(this.storing.count);
      return undefined;
    }
  }

  /** When to try again after `failures` failures in a row. */
  private backOff(failures: number): number {
    // Between half and all of the doubling delay, so that instances do not retry in step.
    const ceiling = Math.min(MAX_BACKOFF_MS, this.flushMs * 2 ** failures);
    return Date.now() + ceiling / 2 + backoffDelay(failures, this.flushMs, MAX_BACKOFF_MS) / 2;
  }

  /** Inserts the batch; a row PostgreSQL refuses is found by halving, and dropped. */
  private async store(batch: Pending[]): Promise<Decision[]> {
    try {
      return await this.insert(batch);
    } catch (err) {
      if (!isRowError(err)) throw err;
      if (batch.length === 1) {
        const { transactionId } = batch[0].decision;
        this.log.error(
          { transactionId, reason: messageOf(err) },
          'decision refused by PostgreSQL, dropped',
        );
        this.countDropped('refused', 1);
        return [];
      }
      const half = Math.ceil(batch.length / 2);
      const first = await this.store(batch.slice(0, half));
      return first.concat(await this.store(batch.slice(half)));
    }
  }

  private async insert(batch: Pending[]): Promise<Decision[]> {
    const rows = await this.pool.query<{ transaction_id: string }>(
      `insert into ${this.schema}.decisions (transaction_id, customer_id, score,
         risk_level, decision, reasons, model_version, request, features, decided_at)
       select * from jsonb_to_recordset($1::jsonb) as t(transaction_id text, customer_id text,
         score float8, risk_level text, decision text, reasons jsonb, model_version text,
         request jsonb, features jsonb, decided_at timestamptz)
       on conflict (transaction_id) do nothing
       returning transaction_id`,
      [`[${batch.map((p) => p.row).join(',')}]`],
    );
    const fresh = new Set(rows.rows.map((r) => r.transaction_id));
    // The first decision of a transaction inside one batch is the one stored.
    const seen = new Set<string>();
    return batch
      .map((p) => p.decision)
      .filter(
        (d) =>
          fresh.has(d.transactionId) && !seen.has(d.transactionId) && seen.add(d.transactionId),
      );
  }

  private async unpublished(exclude: Decision[]): Promise<Decision[]> {
    const skip = exclude.map((d) => d.transactionId);
    const rows = await this.pool.query<{
      transaction_id: string;
      customer_id: string;
      score: number;
      risk_level: Decision['riskLevel'];
      decision: Decision['decision'];
      reasons: Decision['reasons'];
      model_version: string;
      decided_at: Date;
    }>(
      `select transaction_id, customer_id, score, risk_level, decision, reasons, model_version,
         decided_at from ${this.schema}.decisions
       where published_at is null and not (transaction_id = any($1::text[]))
       order by decided_at limit 1000`,
      [skip],
    );
    return rows.rows.map((r) => ({
      transactionId: r.transaction_id,
      customerId: r.customer_id,
      score: r.score,
      riskLevel: r.risk_level,
      decision: r.decision,
      reasons: r.reasons,
      modelVersion: r.model_version,
      decidedAt: r.decided_at.getTime(),
      features: [],
    }));
  }
}

/** A decision and its order as one row of `decisions`. */
function toRow(d: Decision, order: Order) {
  return {
    transaction_id: d.transactionId,
    customer_id: d.customerId,
    score: d.score,
    risk_level: d.riskLevel,
    decision: d.decision,
    reasons: d.reasons,
    model_version: d.modelVersion,
    request: order,
    features: d.features,
    decided_at: new Date(d.decidedAt).toISOString(),
  };
}
