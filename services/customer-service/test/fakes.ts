import pino from 'pino';
import type { ConversationState, ConversationStore } from '../src/adapters/conversations';
import type { Handoff, HandoffSink } from '../src/adapters/handoffs';
import type { OrderFact, OrderLookup } from '../src/adapters/orders';
import type { AppDeps } from '../src/app';
import type { Classification } from '../src/nlu/intent-model';

/** A keyword classifier standing in for the trained model in route tests. */
export function keywordClassifier(rules: [RegExp, string][]): AppDeps['classifier'] {
  return {
    classify(text: string): Classification {
      const hit = rules.find(([pattern]) => pattern.test(text));
      const best = { intent: hit?.[1] ?? 'review', confidence: hit ? 0.9 : 0.1 };
      const runnerUp = { intent: 'review', confidence: 0.05 };
      return { ...(hit ? best : { intent: 'fallback', confidence: 0.1 }), best, runnerUp };
    },
  };
}

export function memoryConversations(): ConversationStore & {
  states: Map<string, ConversationState>;
} {
  const states = new Map<string, ConversationState>();
  const handedOff = new Set<string>();
  // Each conversation's last message in line: the next one waits for it to be answered.
  const lines = new Map<string, Promise<void>>();
  const releases = new Map<string, () => void>();
  let next = 0;
  return {
    states,
    async lock(id) {
      const ahead = lines.get(id) ?? Promise.resolve();
      const token = `t${++next}`;
      const done = new Promise<void>((resolve) => releases.set(token, resolve));
      lines.set(
        id,
        ahead.then(() => done),
      );
      await ahead;
      return { id, token };
    },
    async unlock(lock) {
      releases.get(lock.token)?.();
      releases.delete(lock.token);
    },
    async load(id, customerId) {
      const found = id === undefined ? undefined : states.get(id);
      if (found) {
        const state = structuredClone(found);
        if (customerId && !state.customerId) state.customerId = customerId;
        if (handedOff.has(state.id)) state.escalated = true;
        return state;
      }
      next++;
      const fresh = { id: id ?? `c${next}`, customerId: customerId ?? '', fallbacks: 0 };
      return { ...fresh, escalated: false, turns: [] };
    },
    async save(state) {
      states.set(state.id, structuredClone(state));
      return true;
    },
    async claimHandoff(id) {
      if (handedOff.has(id)) return false;
      handedOff.add(id);
      return true;
    },
    async releaseHandoff(id) {
      handedOff.delete(id);
    },
  };
}

export function recordingHandoffs(): HandoffSink & { sent: Handoff[] } {
  const sent: Handoff[] = [];
  return {
    sent,
    async handOff(h) {
      sent.push(h);
    },
  };
}

export function memoryOrders(orders: OrderFact[]): OrderLookup {
  return { getOrder: async (id) => orders.find((o) => o.orderId === id) };
}

export const silentLog = pino({ level: 'silent' });

/** The settings of the app in the tests that build it: policies, escalation, voice limits. */
export const TEST_SETTINGS = {
  policies: { refund: 'Refunds take 5 days.', cancellation: 'Cancel before dispatch.' },
  escalateSentiment: -0.8,
  voiceLimitBytes: 1 << 20,
  voiceMaxSeconds: 60,
} satisfies Partial<AppDeps>;
