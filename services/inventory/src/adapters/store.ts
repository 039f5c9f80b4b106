import type { Db } from '@qm/kit';
import type { Policy, SkuSettings } from '../domain/policy';
import type { StockLevel } from '../domain/ledger';
import { createBatchStore, settingsOf } from './batch-store';
import { createStaleStore } from './stale-store';
import type { ForecastPath } from '../domain/demand';
import type { RestockSignal } from '../domain/signals';

export interface StoredForecast extends ForecastPath {
  startDay: string;
}

export interface StockRow extends StockLevel {
  sku: string;
  warehouse: string;
  updatedAt: string;
  policy: Pick<
    Policy,
    | 'method'
    | 'reorderPoint'
    | 'orderUpTo'
    | 'safetyStock'
    | 'orderQuantity'
    | 'daysOfCover'
    | 'stockoutDate'
    | 'excessStock'
  > | null;
}

export interface StockFilter {
  warehouse?: string;
  belowReorderPoint?: boolean;
  excess?: boolean;
  sku?: string;
  afterKey?: [string, string];
  limit: number;
}

export interface SignalRow {
  seq: number;
  open: boolean;
  signal: RestockSignal | null;
  sku: string;
  warehouse: string;
  changedAt: string;
}

const day = (d: Date | string | null) =>
  d === null ? null : typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10);

/** PostgreSQL access of the inventory service; every table lives in schema `inventory`. */
export function createStore(schema = 'inventory') {
  const t = (name: string) => `${schema}.${name}`;

  return {
    ...createBatchStore(schema),
    ...createStaleStore(schema),
    processedTable: t('processed_events'),

    async settings(db: Db, sku: string): Promise<SkuSettings | null> {
      const { rows } = await db.query(`SELECT * FROM ${t('settings')} WHERE sku = $1`, [sku]);
      return rows.length === 0 ? null : settingsOf(rows[0]);
    },

    /** Holds off other changes of a SKU's settings, stored or not, until the transaction ends. */
    async lockSettings(db: Db, sku: string): Promise<void> {
      await db.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
        `qm-inventory-settings:${schema}:${sku}`,
      ]);
    },

    async putSettings(db: Db, sku: string, s: SkuSettings): Promise<void> {
      await db.query(
        `INSERT INTO ${t('settings')} (sku, lead_time_days, lead_time_sd_days, review_period_days,
           service_level, min_order_quantity, pack_size, unit_cost, order_cost, holding_rate)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (sku) DO UPDATE SET lead_time_days = $2, lead_time_sd_days = $3,
           review_period_days = $4, service_level = $5, min_order_quantity = $6, pack_size = $7,
           unit_cost = $8, order_cost = $9, holding_rate = $10, updated_at = now()`,
        [
          sku,
          s.leadTimeDays,
          s.leadTimeSdDays,
          s.reviewPeriodDays,
          s.serviceLevel,
          s.minOrderQuantity,
          s.packSize,
          s.unitCost,
          s.orderCost,
          s.holdingRate,
        ],
      );
    },

    /** Creates missing stock rows, then locks all of them in key order (no deadlocks). */
    async lockStock(
      db: Db,
      keys: [string, string][],
    ): Promise<{
      levels: Map<string, StockLevel>;
      created: Set<string>;
    }> {
      const skus = keys.map((k) => k[0]);
      const warehouses = keys.map((k) => k[1]);
      const inserted = await db.query(
        `INSERT INTO ${t('stock')} (sku, warehouse)
         SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING
         RETURNING sku, warehouse`,
        [skus, warehouses],
      );
      const { rows } = await db.query(
        `SELECT s.sku, s.warehouse, s.on_hand, s.on_order, s.backorders FROM ${t('stock')} s
         JOIN unnest($1::text[], $2::text[]) AS k(sku, warehouse) USING (sku, warehouse)
         ORDER BY s.sku COLLATE "C", s.warehouse COLLATE "C" FOR UPDATE OF s`,
        [skus, warehouses],
      );
      const levels = new Map<string, StockLevel>();
      for (const r of rows) {
        levels.set(`${r.sku}\u0000${r.warehouse}`, {
          onHand: r.on_hand,
          onOrder: r.on_order,
          backorders: r.backorders,
        });
      }
      const created = new Set(inserted.rows.map((r) => `${r.sku}\u0000${r.warehouse}`));
      return { levels, created };
    },

    /** The business date: the latest day with demand, else today (replays run in the past). */
    async businessDate(db: Db): Promise<string> {
      const { rows } = await db.query(`SELECT max(day) AS day FROM ${t('daily_demand')}`);
      return day(rows[0].day) ?? new Date().toISOString().slice(0, 10);
    },

    /** Daily units over the `days` days ending `asOf`, oldest first; all warehouses if null. */
    async history(db: Db, sku: string, warehouse: string | null, asOf: string, days: number) {
      const { rows } = await db.query(
        `SELECT ($3::date - day) AS age, sum(units)::float8 AS units FROM ${t('daily_demand')}
         WHERE sku = $1 AND ($2::text IS NULL OR warehouse = $2)
           AND day > $3::date - $4::int AND day <= $3::date
         GROUP BY day`,
        [sku, warehouse, asOf, days],
      );
      const series = new Array<number>(days).fill(0);
      for (const r of rows) series[days - 1 - r.age] = r.units;
      return series;
    },

    async everSold(db: Db, sku: string): Promise<boolean> {
      const { rows } = await db.query(`SELECT 1 FROM ${t('daily_demand')} WHERE sku = $1 LIMIT 1`, [
        sku,
      ]);
      return rows.length > 0;
    },

    async saveForecast(db: Db, sku: string, model: string, f: StoredForecast, at: Date) {
      await db.query(
        `INSERT INTO ${t('forecasts')} (sku, model, start_day, mean, lower95, upper95, computed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (sku) DO UPDATE SET model = $2, start_day = $3, mean = $4, lower95 = $5,
           upper95 = $6, computed_at = $7 WHERE forecasts.computed_at <= $7`,
        [sku, model, f.startDay, f.mean, f.lower95, f.upper95, at],
      );
    },

    async forecast(db: Db, sku: string): Promise<StoredForecast | null> {
      const { rows } = await db.query(
        `SELECT start_day, mean, lower95, upper95 FROM ${t('forecasts')} WHERE sku = $1`,
        [sku],
      );
      if (rows.length === 0) return null;
      const r = rows[0];
      return {
        startDay: day(r.start_day) ?? '',
        mean: r.mean,
        lower95: r.lower95,
        upper95: r.upper95,
      };
    },

    async warehousesOf(db: Db, sku: string): Promise<string[]> {
      const { rows } = await db.query(
        `SELECT warehouse FROM ${t('stock')} WHERE sku = $1 ORDER BY warehouse`,
        [sku],
      );
      return rows.map((r) => r.warehouse as string);
    },

    async stock(db: Db, filter: StockFilter): Promise<StockRow[]> {
      const where: string[] = [];
      const args: unknown[] = [];
      const arg = (v: unknown) => {
        args.push(v);
        return `$${args.length}`;
      };
      if (filter.sku !== undefined) where.push(`s.sku = ${arg(filter.sku)}`);
      if (filter.warehouse !== undefined) where.push(`s.warehouse = ${arg(filter.warehouse)}`);
      if (filter.belowReorderPoint) {
        where.push('s.on_hand + s.on_order - s.backorders <= p.reorder_point');
      }
      if (filter.excess) where.push('p.excess_stock > 0');
      if (filter.afterKey) {
        where.push(
          `(s.sku, s.warehouse) > (${arg(filter.afterKey[0])}, ${arg(filter.afterKey[1])})`,
        );
      }
      const { rows } = await db.query(
        `SELECT s.*, p.method, p.reorder_point, p.order_up_to, p.safety_stock, p.order_quantity,
           p.days_of_cover, p.stockout_date, p.excess_stock
         FROM ${t('stock')} s LEFT JOIN ${t('policies')} p USING (sku, warehouse)
         ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY s.sku, s.warehouse LIMIT ${arg(filter.limit)}`,
        args,
      );
      return rows.map((r) => ({
        sku: r.sku,
        warehouse: r.warehouse,
        onHand: r.on_hand,
        onOrder: r.on_order,
        backorders: r.backorders,
        updatedAt: new Date(r.updated_at).toISOString(),
        policy:
          r.method === null
            ? null
            : {
                method: r.method,
                // bigint columns come back as strings; policy figures stay far below 2^53.
                reorderPoint: Number(r.reorder_point),
                orderUpTo: Number(r.order_up_to),
                safetyStock: r.safety_stock,
                orderQuantity: Number(r.order_quantity),
                daysOfCover: r.days_of_cover,
                stockoutDate: day(r.stockout_date),
                excessStock: Number(r.excess_stock),
              },
      }));
    },

    /**
     * Stores the signal when it differs from the last one; true when it changed. Changes are
     * numbered in commit order: the first one of a transaction waits for any other
     * transaction that numbered changes to end, or a reader paging by number could pass a
     * number still uncommitted and never see it.
     */
    async saveSignal(
      db: Db,
      sku: string,
      warehouse: string,
      signal: RestockSignal | null,
      fingerprint: string,
    ): Promise<boolean> {
      const { rows } = await db.query(
        `WITH turn AS (SELECT pg_advisory_xact_lock(hashtextextended($7, 0)))
         INSERT INTO ${t('restock_signals')} (sku, warehouse, open, urgency, body, fingerprint, seq)
         SELECT $1, $2, $3, $4, $5, $6, nextval('${t('signal_changes')}') FROM turn
         WHERE $3 OR EXISTS (SELECT 1 FROM ${t('restock_signals')}
                             WHERE sku = $1 AND warehouse = $2 AND open)
         ON CONFLICT (sku, warehouse) DO UPDATE SET open = $3, urgency = $4, body = $5,
           fingerprint = $6, seq = excluded.seq, changed_at = now()
         WHERE restock_signals.fingerprint <> $6
         RETURNING seq`,
        [
          sku,
          warehouse,
          signal !== null,
          signal?.urgency ?? 'none',
          JSON.stringify(signal),
          fingerprint,
          `qm-inventory-signals:${schema}`,
        ],
      );
      return rows.length > 0;
    },

    async signals(
      db: Db,
      q: {
        afterSeq: number;
        includeClosed: boolean;
        warehouse?: string;
        urgency?: string;
        limit: number;
      },
    ): Promise<SignalRow[]> {
      const { rows } = await db.query(
        `SELECT sku, warehouse, open, body, seq, changed_at FROM ${t('restock_signals')}
         WHERE seq > $1 AND ($2 OR open) AND ($3::text IS NULL OR warehouse = $3)
           AND ($4::text IS NULL OR urgency = $4)
         ORDER BY seq LIMIT $5`,
        [q.afterSeq, q.includeClosed, q.warehouse ?? null, q.urgency ?? null, q.limit],
      );
      return rows.map(toSignalRow);
    },

    async unpublishedSignals(db: Db, limit: number): Promise<SignalRow[]> {
      const { rows } = await db.query(
        `SELECT sku, warehouse, open, body, seq, changed_at FROM ${t('restock_signals')}
         WHERE seq > published_seq ORDER BY seq LIMIT $1`,
        [limit],
      );
      return rows.map(toSignalRow);
    },

    async markPublished(db: Db, rows: SignalRow[]): Promise<void> {
      await db.query(
        `UPDATE ${t('restock_signals')} r SET published_seq = k.seq
         FROM unnest($1::text[], $2::text[], $3::bigint[]) AS k(sku, warehouse, seq)
         WHERE r.sku = k.sku AND r.warehouse = k.warehouse AND r.published_seq < k.seq`,
        [rows.map((r) => r.sku), rows.map((r) => r.warehouse), rows.map((r) => r.seq)],
      );
    },
  };
}

function toSignalRow(r: Record<string, unknown>): SignalRow {
  return {
    sku: r.sku as string,
    warehouse: r.warehouse as string,
    open: r.open as boolean,
    signal: r.body as RestockSignal | null,
    seq: Number(r.seq),
    changedAt: new Date(r.changed_at as string).toISOString(),
  };
}

export type Store = ReturnType<typeof createStore>;
