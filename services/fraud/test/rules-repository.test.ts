import type { Pool } from 'pg';
import { RulesRepository } from '../src/adapters/rules-repository';

interface Entry {
  kind: string;
  value: string;
  action: string;
}

/**
 * The two tables in memory, for the statements the repository sends. A read sees the rows as
 * they are when it is sent; while `hold` is set, its answer waits for `release()`.
 */
function fakeDatabase() {
  let entries: Entry[] = [];
  let limits: { name: string; value: number }[] = [];
  const held: (() => void)[] = [];
  const db = {
    hold: false,
    release: () => held.splice(0).forEach((answer) => answer()),
  };

  const read = (sql: string) => {
    const rows = sql.includes('list_entries') ? [...entries] : [...limits];
    if (!db.hold) return Promise.resolve({ rows });
    return new Promise((resolve) => held.push(() => resolve({ rows })));
  };
  const write = async (sql: string, params: unknown[] = []) => {
    if (sql.startsWith('delete from') && sql.includes('list_entries')) {
      entries = entries.filter((e) => e.kind !== params[0]);
    } else if (sql.startsWith('delete from')) {
      limits = [];
    } else if (sql.startsWith('insert into') && sql.includes('list_entries')) {
      const [kind, values, actions] = params as [string, string[], string[]];
      entries.push(...values.map((value, i) => ({ kind, value, action: actions[i] })));
    } else if (sql.startsWith('insert into')) {
      const [names, values] = params as [string[], number[]];
      limits = names.map((name, i) => ({ name, value: values[i] }));
    }
    return { rows: [] };
  };

  const pool = {
    query: (sql: string) => read(sql.trim()),
    connect: async () => ({
      query: (sql: string, params?: unknown[]) => write(sql.trim(), params),
      release: () => undefined,
    }),
  };
  return { db, pool: pool as unknown as Pool };
}

/** Lets every pending promise callback run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('RulesRepository', () => {
  it('answers a list replaced while a load begun before it was still reading', async () => {
    const { db, pool } = fakeDatabase();
    const repo = new RulesRepository(pool, 60_000);

    db.hold = true;
    const before = repo.current();
    await settle();
    db.hold = false;
    const replaced = repo.replaceList('email', ['fraud@example.com'], []);
    await settle();
    db.release();

    expect((await before).lists.block.email.size).toBe(0);
    expect((await replaced).block).toEqual(['fraud@example.com']);
    expect((await repo.current()).lists.block.email.has('fraud@example.com')).toBe(true);
  });

  it('answers limits replaced while a load begun before them was still reading', async () => {
    const { db, pool } = fakeDatabase();
    const repo = new RulesRepository(pool, 60_000);

    db.hold = true;
    const before = repo.current();
    await settle();
    db.hold = false;
    const replaced = repo.replaceLimits({ maxAmount: 500 });
    await settle();
    db.release();
    await before;

    expect(await replaced).toEqual({ maxAmount: 500 });
    expect((await repo.current()).limits.maxAmount).toBe(500);
  });
});
