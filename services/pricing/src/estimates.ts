import type { Logger } from 'pino';
import type { Pool } from '@qm/kit';
import { allPoints, pointsFor } from './adapters/store';
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

export type Pools = Record<'all' | Segment, PooledEstimate>;

/** A SKU's estimate for all buyers and per segment, with the series it came from. */
export interface SkuElasticity {
  all: ElasticityEstimate;
  segments: Record<Segment, ElasticityEstimate>;
  series: PricePoint[];
  segmentSeries: Record<Segment, PricePoint[]>;
  pooled: Pools;
}

/** The pooled estimates of every SKU's own fit, overall and per segment. */
export function computePools(series: Iterable<Record<'all' | Segment, PricePoint[]>>): Pools {
  const own: Record<'all' | Segment, { estimate: number; standardError: number }[]> = {
    all: [],
    wholesale: [],
    retail: [],
  };
  for (const s of series) {
    for (const key of ['all', ...SEGMENTS] as const) {
      const fit = fitOwnElasticity(s[key]);
      if (fit) own[key].push(fit);
    }
  }
  return {
    all: poolEstimates(own.all),
    wholesale: poolEstimates(own.wholesale),
    retail: poolEstimates(own.retail),
  };
}

/** Per-SKU elasticities over a pooled estimate that is recomputed every `refreshSeconds`. */
export function createEstimator(deps: { pool: Pool; log: Logger; refreshSeconds: number }) {
  let pools: { value: Pools; at: number } | undefined;
  let computing: Promise<Pools> | undefined;

  async function compute(): Promise<Pools> {
    const started = Date.now();
    const points = await allPoints(deps.pool);
    const value = computePools([...points.values()].map(seriesBySegment));
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

  async function forSku(sku: string): Promise<SkuElasticity> {
    const [rows, pooledNow] = await Promise.all([pointsFor(deps.pool, sku), pooled()]);
    const series = seriesBySegment(rows);
    return {
      all: estimateElasticity(series.all, pooledNow.all),
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
