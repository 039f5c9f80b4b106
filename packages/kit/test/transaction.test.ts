import type { Pool, PoolClient } from 'pg';
import { inTransaction } from '../src';

/** A pool of one client that records its statements and fails those it is told to. */
function fakePool(failing: string[] = []) {
  const statements: string[] = [];
  const released: unknown[] = [];
  const client = {
    query: jest.fn(async (sql: string) => {
      statements.push(sql);
      if (failing.includes(sql)) throw new Error(`${sql} failed`);
      return { rows: [] };
    }),
    release: jest.fn((err?: unknown) => void released.push(err)),
  };
  const pool = { connect: async () => client as unknown as PoolClient } as unknown as Pool;
  return { pool, statements, released };
}

describe('inTransaction', () => {
  it("commits when the work resolves and answers the work's result", async () => {
    const { pool, statements, released } = fakePool();

    const result = await inTransaction(pool, async (client) => {
      await client.query('UPDATE things');
      return 42;
    });

    expect(result).toBe(42);
    expect(statements).toEqual(['BEGIN', 'UPDATE things', 'COMMIT']);
    expect(released).toEqual([false]);
  });

  it("rolls back when the work throws and rethrows the work's own error", async () => {
    const { pool, statements, released } = fakePool(['UPDATE things']);

    const run = inTransaction(pool, (client) => client.query('UPDATE things'));

    await expect(run).rejects.toThrow('UPDATE things failed');
    expect(statements).toEqual(['BEGIN', 'UPDATE things', 'ROLLBACK']);
    expect(released).toEqual([false]);
  });

  it('keeps the original error and discards the client when the rollback fails too', async () => {
    const { pool, released } = fakePool(['UPDATE things', 'ROLLBACK']);

    const run = inTransaction(pool, (client) => client.query('UPDATE things'));

    await expect(run).rejects.toThrow('UPDATE things failed');
    expect(released).toEqual([true]);
  });
});
