import { randomUUID } from 'node:crypto';
import type { Cache } from '@qm/kit';

/** One message of a conversation as kept for the hand-off. */
export interface Turn {
  from: 'shopper' | 'assistant';
  text: string;
  intent?: string;
  at: string;
}

/** What the service remembers between messages of one conversation. */
export interface ConversationState {
  id: string;
  customerId: string;
  /** An order intent waiting for its order number. */
  pendingIntent?: string;
  /** Fallbacks in a row. */
  fallbacks: number;
  escalated: boolean;
  turns: Turn[];
}

export interface ConversationStore {
  load(id: string | undefined, customerId: string | undefined): Promise<ConversationState>;
  save(state: ConversationState): Promise<void>;
}

const MAX_TURNS = 20;

/** Conversation state as JSON in Redis, under a TTL refreshed by every message. */
export function redisConversationStore(cache: Cache, ttlSeconds: number): ConversationStore {
  return {
    async load(id, customerId) {
      const existing =
        id === undefined ? undefined : await cache.get<ConversationState>(`conv:${id}`);
      if (existing !== undefined) {
        if (customerId && !existing.customerId) existing.customerId = customerId;
        return existing;
      }
      return {
        id: id ?? randomUUID(),
        customerId: customerId ?? '',
        fallbacks: 0,
        escalated: false,
        turns: [],
      };
    },
    async save(state) {
      const trimmed = { ...state, turns: state.turns.slice(-MAX_TURNS) };
      await cache.set(`conv:${state.id}`, trimmed, ttlSeconds);
    },
  };
}
