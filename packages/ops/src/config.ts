import { Type } from '@sinclair/typebox';
import { BaseConfig, loadConfig } from '@qm/kit';
import { defaultDataCacheDir } from '@qm/replay';

const MainJobConfig = {
  QM_LOG_LEVEL: Type.String({ default: 'warn' }),
  QM_KAFKA_BROKERS: BaseConfig.QM_KAFKA_BROKERS,
  QM_KAFKA_TOPIC_PREFIX: BaseConfig.QM_KAFKA_TOPIC_PREFIX,
  QM_DATABASE_URL: BaseConfig.QM_DATABASE_URL,
  QM_REDIS_URL: BaseConfig.QM_REDIS_URL,
  QM_DATA_DIR: Type.Optional(Type.String()),
  /** Where public sets are downloaded when there is no data directory. */
  QM_DATA_CACHE_DIR: Type.String({ default: defaultDataCacheDir() }),
  QM_GATEWAY_URL: Type.String({ default: 'http://127.0.0.1:8080' }),
  QM_MASTER_KEY: Type.String({ minLength: 16 }),
  /** How long to wait for the consumer groups to catch up. */
  QM_CATCH_UP_SECONDS: Type.Integer({ minimum: 10, default: 1800 }),
};

/** The main job's settings, read once from the environment. */
export function loadMainJobConfig() {
  return loadConfig(MainJobConfig);
}
