import type { Pool } from 'pg';

/** One line of an order as stored. */
export interface OrderLineFact {
  eventId: string;
  line: number;
  sku: string;
  description: string;
  quantity: number;
  unitPrice: number;
  currency: string;
  kind: string;
  occurredAt: string;
}

/** An order with its lines, as the customer-service answers about it. */
export interface OrderFact {
  orderId: string;
  /** Empty for an anonymous buyer. */
  customerId: string;
  country: string;
  /** ISO time of the earliest line. */
  orderedAt: string;
  /** `placed`, `cancelled`, `partly cancelled`, `returned` or `partly returned`. */
  status: string;
  /** Sum of quantity × unit price over every line, returns and cancellations included. */
  total: number;
  currency: string;
  lines: OrderLineFact[];
}

/** Row counts of the fact tables. */
export interface FactCounts {
  saleLines: number;
  orders: number;
  customers: number;
  clickEvents: number;
  products: number;
}

interface OrderRow {
  order_id: string;
  customer_id: string;
  country: string;
  ordered_at: Date;
  status: string;
  total: string;
}

interface LineRow {
  event_id: string;
  line: number;
  sku: string;
  description: string;
  quantity: number;
  unit_price: string;
  currency: string;
  kind: string;
  occurred_at: Date;
}

/** Rounds money to cents for answers; the stored figures stay exact. */
function money(value: string): number {
  return Math.round(Number(value) * 100) / 100;
}

/** An order with its lines in line order, or undefined when no line of it is stored. */
export async function getOrder(pool: Pool, orderId: string): Promise<OrderFact | undefined> {
  const [order, lines] = await Promise.all([
    pool.query<OrderRow>(
      `SELECT order_id, customer_id, country, ordered_at, status, total
       FROM sales.orders WHERE order_id = $1`,
      [orderId],
    ),
    pool.query<LineRow>(
      `SELECT event_id, line, sku, description, quantity, unit_price, currency, kind, occurred_at
       FROM sales.order_lines WHERE order_id = $1 ORDER BY line, event_id`,
      [orderId],
    ),
  ]);
  const row = order.rows[0];
  if (row === undefined) return undefined;

  return {
    orderId: row.order_id,
    customerId: row.customer_id,
    country: row.country,
    orderedAt: row.ordered_at.toISOString(),
    status: row.status,
    total: money(row.total),
    currency: lines.rows[0]?.currency ?? '',
    lines: lines.rows.map((l) => ({
      eventId: l.event_id,
      line: l.line,
      sku: l.sku,
      description: l.description,
      quantity: l.quantity,
      unitPrice: Number(l.unit_price),
      currency: l.currency,
      kind: l.kind,
      occurredAt: l.occurred_at.toISOString(),
    })),
  };
}

/** How many facts are stored, table by table. */
export async function countFacts(pool: Pool): Promise<FactCounts> {
  const { rows } = await pool.query<Record<keyof FactCounts, string>>(
    `SELECT (SELECT count(*) FROM sales.order_lines) AS "saleLines",
            (SELECT count(*) FROM sales.orders) AS "orders",
            (SELECT count(*) FROM sales.customers) AS "customers",
            (SELECT count(*) FROM clickstream.events) AS "clickEvents",
            (SELECT count(*) FROM catalog.products) AS "products"`,
  );
  const r = rows[0];
  return {
    saleLines: Number(r.saleLines),
    orders: Number(r.orders),
    customers: Number(r.customers),
    clickEvents: Number(r.clickEvents),
    products: Number(r.products),
  };
}

/** Stored sale lines and click events per `source` (the data set or `api`). */
export interface FactsBySource {
  saleLines: Record<string, number>;
  clickEvents: Record<string, number>;
}

/** How many sale lines and click events each source has stored. */
export async function countFactsBySource(pool: Pool): Promise<FactsBySource> {
  const { rows } = await pool.query<{ kind: string; source: string; n: string }>(
    `SELECT 'sale' AS kind, source, count(*) AS n FROM sales.order_lines GROUP BY source
     UNION ALL
     SELECT 'click', source, count(*) FROM clickstream.events GROUP BY source`,
  );
  const out: FactsBySource = { saleLines: {}, clickEvents: {} };
  for (const r of rows)
    (r.kind === 'sale' ? out.saleLines : out.clickEvents)[r.source] = Number(r.n);
  return out;
}
