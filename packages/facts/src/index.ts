export { FACTS_MIGRATIONS_DIR, migrateFacts } from './migrate';
export {
  FactsGroups,
  factsGroupId,
  startFactsWriter,
  DEFAULT_BATCH_SIZE,
  DEFAULT_CONCURRENCY,
  type ConsumerRunner,
  type FactsWriter,
  type FactsWriterOptions,
} from './writer';
export {
  countFacts,
  countFactsBySource,
  type FactsBySource,
  getOrder,
  type FactCounts,
  type OrderFact,
  type OrderLineFact,
} from './queries';
export { storeClickEvents, storeProducts, storeSaleLines } from './store';
export { clickTypeName, saleKindName } from './rows';
export { consumerLag, topicSize } from './lag';
