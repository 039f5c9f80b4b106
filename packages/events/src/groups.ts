/**
 * Consumer group ids. A deployment's prefix (`QM_KAFKA_TOPIC_PREFIX`) goes in front of its
 * group ids as in front of its topic names, so that deployments sharing a cluster never join
 * each other's groups (and take each other's partitions), and each finds only its own.
 */

/** A consumer group's id (`<service>.<topic-short>`) under a deployment's prefix. */
export function consumerGroupId(name: string, topicPrefix = ''): string {
  return topicPrefix + name;
}

/** Group id prefixes of the services' consumers (`<service>.<topic-short>`). */
export const SERVICE_GROUP_PREFIXES = [
  'forecasting.',
  'recommendations.',
  'inventory.',
  'pricing.',
  'customer-service.',
  'fraud.',
  'facts.',
];

/** The prefixes of the services' group ids under a deployment's prefix. */
export function serviceGroupPrefixes(topicPrefix = ''): string[] {
  return SERVICE_GROUP_PREFIXES.map((p) => consumerGroupId(p, topicPrefix));
}
