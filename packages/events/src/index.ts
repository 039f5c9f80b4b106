export type {
  ConsumerHandle,
  ConsumerSpec,
  ConsumerStats,
  IncomingEvent,
  OutgoingMessage,
  PoolClient,
  Publisher,
} from './types';
export { createEventBus, type ConsumerSettings, type EventBus, type EventBusOptions } from './bus';
export { claimEvents } from './claim';
export { consumerGroupId, SERVICE_GROUP_PREFIXES, serviceGroupPrefixes } from './groups';
export { ConsumerLag, type ConsumerLagOptions } from './lag';
export {
  openConnections,
  type ConnectionSettings,
  type Connections,
  type OpenConnectionsOptions,
} from './connections';
export { ConsumerFailedError, isTransientError } from './errors';
export { Headers, headersToRecord } from './headers';
export { deadLetterMessage, type HandlerRetryOptions } from './batch';
export {
  ConsumerStatsRecorder,
  listConsumerGroups,
  pipelineStatus,
  statsKey,
  type PipelineAdmin,
  type PipelineStatusOptions,
  type StatsOptions,
} from './stats';
export {
  deletePrefixed,
  ensureTopics,
  topicSpecs,
  type EnsureTopicsOptions,
  type TopicSpec,
} from './topics';
