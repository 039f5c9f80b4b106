-- Up Migration

-- Two running experiments on one SKU would show a unit two prices. Where that already
-- happened, the earliest keeps running and the later ones are stopped.
UPDATE experiments e SET status = 'stopped', stopped_at = now()
WHERE e.status = 'running' AND EXISTS (
  SELECT 1 FROM experiments o
  WHERE o.sku = e.sku AND o.status = 'running'
    AND (o.created_at, o.id) < (e.created_at, e.id)
);
DROP INDEX experiments_sku;
CREATE UNIQUE INDEX experiments_one_running ON experiments (sku) WHERE status = 'running';

-- Down Migration
DROP INDEX experiments_one_running;
CREATE INDEX experiments_sku ON experiments (sku) WHERE status = 'running';
