-- Up Migration

-- Event ids already applied (see claimEvents in @qm/events).
CREATE TABLE processed_events (
  event_id text PRIMARY KEY,
  processed_at timestamptz NOT NULL DEFAULT now()
);

-- Per-SKU replenishment settings; a SKU without a row uses the defaults.
CREATE TABLE settings (
  sku text PRIMARY KEY,
  lead_time_days double precision NOT NULL,
  lead_time_sd_days double precision NOT NULL,
  review_period_days integer NOT NULL,
  service_level double precision NOT NULL,
  min_order_quantity integer NOT NULL,
  pack_size integer NOT NULL,
  unit_cost double precision,
  order_cost double precision,
  holding_rate double precision NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Current stock per SKU and warehouse: the ledger's running totals.
CREATE TABLE stock (
  sku text NOT NULL,
  warehouse text NOT NULL,
  on_hand integer NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
  on_order integer NOT NULL DEFAULT 0 CHECK (on_order >= 0),
  backorders integer NOT NULL DEFAULT 0 CHECK (backorders >= 0),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (sku, warehouse)
);

-- Every movement once, in the order applied; deltas are what the ledger actually changed.
CREATE TABLE movements (
  id bigserial PRIMARY KEY,
  event_id text NOT NULL UNIQUE,
  sku text NOT NULL,
  warehouse text NOT NULL,
  kind text NOT NULL,
  quantity integer NOT NULL,
  on_hand_delta integer NOT NULL,
  on_order_delta integer NOT NULL,
  backorder_delta integer NOT NULL,
  reference text NOT NULL DEFAULT '',
  occurred_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX movements_sku_idx ON movements (sku, warehouse, id);

-- Units asked for per SKU, warehouse and day: the history policies are computed from.
CREATE TABLE daily_demand (
  sku text NOT NULL,
  warehouse text NOT NULL,
  day date NOT NULL,
  units integer NOT NULL,
  PRIMARY KEY (sku, warehouse, day)
);
CREATE INDEX daily_demand_day_idx ON daily_demand (day);

-- The latest forecast per SKU from the forecasting service.
CREATE TABLE forecasts (
  sku text PRIMARY KEY,
  model text NOT NULL,
  start_day date NOT NULL,
  mean double precision[] NOT NULL,
  lower95 double precision[] NOT NULL,
  upper95 double precision[] NOT NULL,
  computed_at timestamptz NOT NULL
);

-- The latest policy figures per SKU and warehouse, for the stock list filters.
CREATE TABLE policies (
  sku text NOT NULL,
  warehouse text NOT NULL,
  method text NOT NULL,
  reorder_point integer NOT NULL,
  order_up_to integer NOT NULL,
  safety_stock double precision NOT NULL,
  order_quantity integer NOT NULL,
  days_of_cover double precision NOT NULL,
  stockout_date date,
  excess_stock integer NOT NULL,
  computed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (sku, warehouse)
);

-- Restock signals: one row per SKU and warehouse, stamped from a sequence on every change so
-- warehouses page through changes; published_seq trails seq until the change is on Kafka.
CREATE SEQUENCE signal_changes;
CREATE TABLE restock_signals (
  sku text NOT NULL,
  warehouse text NOT NULL,
  open boolean NOT NULL,
  urgency text NOT NULL,
  body jsonb NOT NULL,
  fingerprint text NOT NULL,
  seq bigint NOT NULL,
  published_seq bigint NOT NULL DEFAULT 0,
  changed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (sku, warehouse)
);
CREATE INDEX restock_signals_seq_idx ON restock_signals (seq);
CREATE INDEX restock_signals_unpublished_idx ON restock_signals (seq) WHERE seq > published_seq;

-- Down Migration
DROP TABLE restock_signals;
DROP SEQUENCE signal_changes;
DROP TABLE policies;
DROP TABLE forecasts;
DROP TABLE daily_demand;
DROP TABLE movements;
DROP TABLE stock;
DROP TABLE settings;
DROP TABLE processed_events;
