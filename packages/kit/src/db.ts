import { Client, Pool, type PoolClient, type PoolConfig } from 'pg';
import { runner } from 'node-pg-migrate';
import type { Logger } from 'pino';

export type { Pool, PoolClient } from 'pg';

/** A query runner: the pool, or a client inside a transaction. */
export type Db = Pick<Pool | PoolClient, 'query'>;

/** A PostgreSQL pool whose idle-client errors are logged instead of crashing the process. */
export function createPool(connectionString: string, log: Logger, extra: PoolConfig = {}): Pool {
  const pool = new Pool({ connectionString, max: 10, idleTimeoutMillis: 30_000, ...extra });
  pool.on('error', (err) => log.warn({ err }, 'idle postgres client failed'));
  return pool;
}

export interface MigrateOptions {
  databaseUrl: string;
  /** The schema the service owns; created when missing. */
  schema: string;
  /** Folder of migration files (SQL with `-- Up Migration` / `-- Down Migration`). */
  dir: string;
  log: Logger;
}

/**
 * Applies a service's pending migrations inside its own schema. Replicas of one service
 * wait for each other on an advisory lock of that schema; different services, which share
 * the database but not their schemas, migrate side by side. (The library's own lock is one
 * for the whole database and fails at once instead of waiting, so it is turned off.)
 */
export async function migrate(options: MigrateOptions): Promise<string[]> {
  const client = new Client({ connectionString: options.databaseUrl });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock(hashtext($1))', [`qm-migrate:${options.schema}`]);
    return await migrateLocked(client, options);
  } finally {
    await client.end();
  }
}

async function migrateLocked(client: Client, options: MigrateOptions): Promise<string[]> {
  const applied = await runner({
    dbClient: client,
    noLock: true,
    dir: options.dir,
    direction: 'up',
    count: Infinity,
    schema: options.schema,
    createSchema: true,
    migrationsSchema: options.schema,
    createMigrationsSchema: true,
    migrationsTable: 'migrations',
    checkOrder: true,
    singleTransaction: true,
    verbose: false,
    log: () => undefined,
    logger: {
      debug: () => undefined,
      info: () => undefined,
      warn: (msg: string) => options.log.warn(msg),
      // Our files are numbered `0001_name.sql`, not timestamped; the library orders them by
      // that number all the same, but reports each one as an error.
      error: (msg: string) =>
        msg.startsWith("Can't determine timestamp")
          ? options.log.debug(msg)
          : options.log.error(msg),
    },
  });
  const names = applied.map((m) => m.name);
  if (names.length > 0)
    options.log.info({ schema: options.schema, applied: names }, 'migrations applied');
  return names;
}

/**
 * Runs `work` in one transaction on one client of the pool: committed when it resolves, rolled
 * back when it throws, and its error rethrown. A client whose rollback fails as well is
 * discarded rather than handed back to the pool in a state the next caller cannot use.
 */
export async function inTransaction<T>(
  pool: Pool,
  work: (client: PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}

/** Readiness check for PostgreSQL. */
export function postgresCheck(pool: Pool): () => Promise<void> {
  return async () => {
    await pool.query('select 1');
  };
}
