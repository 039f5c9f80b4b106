-- Up Migration
-- Conversations handed to a person, kept after their Redis state expires.
CREATE TABLE handoffs (
  conversation_id text NOT NULL,
  customer_id text NOT NULL DEFAULT '',
  reason text NOT NULL,
  intent text NOT NULL,
  last_message text NOT NULL,
  handed_off_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (conversation_id, handed_off_at)
);

-- Down Migration
DROP TABLE handoffs;
