// Only the light helpers: the container clients are loaded by the global setup on demand.
export { BROKERS, DATABASE_URL, REDIS_URL, uniqueName, waitFor } from './stack';
export { createTestDatabase, type TestDatabase } from './database';
export {
  openServiceTestStack,
  type ServiceTestStack,
  type ServiceTestStackOptions,
} from './service-stack';
export { recordingBus, type RecordingBus } from './recording-bus';
export { readTopic, type TopicReader } from './topic-reader';
