import type { Logger } from 'pino';
import type {
  ConversationLock,
  ConversationState,
  ConversationStore,
} from '../adapters/conversations';
import type { HandoffSink } from '../adapters/handoffs';
import type { OrderLookup } from '../adapters/orders';
import type { Classification } from '../nlu/intent-model';
import { SupportErrors } from '../errors';
import { loadState, lockConversation, saveState, unlockConversation } from './conversation-state';
import { extractEntities, orderKey, type Entity } from './entities';
import { detectLanguage } from './language';
import {
  ORDER_INTENTS,
  FALLBACK_REPLY,
  FOREIGN_REPLY,
  HANDOFF_REPLY,
  UNHEARD_REPLY,
  askOrderReply,
  fixedReply,
  orderNotFoundReply,
  orderReply,
  type Policies,
} from './replies';
import { scoreSentiment, type SentimentResult } from './sentiment';
import { stripControl } from '../nlu/text';

export interface IntentClassifier {
  classify(text: string): Classification;
}

export interface AssistantDeps {
  classifier: IntentClassifier;
  orders: OrderLookup;
  conversations: ConversationStore;
  handoffs: HandoffSink;
  policies: Policies;
  /** Sentiment score at or below which a person takes over. */
  escalateSentiment: number;
  log: Logger;
}

export interface IncomingMessage {
  conversationId?: string;
  customerId?: string;
  text: string;
  requestId?: string;
  /** A recording in which no speech was made out: answered fallback, asking again. */
  unheard?: boolean;
}

export interface SupportAnswer {
  conversationId: string;
  intent: string;
  confidence: number;
  entities: Entity[];
  sentiment: SentimentResult;
  reply: string;
  escalate: boolean;
  handoffReason: string | null;
}

export type HandoffReason =
  | 'asked for a person'
  | 'complaint'
  | 'strongly negative sentiment'
  | 'not understood twice'
  | 'not in English';

const HANDOFF_TIMEOUT_MS = 1000;

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Why a person should take over, or undefined when the assistant can go on. */
function handoffReason(
  intent: string,
  sentiment: SentimentResult,
  fallbacks: number,
  threshold: number,
): HandoffReason | undefined {
  if (intent === 'contact_human_agent') return 'asked for a person';
  if (intent === 'complaint') return 'complaint';
  if (sentiment.score <= threshold) return 'strongly negative sentiment';
  if (fallbacks >= 2) return 'not understood twice';
  return undefined;
}

/** Whether this message is the one to hand the conversation off: once per conversation. */
async function claimHandoff(deps: AssistantDeps, state: ConversationState): Promise<boolean> {
  if (state.escalated) return false;
  try {
    return await deps.conversations.claimHandoff(state.id);
  } catch (err) {
    // Without Redis a second hand-off is better than none.
    deps.log.warn({ err, conversationId: state.id }, 'hand-off mark unavailable');
    return true;
  }
}

/**
 * The reply about one order. When the shopper is known, another customer's order is
 * answered as if it did not exist: its lines and total are theirs alone.
 */
async function replyForOrder(
  deps: AssistantDeps,
  intent: string,
  orderNumber: string,
  customerId: string,
): Promise<string> {
  try {
    const order = await deps.orders.getOrder(orderNumber);
    const someoneElses =
      order !== undefined &&
      customerId !== '' &&
      order.customerId !== '' &&
      order.customerId !== customerId;
    if (order === undefined || someoneElses) return orderNotFoundReply(orderNumber);
    return orderReply(intent, order, deps.policies);
  } catch (err) {
    deps.log.warn({ err, orderNumber }, 'order lookup failed');
    return `I cannot look up order ${orderNumber} right now. Please try again in a few minutes.`;
  }
}

/**
 * Publishes the hand-off; false, with the mark taken back, when it could not be in time. The
 * attempt it gave up on may still finish, so the hand-off keeps the time of its first attempt
 * in the state: a retry names the same hand-off, and its sinks record it once.
 */
async function handOff(
  deps: AssistantDeps,
  state: ConversationState,
  reason: string,
  text: string,
  intent: string,
  requestId?: string,
): Promise<boolean> {
  state.handoffAt ??= new Date().toISOString();
  const handoff = {
    conversationId: state.id,
    customerId: state.customerId,
    reason,
    lastMessage: text,
    intent,
    handedOffAt: new Date(state.handoffAt),
  };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('hand-off publish timed out')), HANDOFF_TIMEOUT_MS);
  });
  try {
    await Promise.race([deps.handoffs.handOff(handoff, requestId), timeout]);
    return true;
  } catch (err) {
    deps.log.error({ err, conversationId: state.id }, 'hand-off not published');
    // The next message that calls for a person tries again.
    await deps.conversations.releaseHandoff(state.id).catch((releaseErr: unknown) => {
      deps.log.warn({ err: releaseErr, conversationId: state.id }, 'hand-off mark kept');
    });
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** What one message says, read before its conversation is locked. */
interface Reading {
  text: string;
  unheard: boolean;
  entities: Entity[];
  sentiment: SentimentResult;
  english: boolean;
  classification?: Classification;
}

function readMessage(deps: AssistantDeps, text: string, unheard: boolean): Reading {
  const heard = unheard ? '' : text;
  const english = unheard || detectLanguage(text).english;
  const hasWords = /\p{L}{2,}/u.test(heard);
  return {
    text,
    unheard,
    entities: extractEntities(heard),
    sentiment: scoreSentiment(heard),
    english,
    classification: english && hasWords ? deps.classifier.classify(text) : undefined,
  };
}

/**
 * Understands one shopper message in its conversation, answers it, and decides whether a
 * person should take over. Control characters are stripped before anything is stored. An
 * unheard recording counts as a message not understood; its transcript (maybe empty) is
 * not classified, nor searched for entities, sentiment or language. Messages of one
 * conversation are answered one at a time, in the order they arrive.
 */
export async function answerMessage(
  deps: AssistantDeps,
  input: IncomingMessage,
): Promise<SupportAnswer> {
  const text = stripControl(input.text).trim();
  const unheard = input.unheard === true;
  if (text.length === 0 && !unheard) {
    throw SupportErrors.TEXT_REQUIRED(undefined, { field: 'text' });
  }

  const reading = readMessage(deps, text, unheard);
  const lock = await lockConversation(deps, input.conversationId);
  try {
    return await answerInConversation(deps, input, reading, lock);
  } finally {
    await unlockConversation(deps, lock);
  }
}

/** The answer to a message that was read, given its conversation's state. */
async function answerInConversation(
  deps: AssistantDeps,
  input: IncomingMessage,
  reading: Reading,
  lock: ConversationLock | undefined,
): Promise<SupportAnswer> {
  const { text, unheard, entities, sentiment, classification: c } = reading;
  const state = await loadState(deps, input.conversationId, input.customerId);
  // A shopper's conversation holds their orders and hand-offs: nobody else may go on with it.
  if (input.customerId && state.customerId && state.customerId !== input.customerId) {
    throw SupportErrors.CONVERSATION_OF_ANOTHER_CUSTOMER(undefined, { field: 'conversationId' });
  }
  const orderEntity = entities.find((e) => e.type === 'order_number');

  let intent: string;
  let confidence: number;
  let reply: string;
  let reason: HandoffReason | undefined;

  if (!reading.english) {
    intent = 'fallback';
    confidence = 0;
    reason = 'not in English';
    reply = FOREIGN_REPLY;
  } else {
    intent = c?.intent ?? 'fallback';
    confidence = c?.confidence ?? 0;

    // An order number after we asked for one answers that question, unless the message
    // is itself about another order.
    if (state.pendingIntent && orderEntity && !ORDER_INTENTS.has(intent)) {
      intent = state.pendingIntent;
      confidence = c?.best.intent === intent ? c.best.confidence : 1;
    }

    state.fallbacks = intent === 'fallback' ? state.fallbacks + 1 : 0;
    reason = handoffReason(intent, sentiment, state.fallbacks, deps.escalateSentiment);

    if (intent === 'fallback') {
      reply = unheard ? UNHEARD_REPLY : FALLBACK_REPLY;
      // A question we asked stays open while the shopper says it again.
      if (!unheard) state.pendingIntent = undefined;
    } else if (ORDER_INTENTS.has(intent)) {
      if (orderEntity) {
        reply = await replyForOrder(deps, intent, orderKey(orderEntity.value), state.customerId);
        state.pendingIntent = undefined;
      } else {
        reply = askOrderReply(intent);
        state.pendingIntent = intent;
      }
    } else {
      reply = fixedReply(intent, deps.policies);
      state.pendingIntent = undefined;
    }
    if (reason !== undefined && intent !== 'contact_human_agent' && intent !== 'complaint') {
      reply = `${reply} ${HANDOFF_REPLY}`;
    }
  }

  const now = new Date().toISOString();
  state.turns.push({ from: 'shopper', text, intent, at: now });
  state.turns.push({ from: 'assistant', text: reply, at: now });
  if (reason !== undefined && !state.escalated) {
    // Another message may have won the mark; then that one publishes the hand-off.
    const mine = await claimHandoff(deps, state);
    state.escalated = mine
      ? await handOff(deps, state, reason, text, intent, input.requestId)
      : true;
    if (state.escalated) state.handoffReason = reason;
  }
  // Once handed off, the conversation stays with a person for as long as it lives.
  const escalated = state.escalated || reason !== undefined;
  await saveState(deps, state, lock);

  return {
    conversationId: state.id,
    intent,
    confidence: round(confidence),
    entities,
    sentiment,
    reply,
    escalate: escalated,
    handoffReason: reason ?? state.handoffReason ?? null,
  };
}
