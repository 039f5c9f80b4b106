-- Up Migration
CREATE TABLE decisions (
  transaction_id text PRIMARY KEY,
  customer_id text NOT NULL,
  score double precision NOT NULL,
  risk_level text NOT NULL,
  decision text NOT NULL,
  reasons jsonb NOT NULL,
  model_version text NOT NULL,
  -- The order and its feature vector, so labelled decisions can train the next model.
  request jsonb NOT NULL,
  features jsonb,
  decided_at timestamptz NOT NULL,
  published_at timestamptz
);
CREATE INDEX decisions_unpublished ON decisions (decided_at) WHERE published_at IS NULL;
CREATE INDEX decisions_customer ON decisions (customer_id, decided_at);

CREATE TABLE feedback (
  transaction_id text PRIMARY KEY,
  label text NOT NULL CHECK (label IN ('fraud', 'legit')),
  note text,
  received_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE list_entries (
  kind text NOT NULL CHECK (kind IN ('device', 'ip', 'email', 'customer')),
  value text NOT NULL,
  action text NOT NULL CHECK (action IN ('block', 'allow')),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (kind, value)
);

CREATE TABLE limits (
  name text PRIMARY KEY,
  value double precision NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE processed_events (
  event_id text PRIMARY KEY,
  processed_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE processed_events;
DROP TABLE limits;
DROP TABLE list_entries;
DROP TABLE feedback;
DROP TABLE decisions;
