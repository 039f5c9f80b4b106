import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { BaseConfig, createLogger, createPool, loadConfig, migrate, type Pool } from '../src';

const config = loadConfig({ QM_DATABASE_URL: BaseConfig.QM_DATABASE_URL });
const log = createLogger('test', 'silent');
const dir = join(__dirname, 'fixtures', 'migrations');

describe('migrate', () => {
  const schemas = [
    `kit_test_${randomBytes(4).toString('hex')}`,
    `kit_test_${randomBytes(4).toString('hex')}`,
  ];
  let pool: Pool;

  beforeAll(() => {
    pool = createPool(config.QM_DATABASE_URL, log);
  });
  afterAll(async () => {
    for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await pool.end();
  });

  it("starts a service's replicas at once: one applies, the other has nothing to do", async () => {
    const runs = await Promise.all([
      migrate({ databaseUrl: config.QM_DATABASE_URL, schema: schemas[0], dir, log }),
      migrate({ databaseUrl: config.QM_DATABASE_URL, schema: schemas[0], dir, log }),
    ]);
    expect(runs.map((r) => r.length).sort()).toEqual([0, 1]);
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM ${schemas[0]}.things`);
    expect(rows[0].n).toBe(0);
  });

  it('migrates two services side by side in their own schemas', async () => {
    await Promise.all(
      schemas.map((schema) => migrate({ databaseUrl: config.QM_DATABASE_URL, schema, dir, log })),
    );
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM ${schemas[1]}.things`);
    expect(rows[0].n).toBe(0);
  });
});
