import { randomUUID } from 'node:crypto';
import type { Redis } from '@qm/kit';

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
  /** Why the conversation was handed to a person, once it was. */
  handoffReason?: string;
  turns: Turn[];
}

export interface ConversationStore {
  load(id: string | undefined, customerId: string | undefined): Promise<ConversationState>;
  save(state: ConversationState): Promise<void>;
  /**
   * Marks the conversation as handed off. True for the one caller that marked it, false
   * when it already was: concurrent messages of one conversation hand it off once.
   */
  claimHandoff(id: string): Promise<boolean>;
  /** Takes the mark back, when the hand-off could not be published. */
  releaseHandoff(id: string): Promise<void>;
}

const MAX_TURNS = 20;

export function newConversation(
  id: string | undefined,
  customerId: string | undefined,
): ConversationState {
  return {
    id: id ?? randomUUID(),
    customerId: customerId ?? '',
    fallbacks: 0,
    escalated: false,
    turns: [],
  };
}

/**
 * Conversation state as JSON in Redis, under a TTL refreshed by every message. The
 * hand-off mark is a key of its own, set with `SET NX`, since the state is written whole
 * by each message and concurrent messages would overwrite each other's flag.
 */
export function redisConversationStore(
  redis: Redis,
  prefix: string,
  ttlSeconds: number,
): ConversationStore {
  const stateKey = (id: string) => `${prefix}conv:${id}`;
  const handoffKey = (id: string) => `${prefix}handoff:${id}`;
  return {
    async load(id, customerId) {
      if (id === undefined) return newConversation(id, customerId);
      const [raw, handedOff] = await redis.mget(stateKey(id), handoffKey(id));
      if (raw === null) return newConversation(id, customerId);
      const existing = JSON.parse(raw) as ConversationState;
      if (customerId && !existing.customerId) existing.customerId = customerId;
      if (handedOff !== null) existing.escalated = true;
      return existing;
    },
    async save(state) {
      const trimmed = { ...state, turns: state.turns.slice(-MAX_TURNS) };
      const write = redis
        .multi()
        .set(stateKey(state.id), JSON.stringify(trimmed), 'EX', ttlSeconds);
      // The mark lives as long as the conversation does.
      if (state.escalated) write.expire(handoffKey(state.id), ttlSeconds);
      await write.exec();
    },
    async claimHandoff(id) {
      return (await redis.set(handoffKey(id), '1', 'EX', ttlSeconds, 'NX')) === 'OK';
    },
    async releaseHandoff(id) {
      await redis.del(handoffKey(id));
    },
  };
}
