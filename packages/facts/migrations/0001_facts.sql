-- Up Migration
-- One migration set for the three fact schemas; it runs with `sales` as its schema (the
-- migrations table lives there), so the other two are created here. Names are qualified.
CREATE SCHEMA IF NOT EXISTS sales;
CREATE SCHEMA IF NOT EXISTS clickstream;
CREATE SCHEMA IF NOT EXISTS catalog;

-- Every sale, return and cancellation line, once: the event id is the idempotency key.
CREATE TABLE sales.order_lines (
  event_id text PRIMARY KEY,
  order_id text NOT NULL,
  line integer NOT NULL,
  sku text NOT NULL,
  quantity integer NOT NULL,
  unit_price numeric NOT NULL,
  currency text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('sale', 'return', 'cancellation')),
  description text NOT NULL DEFAULT '',
  source text NOT NULL DEFAULT '',
  occurred_at timestamptz NOT NULL
);
CREATE INDEX order_lines_order_idx ON sales.order_lines (order_id, line);

-- Orders are folded from their lines as they arrive; line counts per kind give the status.
CREATE TABLE sales.orders (
  order_id text PRIMARY KEY,
  customer_id text NOT NULL DEFAULT '',
  country text NOT NULL DEFAULT '',
  ordered_at timestamptz NOT NULL,
  lines integer NOT NULL,
  returned_lines integer NOT NULL DEFAULT 0,
  cancelled_lines integer NOT NULL DEFAULT 0,
  total numeric NOT NULL,
  status text GENERATED ALWAYS AS (
    CASE
      WHEN cancelled_lines = lines THEN 'cancelled'
      WHEN cancelled_lines > 0 THEN 'partly cancelled'
      WHEN returned_lines = lines THEN 'returned'
      WHEN returned_lines > 0 THEN 'partly returned'
      ELSE 'placed'
    END
  ) STORED
);
CREATE INDEX orders_customer_idx ON sales.orders (customer_id, ordered_at);

-- Known customers only; anonymous orders (empty customer id) have no row here.
CREATE TABLE sales.customers (
  customer_id text PRIMARY KEY,
  country text NOT NULL DEFAULT '',
  first_order_at timestamptz NOT NULL,
  last_order_at timestamptz NOT NULL,
  orders integer NOT NULL
);

CREATE TABLE clickstream.events (
  event_id text PRIMARY KEY,
  type text NOT NULL,
  user_id text NOT NULL DEFAULT '',
  session_id text NOT NULL DEFAULT '',
  item_id text NOT NULL DEFAULT '',
  query text NOT NULL DEFAULT '',
  price double precision NOT NULL DEFAULT 0,
  quantity integer NOT NULL DEFAULT 0,
  category text NOT NULL DEFAULT '',
  occurred_at timestamptz NOT NULL,
  source text NOT NULL DEFAULT ''
);

-- The latest upsert of each product wins, by its own timestamp.
CREATE TABLE catalog.products (
  sku text PRIMARY KEY,
  title text NOT NULL DEFAULT '',
  description text NOT NULL DEFAULT '',
  category text NOT NULL DEFAULT '',
  price numeric NOT NULL DEFAULT 0,
  cost numeric NOT NULL DEFAULT 0,
  currency text NOT NULL DEFAULT '',
  updated_at timestamptz NOT NULL
);

-- Down Migration
DROP TABLE catalog.products;
DROP TABLE clickstream.events;
DROP TABLE sales.customers;
DROP TABLE sales.orders;
DROP TABLE sales.order_lines;
DROP SCHEMA catalog;
DROP SCHEMA clickstream;
