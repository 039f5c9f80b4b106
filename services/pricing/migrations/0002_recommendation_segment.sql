-- Up Migration

-- A recommendation answers one question (SKU, objective, segment); a newer answer to the same
-- question supersedes it, so the segment gets a column of its own.
ALTER TABLE recommendations ADD COLUMN segment text NOT NULL DEFAULT 'all';
UPDATE recommendations SET segment = body ->> 'segment' WHERE body ? 'segment';
CREATE INDEX recommendations_question
  ON recommendations (sku, objective, segment, created_at DESC);

-- Down Migration
DROP INDEX recommendations_question;
ALTER TABLE recommendations DROP COLUMN segment;
