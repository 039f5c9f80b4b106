import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';
import { DATABASE_URL } from './stack';

/** A throw-away database, for code whose schemas have fixed names. */
export interface TestDatabase {
  name: string;
  url: string;
  pool: Pool;
  /** Closes the pool and removes the database, with any connection still open to it. */
  drop(): Promise<void>;
}

function urlOf(database: string): string {
  const url = new URL(DATABASE_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin(sql: string): Promise<void> {
  const client = new Client({ connectionString: urlOf('postgres') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates `qm_test_<label>_<random>` on the test stack's PostgreSQL. */
export async function createTestDatabase(label = 'db'): Promise<TestDatabase> {
  const name = `qm_test_${label.replace(/\W/g, '_')}_${randomBytes(5).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = urlOf(name);
  const pool = new Pool({ connectionString: url, max: 4 });
  return {
    name,
    url,
    pool,
    async drop() {
      // `end` resolves while the last sockets are still closing; when the forced drop ends
      // their backends first, the pool reports it as an error that means nothing here.
      pool.on('error', () => undefined);
      await pool.end();
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
