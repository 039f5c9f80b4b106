import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { Decision } from '../domain/scorer';
import type { Order } from '../domain/order';

/** Sends stored decisions on; resolves once the broker has them. */
export interface DecisionPublisher {
  publish(decisions: Decision[], requestId?: string): Promise<void>;
}

interface Pending {
  decision: Decision;
  order: Order;
}

/**
 * Write-behind log of decisions. Scoring only appends to memory; every `flushMs` the queue is
 * inserted in one statement, and the decisions that were new (a transaction scored twice keeps
 * its first decision) are published once and marked published. A failed insert keeps the
 * queue for the next flush; a failed publish leaves rows unpublished, and they are retried
 * from PostgreSQL. What is lost on a crash is at most one interval of decisions.
 */
export class DecisionLog {
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private retryUnpublished = true;

  constructor(
    private readonly pool: Pool,
    private readonly publisher: DecisionPublisher,
    private readonly log: Logger,
    private readonly flushMs: number,
    private readonly schema = 'fraud',
    /** Beyond this many waiting decisions the oldest are dropped, with an error logged. */
    private readonly maxQueue = 100_000,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.flushMs);
    this.timer.unref();
  }

  append(decision: Decision, order: Order): void {
    this.queue.push({ decision, order });
    if (this.queue.length > this.maxQueue) {
      const dropped = this.queue.splice(0, this.queue.length - this.maxQueue);
      this.log.error({ dropped: dropped.length }, 'decision queue full, oldest dropped');
    }
  }

  /** Writes and publishes what is waiting; concurrent calls share one run. */
  flush(): Promise<void> {
    this.flushing ??= this.run().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  private async run(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    let inserted: Decision[] = [];
    if (batch.length > 0) {
      try {
        inserted = await this.insert(batch);
      } catch (err) {
        this.queue = batch.concat(this.queue);
        this.log.error({ err, waiting: this.queue.length }, 'decisions not stored, will retry');
        return;
      }
    }
    if (this.retryUnpublished) inserted = inserted.concat(await this.unpublished(inserted));
    if (inserted.length === 0) return;
    try {
      await this.publisher.publish(inserted);
      await this.pool.query(
        `update ${this.schema}.decisions set published_at = now() where transaction_id = any($1::text[])`,
        [inserted.map((d) => d.transactionId)],
      );
      this.retryUnpublished = false;
    } catch (err) {
      this.retryUnpublished = true;
      this.log.error({ err, decisions: inserted.length }, 'decisions not published, will retry');
    }
  }

  private async insert(batch: Pending[]): Promise<Decision[]> {
    const rows = await this.pool.query<{ transaction_id: string }>(
      `insert into ${this.schema}.decisions (transaction_id, customer_id, score, risk_level, decision,
         reasons, model_version, request, features, decided_at)
       select * from jsonb_to_recordset($1::jsonb) as t(transaction_id text, customer_id text,
         score float8, risk_level text, decision text, reasons jsonb, model_version text,
         request jsonb, features jsonb, decided_at timestamptz)
       on conflict (transaction_id) do nothing
       returning transaction_id`,
      [
        JSON.stringify(
          batch.map(({ decision: d, order }) => ({
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
          })),
        ),
      ],
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
