import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { DecisionLog, type DecisionPublisher } from '../src/adapters/decision-log';
import type { Order } from '../src/domain/order';
import type { Decision } from '../src/domain/scorer';

const decision = (transactionId: string): Decision => ({
  transactionId,
  customerId: 'c-1',
  score: 0.1,
  riskLevel: 'normal',
  decision: 'approve',
  reasons: [],
  modelVersion: 'test-model-1',
  decidedAt: Date.parse('2026-03-02T10:00:00Z'),
  features: [1, 2, 3],
});

const order = (transactionId: string): Order => ({
  transactionId,
  customerId: 'c-1',
  amount: 10,
  createdAt: Date.parse('2026-03-02T10:00:00Z'),
});

interface Row {
  transaction_id: string;
}

/** A PostgreSQL stand-in for the decisions table: `insert` decides what each insert does. */
function fakePool(insert: (rows: Row[]) => Row[]) {
  const stored = new Set<string>();
  const inserts: Row[][] = [];
  const query = jest.fn(async (sql: string, params: unknown[]) => {
    if (!sql.includes('insert into')) return { rows: [] };
    const rows = JSON.parse(params[0] as string) as Row[];
    inserts.push(rows);
    const fresh = insert(rows).filter((r) => !stored.has(r.transaction_id));
    for (const r of fresh) stored.add(r.transaction_id);
    return { rows: fresh.map((r) => ({ transaction_id: r.transaction_id })) };
  });
  return { pool: { query } as unknown as Pool, inserts, stored };
}

function recordingLog() {
  const lines: { level: string; msg: string; fields: Record<string, unknown> }[] = [];
  const at =
    (level: string) =>
    (fields: Record<string, unknown>, msg: string): void => {
      lines.push({ level, msg, fields });
    };
  const log = { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
  return { log: log as unknown as Logger, lines };
}

function recordingPublisher() {
  const published: string[] = [];
  const publisher: DecisionPublisher = {
    async publish(decisions) {
      published.push(...decisions.map((d) => d.transactionId));
    },
  };
  return { publisher, published };
}

const dbError = (message: string, code?: string) => Object.assign(new Error(message), { code });

/** Ids of one width, so that every row has the same size. */
const ids = (count: number) => Array.from({ length: count }, (_, i) => `t-${i + 10_000}`);

async function droppedCounts(registry: Registry): Promise<Record<string, number>> {
  const metric = registry.getSingleMetric('qm_fraud_decisions_dropped_total');
  const values = (await metric?.get())?.values ?? [];
  return Object.fromEntries(values.map((v) => [String(v.labels.reason), v.value]));
}

const rowBytes = (rows: Row[]) =>
  rows.reduce((n, r) => n + Buffer.byteLength(JSON.stringify(r)), 0);

describe('DecisionLog', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('stores on flush what was appended while an earlier flush was still writing', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const { pool, stored } = fakePool((rows) => rows);
    const query = (pool as unknown as { query: jest.Mock }).query;
    const plain = query.getMockImplementation() as (...args: unknown[]) => Promise<unknown>;
    query.mockImplementationOnce(async (...args: unknown[]) => {
      await held;
      return plain(...args);
    });
    const { publisher } = recordingPublisher();
    const decisions = new DecisionLog(pool, publisher, recordingLog().log, 100);

    decisions.append(decision('t-first'), order('t-first'));
    const first = decisions.flush();
    decisions.append(decision('t-later'), order('t-later'));
    const second = decisions.flush();
    release();
    await Promise.all([first, second]);

    expect([...stored].sort()).toEqual(['t-first', 't-later']);
  });

  it('drops just a decision it cannot serialise, logs it once, and stores the others', async () => {
    const { pool, stored } = fakePool((rows) => rows);
    const { publisher, published } = recordingPublisher();
    const { log, lines } = recordingLog();
    const decisions = new DecisionLog(pool, publisher, log, 100);
    const cyclic = { ...order('t-bad') } as Order & { self?: unknown };
    cyclic.self = cyclic;

    decisions.append(decision('t-bad'), cyclic);
    decisions.append(decision('t-good'), order('t-good'));
    await decisions.flush();
    await decisions.flush();

    expect([...stored]).toEqual(['t-good']);
    expect(published).toEqual(['t-good']);
    expect(lines.filter((l) => l.level === 'error')).toEqual([
      expect.objectContaining({ fields: expect.objectContaining({ transactionId: 't-bad' }) }),
    ]);
  });

  it('drops a row PostgreSQL refuses as bad data, storing the rest of its batch', async () => {
    const { pool, stored } = fakePool((rows) => {
      if (rows.some((r) => r.transaction_id === 't-2')) throw dbError('bad escape', '22P05');
      return rows;
    });
    const { publisher, published } = recordingPublisher();
    const { log, lines } = recordingLog();
    const decisions = new DecisionLog(pool, publisher, log, 100);

    for (const id of ['t-1', 't-2', 't-3', 't-4', 't-5']) decisions.append(decision(id), order(id));
    await decisions.flush();

    expect([...stored].sort()).toEqual(['t-1', 't-3', 't-4', 't-5']);
    expect(published.sort()).toEqual(['t-1', 't-3', 't-4', 't-5']);
    expect(lines.map((l) => l.msg)).toEqual(['decision refused by PostgreSQL, dropped']);
  });

  it('logs a recurring store failure once per distinct error, backing off in between', async () => {
    jest.useFakeTimers();
    let failure: Error | undefined = dbError('connection refused');
    const { pool, inserts, stored } = fakePool((rows) => {
      if (failure) throw failure;
      return rows;
    });
    const { publisher, published } = recordingPublisher();
    const { log, lines } = recordingLog();
    const decisions = new DecisionLog(pool, publisher, log, 100);
    decisions.append(decision('t-1'), order('t-1'));
    decisions.start();

    await jest.advanceTimersByTimeAsync(3_000);
    const attempts = inserts.length;
    expect(attempts).toBeGreaterThan(1);
    // Every 100 ms would be 30 attempts; doubling waits leave a handful.
    expect(attempts).toBeLessThan(8);
    failure = dbError('too many clients');
    await jest.advanceTimersByTimeAsync(5_000);
    failure = undefined;
    await jest.advanceTimersByTimeAsync(30_000);
    await decisions.stop();

    expect(lines.filter((l) => l.level === 'error').map((l) => l.fields.err)).toEqual([
      expect.objectContaining({ message: 'connection refused' }),
      expect.objectContaining({ message: 'too many clients' }),
    ]);
    expect(lines.map((l) => l.msg)).toContain('decisions stored again');
    expect([...stored]).toEqual(['t-1']);
    expect(published).toEqual(['t-1']);
  });

  it('keeps storing on time while Kafka is down, and resolves its flushes', async () => {
    jest.useFakeTimers();
    const { pool, stored } = fakePool((rows) => rows);
    const { log, lines } = recordingLog();
    const publisher: DecisionPublisher = {
      publish: () => Promise.reject(new Error('broker unreachable')),
    };
    const decisions = new DecisionLog(pool, publisher, log, 100);
    decisions.start();

    for (let i = 0; i < 20; i++) {
      decisions.append(decision(`t-${i}`), order(`t-${i}`));
      await jest.advanceTimersByTimeAsync(100);
      expect(stored.has(`t-${i}`)).toBe(true);
    }
    await expect(decisions.stop()).resolves.toBeUndefined();
    expect(lines.filter((l) => l.level === 'error').map((l) => l.msg)).toEqual([
      'decisions not published, will retry',
    ]);
  });

  it('drops the oldest decisions beyond its bound and says so once per flush', async () => {
    const { pool, stored } = fakePool((rows) => rows);
    const { publisher } = recordingPublisher();
    const { log, lines } = recordingLog();
    const decisions = new DecisionLog(pool, publisher, log, 100, { maxQueue: 3 });

    for (const id of ['t-1', 't-2', 't-3', 't-4', 't-5']) decisions.append(decision(id), order(id));
    await decisions.flush();

    expect([...stored]).toEqual(['t-3', 't-4', 't-5']);
    expect(lines).toEqual([
      expect.objectContaining({
        msg: 'decision queue full, oldest dropped',
        fields: { dropped: 2, waiting: 3, waitingBytes: expect.any(Number) },
      }),
    ]);
  });

  it('drops and counts the oldest of a flood whose rows pass the byte bound', async () => {
    const { pool, inserts, stored } = fakePool((rows) => rows);
    const { publisher } = recordingPublisher();
    const { log, lines } = recordingLog();
    const metrics = new Registry();
    const maxQueueBytes = 20_000;
    const decisions = new DecisionLog(pool, publisher, log, 100, { maxQueueBytes, metrics });
    const flood = ids(5_000);

    for (const id of flood) decisions.append(decision(id), order(id));
    await decisions.flush();

    const kept = inserts.flat();
    const oneRow = rowBytes(kept.slice(0, 1));
    expect(rowBytes(kept)).toBeLessThanOrEqual(maxQueueBytes);
    expect(rowBytes(kept) + oneRow).toBeGreaterThan(maxQueueBytes);
    expect([...stored]).toEqual(flood.slice(flood.length - kept.length));
    expect(await droppedCounts(metrics)).toEqual({ queue_full: flood.length - kept.length });
    expect(lines.map((l) => l.msg)).toEqual(['decision queue full, oldest dropped']);
  });

  it('keeps within the byte bound while PostgreSQL is down, newest kept', async () => {
    let down = true;
    const { pool, inserts, stored } = fakePool((rows) => {
      if (down) throw dbError('connection refused');
      return rows;
    });
    const { publisher } = recordingPublisher();
    const metrics = new Registry();
    const maxQueueBytes = 20_000;
    const decisions = new DecisionLog(pool, publisher, recordingLog().log, 100, {
      maxQueueBytes,
      metrics,
    });
    const all = ids(400);

    for (const id of all.slice(0, 200)) decisions.append(decision(id), order(id));
    await decisions.flush();
    for (const id of all.slice(200)) decisions.append(decision(id), order(id));
    down = false;
    await decisions.flush();

    const kept = inserts.at(-1) ?? [];
    expect(rowBytes(kept)).toBeLessThanOrEqual(maxQueueBytes);
    expect([...stored]).toEqual(all.slice(all.length - kept.length));
    expect(await droppedCounts(metrics)).toEqual({ queue_full: all.length - kept.length });
  });

  it('loses nothing in normal flow and counts no drops', async () => {
    jest.useFakeTimers();
    const { pool, stored } = fakePool((rows) => rows);
    const { publisher, published } = recordingPublisher();
    const { log, lines } = recordingLog();
    const metrics = new Registry();
    const decisions = new DecisionLog(pool, publisher, log, 100, {
      maxQueue: 1_000,
      maxQueueBytes: 1_000_000,
      metrics,
    });
    const all = ids(4_000);
    decisions.start();

    // 400 decisions per interval, well within both bounds between two flushes.
    for (let tick = 0; tick < 10; tick++) {
      for (const id of all.slice(tick * 400, (tick + 1) * 400)) {
        decisions.append(decision(id), order(id));
      }
      await jest.advanceTimersByTimeAsync(100);
    }
    await decisions.stop();

    expect(stored.size).toBe(all.length);
    expect(published.sort()).toEqual(all);
    expect(await droppedCounts(metrics)).toEqual({});
    expect(lines.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('counts the decisions it drops as unserialisable or refused', async () => {
    const { pool } = fakePool((rows) => {
      if (rows.some((r) => r.transaction_id === 't-2')) throw dbError('bad escape', '22P05');
      return rows;
    });
    const { publisher } = recordingPublisher();
    const metrics = new Registry();
    const decisions = new DecisionLog(pool, publisher, recordingLog().log, 100, { metrics });
    const cyclic = { ...order('t-bad') } as Order & { self?: unknown };
    cyclic.self = cyclic;

    decisions.append(decision('t-bad'), cyclic);
    for (const id of ['t-1', 't-2', 't-3']) decisions.append(decision(id), order(id));
    await decisions.flush();

    expect(await droppedCounts(metrics)).toEqual({ not_serialisable: 1, refused: 1 });
  });
});
