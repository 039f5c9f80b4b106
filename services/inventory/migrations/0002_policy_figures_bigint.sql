-- Up Migration

-- Policy figures are sums of days of demand and of stock: a SKU whose ledger totals sit near
-- the 32-bit limit has an inventory position, and so excess stock, beyond it.
ALTER TABLE policies
  ALTER COLUMN reorder_point TYPE bigint,
  ALTER COLUMN order_up_to TYPE bigint,
  ALTER COLUMN order_quantity TYPE bigint,
  ALTER COLUMN excess_stock TYPE bigint;

-- Down Migration
ALTER TABLE policies
  ALTER COLUMN reorder_point TYPE integer,
  ALTER COLUMN order_up_to TYPE integer,
  ALTER COLUMN order_quantity TYPE integer,
  ALTER COLUMN excess_stock TYPE integer;
