import { estimateElasticity, poolEstimates, type PricePoint } from '../src/domain/elasticity';
import { recommendPrice } from '../src/domain/recommend';
import { mergeGuardrails } from '../src/domain/guardrails';
import { classifyCustomers } from '../src/domain/segments';
import { computePools, poolFor } from '../src/estimates';

/** Daily points over a year with demand q = 100 · p^e and a small deterministic wobble. */
function series(e: number, prices: number[]): PricePoint[] {
  const out: PricePoint[] = [];
  for (let i = 0; i < 200; i++) {
    const day = new Date(Date.UTC(2011, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
    const price = prices[i % prices.length];
    const units = Math.max(1, Math.round(100 * price ** e * (1 + 0.1 * Math.sin(i * 1.7))));
    out.push({ day, price, units });
  }
  return out;
}

describe('elasticity', () => {
  it('recovers a known elasticity from varied prices', () => {
    const est = estimateElasticity(series(-1.5, [1, 1.2, 1.5, 2]), undefined);
    expect(est.credible).toBe(true);
    expect(est.elasticity).toBeCloseTo(-1.5, 1);
  });

  it('reports a SKU with one price ever as not credible, and its price does not move', () => {
    const est = estimateElasticity(series(-1, [2.5]), { elasticity: -1.2, between: 0.5, skus: 9 });
    expect(est.credible).toBe(false);
    expect(est.reason).toMatch(/one price/);
    const r = recommendPrice({
      currentPrice: 2.5,
      baseUnits: 40,
      unitCost: 1,
      elasticity: { value: est.elasticity, credible: est.credible, reason: est.reason },
      objective: 'revenue',
      guardrails: mergeGuardrails(),
    });
    expect(r.recommendedPrice).toBe(2.5);
    expect(r.boundBy).toEqual(['elasticity']);
  });

  it('does not use a positive estimated elasticity, even after shrinkage', () => {
    const pooled = { elasticity: -1.2, between: 0.5, skus: 100 };
    const est = estimateElasticity(series(1.2, [1, 1.5, 2]), pooled);
    expect(est.own?.estimate).toBeGreaterThan(0);
    expect(est.credible).toBe(false);
    expect(est.reason).toMatch(/positive/);
  });

  it('shrinks a noisy estimate toward the pooled one', () => {
    const pooled = poolEstimates([
      { estimate: -1, standardError: 0.2 },
      { estimate: -2, standardError: 0.2 },
      { estimate: -1.5, standardError: 0.2 },
    ]);
    expect(pooled.elasticity).toBeCloseTo(-1.5, 6);
    const points = series(-0.2, [1, 1.02]);
    const est = estimateElasticity(points, pooled);
    expect(est.method).toBe('shrunk');
    expect(est.elasticity as number).toBeLessThan(est.own?.estimate as number);
  });

  it('places a customer whose median line is 12 units or more in wholesale', () => {
    const seg = classifyCustomers([
      { customerId: 'a', quantity: 12 },
      { customerId: 'a', quantity: 24 },
      { customerId: 'a', quantity: 1 },
      { customerId: 'b', quantity: 2 },
      { customerId: 'b', quantity: 12 },
      { customerId: 'b', quantity: 1 },
    ]);
    expect(seg.get('a')).toBe('wholesale');
    expect(seg.get('b')).toBe('retail');
  });

  it('pools a category with enough SKUs on its own, and the rest over all SKUs', () => {
    const skus: [string, { all: PricePoint[]; wholesale: PricePoint[]; retail: PricePoint[] }][] =
      [];
    for (let i = 0; i < 24; i++) {
      const e = i < 12 ? -0.5 : -2.5;
      const all = series(e, [1, 1.1 + i / 100, 1.3, 1.6]);
      skus.push([`S${i}`, { all, wholesale: [], retail: all }]);
    }
    const pools = computePools(skus, (sku) => (Number(sku.slice(1)) < 12 ? 'mugs' : 'toys'));
    const mugs = poolFor(pools, 'mugs');
    const toys = poolFor(pools, 'toys');
    expect(mugs).toMatchObject({ scope: 'category', category: 'mugs' });
    expect(mugs.elasticity).toBeCloseTo(-0.5, 1);
    expect(toys.elasticity).toBeCloseTo(-2.5, 1);
    expect(poolFor(pools, 'lamps')).toMatchObject({ scope: 'all', skus: 24 });
  });
});
