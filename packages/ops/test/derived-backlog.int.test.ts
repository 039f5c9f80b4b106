import { join } from 'node:path';
import pino from 'pino';
import { migrate } from '@qm/kit';
import { createTestDatabase, type TestDatabase } from '@qm/tests';
import { derivedBacklog } from '../src/catch-up';

const log = pino({ level: 'silent' });
const services = join(__dirname, '..', '..', '..', 'services');

describe('the backlog derived from consumed events', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('ops_backlog');
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('is nothing before the services have migrated their schemas', async () => {
    expect(await derivedBacklog(db.pool)).toEqual({ forecasts: 0, policies: 0 });
  });

  it('counts forecasts missing or older than their demand, and stale policies', async () => {
    for (const [schema, service] of [
      ['forecasting', 'forecasting'],
      ['inventory', 'inventory'],
    ]) {
      const dir = join(services, service, 'migrations');
      await migrate({ databaseUrl: db.url, schema, dir, log });
    }
    await db.pool.query(
      `INSERT INTO forecasting.demand_versions (sku, version)
       VALUES ('CURRENT', 3), ('BEHIND', 5), ('NEVER', 1)`,
    );
    await db.pool.query(
      `INSERT INTO forecasting.forecasts (sku, horizon, model, start, body, computed_at,
         demand_version)
       VALUES ('CURRENT', 7, 'm', '2011-11-01', '{}', now(), 3),
              ('BEHIND', 7, 'm', '2011-11-01', '{}', now(), 4)`,
    );
    await db.pool.query(
      `INSERT INTO inventory.stale_policies (sku, warehouse, mark)
       VALUES ('A', 'main', nextval('inventory.stale_marks'))`,
    );

    expect(await derivedBacklog(db.pool)).toEqual({ forecasts: 2, policies: 1 });

    await db.pool.query(`UPDATE forecasting.forecasts SET demand_version = 5 WHERE sku = 'BEHIND'`);
    await db.pool.query('DELETE FROM inventory.stale_policies');
    expect(await derivedBacklog(db.pool)).toEqual({ forecasts: 1, policies: 0 });
  });
});
