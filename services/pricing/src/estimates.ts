import type { Logger } from 'pino';
import type { Pool } from '@qm/kit';
import { allPoints, pointsFor, skuCategories } from './adapters/store';
import { seriesBySegment } from './domain/demand';
import {
  estimateElasticity,
  fitOwnElasticity,
  poolEstimates,
  type ElasticityEstimate,
  type PooledEstimate,
  type PricePoint,
} from './domain/elasticity';
import { SEGMENTS, type Segment } from './domain/segments';

export type Pools = Record<'all' | Segment, PooledEstimate> & {
  /** Per category, when the category has enough SKUs with their own fit. */
  categories?: Record<string, PooledEstimate>;
};

/** Fewest SKUs with an own fit for a category to have its own pooled estimate. */
export const MIN_CATEGORY_SKUS = 10;

/** The pool a SKU of this category borrows from for all buyers: its category's, else all. */
export function poolFor(pools: Pools, category: string | null | undefined) {
  const own = category ? pools.categories?.[category] : undefined;
  return own
    ? { ...own, scope: 'category' as const, category: category as string }
    : { ...pools.all, scope: 'all' as const };
}

/** A SKU's estimate for all buyers and per segment, with the series it came from. */
export interface SkuElasticity {
  all: ElasticityEstimate;
  segments: Record<Segment, ElasticityEstimate>;
  series: PricePoint[];
  /** The pooled estimate the all-buyer estimate was shrunk toward. */
  prior: ReturnType<typeof poolFor>;
  segmentSeries: Record<Segment, PricePoint[]>;
  pooled: Pools;
}

/**
 * The pooled estimates of every SKU's own fit, overall and per segment, and per category for
 * the SKUs `categoryOf` places in one.
 */
export function computePools(
  series: Iterable<[string, Record<'all' | Segment, PricePoint[]>]>,
  categoryOf: (sku: string) => string | undefined = () => undefined,
): Pools {
  const byCategory = new Map<string, { estimate: number; standardError: number }[]>();
  const own: Record<'all' | Segment, { estimate: number; standardError: number }[]> = {
    all: [],
    wholesale: [],
    retail: [],
  };
  for (const [sku, s] of series) {
    for (const key of ['all', ...SEGMENTS] as const) {
      const fit = fitOwnElasticity(s[key]);
      if (!fit) continue;
      own[key].push(fit);
      const category = key === 'all' ? categoryOf(sku) : undefined;
      if (category) byCategory.set(category, [...(byCategory.get(category) ?? []), fit]);
    }
  }
  const categories: Record<string, PooledEstimate> = {};
  for (const [category, fits] of byCategory) {
    if (fits.length >= MIN_CATEGORY_SKUS) categories[category] = poolEstimates(fits);
  }
  return {
    all: poolEstimates(own.all),
    wholesale: poolEstimates(own.wholesale),
    retail: poolEstimates(own.retail),
    categories,
  };
}

/** Per-SKU elasticities over a pooled estimate that is recomputed every `refreshSeconds`. */
export function createEstimator(deps: { pool: Pool; log: Logger; refreshSeconds: number }) {
  let pools: { value: Pools; at: number } | undefined;
  let computing: Promise<Pools> | undefined;

  async function compute(): Promise<Pools> {
    const started = Date.now();
    const [points, categories] = await Promise.all([
      allPoints(deps.pool),
      skuCategories(deps.pool),
    ]);
    const series = [...points.entries()].map(
      ([sku, rows]) => [sku, seriesBySegment(rows)] as [string, ReturnType<typeof seriesBySegment>],
    );
    const value = computePools(series, (sku) => categories.get(sku));
    pools = { value, at: Date.now() };
    deps.log.info(
      { skus: points.size, pooled: value.all.elasticity, ms: Date.now() - started },
      'pooled elasticity computed',
    );
    return value;
  }

  /** The pooled estimates; a stale value is served while a new one is computed. */
  async function pooled(): Promise<Pools> {
    const stale = pools === undefined || Date.now() - pools.at > deps.refreshSeconds * 1000;
    if (stale && computing === undefined) {
      computing = compute().finally(() => (computing = undefined));
      if (pools) computing.catch((err: unknown) => deps.log.warn({ err }, 'pooling failed'));
    }
    if (pools) return pools.value;
    return computing as Promise<Pools>;
  }

  async function forSku(sku: string, category?: string | null): Promise<SkuElasticity> {
    const [rows, pooledNow] = await Promise.all([pointsFor(deps.pool, sku), pooled()]);
    const series = seriesBySegment(rows);
    const prior = poolFor(pooledNow, category);
    return {
      all: estimateElasticity(series.all, prior),
      prior,
      segments: {
        wholesale: estimateElasticity(series.wholesale, pooledNow.wholesale),
        retail: estimateElasticity(series.retail, pooledNow.retail),
      },
      series: series.all,
      segmentSeries: { wholesale: series.wholesale, retail: series.retail },
      pooled: pooledNow,
    };
  }

  return { pooled, forSku, refresh: compute };
}

export type Estimator = ReturnType<typeof createEstimator>;
