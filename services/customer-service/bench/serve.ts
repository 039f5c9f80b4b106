/**
 * The app of the latency benchmark, in a process of its own so that the load generator
 * does not share its event loop. Real Redis and PostgreSQL; hand-offs go nowhere; the
 * production log settings at info level, written to /dev/null. Sends its address to the
 * parent, answers `cpu` with its CPU time so far, and closes on SIGTERM.
 */
import pino from 'pino';
import { resolveDataDir } from '@qm/datasets';
import { migrateFacts } from '@qm/facts';
import { createPool, createRedis, dropKeys, loggerOptions } from '@qm/kit';
import { answerCpu, onTerm } from '../../../gateway/bench/processes';
import { redisConversationStore } from '../src/adapters/conversations';
import { factsOrderLookup } from '../src/adapters/orders';
import { buildApp } from '../src/app';
import { readConfig, turnLimits } from '../src/config';
import { loadOrTrainSupportModel, modelPath } from '../src/nlu/support-model';

async function main(): Promise<void> {
  const config = readConfig();
  const log = pino(loggerOptions('customer-service', 'info'), pino.destination('/dev/null'));
  const classifier = await loadOrTrainSupportModel(
    modelPath(config.QM_SUPPORT_MODEL_PATH),
    resolveDataDir(config.QM_DATA_DIR),
    log,
  );
  // As at service start: the order lookups need the fact tables, empty or not.
  await migrateFacts(config.QM_DATABASE_URL, log);
  const pool = createPool(config.QM_DATABASE_URL, log);
  const redis = createRedis(config.QM_REDIS_URL, log);
  const prefix = `${config.QM_REDIS_PREFIX}bench-support-${process.pid}:`;
  const app = await buildApp({
    log,
    classifier,
    orders: factsOrderLookup(pool),
    conversations: redisConversationStore(redis, prefix, 60, turnLimits(config)),
    handoffs: { handOff: async () => undefined },
    transcriber: { transcribe: async () => ({ text: '', confidence: 0 }) },
    policies: { refund: 'refund policy', cancellation: 'cancellation policy' },
    escalateSentiment: config.QM_SUPPORT_ESCALATE_SENTIMENT,
    voiceLimitBytes: 1 << 20,
    voiceMaxSeconds: 60,
  });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });

  answerCpu();
  onTerm(async () => {
    await app.close();
    await dropKeys(redis, `${prefix}*`);
    redis.disconnect();
    await pool.end();
  });
  process.send?.({ address });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
