-- Up Migration

-- SKUs and warehouses whose policy and signal were put off while the sales consumer was far
-- behind. `mark` is renewed on every mark, so a recomputation clears only the marks it read;
-- `marked_at` is the first mark since the key was last recomputed.
CREATE SEQUENCE stale_marks;
CREATE TABLE stale_policies (
  sku text NOT NULL,
  warehouse text NOT NULL,
  mark bigint NOT NULL,
  marked_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (sku, warehouse)
);

-- Down Migration
DROP TABLE stale_policies;
DROP SEQUENCE stale_marks;
