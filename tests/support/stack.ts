import { randomBytes } from 'node:crypto';
import { BaseConfig, loadConfig, splitList } from '@qm/kit';

// The local stack by default; the containers' URLs when the global setup started them.
const config = loadConfig({
  QM_DATABASE_URL: BaseConfig.QM_DATABASE_URL,
  QM_REDIS_URL: BaseConfig.QM_REDIS_URL,
  QM_KAFKA_BROKERS: BaseConfig.QM_KAFKA_BROKERS,
});
export const DATABASE_URL = config.QM_DATABASE_URL;
export const REDIS_URL = config.QM_REDIS_URL;
export const BROKERS = splitList(config.QM_KAFKA_BROKERS);

/** A name no other test run uses (letters, digits and dashes). */
export function uniqueName(label: string): string {
  return `qmtest-${label}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/** Polls until `probe` returns something other than undefined, or fails after the timeout. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
