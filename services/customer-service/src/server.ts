import { join } from 'node:path';
import { createLogger, listen } from '@qm/kit';
import { resolveDataDir } from '@qm/datasets';
import { openConnections } from '@qm/events';
import { migrateFacts, startFactsWriter } from '@qm/facts';
import { redisConversationStore } from './adapters/conversations';
import { kafkaHandoffSink, pgHandoffLog, recordThenPublish } from './adapters/handoffs';
import { factsOrderLookup } from './adapters/orders';
import { limitTranscriber } from './adapters/limited-transcriber';
import { pocketsphinxTranscriber } from './adapters/transcriber';
import { buildApp } from './app';
import { readConfig, turnLimits } from './config';
import { ensureSpeechModel, loadOrTrainSupportModel, modelPath } from './nlu/support-model';

async function main(): Promise<void> {
  const config = readConfig();
  const log = createLogger('customer-service', config.QM_LOG_LEVEL);

  const dataDir = resolveDataDir(config.QM_DATA_DIR);
  const classifier = await loadOrTrainSupportModel(
    modelPath(config.QM_SUPPORT_MODEL_PATH),
    dataDir,
    log,
  );
  const speechLm = await ensureSpeechModel(
    modelPath(config.QM_SUPPORT_SPEECH_LM_PATH),
    config.QM_SUPPORT_ASR_DICT,
    dataDir,
    log,
  );

  const connections = await openConnections({
    service: 'customer-service',
    schema: 'support',
    migrations: join(__dirname, '..', 'migrations'),
    config,
    log,
  });
  const { pool, redis, bus } = connections;
  // This process also owns the order facts: their schemas and the writer that fills them.
  await migrateFacts(config.QM_DATABASE_URL, log);

  const app = await buildApp({
    log,
    classifier,
    orders: factsOrderLookup(pool),
    conversations: redisConversationStore(
      redis,
      `${config.QM_REDIS_PREFIX}support:`,
      config.QM_SUPPORT_CONVERSATION_TTL_SECONDS,
      turnLimits(config),
    ),
    handoffs: recordThenPublish(
      pgHandoffLog(pool),
      kafkaHandoffSink(bus.publisher, config.QM_KAFKA_TOPIC_PREFIX),
    ),
    transcriber: limitTranscriber(
      pocketsphinxTranscriber(
        config.QM_SUPPORT_ASR_COMMAND,
        config.QM_SUPPORT_ASR_TIMEOUT_MS,
        speechLm,
      ),
      {
        concurrency: config.QM_SUPPORT_ASR_CONCURRENCY,
        queue: config.QM_SUPPORT_ASR_QUEUE,
        waitMs: config.QM_SUPPORT_ASR_QUEUE_WAIT_MS,
      },
    ),
    policies: {
      refund: config.QM_SUPPORT_REFUND_POLICY,
      cancellation: config.QM_SUPPORT_CANCELLATION_POLICY,
    },
    escalateSentiment: config.QM_SUPPORT_ESCALATE_SENTIMENT,
    bodyLimit: config.QM_BODY_LIMIT_BYTES,
    voiceLimitBytes: config.QM_SUPPORT_VOICE_LIMIT_BYTES,
    voiceMaxSeconds: config.QM_SUPPORT_VOICE_MAX_SECONDS,
    readiness: connections.readiness,
    metrics: connections.metrics,
  });

  await bus.ensureTopics();
  const writer = await startFactsWriter({
    bus,
    pool,
    log,
    topicPrefix: config.QM_KAFKA_TOPIC_PREFIX,
  });

  app.addHook('onClose', async () => {
    await writer.stop();
    await connections.close();
  });

  await listen(app, { host: config.QM_HTTP_HOST, port: config.QM_HTTP_PORT });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
