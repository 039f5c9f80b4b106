import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openConnections } from '@qm/events';
import { FRAUD_PURCHASES_FILE, resolveDataDir } from '@qm/datasets';
import { type Logger, type ServiceApp } from '@qm/kit';
import { DecisionLog } from './adapters/decision-log';
import { FeedbackRepository } from './adapters/feedback-repository';
import { kafkaDecisionPublisher } from './adapters/kafka-decisions';
import { RedisVelocityStore } from './adapters/redis-velocity';
import { RulesRepository } from './adapters/rules-repository';
import { salesConsumer } from './adapters/sales-consumer';
import { buildApp } from './app';
import { modelDir, type FraudSettings } from './config';
import type { IpCountryTable } from './domain/ip-country';
import { loadArtefact } from './model/artefact';
import { ModelHolder } from './model/model-holder';
import { loadIpTable } from './training/train-model';

/** The PostgreSQL schema the service owns. */
export const FRAUD_SCHEMA = 'fraud';

/** Trains in a child process so scoring keeps its event loop; loads the artefact after. */
function trainInBackground(dir: string, models: ModelHolder, log: Logger): void {
  models.training();
  const child = spawn(process.execPath, [...process.execArgv, join(__dirname, 'train.ts')], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.on('exit', (code) => {
    const artefact = code === 0 ? loadArtefact(dir) : undefined;
    if (artefact) {
      models.use(artefact);
      log.info({ version: artefact.version }, 'trained model loaded');
    } else {
      models.rulesOnly(`training failed (exit ${code}): scoring by rules only`);
      log.error({ code }, 'training failed');
    }
  });
}

/**
 * The whole service from its settings, as it runs in production: migrations, PostgreSQL,
 * Redis, Kafka (decisions out, sales in), the model and the app, not yet listening. Closing
 * the app closes everything it opened. `schema` lets a benchmark run in a schema of its own.
 */
export async function composeFraudService(
  config: FraudSettings,
  log: Logger,
  schema = FRAUD_SCHEMA,
): Promise<ServiceApp> {
  const dataDir = resolveDataDir(config.QM_DATA_DIR);
  const dataPresent = existsSync(join(dataDir, ...FRAUD_PURCHASES_FILE));

  const connections = await openConnections({
    service: 'fraud',
    schema,
    migrations: join(__dirname, '..', 'migrations'),
    config,
    log,
  });
  const { pool, redis, bus } = connections;

  let ipTable: IpCountryTable | undefined;
  if (dataPresent) ipTable = await loadIpTable(dataDir);
  else log.warn({ dataDir }, 'fraud data set not found: IP countries unknown');

  const dir = modelDir(config);
  const models = new ModelHolder(loadArtefact(dir));
  if (models.current()) log.info({ version: models.current()?.version }, 'model loaded');
  else if (dataPresent && config.QM_FRAUD_TRAIN_ON_START) trainInBackground(dir, models, log);
  else models.rulesOnly('no model artefact and no data set to train on: scoring by rules only');

  const velocity = new RedisVelocityStore(redis, config.QM_REDIS_PREFIX);
  const rules = new RulesRepository(pool, config.QM_FRAUD_RULES_TTL_MS, schema);
  const { metrics } = connections;
  const decisions = new DecisionLog(
    pool,
    kafkaDecisionPublisher(bus.publisher, bus.topic('fraudDecisions')),
    log.child({ component: 'decision-log' }),
    config.QM_FRAUD_FLUSH_MS,
    { schema, maxQueueBytes: config.QM_FRAUD_QUEUE_MAX_BYTES, metrics },
  );

  const app = await buildApp({
    logger: log,
    bodyLimit: config.QM_BODY_LIMIT_BYTES,
    readiness: connections.readiness,
    metrics,
    desk: {
      velocity,
      rules: () => rules.current(),
      model: () => models.current(),
      context: { ipTable },
      models,
      decisions,
      feedback: new FeedbackRepository(pool, schema),
      rulesStore: rules,
    },
  });
  app.addHook('onClose', async () => {
    await decisions.stop();
    await connections.close();
  });

  decisions.start();
  try {
    await bus.ensureTopics();
    await bus.runConsumer(
      salesConsumer({
        pool,
        velocity,
        topic: bus.topic('sales'),
        log: log.child({ consumer: 'fraud.sales' }),
        groupPrefix: bus.topicPrefix,
        schema,
      }),
    );
  } catch (err) {
    // Scoring works without Kafka: decisions wait in PostgreSQL until it is back.
    log.error({ err }, 'kafka unavailable: sales not consumed');
  }
  return app;
}
