import { create, encode, FraudDecisionSchema, timestampFromMs } from '@qm/contracts';
import type { Publisher } from '@qm/events';
import type { Decision } from '../domain/scorer';
import type { DecisionPublisher } from './decision-log';

/** Publishes decisions as `FraudDecision` messages keyed by transaction id. */
export function kafkaDecisionPublisher(publisher: Publisher, topic: string): DecisionPublisher {
  return {
    async publish(decisions, requestId) {
      const messages = decisions.map((d: Decision) => ({
        key: d.transactionId,
        value: encode(
          FraudDecisionSchema,
          create(FraudDecisionSchema, {
            transactionId: d.transactionId,
            customerId: d.customerId,
            score: d.score,
            riskLevel: d.riskLevel,
            decision: d.decision,
            reasons: d.reasons.map((r) => `${r.code}: ${r.detail}`),
            modelVersion: d.modelVersion,
            decidedAt: timestampFromMs(d.decidedAt),
          }),
        ),
      }));
      await publisher.publish(topic, messages, { requestId });
    },
  };
}
