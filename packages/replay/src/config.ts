import { homedir } from 'node:os';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { BaseConfig, loadConfig } from '@qm/kit';

/** The download cache beside the stack's other caches. */
export function defaultDataCacheDir(): string {
  return join(homedir(), '.cache', 'quartermaster', 'data');
}

const ReplayConfig = {
  QM_LOG_LEVEL: BaseConfig.QM_LOG_LEVEL,
  QM_KAFKA_BROKERS: BaseConfig.QM_KAFKA_BROKERS,
  QM_KAFKA_TOPIC_PREFIX: BaseConfig.QM_KAFKA_TOPIC_PREFIX,
  /** The data directory; the nearest `shared/data` beside the repository when unset. */
  QM_DATA_DIR: Type.Optional(Type.String()),
  /** Where public sets are downloaded when there is no data directory. */
  QM_DATA_CACHE_DIR: Type.String({ default: defaultDataCacheDir() }),
};

/** The replay's settings from the environment, read once. */
export function loadReplayConfig(env?: Record<string, string | undefined>) {
  return loadConfig(ReplayConfig, env);
}
