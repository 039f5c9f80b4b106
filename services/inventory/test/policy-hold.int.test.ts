import { join } from 'node:path';
import {
  create,
  decode,
  encode,
  RestockSignalSchema,
  SaleKind,
  SaleLineSchema,
  timestampFromDate,
  topicName,
} from '@qm/contracts';
import type { ConsumerHandle } from '@qm/events';
import { createLogger } from '@qm/kit';
import { salesConsumer } from '../src/adapters/consumers';
import { createStore, type Store } from '../src/adapters/store';
import { PolicyHold } from '../src/domain/policy-hold';
import { createInventory, type Inventory } from '../src/inventory';
import { openServiceTestStack, readTopic, waitFor } from '@qm/tests';
import type { ServiceTestStack, TopicReader } from '@qm/tests';

const log = createLogger('inventory-hold-test', 'silent');
const SKUS = Array.from({ length: 8 }, (_, i) => `HOLD-${i}`);
const ROUNDS = 30;

/** Every SKU sells once a day, a day a round; one key keeps all lines on one partition. */
function backlog() {
  return Array.from({ length: ROUNDS }, (_, round) =>
    SKUS.map((sku, i) => {
      const line = create(SaleLineSchema, {
        eventId: `${sku}-${round}`,
        currency: 'GBP',
        orderId: `o-${sku}-${round}`,
        sku,
        quantity: 1 + ((round * (i + 1)) % 5),
        kind: SaleKind.SALE,
        occurredAt: timestampFromDate(new Date(Date.UTC(2011, 5, 1 + round, 10))),
      });
      return { key: 'backlog', value: encode(SaleLineSchema, line) };
    }),
  ).flat();
}

/** One service over its own schema and topics, with its restock signals read back. */
interface Run {
  stack: ServiceTestStack;
  store: Store;
  inventory: Inventory;
  /** Policies computed so far. */
  computed: () => number;
  /** Restock signals published so far, in order. */
  published: () => { sku: string; urgency: string; onHand: number }[];
  reader: TopicReader;
  consumer?: ConsumerHandle;
}

async function openRun(label: string, store?: (schema: string) => Store): Promise<Run> {
  const stack = await openServiceTestStack(label, join(__dirname, '..', 'migrations'));
  const ownStore = store?.(stack.schema) ?? createStore(stack.schema);
  let computed = 0;
  const inventory = createInventory({
    pool: stack.pool,
    store: ownStore,
    log,
    publisher: stack.bus.publisher,
    signalTopic: topicName('restockSignals', stack.bus.topicPrefix),
    defaultWarehouse: 'main',
    openingStock: 40,
    counts: { computed: (n) => (computed += n), stale: () => undefined },
  });
  const reader = await readTopic(stack, topicName('restockSignals', stack.bus.topicPrefix));
  const published = () =>
    reader.messages.map((message) => {
      const s = decode(RestockSignalSchema, message.value ?? Buffer.alloc(0));
      return { sku: s.sku, urgency: s.urgency, onHand: s.onHand };
    });
  return { stack, store: ownStore, inventory, computed: () => computed, published, reader };
}

async function closeRun(run: Run | undefined): Promise<void> {
  await run?.consumer?.stop();
  await run?.reader.close();
  await run?.stack.teardown();
}

/** Publishes the backlog, then consumes it through the real sales consumer, a round a slice. */
async function loadBacklog(run: Run, hold?: PolicyHold): Promise<void> {
  const { stack } = run;
  await stack.bus.publisher.publish(stack.bus.topic('sales'), backlog());
  const spec = salesConsumer(stack.bus.topic('sales'), run.inventory, {
    topicPrefix: stack.bus.topicPrefix,
    hold,
  });
  run.consumer = await stack.bus.runConsumer({ ...spec, maxBatchSize: SKUS.length });
  await waitFor('the backlog in the ledger', async () => {
    const { rows } = await stack.pool.query(
      `SELECT count(*)::int AS n FROM ${stack.schema}.movements WHERE kind = 'SALE'`,
    );
    return rows[0].n === SKUS.length * ROUNDS ? true : undefined;
  });
}

async function signalsOf(run: Run) {
  const rows = await run.store.signals(run.stack.pool, {
    afterSeq: 0,
    includeClosed: true,
    limit: 1000,
  });
  return Object.fromEntries(rows.map((r) => [r.sku, { open: r.open, signal: r.signal }]));
}

async function policiesOf(run: Run) {
  const rows = await run.inventory.stock({ limit: 1000 });
  return Object.fromEntries(rows.map((r) => [r.sku, r.policy]));
}

describe('policies during a backlog of sales', () => {
  let held: Run | undefined;
  let live: Run | undefined;

  beforeAll(async () => {
    [held, live] = await Promise.all([openRun('invheld'), openRun('invlive')]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([closeRun(held), closeRun(live)]);
  }, 60_000);

  it('recomputes each SKU once after catching up, to the signals of each batch', async () => {
    if (!held || !live) throw new Error('runs not opened');
    // Behind by any message at all: only the first slice, before any lag is told, is live.
    const hold = new PolicyHold({ holdLag: 0 });
    await Promise.all([loadBacklog(held, hold), loadBacklog(live)]);

    const whileBehind = held.computed();
    expect(whileBehind).toBeLessThanOrEqual(SKUS.length);
    expect(await held.inventory.staleSummary()).toMatchObject({ keys: SKUS.length });
    expect(await policiesOf(held)).not.toEqual(await policiesOf(live));
    expect(live.computed()).toBeGreaterThanOrEqual(SKUS.length * ROUNDS);

    await held.inventory.sweep(hold);

    expect(held.computed() - whileBehind).toBe(SKUS.length);
    expect(await held.inventory.staleSummary()).toMatchObject({ keys: 0 });
    expect(await policiesOf(held)).toEqual(await policiesOf(live));
    const signals = await signalsOf(held);
    expect(signals).toEqual(await signalsOf(live));
    // Most SKUs reach their reorder point on this backlog: the comparison is not of nothing.
    expect(Object.keys(signals).length).toBeGreaterThanOrEqual(SKUS.length / 2);

    // Each change is published once: the last one of every open signal, and nothing again.
    await held.inventory.sweep(hold);
    expect(held.computed() - whileBehind).toBe(SKUS.length);
    const opened = SKUS.filter((sku) => signals[sku]?.open);
    await waitFor('the signals published', () =>
      opened.every((sku) => held?.published().some((p) => p.sku === sku)) ? true : undefined,
    );
    for (const sku of opened) {
      const mine = held.published().filter((p) => p.sku === sku);
      const last = signals[sku].signal;
      expect(mine.at(-1)).toEqual({
        sku,
        urgency: last?.urgency,
        onHand: last?.onHand,
      });
      expect(mine.length).toBeLessThanOrEqual(2);
    }
  }, 60_000);
});

describe('a pass over stale policies', () => {
  let run: Run | undefined;
  let markDuringPass: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    // The pass marks a key again from another connection while its page is being stored.
    run = await openRun('invremark', (schema) => {
      const store = createStore(schema);
      return {
        ...store,
        async savePolicies(db, rows) {
          await store.savePolicies(db, rows);
          const mark = markDuringPass;
          markDuringPass = undefined;
          await mark?.();
        },
      };
    });
  }, 60_000);

  afterAll(async () => {
    await closeRun(run);
  }, 60_000);

  it('leaves a key marked again during the pass stale, for the next pass', async () => {
    if (!run) throw new Error('run not opened');
    const { inventory, store, stack } = run;
    const sale = (eventId: string, sku: string) => ({
      eventId,
      sku,
      kind: 'SALE' as const,
      quantity: 2,
      occurredAt: new Date('2011-06-01T10:00:00Z'),
    });
    await inventory.applyMovements([sale('m-1', 'MARK-A'), sale('m-2', 'MARK-B')], undefined, {
      deferPolicies: true,
    });
    expect(await inventory.staleSummary()).toMatchObject({ keys: 2 });

    markDuringPass = () => store.markStale(stack.pool, [['MARK-A', 'main']]);
    expect(await inventory.refreshStale()).toMatchObject({ keys: 2 });

    const left = await store.stalePage(stack.pool, 10);
    expect(left.map((m) => m.sku)).toEqual(['MARK-A']);
    expect(await inventory.refreshStale()).toMatchObject({ keys: 1 });
    expect(await inventory.staleSummary()).toMatchObject({ keys: 0 });
  }, 60_000);
});
