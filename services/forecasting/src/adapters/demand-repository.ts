import { claimEvents } from '@qm/events';
import { inTransaction, type Pool, type PoolClient } from '@qm/kit';
import type { DemandHistory, SkuForecast } from '../domain/sku-forecasts';
import { addSteps, MAX_SERIES_LENGTH } from '../domain/series';

/** One unit of demand taken from a sale event. */
export interface DemandEvent {
  eventId: string;
  sku: string;
  day: string;
  quantity: number;
}

interface HistoryRow {
  day: string;
  units: number;
  last: string;
  /** bigint, as text; null for a SKU at version 0. */
  version: string | null;
}

/** Daily demand per SKU and the stored forecasts, in the service's own schema. */
export class DemandRepository {
  constructor(
    private readonly pool: Pool,
    private readonly schema = 'forecasting',
  ) {}

  /**
   * Adds the events' units to their days, each event at most once however often it is
   * delivered. Returns the SKUs whose demand changed.
   */
  async apply(events: DemandEvent[]): Promise<string[]> {
    return inTransaction(this.pool, async (client) => {
      const fresh = await claimEvents(client, `${this.schema}.processed_events`, events);
      const sums = new Map<string, { sku: string; day: string; units: number }>();
      for (const e of fresh) {
        const key = `${e.sku}\u0000${e.day}`;
        const row = sums.get(key) ?? { sku: e.sku, day: e.day, units: 0 };
        row.units += e.quantity;
        sums.set(key, row);
      }
      const rows = [...sums.values()];
      if (rows.length === 0) return [];
      await client.query(
        `INSERT INTO ${this.schema}.daily_demand (sku, day, units)
         SELECT * FROM unnest($1::text[], $2::date[], $3::float8[])
         ON CONFLICT (sku, day) DO UPDATE SET units = daily_demand.units + EXCLUDED.units`,
        [rows.map((r) => r.sku), rows.map((r) => r.day), rows.map((r) => r.units)],
      );
      const skus = [...new Set(rows.map((r) => r.sku))].sort();
      await this.bumpVersions(client, skus);
      return skus;
    });
  }

  /** One more version for each SKU whose demand changed (in sorted order, against deadlocks). */
  private async bumpVersions(client: PoolClient, skus: string[]): Promise<void> {
    await client.query(
      `INSERT INTO ${this.schema}.demand_versions (sku, version)
       SELECT unnest($1::text[]), 1
       ON CONFLICT (sku) DO UPDATE SET version = demand_versions.version + 1`,
      [skus],
    );
  }

  /**
   * A SKU's daily demand from its first sale to the latest day any sale is known for, and at
   * most the last `MAX_SERIES_LENGTH` days of it, the longest series a forecast takes. One
   * statement reads demand and version, so the version is the one of that very demand.
   */
  async history(sku: string): Promise<DemandHistory | undefined> {
    const { rows } = await this.pool.query<HistoryRow>(
      `WITH latest AS (SELECT max(day) AS last FROM ${this.schema}.daily_demand)
       SELECT to_char(d.day, 'YYYY-MM-DD') AS day, d.units, to_char(l.last, 'YYYY-MM-DD') AS last,
         (SELECT version FROM ${this.schema}.demand_versions WHERE sku = $1) AS version
       FROM ${this.schema}.daily_demand d, latest l
       WHERE d.sku = $1 AND d.day > l.last - $2::int ORDER BY d.day`,
      [sku, MAX_SERIES_LENGTH],
    );
    if (rows.length === 0) return undefined;
    const start = rows[0].day;
    const byDay = new Map(rows.map((r) => [r.day, Number(r.units)]));
    const y: number[] = [];
    for (let day = start; day <= rows[0].last; day = addSteps(day, 1, 'D'))
      y.push(byDay.get(day) ?? 0);
    return { start, y, version: Number(rows[0].version ?? 0) };
  }

  /** Stores the SKU's forecast, unless the one stored was computed from newer demand. */
  async save(forecast: SkuForecast): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.schema}.forecasts
         (sku, horizon, model, start, body, computed_at, demand_version)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (sku) DO UPDATE SET horizon = EXCLUDED.horizon, model = EXCLUDED.model,
         start = EXCLUDED.start, body = EXCLUDED.body, computed_at = EXCLUDED.computed_at,
         demand_version = EXCLUDED.demand_version
       WHERE forecasts.demand_version <= EXCLUDED.demand_version`,
      [
        forecast.sku,
        forecast.mean.length,
        forecast.model,
        forecast.start,
        forecast,
        forecast.computedAt,
        forecast.demandVersion,
      ],
    );
  }

  async stored(sku: string): Promise<SkuForecast | undefined> {
    const { rows } = await this.pool.query<{ body: SkuForecast; demand_version: string }>(
      `SELECT body, demand_version FROM ${this.schema}.forecasts WHERE sku = $1`,
      [sku],
    );
    if (rows.length === 0) return undefined;
    // Bodies stored before versions existed have none; the column says 0 for them.
    return { ...rows[0].body, demandVersion: Number(rows[0].demand_version) };
  }
}
