/**
 * Topic names. A deployment may prefix every name (`QM_KAFKA_TOPIC_PREFIX`), which is how
 * tests get topics of their own; `topicName` applies the prefix.
 */
export const Topics = {
  sales: 'qm.sales.v1',
  clickstream: 'qm.clickstream.v1',
  products: 'qm.products.v1',
  inventoryMovements: 'qm.inventory-movements.v1',
  forecasts: 'qm.forecasts.v1',
  restockSignals: 'qm.restock-signals.v1',
  priceChanges: 'qm.price-changes.v1',
  fraudDecisions: 'qm.fraud-decisions.v1',
  supportHandoffs: 'qm.support-handoffs.v1',
} as const;

export type TopicKey = keyof typeof Topics;

/** The dead-letter topic of a topic. */
export function deadLetterTopic(topic: string): string {
  return `${topic}.dlq`;
}

/** A topic's name under a deployment's prefix. */
export function topicName(key: TopicKey, prefix = ''): string {
  return prefix + Topics[key];
}
