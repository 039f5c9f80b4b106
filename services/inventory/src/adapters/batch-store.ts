import type { ForecastPath } from '../domain/demand';
import type { LedgerDelta, MovementKind, StockLevel } from '../domain/ledger';
import type { Policy, SkuSettings } from '../domain/policy';
import type { Db } from '@qm/kit';
import type { StoredForecast } from './store';

/** A movement as stored, with the deltas it made. */
export interface MovementRow {
  eventId: string;
  sku: string;
  warehouse: string;
  kind: MovementKind;
  quantity: number;
  delta: LedgerDelta;
  reference: string;
  occurredAt: Date;
}

export interface DemandRow {
  sku: string;
  warehouse: string;
  day: string;
  units: number;
}

const keyOf = (sku: string, warehouse: string) => `${sku}\u0000${warehouse}`;

/** A row of the `settings` table (pg hands integer and double precision over as numbers). */
interface SettingsRow {
  lead_time_days: number;
  lead_time_sd_days: number;
  review_period_days: number;
  service_level: number;
  min_order_quantity: number;
  pack_size: number;
  unit_cost: number | null;
  order_cost: number | null;
  holding_rate: number;
}

/** A row of `settings` as the policy reads it. */
export function settingsOf(r: SettingsRow): SkuSettings {
  return {
    leadTimeDays: r.lead_time_days,
    leadTimeSdDays: r.lead_time_sd_days,
    reviewPeriodDays: r.review_period_days,
    serviceLevel: r.service_level,
    minOrderQuantity: r.min_order_quantity,
    packSize: r.pack_size,
    unitCost: r.unit_cost,
    orderCost: r.order_cost,
    holdingRate: r.holding_rate,
  };
}
const column = <T, V>(rows: T[], pick: (row: T) => V) => rows.map(pick);

/**
 * Set-at-a-time reads and writes for a batch of events: a few statements per batch instead of
 * several per event, which is what lets the consumers keep up with a replay.
 */
export function createBatchStore(schema = 'inventory') {
  const t = (name: string) => `${schema}.${name}`;

  return {
    async insertMovements(db: Db, rows: MovementRow[]): Promise<void> {
      if (rows.length === 0) return;
      await db.query(
        `INSERT INTO ${t('movements')} (event_id, sku, warehouse, kind, quantity, on_hand_delta,
           on_order_delta, backorder_delta, reference, occurred_at)
         SELECT e, s, w, k, q, h, o, b, r, at
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[],
           $6::int[], $7::int[], $8::int[], $9::text[], $10::timestamptz[])
           WITH ORDINALITY AS m(e, s, w, k, q, h, o, b, r, at, n)
         ORDER BY n`,
        [
          column(rows, (r) => r.eventId),
          column(rows, (r) => r.sku),
          column(rows, (r) => r.warehouse),
          column(rows, (r) => r.kind),
          column(rows, (r) => r.quantity),
          column(rows, (r) => r.delta.onHand),
          column(rows, (r) => r.delta.onOrder),
          column(rows, (r) => r.delta.backorders),
          column(rows, (r) => r.reference),
          column(rows, (r) => r.occurredAt),
        ],
      );
    },

    /** Adds units to days; rows for the same SKU, warehouse and day are summed first. */
    async addDemand(db: Db, rows: DemandRow[]): Promise<void> {
      const sums = new Map<string, DemandRow>();
      for (const r of rows) {
        const key = `${keyOf(r.sku, r.warehouse)}\u0000${r.day}`;
        const seen = sums.get(key);
        if (seen) seen.units += r.units;
        else sums.set(key, { ...r });
      }
      const list = [...sums.values()];
      if (list.length === 0) return;
      await db.query(
        `INSERT INTO ${t('daily_demand')} (sku, warehouse, day, units)
         SELECT * FROM unnest($1::text[], $2::text[], $3::date[], $4::bigint[])
         ON CONFLICT (sku, warehouse, day)
         DO UPDATE SET units = daily_demand.units + excluded.units`,
        [
          column(list, (r) => r.sku),
          column(list, (r) => r.warehouse),
          column(list, (r) => r.day),
          column(list, (r) => r.units),
        ],
      );
    },

    async saveStocks(db: Db, levels: Map<string, StockLevel>): Promise<void> {
      const entries = [...levels.entries()].map(
        ([key, level]) => [...key.split('\u0000'), level] as [string, string, StockLevel],
      );
      if (entries.length === 0) return;
      await db.query(
        `UPDATE ${t('stock')} s
         SET on_hand = k.h, on_order = k.o, backorders = k.b, updated_at = now()
         FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::int[]) AS k(sku, w, h, o, b)
         WHERE s.sku = k.sku AND s.warehouse = k.w`,
        [
          column(entries, (e) => e[0]),
          column(entries, (e) => e[1]),
          column(entries, (e) => e[2].onHand),
          column(entries, (e) => e[2].onOrder),
          column(entries, (e) => e[2].backorders),
        ],
      );
    },

    async settingsFor(db: Db, skus: string[]): Promise<Map<string, SkuSettings>> {
      const { rows } = await db.query(`SELECT * FROM ${t('settings')} WHERE sku = ANY($1)`, [skus]);
      return new Map(rows.map((r) => [r.sku as string, settingsOf(r)]));
    },

    /** Daily units over the `days` days ending `asOf` for each SKU and warehouse, oldest first. */
    async histories(db: Db, keys: [string, string][], asOf: string, days: number) {
      const out = new Map<string, number[]>();
      for (const [sku, w] of keys) out.set(keyOf(sku, w), new Array<number>(days).fill(0));
      if (keys.length === 0) return out;
      // Units are bigint, which pg hands over as text; float8 arrives as a number.
      const { rows } = await db.query(
        `SELECT d.sku, d.warehouse, ($3::date - d.day) AS age, d.units::float8 AS units
         FROM ${t('daily_demand')} d
         JOIN unnest($1::text[], $2::text[]) AS k(sku, warehouse) USING (sku, warehouse)
         WHERE d.day > $3::date - $4::int AND d.day <= $3::date`,
        [column(keys, (k) => k[0]), column(keys, (k) => k[1]), asOf, days],
      );
      for (const r of rows) {
        const series = out.get(keyOf(r.sku, r.warehouse));
        if (series) series[days - 1 - r.age] = r.units;
      }
      return out;
    },

    async forecastsFor(db: Db, skus: string[]): Promise<Map<string, StoredForecast>> {
      const { rows } = await db.query(
        `SELECT sku, start_day, mean, lower95, upper95 FROM ${t('forecasts')} WHERE sku = ANY($1)`,
        [skus],
      );
      return new Map(
        rows.map((r) => [
          r.sku as string,
          {
            startDay: (r.start_day as Date).toISOString().slice(0, 10),
            mean: r.mean,
            lower95: r.lower95,
            upper95: r.upper95,
          } satisfies ForecastPath & { startDay: string },
        ]),
      );
    },

    async savePolicies(db: Db, rows: { sku: string; warehouse: string; policy: Policy }[]) {
      if (rows.length === 0) return;
      const p = (pick: (x: Policy) => unknown) => rows.map((r) => pick(r.policy));
      await db.query(
        `INSERT INTO ${t('policies')} (sku, warehouse, method, reorder_point, order_up_to,
           safety_stock, order_quantity, days_of_cover, stockout_date, excess_stock)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int8[], $5::int8[],
           $6::float8[], $7::int8[], $8::float8[], $9::date[], $10::int8[])
         ON CONFLICT (sku, warehouse) DO UPDATE SET method = excluded.method,
           reorder_point = excluded.reorder_point, order_up_to = excluded.order_up_to,
           safety_stock = excluded.safety_stock, order_quantity = excluded.order_quantity,
           days_of_cover = excluded.days_of_cover, stockout_date = excluded.stockout_date,
           excess_stock = excluded.excess_stock, computed_at = now()`,
        [
          column(rows, (r) => r.sku),
          column(rows, (r) => r.warehouse),
          p((x) => x.method),
          p((x) => x.reorderPoint),
          p((x) => x.orderUpTo),
          p((x) => x.safetyStock),
          p((x) => x.orderQuantity),
          p((x) => x.daysOfCover),
          p((x) => x.stockoutDate),
          p((x) => x.excessStock),
        ],
      );
    },
  };
}

export type BatchStore = ReturnType<typeof createBatchStore>;
