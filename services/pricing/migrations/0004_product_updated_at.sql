-- Up Migration

-- When the category and unit cost were last set, by the product event's own time: an older
-- event arriving after a newer one leaves them as they are.
ALTER TABLE skus ADD COLUMN product_updated_at timestamptz;

-- Down Migration
ALTER TABLE skus DROP COLUMN product_updated_at;
