-- Up Migration
CREATE TABLE daily_demand (
  sku text NOT NULL,
  day date NOT NULL,
  units double precision NOT NULL DEFAULT 0,
  PRIMARY KEY (sku, day)
);

CREATE TABLE forecasts (
  sku text PRIMARY KEY,
  horizon integer NOT NULL,
  model text NOT NULL,
  start date NOT NULL,
  body jsonb NOT NULL,
  computed_at timestamptz NOT NULL
);

CREATE TABLE processed_events (
  event_id text PRIMARY KEY,
  processed_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE processed_events;
DROP TABLE forecasts;
DROP TABLE daily_demand;
