import { createServiceApp, type ServiceApp, type ServiceAppDeps } from '@qm/kit';
import type { ConversationStore } from './adapters/conversations';
import type { HandoffSink } from './adapters/handoffs';
import type { OrderLookup } from './adapters/orders';
import type { Transcriber } from './adapters/transcriber';
import type { IntentClassifier } from './domain/assistant';
import type { Policies } from './domain/replies';
import { messageRoutes } from './routes/messages';
import { voiceRoutes } from './routes/voice';

export interface AppDeps extends ServiceAppDeps {
  classifier: IntentClassifier;
  orders: OrderLookup;
  conversations: ConversationStore;
  handoffs: HandoffSink;
  transcriber: Transcriber;
  policies: Policies;
  escalateSentiment: number;
  voiceLimitBytes: number;
  /** Longest recording accepted, in seconds of audio. */
  voiceMaxSeconds: number;
}

/** The customer-service HTTP app, built from its dependencies. */
export async function buildApp(deps: AppDeps): Promise<ServiceApp> {
  const app = await createServiceApp({
    metrics: deps.metrics,
    name: 'customer-service',
    description: "Understands a shopper's message and answers it, or hands it to a person.",
    logger: deps.log,
    bodyLimit: deps.bodyLimit,
    readiness: deps.readiness,
    tags: [{ name: 'support', description: 'Shopper messages and voice' }],
  });
  const assistant = {
    classifier: deps.classifier,
    orders: deps.orders,
    conversations: deps.conversations,
    handoffs: deps.handoffs,
    policies: deps.policies,
    escalateSentiment: deps.escalateSentiment,
    log: deps.log.child({ component: 'assistant' }),
  };
  messageRoutes(app, assistant);
  voiceRoutes(app, assistant, deps.transcriber, {
    bytes: deps.voiceLimitBytes,
    seconds: deps.voiceMaxSeconds,
  });
  return app;
}
