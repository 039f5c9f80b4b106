import type { Pool } from 'pg';
import { SupportHandoffSchema, create, encode, timestampFromDate, topicName } from '@qm/contracts';
import type { Publisher } from '@qm/events';

export interface Handoff {
  conversationId: string;
  customerId: string;
  reason: string;
  lastMessage: string;
  intent: string;
}

/** Hands a conversation to the desk. */
export interface HandoffSink {
  handOff(handoff: Handoff, requestId?: string): Promise<void>;
}

/** Publishes SupportHandoff events, keyed by conversation id. */
export function kafkaHandoffSink(publisher: Publisher, topicPrefix: string): HandoffSink {
  const topic = topicName('supportHandoffs', topicPrefix);
  return {
    async handOff(h, requestId) {
      const value = encode(
        SupportHandoffSchema,
        create(SupportHandoffSchema, { ...h, handedOffAt: timestampFromDate(new Date()) }),
      );
      await publisher.publish(topic, [{ key: h.conversationId, value }], { requestId });
    },
  };
}

/** Records hand-offs in `support.handoffs`, where they outlive the conversation state. */
export function pgHandoffLog(pool: Pool): HandoffSink {
  return {
    async handOff(h) {
      await pool.query(
        `INSERT INTO support.handoffs (conversation_id, customer_id, reason, intent, last_message)
         VALUES ($1, $2, $3, $4, $5)`,
        [h.conversationId, h.customerId, h.reason, h.intent, h.lastMessage],
      );
    },
  };
}

/** Hands off to every sink; fails if any of them fails. */
export function allSinks(...sinks: HandoffSink[]): HandoffSink {
  return {
    async handOff(h, requestId) {
      await Promise.all(sinks.map((s) => s.handOff(h, requestId)));
    },
  };
}
