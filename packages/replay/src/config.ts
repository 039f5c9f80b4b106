import { Type } from '@sinclair/typebox';
import { BaseConfig, loadConfig } from '@qm/kit';

const ReplayConfig = {
  QM_LOG_LEVEL: BaseConfig.QM_LOG_LEVEL,
  QM_KAFKA_BROKERS: BaseConfig.QM_KAFKA_BROKERS,
  QM_KAFKA_TOPIC_PREFIX: BaseConfig.QM_KAFKA_TOPIC_PREFIX,
  /** The data directory; the nearest `shared/data` beside the repository when unset. */
  QM_DATA_DIR: Type.Optional(Type.String()),
};

/** The replay's settings from the environment, read once. */
export function loadReplayConfig(env?: Record<string, string | undefined>) {
  return loadConfig(ReplayConfig, env);
}
