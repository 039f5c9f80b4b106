import { randomUUID } from 'node:crypto';
import { BestEffortCache, type Cache } from '@qm/kit';
import type { Logger } from 'pino';
import type { PolicyQueryT } from '../schemas/inventory';

/** Policy answers per SKU and query, dropped at once for a SKU whose settings change. */
export interface PolicyCache {
  /** The cached answer, or the computed one (then cached). Redis failing, it is computed. */
  get<T>(sku: string, query: PolicyQueryT, compute: () => Promise<T>): Promise<T>;
  /** Makes every instance compute the SKU's policies afresh from now on. Never throws. */
  forget(sku: string): Promise<void>;
}

/**
 * A SKU's generation lives longer than any policy answer (`QM_INVENTORY_POLICY_CACHE_SECONDS`
 * is an hour at most), so an answer never outlives the generation it was cached under.
 */
const GENERATION_SECONDS = 86_400;

/**
 * Policies in Redis under their SKU's generation. Forgetting a SKU gives it a new
 * generation instead of deleting its answers, which are many (one per query) and may still
 * be written by a computation that read the old settings: such a write lands under the old
 * generation, which no one reads any more.
 */
export function createPolicyCache(cache: Cache, log: Logger): PolicyCache {
  const generationKey = (sku: string) => `policy-generation:${sku}`;
  const answers = new BestEffortCache(cache, log);

  return {
    async get(sku, query, compute) {
      const read = (c: Cache) => c.get<string>(generationKey(sku));
      const generation = await answers.attempt('read', read, null);
      // Without the SKU's generation no cached answer is known to be current.
      if (generation === null) return compute();
      const { warehouse, leadTimeDays, serviceLevel } = query;
      const variant = [sku, generation ?? 'initial', warehouse, leadTimeDays, serviceLevel];
      return answers.getOrSet(`policy:${JSON.stringify(variant)}`, compute);
    },
    async forget(sku) {
      // The settings are stored by now: an error would not undo them, and answers expire.
      await cache.set(generationKey(sku), randomUUID(), GENERATION_SECONDS).catch((err) => {
        log.warn({ err, sku }, 'cached policies kept until they expire');
      });
    },
  };
}
