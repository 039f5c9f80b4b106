import { randomUUID } from 'node:crypto';
import { claimEvents } from '@qm/events';
import type { Db, PoolClient } from '@qm/kit';
import type { Arm, ArmTotals } from '../domain/experiments';
import type { Guardrails } from '../domain/guardrails';
import { countLine, segmentOf, type CustomerLines, type Segment } from '../domain/segments';

/** One sale line as this service needs it. */
export interface SaleInput {
  eventId: string;
  sku: string;
  customerId: string;
  /** Negative for returns and cancellations, which are ignored. */
  quantity: number;
  unitPrice: number;
  occurredAt: Date;
}

export interface ProductInput {
  eventId: string;
  sku: string;
  category: string;
  price: number;
  cost: number;
  currency: string;
  updatedAt: Date;
}

/** A clickstream event that may concern an experiment. */
export interface ClickInput {
  eventId: string;
  kind: 'view' | 'purchase';
  unitId: string;
  sku: string;
  price: number;
  quantity: number;
  occurredAt: Date;
}

export interface PointRow {
  segment: Segment;
  day: string;
  units: number;
  revenue: number;
}

export interface SkuRow {
  sku: string;
  category: string | null;
  unitCost: number | null;
  currency: string;
  price: number | null;
  priceObservedAt: string | null;
}

export interface ExperimentRow {
  id: string;
  sku: string;
  arms: Arm[];
  metric: 'revenuePerVisitor' | 'conversion';
  minVisitors: number;
  status: 'running' | 'stopped';
  stoppedArms: string[];
  createdAt: string;
  stoppedAt: string | null;
}

export interface StoredRecommendation {
  id: string;
  sku: string;
  objective: string;
  segment: string;
  body: Record<string, unknown>;
  createdAt: string;
  approvedBy: string | null;
  approvedAt: string | null;
  publishedAt: string | null;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/** Applies new sale lines: customer segments, daily points and the latest observed price. */
export async function applySales(client: PoolClient, lines: SaleInput[]): Promise<number> {
  const fresh = await claimEvents(client, 'processed_events', lines);
  const sales = fresh.filter((l) => l.quantity > 0 && l.unitPrice > 0);
  if (sales.length === 0) return 0;

  const customerIds = [...new Set(sales.map((s) => s.customerId).filter((c) => c !== ''))].sort();
  const known = await client.query<{ customer_id: string; lines: number; bulk_lines: number }>(
    'SELECT customer_id, lines, bulk_lines FROM customers WHERE customer_id = ANY($1)',
    [customerIds],
  );
  const counts = new Map<string, CustomerLines>(
    known.rows.map((r) => [r.customer_id, { lines: r.lines, bulkLines: r.bulk_lines }]),
  );

  // A line's segment is its buyer's segment as known when the line arrives.
  const points = new Map<string, PointRow & { sku: string }>();
  const added = new Map<string, CustomerLines>();
  const latest = new Map<string, SaleInput>();
  for (const s of sales) {
    const segment = segmentOf(s.customerId, counts.get(s.customerId));
    if (s.customerId !== '') {
      counts.set(s.customerId, countLine(counts.get(s.customerId), s.quantity));
      added.set(s.customerId, countLine(added.get(s.customerId), s.quantity));
    }
    const d = day(s.occurredAt);
    const key = `${s.sku}|${segment}|${d}`;
    const p = points.get(key) ?? { sku: s.sku, segment, day: d, units: 0, revenue: 0 };
    p.units += s.quantity;
    p.revenue += s.quantity * s.unitPrice;
    points.set(key, p);
    const prev = latest.get(s.sku);
    if (!prev || prev.occurredAt <= s.occurredAt) latest.set(s.sku, s);
  }

  // Rows are written in key order so that concurrent batches (one per partition) lock them
  // in the same order and cannot deadlock; counts are added, so no batch overwrites another.
  const rows = [...points.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, r]) => r);
  await client.query(
    `INSERT INTO daily_points (sku, segment, day, units, revenue)
     SELECT * FROM unnest($1::text[], $2::text[], $3::date[], $4::float8[], $5::float8[])
     ON CONFLICT (sku, segment, day) DO UPDATE
       SET units = daily_points.units + EXCLUDED.units,
           revenue = daily_points.revenue + EXCLUDED.revenue`,
    [
      rows.map((r) => r.sku),
      rows.map((r) => r.segment),
      rows.map((r) => r.day),
      rows.map((r) => r.units),
      rows.map((r) => r.revenue),
    ],
  );
  const touched = customerIds.filter((c) => added.has(c));
  await client.query(
    `INSERT INTO customers (customer_id, lines, bulk_lines)
     SELECT * FROM unnest($1::text[], $2::int[], $3::int[])
     ON CONFLICT (customer_id) DO UPDATE
       SET lines = customers.lines + EXCLUDED.lines,
           bulk_lines = customers.bulk_lines + EXCLUDED.bulk_lines`,
    [
      touched,
      touched.map((c) => added.get(c)?.lines ?? 0),
      touched.map((c) => added.get(c)?.bulkLines ?? 0),
    ],
  );
  await upsertObservedPrices(
    client,
    [...latest.values()].map((s) => ({ sku: s.sku, price: s.unitPrice, at: s.occurredAt })),
  );
  return sales.length;
}

/** Records observed prices, keeping the newest per SKU. */
export async function upsertObservedPrices(
  db: Db,
  prices: { sku: string; price: number; at: Date }[],
): Promise<void> {
  if (prices.length === 0) return;
  // One row per SKU: a statement may not update the same row twice.
  const newest = new Map<string, { sku: string; price: number; at: Date }>();
  for (const p of prices) {
    const seen = newest.get(p.sku);
    if (seen === undefined || seen.at <= p.at) newest.set(p.sku, p);
  }
  const sorted = [...newest.values()].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
  await db.query(
    `INSERT INTO skus (sku, price, price_observed_at)
     SELECT * FROM unnest($1::text[], $2::float8[], $3::timestamptz[])
     ON CONFLICT (sku) DO UPDATE SET price = EXCLUDED.price,
       price_observed_at = EXCLUDED.price_observed_at
     WHERE skus.price_observed_at IS NULL
        OR skus.price_observed_at <= EXCLUDED.price_observed_at`,
    [sorted.map((p) => p.sku), sorted.map((p) => p.price), sorted.map((p) => p.at)],
  );
}

/**
 * Applies new product events: category and unit cost, and the list price as an observation.
 * The newest event of a SKU wins, by its own time, whatever order they come in.
 */
export async function applyProducts(client: PoolClient, products: ProductInput[]): Promise<number> {
  const fresh = await claimEvents(client, 'processed_events', products);
  const list = fresh.sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
  for (const p of list) {
    await client.query(
      `INSERT INTO skus (sku, category, unit_cost, currency, product_updated_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (sku) DO UPDATE SET category = EXCLUDED.category,
         unit_cost = COALESCE(EXCLUDED.unit_cost, skus.unit_cost),
         currency = EXCLUDED.currency, product_updated_at = EXCLUDED.product_updated_at
       WHERE skus.product_updated_at IS NULL
          OR skus.product_updated_at <= EXCLUDED.product_updated_at`,
      [p.sku, p.category || null, p.cost > 0 ? p.cost : null, p.currency || 'GBP', p.updatedAt],
    );
  }
  await upsertObservedPrices(
    client,
    list.filter((p) => p.price > 0).map((p) => ({ sku: p.sku, price: p.price, at: p.updatedAt })),
  );
  return list.length;
}

/** Applies new clicks to the running experiments of their SKUs; returns those touched. */
export async function applyClicks(
  client: PoolClient,
  clicks: ClickInput[],
  armOf: (experiment: ExperimentRow, unitId: string) => string,
): Promise<Set<string>> {
  // Most clicks concern no experiment: only the others are claimed and applied.
  const running = await runningExperiments(client, [...new Set(clicks.map((c) => c.sku))]);
  const relevant = clicks.filter((c) => c.unitId !== '' && running.some((e) => e.sku === c.sku));
  const list = await claimEvents(client, 'processed_events', relevant);
  const touched = new Set<string>();
  for (const click of list) {
    for (const exp of running.filter((e) => e.sku === click.sku)) {
      if (click.kind === 'view') {
        await client.query(
          `INSERT INTO experiment_units (experiment_id, unit_id, arm, first_seen)
           VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
          [exp.id, click.unitId, armOf(exp, click.unitId), click.occurredAt],
        );
      } else {
        // A purchase counts only for a unit that saw the experiment's price first.
        await client.query(
          `UPDATE experiment_units SET purchases = purchases + 1, revenue = revenue + $3
           WHERE experiment_id = $1 AND unit_id = $2`,
          [exp.id, click.unitId, click.price * Math.max(1, click.quantity)],
        );
      }
      touched.add(exp.id);
    }
  }
  return touched;
}

export async function pointsFor(db: Db, sku: string): Promise<PointRow[]> {
  const result = await db.query<PointRow>(
    `SELECT segment, to_char(day, 'YYYY-MM-DD') AS day, units, revenue
     FROM daily_points WHERE sku = $1 ORDER BY day`,
    [sku],
  );
  return result.rows;
}

/** Every SKU's points, for the pooled estimate. */
export async function allPoints(db: Db): Promise<Map<string, PointRow[]>> {
  const result = await db.query<PointRow & { sku: string }>(
    `SELECT sku, segment, to_char(day, 'YYYY-MM-DD') AS day, units, revenue
     FROM daily_points ORDER BY sku, day`,
  );
  const out = new Map<string, PointRow[]>();
  for (const row of result.rows) {
    const list = out.get(row.sku) ?? [];
    list.push(row);
    out.set(row.sku, list);
  }
  return out;
}

/** The category of every SKU that has one. */
export async function skuCategories(db: Db): Promise<Map<string, string>> {
  const result = await db.query<{ sku: string; category: string }>(
    'SELECT sku, category FROM skus WHERE category IS NOT NULL',
  );
  return new Map(result.rows.map((r) => [r.sku, r.category]));
}

/** A SKU's row; `forUpdate` holds off price observations until the transaction ends. */
export async function skuRow(db: Db, sku: string, forUpdate = false): Promise<SkuRow | undefined> {
  const result = await db.query<SkuRow>(
    `SELECT sku, category, unit_cost AS "unitCost", currency, price,
       to_char(price_observed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
         AS "priceObservedAt"
     FROM skus WHERE sku = $1 ${forUpdate ? 'FOR UPDATE' : ''}`,
    [sku],
  );
  return result.rows[0];
}

/**
 * Serialises the approvals of one SKU until the transaction ends, also when the SKU has no
 * row to lock yet.
 */
export async function lockSkuApprovals(client: PoolClient, sku: string): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
    `qm-pricing-approve:${sku}`,
  ]);
}

export async function guardrailsFor(
  db: Db,
  sku: string,
  category: string | null,
): Promise<{ sku?: Partial<Guardrails>; category?: Partial<Guardrails> }> {
  const result = await db.query<{ scope: 'sku' | 'category'; rules: Partial<Guardrails> }>(
    `SELECT scope, rules FROM guardrails
     WHERE (scope = 'sku' AND key = $1) OR (scope = 'category' AND key = $2)`,
    [sku, category ?? ''],
  );
  const out: { sku?: Partial<Guardrails>; category?: Partial<Guardrails> } = {};
  for (const row of result.rows) out[row.scope] = row.rules;
  return out;
}

export async function putGuardrails(
  db: Db,
  scope: 'sku' | 'category',
  key: string,
  rules: Partial<Guardrails>,
): Promise<void> {
  await db.query(
    `INSERT INTO guardrails (scope, key, rules) VALUES ($1, $2, $3)
     ON CONFLICT (scope, key) DO UPDATE SET rules = EXCLUDED.rules, updated_at = now()`,
    [scope, key, JSON.stringify(rules)],
  );
}

export async function upsertCompetitorPrices(
  db: Db,
  prices: { sku: string; competitor: string; price: number; observedAt: Date }[],
): Promise<void> {
  await db.query(
    `INSERT INTO competitor_prices (sku, competitor, price, observed_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::float8[], $4::timestamptz[])
     ON CONFLICT (sku, competitor) DO UPDATE SET price = EXCLUDED.price,
       observed_at = EXCLUDED.observed_at
     WHERE competitor_prices.observed_at <= EXCLUDED.observed_at`,
    [
      prices.map((p) => p.sku),
      prices.map((p) => p.competitor),
      prices.map((p) => p.price),
      prices.map((p) => p.observedAt),
    ],
  );
}

export async function lowestCompetitorPrice(db: Db, sku: string): Promise<number | undefined> {
  const result = await db.query<{ price: number | null }>(
    'SELECT min(price) AS price FROM competitor_prices WHERE sku = $1',
    [sku],
  );
  return result.rows[0]?.price ?? undefined;
}

export async function insertRecommendation(
  db: Db,
  r: {
    sku: string;
    objective: string;
    segment: string;
    currentPrice: number;
    recommendedPrice: number;
  },
  body: Record<string, unknown>,
): Promise<string> {
  const id = randomUUID();
  await db.query(
    `INSERT INTO recommendations
       (id, sku, objective, segment, current_price, recommended_price, body)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [id, r.sku, r.objective, r.segment, r.currentPrice, r.recommendedPrice, JSON.stringify(body)],
  );
  return id;
}

/** Whether a later recommendation answers the same question (SKU, objective, segment). */
export async function hasNewerRecommendation(db: Db, id: string): Promise<boolean> {
  const result = await db.query(
    `SELECT 1 FROM recommendations r JOIN recommendations mine ON mine.id = $1
     WHERE r.sku = mine.sku AND r.objective = mine.objective AND r.segment = mine.segment
       AND r.created_at > mine.created_at
     LIMIT 1`,
    [id],
  );
  return result.rows.length > 0;
}

const RECOMMENDATION_COLUMNS = `id, sku, objective, segment, body,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt",
  approved_by AS "approvedBy",
  to_char(approved_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "approvedAt",
  to_char(published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "publishedAt"`;

export async function recommendationById(
  db: Db,
  id: string,
  forUpdate = false,
): Promise<StoredRecommendation | undefined> {
  const result = await db.query<StoredRecommendation>(
    `SELECT ${RECOMMENDATION_COLUMNS} FROM recommendations WHERE id = $1
     ${forUpdate ? 'FOR UPDATE' : ''}`,
    [id],
  );
  return result.rows[0];
}

/** Marks a recommendation approved and writes the audit row, in the caller's transaction. */
export async function recordApproval(
  client: PoolClient,
  rec: { id: string; sku: string; oldPrice: number; newPrice: number },
  approvedBy: string,
): Promise<void> {
  await client.query(
    'UPDATE recommendations SET approved_by = $2, approved_at = now() WHERE id = $1',
    [rec.id, approvedBy],
  );
  await client.query(
    `INSERT INTO price_changes (recommendation_id, sku, old_price, new_price, approved_by,
       approved_at) VALUES ($1, $2, $3, $4, $5, now())`,
    [rec.id, rec.sku, rec.oldPrice, rec.newPrice, approvedBy],
  );
}

/** Approved recommendations whose price change is not published yet, oldest first. */
export async function unpublishedApprovals(db: Db, limit: number): Promise<string[]> {
  const result = await db.query<{ id: string }>(
    `SELECT id FROM recommendations WHERE approved_at IS NOT NULL AND published_at IS NULL
     ORDER BY approved_at LIMIT $1`,
    [limit],
  );
  return result.rows.map((r) => r.id);
}

export async function markPublished(db: Db, id: string): Promise<void> {
  await db.query(
    'UPDATE recommendations SET published_at = now() WHERE id = $1 AND published_at IS NULL',
    [id],
  );
}

export async function priceChanges(db: Db, sku: string) {
  const result = await db.query<{
    recommendationId: string;
    oldPrice: number;
    newPrice: number;
    approvedBy: string;
    approvedAt: string;
  }>(
    `SELECT recommendation_id AS "recommendationId", old_price AS "oldPrice",
       new_price AS "newPrice", approved_by AS "approvedBy",
       to_char(approved_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "approvedAt"
     FROM price_changes WHERE sku = $1 ORDER BY id DESC LIMIT 100`,
    [sku],
  );
  return result.rows;
}

const EXPERIMENT_COLUMNS = `id, sku, arms, metric, min_visitors AS "minVisitors", status,
  stopped_arms AS "stoppedArms",
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt",
  to_char(stopped_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "stoppedAt"`;

/** Starts an experiment; undefined when one is already running on the SKU. */
export async function insertExperiment(
  db: Db,
  e: Pick<ExperimentRow, 'sku' | 'arms' | 'metric' | 'minVisitors'>,
): Promise<ExperimentRow | undefined> {
  const result = await db.query<ExperimentRow>(
    `INSERT INTO experiments (id, sku, arms, metric, min_visitors) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (sku) WHERE status = 'running' DO NOTHING
     RETURNING ${EXPERIMENT_COLUMNS}`,
    [randomUUID(), e.sku, JSON.stringify(e.arms), e.metric, e.minVisitors],
  );
  return result.rows[0];
}

/** An experiment; `forUpdate` holds off other stops until the transaction ends. */
export async function experimentById(
  db: Db,
  id: string,
  forUpdate = false,
): Promise<ExperimentRow | undefined> {
  const result = await db.query<ExperimentRow>(
    `SELECT ${EXPERIMENT_COLUMNS} FROM experiments WHERE id = $1
     ${forUpdate ? 'FOR UPDATE' : ''}`,
    [id],
  );
  return result.rows[0];
}

export async function runningExperiments(db: Db, skus: string[]): Promise<ExperimentRow[]> {
  const result = await db.query<ExperimentRow>(
    `SELECT ${EXPERIMENT_COLUMNS} FROM experiments WHERE status = 'running' AND sku = ANY($1)`,
    [skus],
  );
  return result.rows;
}

/** Stops arms of a running experiment, and the experiment when `all`; a stopped one stays. */
export async function stopArms(db: Db, id: string, arms: string[], all: boolean) {
  await db.query(
    `UPDATE experiments SET stopped_arms = ARRAY(SELECT DISTINCT unnest(stopped_arms || $2)),
       status = CASE WHEN $3 THEN 'stopped' ELSE status END,
       stopped_at = CASE WHEN $3 THEN now() ELSE stopped_at END
     WHERE id = $1 AND status = 'running'`,
    [id, arms, all],
  );
}

export async function armTotals(db: Db, id: string): Promise<Map<string, ArmTotals>> {
  const result = await db.query<{ arm: string } & ArmTotals>(
    `SELECT arm, count(*)::int AS visitors,
       count(*) FILTER (WHERE purchases > 0)::int AS conversions,
       coalesce(sum(revenue), 0)::float8 AS revenue,
       coalesce(sum(revenue * revenue), 0)::float8 AS "revenueSquares"
     FROM experiment_units WHERE experiment_id = $1 GROUP BY arm`,
    [id],
  );
  return new Map(result.rows.map(({ arm, ...t }) => [arm, t]));
}
