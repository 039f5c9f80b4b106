/**
 * The processes of the latency benchmark, each started in a child process of its own by
 * `fraud.ts` (role and argument on the command line): the fraud service as production
 * composes it, and the gateway in front of it. Each sends its URL (and the gateway its API
 * key) to the parent once listening, answers `cpu` with its CPU time so far, and removes
 * what it created on SIGTERM.
 */
import pino from 'pino';
import { createEventBus, deletePrefixed } from '@qm/events';
import { createPool, createRedis, dropKeys, loggerOptions } from '@qm/kit';
import { startBenchGateway } from '../../../gateway/bench/front';
import { onTerm, runRole } from '../../../gateway/bench/processes';
import { readConfig } from '../src/config';
import { composeFraudService } from '../src/service';

/** The key's limit: counted on every call, well above the benchmark's rate. */
const RATE_LIMIT_PER_MINUTE = 120_000;

/** Names of everything one run creates, from the run id. */
function benchNames(runId: string) {
  return {
    schema: `fraud_bench_${runId}`,
    redisPrefix: `qm:bench:fraud:${runId}:`,
    topicPrefix: `bench-fraud-${runId}.`,
  };
}

async function dropRedisKeys(url: string, pattern: string): Promise<void> {
  const redis = createRedis(url, pino({ enabled: false }));
  try {
    await dropKeys(redis, pattern);
  } finally {
    redis.disconnect();
  }
}

async function dropKafka(brokers: string, topicPrefix: string): Promise<void> {
  const log = pino({ enabled: false });
  const bus = createEventBus({ brokers: brokers.split(','), clientId: 'bench-fraud', log });
  try {
    await deletePrefixed(await bus.admin(), topicPrefix);
  } finally {
    await bus.close();
  }
}

/**
 * The fraud service composed as `server.ts` does, with production log settings (written to
 * /dev/null), in a schema, Redis prefix and topic prefix of the run's own.
 */
async function fraudService(runId: string): Promise<string> {
  const names = benchNames(runId);
  const config = readConfig({
    ...process.env,
    QM_HTTP_PORT: '0',
    QM_REDIS_PREFIX: names.redisPrefix,
    QM_KAFKA_TOPIC_PREFIX: names.topicPrefix,
  });
  const log = pino(loggerOptions('fraud', config.QM_LOG_LEVEL), pino.destination('/dev/null'));
  const app = await composeFraudService(config, log, names.schema);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  onTerm(async () => {
    await app.close();
    const pool = createPool(config.QM_DATABASE_URL, log);
    await pool.query(`drop schema if exists "${names.schema}" cascade`);
    await pool.end();
    await dropRedisKeys(config.QM_REDIS_URL, `${names.redisPrefix}*`);
    await dropKafka(config.QM_KAFKA_BROKERS, names.topicPrefix);
  });
  return url;
}

/** The gateway with every check on (`gateway/bench/front.ts`), in front of the service. */
async function gateway(
  arg: string,
): Promise<{ url: string; key: string; rateLimitPerMinute: number }> {
  const [upstream, runId] = arg.split(' ');
  const front = await startBenchGateway({
    name: `fraud_${runId}`,
    env: { QM_FRAUD_URL: upstream },
    scopes: ['fraud:score'],
    rateLimitPerMinute: RATE_LIMIT_PER_MINUTE,
  });
  onTerm(() => front.close());
  return { url: front.url, key: front.key, rateLimitPerMinute: RATE_LIMIT_PER_MINUTE };
}

const ROLES: Record<string, (arg: string) => Promise<unknown>> = {
  fraud: fraudService,
  gateway,
};

runRole(ROLES);
