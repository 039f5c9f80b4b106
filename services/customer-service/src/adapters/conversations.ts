import { randomUUID } from 'node:crypto';
import type { Redis } from '@qm/kit';
import { redisTurnQueue, type TurnLimits } from './turns';

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
  /** When the hand-off was first tried (ISO 8601): its retries record the same hand-off. */
  handoffAt?: string;
  turns: Turn[];
}

/** The right to change one conversation's state, held by one message at a time. */
export interface ConversationLock {
  id: string;
  token: string;
}

export interface ConversationStore {
  /**
   * Waits until every message of the conversation that came before is answered, across
   * every instance of the service; undefined when that takes longer than the store allows.
   */
  lock(id: string): Promise<ConversationLock | undefined>;
  /** Lets the next message of the conversation go on. */
  unlock(lock: ConversationLock): Promise<void>;
  load(id: string | undefined, customerId: string | undefined): Promise<ConversationState>;
  /**
   * Writes the state whole. With a lock, only while it is still held: false, with nothing
   * written, when the lock was held past its lease and another message may have gone on.
   */
  save(state: ConversationState, lock?: ConversationLock): Promise<boolean>;
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
 * Conversation state as JSON in Redis, under a TTL refreshed by every message. The state is
 * read, changed and written whole, so messages of one conversation take turns: a queue in
 * Redis (`turns.ts`) lets one at a time go on, in the order they reached it, and a write
 * lands only while its message still holds the turn. The hand-off mark is a key of its own,
 * set with `SET NX`, so that a hand-off is published once even by messages that went on
 * without a turn (Redis failing, a lease lost).
 */
export function redisConversationStore(
  redis: Redis,
  prefix: string,
  ttlSeconds: number,
  turnLimits: TurnLimits,
): ConversationStore {
  const stateKey = (id: string) => `${prefix}conv:${id}`;
  const handoffKey = (id: string) => `${prefix}handoff:${id}`;
  const queueKey = (id: string) => `${prefix}turns:${id}`;
  const turns = redisTurnQueue(redis, turnLimits);
  return {
    async lock(id) {
      const token = await turns.take(queueKey(id));
      return token === undefined ? undefined : { id, token };
    },
    async unlock(lock) {
      await turns.leave(queueKey(lock.id), lock.token);
    },
    async load(id, customerId) {
      if (id === undefined) return newConversation(id, customerId);
      const [raw, handedOff] = await redis.mget(stateKey(id), handoffKey(id));
      if (raw === null) return newConversation(id, customerId);
      const existing = JSON.parse(raw) as ConversationState;
      if (customerId && !existing.customerId) existing.customerId = customerId;
      if (handedOff !== null) existing.escalated = true;
      return existing;
    },
    async save(state, lock) {
      const value = JSON.stringify({ ...state, turns: state.turns.slice(-MAX_TURNS) });
      // The mark lives as long as the conversation does.
      const alsoExpire = state.escalated ? handoffKey(state.id) : undefined;
      if (lock !== undefined) {
        const write = { key: stateKey(state.id), value, ttlSeconds, alsoExpire };
        return turns.writeIfHeld({ ...write, queueKey: queueKey(lock.id), token: lock.token });
      }
      const write = redis.multi().set(stateKey(state.id), value, 'EX', ttlSeconds);
      if (alsoExpire !== undefined) write.expire(alsoExpire, ttlSeconds);
      await write.exec();
      return true;
    },
    async claimHandoff(id) {
      return (await redis.set(handoffKey(id), '1', 'EX', ttlSeconds, 'NX')) === 'OK';
    },
    async releaseHandoff(id) {
      await redis.del(handoffKey(id));
    },
  };
}
