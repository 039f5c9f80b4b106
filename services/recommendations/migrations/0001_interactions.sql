-- Up Migration
CREATE TABLE interactions (
  event_id text PRIMARY KEY,
  user_id text NOT NULL,
  item_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('view', 'cart', 'purchase')),
  basket_id text NOT NULL,
  occurred_at timestamptz NOT NULL
);
CREATE INDEX interactions_occurred_at ON interactions (occurred_at);

CREATE TABLE products (
  item_id text PRIMARY KEY,
  title text NOT NULL,
  description text NOT NULL,
  category text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE processed_events (
  event_id text PRIMARY KEY,
  processed_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE processed_events;
DROP TABLE products;
DROP TABLE interactions;
