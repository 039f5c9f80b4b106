import { loadOnlineRetail, resolveDataDir, type RetailLine } from '@qm/datasets';
import { RetailCatalog, saleLineFromRetail } from '../../../packages/replay/src/events';
import { productInfo, saleInteraction } from '../src/adapters/messages';
import { type InteractionStore } from '../src/adapters/store';
import { DAY_MS, type Interaction, type ProductInfo } from '../src/domain/types';

/** Online Retail as the service holds it after a replay: its interactions and catalogue. */
export interface RetailData {
  lines: RetailLine[];
  /** Every purchase the service keeps (returns, cancellations, anonymous lines left out). */
  interactions: Interaction[];
}

/**
 * Reads the shared file and turns each line into the event the replay sends, then into what
 * the service's consumer stores from it.
 */
export async function readRetail(): Promise<RetailData> {
  const lines = await loadOnlineRetail(resolveDataDir(process.env.QM_DATA_DIR));
  const interactions: Interaction[] = [];
  for (const line of lines) {
    const stored = saleInteraction(saleLineFromRetail(line, 0));
    if (stored === undefined) continue;
    const { eventId: _eventId, ...interaction } = stored;
    interactions.push(interaction);
  }
  return { lines, interactions };
}

/** The catalogue the replay publishes from the lines dated before `before`. */
export function catalogueBefore(lines: readonly RetailLine[], before: number): ProductInfo[] {
  const catalog = new RetailCatalog();
  for (const line of lines) if (line.invoiceDate.getTime() < before) catalog.add(line);
  return [...catalog.products()].map(productInfo);
}

/**
 * A read-only store over the purchases before `before`, so a bench needs no database; like
 * the PostgreSQL store it loads the last `days` days up to the newest purchase.
 */
export function storeBefore(data: RetailData, before = Infinity): InteractionStore {
  const held = data.interactions.filter((e) => e.at < before);
  const newest = held.reduce((m, e) => Math.max(m, e.at), 0);
  const products = catalogueBefore(data.lines, before);
  return {
    record: async () => [],
    upsertProducts: async () => undefined,
    load: async (days) => ({
      interactions: held.filter((e) => e.at >= newest - days * DAY_MS),
      products,
      contains: () => true,
    }),
  };
}

/** The whole file as a store, and its customers, busiest first. */
export async function retailStore(): Promise<{ store: InteractionStore; customers: string[] }> {
  const data = await readRetail();
  const baskets = new Map<string, Set<string>>();
  for (const e of data.interactions) {
    let set = baskets.get(e.userId);
    if (set === undefined) baskets.set(e.userId, (set = new Set()));
    set.add(e.basketId);
  }
  const customers = [...baskets].sort((a, b) => b[1].size - a[1].size).map(([id]) => id);
  return { store: storeBefore(data), customers };
}
