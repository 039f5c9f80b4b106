-- Up Migration

-- A day's demand is the sum of its sales: sales of 32-bit quantities, with receipts between
-- them, can add up beyond the 32-bit limit for one SKU and warehouse.
ALTER TABLE daily_demand ALTER COLUMN units TYPE bigint;

-- Down Migration
ALTER TABLE daily_demand ALTER COLUMN units TYPE integer;
