import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { buildApp, type GatewayDeps } from '../../src/app';
import { readConfig } from '../../src/config';
import { MemoryKeyStore } from './fakes';

export const MASTER = 'test-master-key';

/** An address where nothing listens, for services that are down. */
export const NOWHERE = 'http://127.0.0.1:9';

/** A clock stopped halfway through the current minute, so rate windows stay put. */
export function midMinute(): () => number {
  const now = (Math.floor(Date.now() / 60_000) + 0.5) * 60_000;
  return () => now;
}

/** Builds the gateway through the production factory with in-memory keys. */
export async function buildTestGateway(
  env: Record<string, string> = {},
  deps: Pick<GatewayDeps, 'accessLog' | 'ingestion'> = {},
): Promise<{ app: FastifyInstance; keys: MemoryKeyStore }> {
  const keys = new MemoryKeyStore();
  const config = readConfig({
    QM_MASTER_KEY: MASTER,
    QM_FORECASTING_URL: NOWHERE,
    QM_RECOMMENDATIONS_URL: NOWHERE,
    QM_INVENTORY_URL: NOWHERE,
    QM_PRICING_URL: NOWHERE,
    QM_SUPPORT_URL: NOWHERE,
    QM_FRAUD_URL: NOWHERE,
    QM_BREAKER_FAILURES: '3',
    // Compiling test files stalls the event loop; load shedding would refuse the calls.
    QM_MAX_EVENT_LOOP_DELAY_MS: '0',
    QM_BREAKER_COOLDOWN_MS: '60000',
    ...env,
  });
  const log = pino({ level: 'silent' });
  const app = await buildApp({ config, log, keys, clock: midMinute(), ...deps });
  await app.ready();
  return { app, keys };
}

/** Creates a key through the admin endpoint and returns it with its id. */
export async function createKey(
  app: FastifyInstance,
  body: Record<string, unknown>,
): Promise<{ id: string; key: string }> {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/admin/keys',
    headers: { 'x-api-key': MASTER },
    payload: body,
  });
  if (response.statusCode !== 201) throw new Error(`key creation answered ${response.body}`);
  return response.json<{ id: string; key: string }>();
}
