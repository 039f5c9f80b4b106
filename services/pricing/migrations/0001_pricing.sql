-- Up Migration

-- Event ids already applied (see claimEvents in @qm/events).
CREATE TABLE processed_events (
  event_id text PRIMARY KEY,
  processed_at timestamptz NOT NULL DEFAULT now()
);

-- Units sold per SKU, buyer segment and day, with their revenue (so the day's mean price is
-- revenue / units). Returns and cancellations are not demand and are not counted.
CREATE TABLE daily_points (
  sku text NOT NULL,
  segment text NOT NULL CHECK (segment IN ('wholesale', 'retail')),
  day date NOT NULL,
  units double precision NOT NULL,
  revenue double precision NOT NULL,
  PRIMARY KEY (sku, segment, day)
);

-- Running counts of each customer's sale lines: what places them in a segment.
CREATE TABLE customers (
  customer_id text PRIMARY KEY,
  lines integer NOT NULL DEFAULT 0,
  bulk_lines integer NOT NULL DEFAULT 0
);

-- Catalogue facts from product events, and the latest observed price per SKU.
CREATE TABLE skus (
  sku text PRIMARY KEY,
  category text,
  unit_cost double precision,
  currency text NOT NULL DEFAULT 'GBP',
  price double precision,
  price_observed_at timestamptz
);

-- Guardrails per SKU (scope 'sku') or per category (scope 'category').
CREATE TABLE guardrails (
  scope text NOT NULL CHECK (scope IN ('sku', 'category')),
  key text NOT NULL,
  rules jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, key)
);

CREATE TABLE competitor_prices (
  sku text NOT NULL,
  competitor text NOT NULL,
  price double precision NOT NULL CHECK (price > 0),
  observed_at timestamptz NOT NULL,
  PRIMARY KEY (sku, competitor)
);

-- Proposed prices; approval applies one and records who did it and when.
CREATE TABLE recommendations (
  id uuid PRIMARY KEY,
  sku text NOT NULL,
  objective text NOT NULL,
  current_price double precision NOT NULL,
  recommended_price double precision NOT NULL,
  body jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  approved_by text,
  approved_at timestamptz,
  published_at timestamptz
);
CREATE INDEX recommendations_sku ON recommendations (sku, created_at DESC);

-- Audit trail of every approval and price change.
CREATE TABLE price_changes (
  id bigserial PRIMARY KEY,
  recommendation_id uuid NOT NULL UNIQUE REFERENCES recommendations (id),
  sku text NOT NULL,
  old_price double precision NOT NULL,
  new_price double precision NOT NULL,
  approved_by text NOT NULL,
  approved_at timestamptz NOT NULL
);

CREATE TABLE experiments (
  id text PRIMARY KEY,
  sku text NOT NULL,
  arms jsonb NOT NULL,
  metric text NOT NULL,
  min_visitors integer NOT NULL,
  status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'stopped')),
  stopped_arms text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  stopped_at timestamptz
);
CREATE INDEX experiments_sku ON experiments (sku) WHERE status = 'running';

-- One row per exposed user or session: its arm, purchases and revenue.
CREATE TABLE experiment_units (
  experiment_id text NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
  unit_id text NOT NULL,
  arm text NOT NULL,
  purchases integer NOT NULL DEFAULT 0,
  revenue double precision NOT NULL DEFAULT 0,
  first_seen timestamptz NOT NULL,
  PRIMARY KEY (experiment_id, unit_id)
);

-- Down Migration

DROP TABLE experiment_units;
DROP TABLE experiments;
DROP TABLE price_changes;
DROP TABLE recommendations;
DROP TABLE competitor_prices;
DROP TABLE guardrails;
DROP TABLE skus;
DROP TABLE customers;
DROP TABLE daily_points;
DROP TABLE processed_events;
