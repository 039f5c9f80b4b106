import type { Logger } from 'pino';
import {
  newConversation,
  type ConversationLock,
  type ConversationState,
  type ConversationStore,
} from '../adapters/conversations';
import { SupportErrors } from '../errors';

/** What reading and writing a conversation's state needs. */
export interface StateDeps {
  conversations: ConversationStore;
  log: Logger;
}

/**
 * Waits for the conversation's turn. Without Redis the message goes on unlocked, as it
 * goes on without its stored state; a turn not had within the bound is a 503.
 */
export async function lockConversation(
  deps: StateDeps,
  id: string | undefined,
): Promise<ConversationLock | undefined> {
  // A conversation begun by this message has no other message yet: nothing to wait for.
  if (id === undefined) return undefined;
  let lock: ConversationLock | undefined;
  try {
    lock = await deps.conversations.lock(id);
  } catch (err) {
    deps.log.warn({ err, conversationId: id }, 'conversation lock unavailable');
    return undefined;
  }
  if (lock === undefined) {
    throw SupportErrors.CONVERSATION_BUSY(undefined, { field: 'conversationId', retryAfter: 1 });
  }
  return lock;
}

/** Lets the next message of the conversation go on. */
export async function unlockConversation(
  deps: StateDeps,
  lock: ConversationLock | undefined,
): Promise<void> {
  if (lock === undefined) return;
  try {
    await deps.conversations.unlock(lock);
  } catch (err) {
    // The lock's lease ends it anyway.
    deps.log.warn({ err, conversationId: lock.id }, 'conversation lock not released');
  }
}

export async function loadState(
  deps: StateDeps,
  id: string | undefined,
  customerId: string | undefined,
): Promise<ConversationState> {
  try {
    return await deps.conversations.load(id, customerId);
  } catch (err) {
    // Without Redis the message is still answered, as the first of a new conversation.
    deps.log.warn({ err }, 'conversation state unavailable');
    return newConversation(id, customerId);
  }
}

export async function saveState(
  deps: StateDeps,
  state: ConversationState,
  lock: ConversationLock | undefined,
): Promise<void> {
  try {
    if (!(await deps.conversations.save(state, lock))) {
      deps.log.warn({ conversationId: state.id }, 'conversation state not saved: lock lost');
    }
  } catch (err) {
    deps.log.warn({ err, conversationId: state.id }, 'conversation state not saved');
  }
}
