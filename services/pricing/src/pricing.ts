import type { Logger } from 'pino';
import {
  BestEffortCache,
  CommonErrors,
  inTransaction,
  type Cache,
  type Db,
  type Pool,
} from '@qm/kit';
import type { Publisher } from '@qm/events';
import { encodePriceChange } from './adapters/messages';
import type { StockLookup } from './adapters/stock';
import {
  guardrailsFor,
  hasNewerRecommendation,
  insertRecommendation,
  lockSkuApprovals,
  lowestCompetitorPrice,
  markPublished,
  priceChanges,
  putGuardrails,
  recommendationById,
  recordApproval,
  skuRow,
  type StoredRecommendation,
  unpublishedApprovals,
  upsertCompetitorPrices,
  upsertObservedPrices,
} from './adapters/store';
import { samePrice, staleness } from './domain/approval';
import { implausibleObservation, newestPerCompetitor } from './domain/competitors';
import { baseDailyUnits, demandCurve } from './domain/demand';
import type { ElasticityEstimate } from './domain/elasticity';
import { checkGuardrails, mergeGuardrails, type Guardrails } from './domain/guardrails';
import { recommendPrice, type Objective } from './domain/recommend';
import { SEGMENTS, type Segment } from './domain/segments';
import { PricingErrors } from './errors';
import type { Estimator } from './estimates';

export interface PricingDeps {
  pool: Pool;
  log: Logger;
  estimator: Estimator;
  publisher: Publisher;
  priceTopic: string;
  stock: StockLookup;
  defaultCostRatio: number;
  currency: string;
  cache?: Cache;
}

const OBJECTIVES: Objective[] = ['revenue', 'margin'];

/** The fields of a stored recommendation that approval uses. */
interface RecommendationBody {
  currentPrice: number;
  recommendedPrice: number;
  boundBy: string[];
  currency: string;
  guardrails: Guardrails;
}

function confidence(e: ElasticityEstimate): 'high' | 'medium' | 'none' {
  if (!e.credible || e.interval === null) return 'none';
  return e.interval.upper - e.interval.lower < 1 ? 'high' : 'medium';
}

function guardrailsError(g: Partial<Guardrails>) {
  const problem = checkGuardrails(g);
  if (problem) throw PricingErrors.INVALID_GUARDRAILS(problem.message, { field: problem.field });
}

/** The pricing service's operations over its store, estimator, cache and publisher. */
export function createPricing(deps: PricingDeps) {
  const { pool, estimator } = deps;
  const cache = deps.cache && new BestEffortCache(deps.cache, deps.log);

  async function cached<T>(key: string, compute: () => Promise<T>): Promise<T> {
    return cachedWhile(key, async () => true, compute);
  }

  /** The cached value while `current` holds for it, else the computed one (then cached). */
  async function cachedWhile<T>(
    key: string,
    current: (hit: NoInfer<T>) => Promise<boolean>,
    compute: () => Promise<T>,
  ): Promise<T> {
    if (!cache) return compute();
    const hit = await cache.get<T>(key);
    if (hit !== undefined && (await current(hit))) return hit;
    const value = await compute();
    await cache.set(key, value);
    return value;
  }

  async function forget(sku: string): Promise<void> {
    const keys = [`elasticity:${sku}`];
    for (const o of OBJECTIVES) {
      for (const seg of ['all', ...SEGMENTS]) keys.push(`recommendation:${o}:${seg}:${sku}`);
    }
    await cache?.delete(...keys);
  }

  /** What is known of a SKU: its price, unit cost (and where it came from) and estimates. */
  async function context(sku: string) {
    const row = await skuRow(pool, sku);
    const est = await estimator.forSku(sku, row?.category);
    const lastPoint = est.series[est.series.length - 1];
    if (!row && !lastPoint) throw PricingErrors.SKU_NOT_FOUND(`no SKU ${sku}`, { field: 'sku' });
    const currentPrice = row?.price ?? lastPoint?.price;
    if (currentPrice === undefined || !(currentPrice > 0)) {
      throw PricingErrors.NO_PRICE(`no price observed for ${sku}`, { field: 'sku' });
    }
    const fromProduct = row?.unitCost != null && row.unitCost > 0;
    const unitCost = fromProduct ? (row.unitCost as number) : currentPrice * deps.defaultCostRatio;
    return {
      row,
      est,
      currentPrice,
      unitCost,
      costSource: fromProduct ? ('product' as const) : ('defaultRatio' as const),
      baseUnits: baseDailyUnits(est.series),
    };
  }

  async function elasticity(sku: string) {
    return cached(`elasticity:${sku}`, async () => {
      const ctx = await context(sku);
      const view = (e: ElasticityEstimate) => ({ ...e, confidence: confidence(e) });
      return {
        sku,
        currentPrice: ctx.currentPrice,
        ...view(ctx.est.all),
        segments: [
          { segment: 'wholesale' as const, ...view(ctx.est.segments.wholesale) },
          { segment: 'retail' as const, ...view(ctx.est.segments.retail) },
        ],
        pooled: ctx.est.prior,
        segmentRule: "wholesale: at least half of the buyer's lines are of 12 units or more",
      };
    });
  }

  /**
   * A recommendation for all buyers, or for one segment: then that segment's elasticity and
   * demand level are used (the price itself is one list price for everybody). A cached one is
   * answered only while it could be approved: sales move the price and categories' guardrails
   * change without forgetting it.
   */
  async function recommendation(
    sku: string,
    objective: Objective,
    requestId: string,
    segment?: Segment,
  ) {
    const key = `recommendation:${objective}:${segment ?? 'all'}:${sku}`;
    const approvable = async (hit: { id: string } & RecommendationBody) =>
      (await stalenessOf(pool, hit.id, sku, hit)) === undefined;
    return cachedWhile(key, approvable, async () => {
      const ctx = await context(sku);
      const layers = await guardrailsFor(pool, sku, ctx.row?.category ?? null);
      const guardrails = mergeGuardrails(layers.category, layers.sku);
      const [lowest, onHand] = await Promise.all([
        lowestCompetitorPrice(pool, sku),
        deps.stock(sku, requestId),
      ]);
      const e = segment ? ctx.est.segments[segment] : ctx.est.all;
      const baseUnits = segment ? baseDailyUnits(ctx.est.segmentSeries[segment]) : ctx.baseUnits;
      const rec = recommendPrice({
        currentPrice: ctx.currentPrice,
        baseUnits,
        unitCost: ctx.unitCost,
        elasticity: { value: e.elasticity, credible: e.credible, reason: e.reason },
        objective,
        guardrails,
        lowestCompetitorPrice: lowest,
        onHand,
      });
      const body = {
        sku,
        objective,
        segment: segment ?? ('all' as const),
        ...rec,
        elasticity: e.credible ? e.elasticity : null,
        elasticityInterval: e.interval,
        confidence: confidence(e),
        unitCost: ctx.unitCost,
        costSource: ctx.costSource,
        currency: ctx.row?.currency ?? deps.currency,
        lowestCompetitorPrice: lowest ?? null,
        onHand: onHand ?? null,
        guardrails,
        createdAt: new Date().toISOString(),
      };
      const id = await insertRecommendation(pool, body, body);
      return { id, ...body };
    });
  }

  async function simulate(sku: string, prices: number[]) {
    const ctx = await context(sku);
    const e = ctx.est.all;
    // A curve needs some elasticity: without a credible one, the pooled estimate is shown.
    const used = e.credible && e.elasticity !== null ? e.elasticity : ctx.est.prior.elasticity;
    const base = { price: ctx.currentPrice, units: ctx.baseUnits };
    return {
      sku,
      currentPrice: ctx.currentPrice,
      unitCost: ctx.unitCost,
      costSource: ctx.costSource,
      elasticity: used,
      basis: e.credible ? ('sku' as const) : ('pooled' as const),
      credible: e.credible,
      points: demandCurve(prices, base, used, ctx.unitCost),
    };
  }

  async function setGuardrails(scope: 'sku' | 'category', key: string, g: Partial<Guardrails>) {
    guardrailsError(g);
    await putGuardrails(pool, scope, key, g);
    // The category's SKUs are many: their cached recommendations are checked when read.
    if (scope === 'sku') await forget(key);
    return { scope, key, guardrails: g, effective: mergeGuardrails(g) };
  }

  async function competitorPrices(
    list: { sku: string; competitor: string; price: number; observedAt?: string }[],
  ) {
    const now = new Date();
    const bad = implausibleObservation(
      list.map((p) => p.observedAt),
      now,
    );
    if (bad) {
      const field = `prices[${bad.index}].observedAt`;
      throw CommonErrors.VALIDATION_FAILED(`body.${field} ${bad.message}`, { field });
    }
    const prices = list.map((p) => ({
      ...p,
      observedAt: p.observedAt ? new Date(p.observedAt) : now,
    }));
    await upsertCompetitorPrices(pool, newestPerCompetitor(prices));
    await Promise.all([...new Set(list.map((p) => p.sku))].map(forget));
    return { accepted: list.length };
  }

  /**
   * Why a recommendation no longer describes its SKU's price and guardrails, if it does not;
   * `lock` holds off price observations of the SKU until the transaction ends.
   */
  async function stalenessOf(
    db: Db,
    id: string,
    sku: string,
    body: RecommendationBody,
    lock = false,
  ) {
    const row = await skuRow(db, sku, lock);
    const price = row?.price ?? (await estimator.forSku(sku, row?.category)).series.at(-1)?.price;
    const layers = await guardrailsFor(db, sku, row?.category ?? null);
    return staleness({
      madeAt: body,
      now: {
        price: price ?? undefined,
        guardrails: mergeGuardrails(layers.category, layers.sku),
        superseded: await hasNewerRecommendation(db, id),
      },
    });
  }

  /** Throws when a recommendation no longer describes its SKU's price and guardrails. */
  async function checkCurrent(db: Db, rec: StoredRecommendation, body: RecommendationBody) {
    const stale = await stalenessOf(db, rec.id, rec.sku, body, true);
    if (stale) {
      throw PricingErrors.RECOMMENDATION_NOT_CURRENT(stale.message, {
        details: { reason: stale.reason },
      });
    }
  }

  /** Throws for a recommendation to keep the price: approving it would change nothing. */
  function refuseUnchanged(body: RecommendationBody): void {
    if (samePrice(body.recommendedPrice, body.currentPrice)) {
      throw PricingErrors.NO_PRICE_CHANGE(
        `the recommended price is the current price, ${body.currentPrice}: nothing to approve`,
      );
    }
  }

  /**
   * Publishes the price change of an approved recommendation unless it is out already. The
   * row lock keeps two callers from publishing one change twice; should the mark fail to
   * commit after the publish, the change goes out again, the same event.
   */
  async function publishApproved(id: string, requestId?: string): Promise<void> {
    await inTransaction(pool, async (client) => {
      const rec = await recommendationById(client, id, true);
      if (rec === undefined || rec.publishedAt !== null) return;
      if (rec.approvedBy === null || rec.approvedAt === null) return;
      const body = rec.body as unknown as RecommendationBody;
      const value = encodePriceChange({
        recommendationId: id,
        sku: rec.sku,
        oldPrice: body.currentPrice,
        newPrice: body.recommendedPrice,
        currency: body.currency,
        approvedBy: rec.approvedBy,
        approvedAt: new Date(rec.approvedAt),
        boundBy: body.boundBy,
      });
      await deps.publisher.publish(deps.priceTopic, [{ key: rec.sku, value }], { requestId });
      await markPublished(client, id);
    });
  }

  /**
   * Applies a recommendation that is still current and moves the price: the audit row,
   * then, once that is stored, the price-change event. The row lock makes a second approval
   * of it wait, then find it applied; the SKU's lock makes an approval of another
   * recommendation wait, then find it stale. A change that cannot be published now is
   * answered with `publishedAt` null and goes out with `publishPending`.
   */
  async function approve(id: string, approvedBy: string, requestId: string) {
    const approved = await inTransaction(pool, async (client) => {
      const rec = await recommendationById(client, id, true);
      if (!rec) throw PricingErrors.RECOMMENDATION_NOT_FOUND(`no recommendation ${id}`);
      await lockSkuApprovals(client, rec.sku);
      const body = rec.body as unknown as RecommendationBody;
      const alreadyApproved = rec.approvedBy !== null;
      if (!alreadyApproved) {
        await checkCurrent(client, rec, body);
        refuseUnchanged(body);
        await recordApproval(
          client,
          { id, sku: rec.sku, oldPrice: body.currentPrice, newPrice: body.recommendedPrice },
          approvedBy,
        );
        await upsertObservedPrices(client, [
          { sku: rec.sku, price: body.recommendedPrice, at: new Date() },
        ]);
      }
      return { sku: rec.sku, body, alreadyApproved };
    });
    await publishApproved(id, requestId).catch((err: unknown) => {
      deps.log.warn({ err, id }, 'price change not published yet');
    });
    const done = await recommendationById(pool, id);
    const result = {
      id,
      sku: approved.sku,
      oldPrice: approved.body.currentPrice,
      newPrice: approved.body.recommendedPrice,
      approvedBy: done?.approvedBy ?? approvedBy,
      approvedAt: done?.approvedAt ?? new Date().toISOString(),
      publishedAt: done?.publishedAt ?? null,
      alreadyApproved: approved.alreadyApproved,
    };
    await forget(result.sku);
    deps.log.info({ id, sku: result.sku, alreadyApproved: result.alreadyApproved }, 'approved');
    return result;
  }

  /** Publishes the price changes of approvals stored while Kafka could not take them. */
  async function publishPending(limit = 100): Promise<number> {
    const ids = await unpublishedApprovals(pool, limit);
    for (const id of ids) await publishApproved(id);
    return ids.length;
  }

  async function history(sku: string) {
    return { sku, changes: await priceChanges(pool, sku) };
  }

  return {
    elasticity,
    recommendation,
    simulate,
    setGuardrails,
    competitorPrices,
    approve,
    publishPending,
    history,
  };
}

export type Pricing = ReturnType<typeof createPricing>;
