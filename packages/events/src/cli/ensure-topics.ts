import { Type } from '@sinclair/typebox';
import { BaseConfig, createLogger, loadConfig, splitList } from '@qm/kit';
import { createEventBus } from '../bus';

/** Creates the missing topics of the deployment; used by the startup scripts. */
async function main(): Promise<void> {
  const config = loadConfig({
    QM_LOG_LEVEL: BaseConfig.QM_LOG_LEVEL,
    QM_KAFKA_BROKERS: BaseConfig.QM_KAFKA_BROKERS,
    QM_KAFKA_TOPIC_PREFIX: BaseConfig.QM_KAFKA_TOPIC_PREFIX,
    QM_KAFKA_REPLICATION_FACTOR: Type.Integer({ minimum: 1, default: 1 }),
  });
  const log = createLogger('ensure-topics', config.QM_LOG_LEVEL);
  const bus = createEventBus({
    brokers: splitList(config.QM_KAFKA_BROKERS),
    clientId: 'qm-ensure-topics',
    log,
    topicPrefix: config.QM_KAFKA_TOPIC_PREFIX,
  });
  try {
    const created = await bus.ensureTopics({
      replicationFactor: config.QM_KAFKA_REPLICATION_FACTOR,
    });
    log.info({ created, count: created.length }, 'topics ready');
  } finally {
    await bus.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
