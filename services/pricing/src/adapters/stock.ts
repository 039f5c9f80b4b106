import { fetchJson } from '@qm/kit';
import type { Logger } from 'pino';

/** Units on hand for a SKU, or undefined when the inventory service cannot say. */
export type StockLookup = (sku: string, requestId: string) => Promise<number | undefined>;

/** Asks the inventory service; any failure means "unknown", so pricing never waits on it. */
export function inventoryStockLookup(baseUrl: string, log: Logger): StockLookup {
  return async (sku, requestId) => {
    try {
      const body = await fetchJson<{ onHand: number }>(
        `${baseUrl}/v1/inventory/stock/${encodeURIComponent(sku)}`,
        { requestId, timeoutMs: 1500 },
      );
      return typeof body.onHand === 'number' ? body.onHand : undefined;
    } catch (err) {
      log.debug({ err, sku }, 'stock unknown');
      return undefined;
    }
  };
}
