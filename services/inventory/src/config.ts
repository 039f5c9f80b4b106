import { Type } from '@sinclair/typebox';
import { BaseConfig, loadConfig } from '@qm/kit';

export const InventoryConfig = {
  ...BaseConfig,
  QM_HTTP_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8083 }),
  /** Default warehouse for events that name none (Online Retail names none). */
  QM_INVENTORY_DEFAULT_WAREHOUSE: Type.String({ minLength: 1, default: 'main' }),
  /**
   * Demo rule: units a SKU and warehouse open with the first time they are seen, booked as an
   * `ADJUSTMENT` with reference `opening-stock`. 0 (the default) opens at zero, as in production.
   */
  QM_INVENTORY_OPENING_STOCK: Type.Integer({ minimum: 0, default: 0 }),
  /** How often unpublished restock-signal changes are retried (ms). */
  QM_INVENTORY_SIGNAL_FLUSH_MS: Type.Integer({ minimum: 100, default: 5_000 }),
  /**
   * Messages the sales consumer may be behind the topic's end (over all partitions) before
   * batches mark their SKUs' policies stale instead of recomputing them.
   */
  QM_INVENTORY_POLICY_HOLD_LAG: Type.Integer({ minimum: 0, default: 1_000 }),
  /** Longest wait of a stale policy after its first mark while the consumer stays behind. */
  QM_INVENTORY_POLICY_MAX_HOLD_MS: Type.Integer({ minimum: 0, default: 600_000 }),
  /**
   * `GET /policies/{sku}` answers may be this old: stock changes show after it, a SKU's
   * settings change at once, on every instance.
   */
  QM_INVENTORY_POLICY_CACHE_SECONDS: Type.Integer({ minimum: 1, maximum: 3_600, default: 5 }),
};

export type Config = ReturnType<typeof loadInventoryConfig>;

/** Reads the inventory service's environment once. */
export function loadInventoryConfig(env?: Record<string, string | undefined>) {
  return loadConfig(InventoryConfig, env);
}

/** Settings of the simulated warehouse (`pnpm demo:warehouse`). */
export const WarehouseDemoConfig = {
  QM_LOG_LEVEL: BaseConfig.QM_LOG_LEVEL,
  QM_INVENTORY_URL: Type.String({ default: 'http://127.0.0.1:8083' }),
  QM_DEMO_WAREHOUSE: Type.String({ minLength: 1, default: 'main' }),
  /** How often the warehouse pulls restock signals (ms). */
  QM_DEMO_POLL_MS: Type.Integer({ minimum: 100, default: 5_000 }),
  /** Wall-clock stand-in for the supplier lead time: a replay compresses days to seconds. */
  QM_DEMO_LEAD_TIME_SECONDS: Type.Number({ minimum: 0, default: 30 }),
  /** Stop after this many pulls (0: run until interrupted). */
  QM_DEMO_CYCLES: Type.Integer({ minimum: 0, default: 0 }),
};

/** Reads the simulated warehouse's environment once. */
export function loadWarehouseDemoConfig(env?: Record<string, string | undefined>) {
  return loadConfig(WarehouseDemoConfig, env);
}
