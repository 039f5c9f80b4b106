import { join } from 'node:path';
import type { Logger } from 'pino';
import { migrate } from '@qm/kit';

/** The folder of the fact migrations (all three schemas in one set). */
export const FACTS_MIGRATIONS_DIR = join(__dirname, '..', 'migrations');

/**
 * Creates or updates the `sales`, `clickstream` and `catalog` schemas. One migration set,
 * recorded in `sales.migrations`, so the three schemas always move together.
 */
export function migrateFacts(databaseUrl: string, log: Logger): Promise<string[]> {
  return migrate({ databaseUrl, schema: 'sales', dir: FACTS_MIGRATIONS_DIR, log });
}
