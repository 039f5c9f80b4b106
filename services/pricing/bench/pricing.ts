import { loadOnlineRetail, resolveDataDir } from '@qm/datasets';
import { median } from 'simple-statistics';
import { estimateElasticity, type PricePoint } from '../src/domain/elasticity';
import { computePools } from '../src/estimates';
import { retailSeries } from './retail-series';

// Fit on everything before FIT_END, evaluate on [FIT_END, EVAL_END): the file stops at
// 2011-11-12 and the weeks after it are kept aside by the data's owners.
const FIT_END = '2011-08-01';
const EVAL_END = '2011-11-12';
const BASE_DAYS = 90;

interface Errors {
  abs: number;
  sq: number;
  actual: number;
  n: number;
}

const empty = (): Errors => ({ abs: 0, sq: 0, actual: 0, n: 0 });
function add(e: Errors, actual: number, predicted: number): void {
  e.abs += Math.abs(actual - predicted);
  e.sq += (actual - predicted) ** 2;
  e.actual += actual;
  e.n++;
}
const wape = (e: Errors) => (e.actual > 0 ? e.abs / e.actual : NaN);
const rmse = (e: Errors) => Math.sqrt(e.sq / Math.max(1, e.n));

/** Units per selling day and the units-weighted price over the last days of the fit window. */
function baseline(points: PricePoint[]): { units: number; price: number } | undefined {
  if (points.length === 0) return undefined;
  const last = Date.parse(points[points.length - 1].day);
  const recent = points.filter((p) => Date.parse(p.day) > last - BASE_DAYS * 86_400_000);
  const units = recent.reduce((s, p) => s + p.units, 0);
  const revenue = recent.reduce((s, p) => s + p.units * p.price, 0);
  return { units: units / recent.length, price: revenue / units };
}

function priceChanged(evalPoints: PricePoint[], ref: number): boolean {
  return evalPoints.some((p) => Math.abs(p.price / ref - 1) > 0.01);
}

async function main(): Promise<void> {
  const started = Date.now();
  const lines = await loadOnlineRetail(resolveDataDir());
  const fit = retailSeries(lines, '0000', FIT_END);
  const evaluation = retailSeries(lines, FIT_END, EVAL_END);
  const pools = computePools(fit.entries());

  const estimates = [...fit.entries()].map(([sku, s]) => ({
    sku,
    all: estimateElasticity(s.all, pools.all),
    wholesale: estimateElasticity(s.wholesale, pools.wholesale),
    retail: estimateElasticity(s.retail, pools.retail),
  }));
  const credible = estimates.filter((e) => e.all.credible);
  const values = credible.map((e) => e.all.elasticity as number);
  const own = estimates.filter((e) => e.all.own).map((e) => e.all.own?.estimate as number);

  // Errors on the selling days of the evaluation window, for SKUs whose price moved in it.
  const err = {
    blind: empty(),
    credible: empty(),
    shrunk: empty(),
    segmentsBlind: empty(),
    segments: empty(),
  };
  let skus = 0;
  for (const e of estimates) {
    const s = fit.get(e.sku);
    const later = evaluation.get(e.sku);
    const base = s && baseline(s.all);
    if (!s || !later || !base || !priceChanged(later.all, base.price)) continue;
    skus++;
    const curve = (est: typeof e.all, useAny: boolean) =>
      est.elasticity !== null && (est.credible || useAny) ? est.elasticity : 0;
    for (const p of later.all) {
      const ratio = p.price / base.price;
      add(err.blind, p.units, base.units);
      add(err.credible, p.units, base.units * ratio ** curve(e.all, false));
      add(err.shrunk, p.units, base.units * ratio ** curve(e.all, true));
    }
    // Per segment: each segment's own level and elasticity at that segment's price.
    for (const seg of ['wholesale', 'retail'] as const) {
      const b = baseline(s[seg]);
      const byDay = new Map(later[seg].map((p) => [p.day, p]));
      for (const p of later.all) {
        const q = byDay.get(p.day);
        if (!b || !q) continue;
        add(err.segmentsBlind, q.units, b.units);
        add(err.segments, q.units, b.units * (q.price / b.price) ** curve(e[seg], false));
      }
    }
  }

  const segCredible = (seg: 'wholesale' | 'retail') =>
    estimates.filter((e) => e[seg].credible).length / Math.max(1, estimates.length);
  const fmt = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
  const row = (label: string, e: Errors) =>
    console.log(`  ${label.padEnd(44)} WAPE ${fmt(wape(e))}  RMSE ${fmt(rmse(e), 2)}  n=${e.n}`);

  console.log(`pricing bench: fit < ${FIT_END}, evaluate ${FIT_END} .. ${EVAL_END} (exclusive)`);
  console.log(`SKUs with sales in the fit window: ${estimates.length}`);
  console.log(
    `credible elasticity: ${credible.length} ` +
      `(${fmt((100 * credible.length) / estimates.length, 1)}%)` +
      `; wholesale ${fmt(100 * segCredible('wholesale'), 1)}%, ` +
      `retail ${fmt(100 * segCredible('retail'), 1)}%`,
  );
  console.log(
    `median elasticity: credible ${fmt(values.length ? median(values) : NaN)}` +
      `, every own fit ${fmt(own.length ? median(own) : NaN)} (${own.length} SKUs)` +
      `; pooled ${fmt(pools.all.elasticity)} (between-SKU sd ${fmt(pools.all.between)})`,
  );
  console.log(`SKUs whose price changed in the evaluation window: ${skus}`);
  console.log('daily units on selling days (both segments together unless said):');
  row('price ignored (recent units per selling day)', err.blind);
  row('at actual prices, credible elasticities only', err.credible);
  row('at actual prices, every shrunk elasticity', err.shrunk);
  console.log('per segment (each segment its own level and elasticity):');
  row('price ignored', err.segmentsBlind);
  row('at actual prices, credible segment elasticities', err.segments);
  const gain = 1 - wape(err.credible) / wape(err.blind);
  console.log(`WAPE change with credible elasticities (together): ${fmt(-100 * gain, 1)}%`);
  console.log(`took ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
