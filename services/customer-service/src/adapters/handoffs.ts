import type { Pool } from 'pg';
import { SupportHandoffSchema, create, encode, timestampFromDate, topicName } from '@qm/contracts';
import type { Publisher } from '@qm/events';

export interface Handoff {
  conversationId: string;
  customerId: string;
  reason: string;
  lastMessage: string;
  intent: string;
  /** When the hand-off began; with the conversation id, it names the hand-off. */
  handedOffAt: Date;
}

/** Hands a conversation to the desk. */
export interface HandoffSink {
  handOff(handoff: Handoff, requestId?: string): Promise<void>;
}

/** Keeps hand-offs, one row each however often one is recorded. */
export interface HandoffLog {
  /** The hand-off as first recorded under its conversation id and time. */
  record(handoff: Handoff): Promise<Handoff>;
}

/** Publishes SupportHandoff events, keyed by conversation id. */
export function kafkaHandoffSink(publisher: Publisher, topicPrefix: string): HandoffSink {
  const topic = topicName('supportHandoffs', topicPrefix);
  return {
    async handOff(h, requestId) {
      const event = { ...h, handedOffAt: timestampFromDate(h.handedOffAt) };
      const value = encode(SupportHandoffSchema, create(SupportHandoffSchema, event));
      await publisher.publish(topic, [{ key: h.conversationId, value }], { requestId });
    },
  };
}

interface HandoffRow {
  conversation_id: string;
  customer_id: string;
  reason: string;
  intent: string;
  last_message: string;
  handed_off_at: Date;
}

/**
 * Hand-offs in `support.handoffs`, where they outlive the conversation state. A hand-off
 * recorded again (a retry after a timeout) adds nothing and reads back the first row.
 */
export function pgHandoffLog(pool: Pool): HandoffLog {
  return {
    async record(h) {
      // The select sees the table as it was before the insert: one of the two has the row.
      const { rows } = await pool.query<HandoffRow>(
        `WITH added AS (
           INSERT INTO support.handoffs
             (conversation_id, customer_id, reason, intent, last_message, handed_off_at)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (conversation_id, handed_off_at) DO NOTHING
           RETURNING *)
         SELECT * FROM added
         UNION ALL
         SELECT * FROM support.handoffs WHERE conversation_id = $1 AND handed_off_at = $6`,
        [h.conversationId, h.customerId, h.reason, h.intent, h.lastMessage, h.handedOffAt],
      );
      const row = rows[0];
      return {
        conversationId: row.conversation_id,
        customerId: row.customer_id,
        reason: row.reason,
        intent: row.intent,
        lastMessage: row.last_message,
        handedOffAt: row.handed_off_at,
      };
    },
  };
}

/**
 * Records the hand-off, then publishes it as recorded. The row comes first, so no event goes
 * out without one; a retry of a hand-off whose publish was late adds no row and publishes
 * the same event (same key and time) again, which readers can tell for a repeat.
 */
export function recordThenPublish(log: HandoffLog, sink: HandoffSink): HandoffSink {
  return {
    async handOff(h, requestId) {
      await sink.handOff(await log.record(h), requestId);
    },
  };
}
