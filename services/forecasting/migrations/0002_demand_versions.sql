-- Up Migration

-- A SKU's demand version goes up by one with every change of its daily demand. A forecast
-- keeps the version of the history it was computed from, so one from older history can be
-- told apart and kept from replacing a newer one. SKUs without a row are at version 0, as are
-- the forecasts stored before versions existed.
CREATE TABLE demand_versions (
  sku text PRIMARY KEY,
  version bigint NOT NULL
);
ALTER TABLE forecasts ADD COLUMN demand_version bigint NOT NULL DEFAULT 0;

-- Down Migration
ALTER TABLE forecasts DROP COLUMN demand_version;
DROP TABLE demand_versions;
