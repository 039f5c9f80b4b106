import type { Logger } from 'pino';
import { inTransaction, type Db, type Pool } from '@qm/kit';
import { claimEvents, type Publisher } from '@qm/events';
import { applyMovement, type MovementKind, type StockLevel } from './domain/ledger';
import { computePolicy, DEFAULT_SETTINGS, type Policy, type SkuSettings } from './domain/policy';
import { DEFAULT_EMPIRICAL, type ForecastPath } from './domain/demand';
import { restockSignal, signalFingerprint } from './domain/signals';
import type { Store, StoredForecast } from './adapters/store';
import type { DemandRow, MovementRow } from './adapters/batch-store';
import { encodeSignal } from './adapters/messages';
import type { PolicyHold } from './domain/policy-hold';
import { InventoryErrors } from './errors';

/** Days of demand history read for a policy: the empirical window (`DEFAULT_EMPIRICAL`). */
const HISTORY_DAYS = DEFAULT_EMPIRICAL.windowDays;

export interface MovementInput {
  eventId: string;
  sku: string;
  warehouse?: string;
  kind: MovementKind;
  quantity: number;
  occurredAt: Date;
  reference?: string;
}

export interface AppliedMovements {
  applied: number;
  duplicates: number;
}

/** How a batch of events treats the policies it touches. */
export interface BatchOptions {
  /** Mark the touched keys stale instead of recomputing them (the sales consumer is behind). */
  deferPolicies?: boolean;
}

/** Counts of policy work, for metrics. */
export interface PolicyCounts {
  /** Policies computed (each SKU and warehouse once per recomputation). */
  computed(policies: number): void;
  /** Keys waiting for a recomputation, as last read. */
  stale(keys: number): void;
}

export interface ForecastInput extends StoredForecast {
  sku: string;
  model: string;
  computedAt: Date;
}

export interface InventoryDeps {
  pool: Pool;
  store: Store;
  log: Logger;
  /** Where restock-signal changes go; without it they stay in the table (tests, CLIs). */
  publisher?: Publisher;
  signalTopic: string;
  defaultWarehouse: string;
  /** Demo rule: units a new SKU and warehouse open with (0: none). */
  openingStock: number;
  counts?: PolicyCounts;
}

const keyOf = (sku: string, warehouse: string) => `${sku}\u0000${warehouse}`;

/** Code-unit order, the same as `COLLATE "C"` in the locking query: rows lock in one order. */
function byKey(a: [string, string], b: [string, string]): number {
  const x = keyOf(...a);
  const y = keyOf(...b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The part of a stored forecast that starts the day after `asOf`; null when it is stale. */
export function forecastFrom(f: StoredForecast | null, asOf: string): ForecastPath | undefined {
  if (f === null) return undefined;
  const offset = Math.round(
    (Date.parse(`${addDays(asOf, 1)}T00:00:00Z`) - Date.parse(`${f.startDay}T00:00:00Z`)) /
      86_400_000,
  );
  const from = Math.max(0, offset);
  if (from >= f.mean.length) return undefined;
  return {
    mean: f.mean.slice(from),
    lower95: f.lower95.slice(from),
    upper95: f.upper95.slice(from),
  };
}

/** The inventory service's use cases over its store; routes and consumers call these. */
export function createInventory(deps: InventoryDeps) {
  const { pool, store, log } = deps;

  async function settingsOf(db: Db, sku: string): Promise<SkuSettings> {
    return (await store.settings(db, sku)) ?? DEFAULT_SETTINGS;
  }

  /**
   * Recomputes the policies and signals of SKUs in warehouses from their current stock, reading
   * settings, histories and forecasts for all of them at once. Returns how many signals changed.
   */
  async function refresh(db: Db, levels: Map<string, StockLevel>, asOf: string): Promise<number> {
    const keys = [...levels.keys()].map((k) => k.split('\u0000') as [string, string]);
    if (keys.length === 0) return 0;
    const skus = [...new Set(keys.map((k) => k[0]))];
    const settings = await store.settingsFor(db, skus);
    const histories = await store.histories(db, keys, asOf, HISTORY_DAYS);
    const forecasts = await store.forecastsFor(db, skus);
    const policies: { sku: string; warehouse: string; policy: Policy }[] = [];
    let changed = 0;
    for (const [sku, warehouse] of keys) {
      const key = keyOf(sku, warehouse);
      const level = levels.get(key) ?? { onHand: 0, onOrder: 0, backorders: 0 };
      const skuSettings = settings.get(sku) ?? DEFAULT_SETTINGS;
      const policy = computePolicy({
        history: histories.get(key) ?? [],
        forecast: forecastFrom(forecasts.get(sku) ?? null, asOf),
        ...level,
        settings: skuSettings,
        asOf,
      });
      policies.push({ sku, warehouse, policy });
      const signal = restockSignal(sku, warehouse, level, policy, skuSettings.leadTimeDays);
      if (await store.saveSignal(db, sku, warehouse, signal, signalFingerprint(signal))) changed++;
    }
    await store.savePolicies(db, policies);
    deps.counts?.computed(policies.length);
    return changed;
  }

  /**
   * `refresh` for stock rows this transaction has locked; it clears their stale marks, which
   * only holders of those locks set, so none can be set between the read and the clear.
   */
  async function refreshLocked(db: Db, levels: Map<string, StockLevel>, asOf: string) {
    const keys = [...levels.keys()].map((k) => k.split('\u0000') as [string, string]);
    const marks = await store.marksOf(db, keys);
    const changed = await refresh(db, levels, asOf);
    await store.clearStale(db, marks);
    return changed;
  }

  async function refreshAll(db: Db, keys: [string, string][]): Promise<number> {
    if (keys.length === 0) return 0;
    const asOf = await store.businessDate(db);
    const { levels } = await store.lockStock(db, keys);
    return refreshLocked(db, levels, asOf);
  }

  /**
   * Publishes signal changes not yet on Kafka, oldest first; safe to call at any time. Calls
   * run one after the other: two at once could read one signal's change each and publish the
   * later one first, and a reader of the topic would keep the earlier.
   */
  let flushed: Promise<unknown> = Promise.resolve();
  function flushSignals(requestId?: string): Promise<number> {
    const run = flushed.then(() => publishSignals(requestId));
    flushed = run.catch(() => undefined);
    return run;
  }

  async function publishSignals(requestId?: string): Promise<number> {
    if (!deps.publisher) return 0;
    let sent = 0;
    for (;;) {
      const rows = await store.unpublishedSignals(pool, 200);
      if (rows.length === 0) return sent;
      await deps.publisher.publish(
        deps.signalTopic,
        rows.map((r) => ({ key: r.sku, value: encodeSignal(r) })),
        { requestId },
      );
      await store.markPublished(pool, rows);
      sent += rows.length;
    }
  }

  /**
   * Applies movements once each (by event id), in the given order, to the ledger; then
   * recomputes the touched SKUs' policies and signals in the same transaction, or with
   * `deferPolicies` marks them stale for `refreshStale`.
   */
  async function applyMovements(
    movements: MovementInput[],
    requestId?: string,
    options: BatchOptions = {},
  ): Promise<AppliedMovements> {
    const result = await inTransaction(pool, async (client) => {
      const todo = await claimEvents(client, store.processedTable, movements);
      if (todo.length === 0) return { applied: 0, duplicates: movements.length };
      const keys = new Map<string, [string, string]>();
      for (const m of todo) {
        const warehouse = m.warehouse || deps.defaultWarehouse;
        keys.set(keyOf(m.sku, warehouse), [m.sku, warehouse]);
      }
      const sorted = [...keys.values()].sort(byKey);
      const { levels, created } = await store.lockStock(client, sorted);

      const rows: MovementRow[] = [];
      for (const key of created) {
        if (deps.openingStock <= 0) continue;
        const [sku, warehouse] = key.split('\u0000');
        const opened = applyMovement(
          levels.get(key) ?? { onHand: 0, onOrder: 0, backorders: 0 },
          'ADJUSTMENT',
          deps.openingStock,
        );
        levels.set(key, opened.level);
        rows.push({
          eventId: `opening:${sku}:${warehouse}`,
          sku,
          warehouse,
          kind: 'ADJUSTMENT',
          quantity: deps.openingStock,
          delta: opened.delta,
          reference: 'opening-stock',
          occurredAt: new Date(),
        });
      }

      const demand: DemandRow[] = [];
      for (const m of todo) {
        const warehouse = m.warehouse || deps.defaultWarehouse;
        const key = keyOf(m.sku, warehouse);
        const before = levels.get(key) ?? { onHand: 0, onOrder: 0, backorders: 0 };
        const { level, delta } = applyMovement(before, m.kind, m.quantity);
        levels.set(key, level);
        rows.push({ ...m, warehouse, delta, reference: m.reference ?? '' });
        if (m.kind === 'SALE' && m.quantity > 0) {
          demand.push({
            sku: m.sku,
            warehouse,
            day: m.occurredAt.toISOString().slice(0, 10),
            units: m.quantity,
          });
        }
      }
      await store.insertMovements(client, rows);
      await store.addDemand(client, demand);
      await store.saveStocks(client, levels);
      if (options.deferPolicies) await store.markStale(client, sorted);
      else await refreshLocked(client, levels, await store.businessDate(client));
      return { applied: todo.length, duplicates: movements.length - todo.length };
    });
    if (!options.deferPolicies) await flushSignals(requestId);
    return result;
  }

  /** Stores the latest forecasts and recomputes (or with `deferPolicies` marks) their SKUs. */
  async function applyForecasts(
    forecasts: ForecastInput[],
    requestId?: string,
    options: BatchOptions = {},
  ): Promise<number> {
    const changed = await inTransaction(pool, async (client) => {
      const keys: [string, string][] = [];
      for (const f of forecasts) {
        await store.saveForecast(client, f.sku, f.model, f, f.computedAt);
        for (const w of await store.warehousesOf(client, f.sku)) keys.push([f.sku, w]);
      }
      keys.sort(byKey);
      if (!options.deferPolicies) return refreshAll(client, keys);
      await store.lockStock(client, keys);
      await store.markStale(client, keys);
      return 0;
    });
    if (!options.deferPolicies) await flushSignals(requestId);
    return changed;
  }

  async function known(sku: string): Promise<boolean> {
    if ((await store.warehousesOf(pool, sku)).length > 0) return true;
    if ((await store.settings(pool, sku)) !== null) return true;
    return store.everSold(pool, sku);
  }

  /** A SKU's policy from its own history (one warehouse, or all together). */
  async function policyForSku(
    sku: string,
    q: {
      warehouse?: string;
      leadTimeDays?: number;
      serviceLevel?: number;
    },
  ): Promise<Policy & { asOf: string; settings: SkuSettings; stock: StockLevel }> {
    if (!(await known(sku))) throw InventoryErrors.SKU_NOT_FOUND(`no SKU ${sku}`, { field: 'sku' });
    const base = await settingsOf(pool, sku);
    const settings = {
      ...base,
      leadTimeDays: q.leadTimeDays ?? base.leadTimeDays,
      serviceLevel: q.serviceLevel ?? base.serviceLevel,
    };
    const asOf = await store.businessDate(pool);
    const rows = await store.stock(pool, { sku, warehouse: q.warehouse, limit: 1000 });
    if (q.warehouse !== undefined && rows.length === 0) {
      throw InventoryErrors.WAREHOUSE_NOT_FOUND(`no SKU ${sku} in warehouse ${q.warehouse}`, {
        field: 'warehouse',
      });
    }
    const stock = rows.reduce<StockLevel>(
      (s, r) => ({
        onHand: s.onHand + r.onHand,
        onOrder: s.onOrder + r.onOrder,
        backorders: s.backorders + r.backorders,
      }),
      { onHand: 0, onOrder: 0, backorders: 0 },
    );
    const policy = computePolicy({
      history: await store.history(pool, sku, q.warehouse ?? null, asOf, HISTORY_DAYS),
      forecast: forecastFrom(await store.forecast(pool, sku), asOf),
      ...stock,
      settings,
      asOf,
    });
    return { ...policy, asOf, settings, stock };
  }

  async function putSettings(sku: string, patch: Partial<SkuSettings>): Promise<SkuSettings> {
    const settings = await inTransaction(pool, async (client) => {
      // Read under the lock: a change of other fields sent at the same time is kept.
      await store.lockSettings(client, sku);
      const merged = { ...(await settingsOf(client, sku)), ...patch };
      await store.putSettings(client, sku, merged);
      const keys = (await store.warehousesOf(client, sku)).map((w): [string, string] => [sku, w]);
      await refreshAll(client, keys);
      return merged;
    });
    await flushSignals();
    log.info({ sku }, 'settings updated');
    return settings;
  }

  /**
   * Recomputes every SKU once the business date has moved on: histories age and forecasts
   * roll forward even for SKUs without movements, so their reorder points move too.
   * Pages through the stock in key order, one transaction per page.
   */
  let refreshedFor: string | undefined;
  async function refreshIfNewDay(pageSize = 500): Promise<number> {
    const asOf = await store.businessDate(pool);
    if (asOf === refreshedFor) return 0;
    let changed = 0;
    let after: [string, string] | undefined;
    for (;;) {
      const page = await store.stock(pool, { afterKey: after, limit: pageSize });
      if (page.length === 0) break;
      const keys = page.map((r): [string, string] => [r.sku, r.warehouse]);
      changed += await inTransaction(pool, (client) => refreshAll(client, keys));
      after = keys[keys.length - 1];
    }
    refreshedFor = asOf;
    await flushSignals();
    if (changed > 0) log.info({ asOf, changed }, 'signals refreshed for a new business date');
    return changed;
  }

  /**
   * Recomputes the keys marked stale, in pages of `pageSize` keys in key order, one
   * transaction per page; a key marked again meanwhile stays stale for the next pass.
   */
  async function refreshStale(pageSize = 500): Promise<{ keys: number; changed: number }> {
    let keys = 0;
    let changed = 0;
    let after: [string, string] | undefined;
    for (;;) {
      const page = await store.stalePage(pool, pageSize, after);
      if (page.length === 0) break;
      const pageKeys = page.map((m): [string, string] => [m.sku, m.warehouse]);
      changed += await inTransaction(pool, (client) => refreshAll(client, pageKeys));
      keys += page.length;
      after = pageKeys[pageKeys.length - 1];
    }
    await flushSignals();
    if (keys > 0) log.info({ keys, changed }, 'stale policies recomputed');
    return { keys, changed };
  }

  /**
   * The background pass: retries unpublished signal changes; then, unless `hold` still puts
   * policies off, recomputes every SKU on a new business date and the keys left stale.
   */
  async function sweep(hold?: PolicyHold): Promise<void> {
    await flushSignals();
    const stale = await store.staleSummary(pool);
    deps.counts?.stale(stale.keys);
    if (hold && !hold.releasing(stale.oldest)) return;
    await refreshIfNewDay();
    await refreshStale();
  }

  return {
    applyMovements,
    refreshIfNewDay,
    refreshStale,
    sweep,
    staleSummary: () => store.staleSummary(pool),
    applyForecasts,
    flushSignals,
    policyForSku,
    putSettings,
    settingsOf: (sku: string) => settingsOf(pool, sku),
    stock: store.stock.bind(null, pool),
    signals: store.signals.bind(null, pool),
    known,
  };
}

export type Inventory = ReturnType<typeof createInventory>;
