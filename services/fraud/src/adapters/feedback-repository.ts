import type { Pool } from 'pg';

export type FeedbackLabel = 'fraud' | 'legit';

export interface StoredFeedback {
  transactionId: string;
  label: FeedbackLabel;
  /** Whether a decision was stored for this transaction (it may still be on its way). */
  decisionKnown: boolean;
  receivedAt: string;
}

/** Labels from risk teams and chargebacks, kept for the next training. */
export class FeedbackRepository {
  constructor(
    private readonly pool: Pool,
    private readonly schema = 'fraud',
  ) {}

  /** Stores a label; a later label for the same transaction replaces the earlier one. */
  async record(
    transactionId: string,
    label: FeedbackLabel,
    note?: string,
  ): Promise<StoredFeedback> {
    const { rows } = await this.pool.query<{ received_at: Date; known: boolean }>(
      `insert into ${this.schema}.feedback (transaction_id, label, note) values ($1, $2, $3)
       on conflict (transaction_id) do update
         set label = excluded.label, note = excluded.note, received_at = now()
       returning received_at,
         exists (select 1 from ${this.schema}.decisions d where d.transaction_id = $1) as known`,
      [transactionId, label, note ?? null],
    );
    return {
      transactionId,
      label,
      decisionKnown: rows[0].known,
      receivedAt: rows[0].received_at.toISOString(),
    };
  }

  async find(transactionId: string): Promise<{ label: FeedbackLabel } | undefined> {
    const { rows } = await this.pool.query<{ label: FeedbackLabel }>(
      `select label from ${this.schema}.feedback where transaction_id = $1`,
      [transactionId],
    );
    return rows[0];
  }
}
