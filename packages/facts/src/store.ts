import type { Pool, PoolClient } from 'pg';
import type { ClickEvent, ProductUpsert, SaleLine } from '@qm/contracts';
import { clickEventRows, productRows, saleLineRows, uniqueBy } from './rows';

type Queryable = Pool | PoolClient;

/**
 * One statement per batch: the lines (a JSON array, see `saleLineRows`) go in with
 * ON CONFLICT (event_id) DO NOTHING, and only the lines that were new fold into their
 * orders and customers, so a redelivered batch changes
 * nothing. Orders and customers are upserted in key order to keep concurrent batches from
 * locking rows in opposite orders.
 */
const STORE_SALE_LINES = `
WITH input AS (
  SELECT event_id, order_id, line, sku, quantity, unit_price, currency, kind, customer_id,
         country, description, source, to_timestamp(occurred_ms / 1000) AS occurred_at
  FROM json_to_recordset($1::json) AS t(
    event_id text COLLATE "C", order_id text COLLATE "C", line int, sku text, quantity int,
    unit_price numeric, currency text, kind text, customer_id text COLLATE "C", country text,
    description text, source text, occurred_ms float8)
),
stored AS (
  INSERT INTO sales.order_lines (event_id, order_id, line, sku, quantity, unit_price, currency,
                                 kind, description, source, occurred_at)
  SELECT event_id, order_id, line, sku, quantity, unit_price, currency,
         kind, description, source, occurred_at
  FROM input
  ON CONFLICT (event_id) DO NOTHING
  RETURNING event_id
),
fresh AS (
  SELECT input.* FROM input JOIN stored USING (event_id)
),
order_parts AS (
  SELECT order_id,
         max(customer_id) AS customer_id,
         max(country) AS country,
         min(occurred_at) AS ordered_at,
         count(*)::int AS lines,
         (count(*) FILTER (WHERE kind = 'return'))::int AS returned_lines,
         (count(*) FILTER (WHERE kind = 'cancellation'))::int AS cancelled_lines,
         sum(quantity * unit_price) AS total
  FROM fresh
  GROUP BY order_id
),
orders AS (
  INSERT INTO sales.orders AS o (order_id, customer_id, country, ordered_at, lines,
                                 returned_lines, cancelled_lines, total)
  SELECT order_id, customer_id, country, ordered_at, lines, returned_lines, cancelled_lines, total
  FROM order_parts
  ORDER BY order_id
  ON CONFLICT (order_id) DO UPDATE SET
    customer_id = CASE WHEN o.customer_id = '' THEN excluded.customer_id ELSE o.customer_id END,
    country = CASE WHEN o.country = '' THEN excluded.country ELSE o.country END,
    ordered_at = least(o.ordered_at, excluded.ordered_at),
    lines = o.lines + excluded.lines,
    returned_lines = o.returned_lines + excluded.returned_lines,
    cancelled_lines = o.cancelled_lines + excluded.cancelled_lines,
    total = o.total + excluded.total
  RETURNING customer_id, country, ordered_at, (xmax = 0) AS created
)
INSERT INTO sales.customers AS c (customer_id, country, first_order_at, last_order_at, orders)
SELECT customer_id,
       (array_agg(country ORDER BY ordered_at DESC))[1],
       min(ordered_at),
       max(ordered_at),
       (count(*) FILTER (WHERE created))::int
FROM orders
WHERE customer_id <> ''
GROUP BY customer_id
ORDER BY customer_id
ON CONFLICT (customer_id) DO UPDATE SET
  country = CASE WHEN excluded.last_order_at >= c.last_order_at
                 THEN excluded.country ELSE c.country END,
  first_order_at = least(c.first_order_at, excluded.first_order_at),
  last_order_at = greatest(c.last_order_at, excluded.last_order_at),
  orders = c.orders + excluded.orders`;

const STORE_CLICK_EVENTS = `
INSERT INTO clickstream.events (event_id, type, user_id, session_id, item_id, query, price,
                                quantity, category, occurred_at, source)
SELECT event_id, type, user_id, session_id, item_id, query, price, quantity, category,
       to_timestamp(occurred_ms / 1000), source
FROM json_to_recordset($1::json) AS t(
  event_id text, type text, user_id text, session_id text, item_id text, query text,
  price float8, quantity int, category text, occurred_ms float8, source text)
ON CONFLICT (event_id) DO NOTHING`;

const STORE_PRODUCTS = `
INSERT INTO catalog.products AS p (sku, title, description, category, price, cost, currency,
                                   updated_at)
SELECT sku, title, description, category, price, cost, currency,
       to_timestamp(updated_ms / 1000)
FROM json_to_recordset($1::json) AS t(
  sku text, title text, description text, category text, price numeric, cost numeric,
  currency text, updated_ms float8)
ORDER BY 1
ON CONFLICT (sku) DO UPDATE SET
  title = excluded.title,
  description = excluded.description,
  category = excluded.category,
  price = excluded.price,
  cost = excluded.cost,
  currency = excluded.currency,
  updated_at = excluded.updated_at
WHERE p.updated_at <= excluded.updated_at`;

/** Stores valid sale lines once each and folds the new ones into orders and customers. */
export async function storeSaleLines(db: Queryable, lines: SaleLine[]): Promise<void> {
  const unique = uniqueBy(lines, (l) => l.eventId);
  if (unique.length === 0) return;
  await db.query(STORE_SALE_LINES, [saleLineRows(unique)]);
}

/** Stores valid click events once each. */
export async function storeClickEvents(db: Queryable, clicks: ClickEvent[]): Promise<void> {
  const unique = uniqueBy(clicks, (c) => c.eventId);
  if (unique.length === 0) return;
  await db.query(STORE_CLICK_EVENTS, [clickEventRows(unique)]);
}

/** Keeps the latest upsert of each product; an older one arriving late changes nothing. */
export async function storeProducts(db: Queryable, products: ProductUpsert[]): Promise<void> {
  if (products.length === 0) return;
  await db.query(STORE_PRODUCTS, [productRows(products)]);
}
