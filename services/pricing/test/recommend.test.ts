import { mergeGuardrails } from '../src/domain/guardrails';
import { recommendPrice, type RecommendInput } from '../src/domain/recommend';

function input(overrides: Partial<RecommendInput> = {}): RecommendInput {
  return {
    currentPrice: 10,
    baseUnits: 20,
    unitCost: 4,
    elasticity: { value: -0.6, credible: true },
    objective: 'margin',
    guardrails: mergeGuardrails(),
    ...overrides,
  };
}

describe('recommendPrice', () => {
  it('keeps the price when the elasticity is not credible and says why', () => {
    const r = recommendPrice(
      input({ elasticity: { value: null, credible: false, reason: 'one price ever' } }),
    );
    expect(r.recommendedPrice).toBe(10);
    expect(r.boundBy).toEqual(['elasticity']);
    expect(r.notes.join(' ')).toMatch(/one price ever/);
  });

  it('raises an inelastic SKU by at most the maximum step', () => {
    const r = recommendPrice(input());
    expect(r.recommendedPrice).toBeCloseTo(11, 6);
    expect(r.boundBy).toContain('maxChange');
    expect(r.expectedUnits).toBeCloseTo(20 * 1.1 ** -0.6, 6);
  });

  it('moves an elastic SKU toward the margin-optimal price c·e/(1+e)', () => {
    const r = recommendPrice(input({ elasticity: { value: -3, credible: true } }));
    // 4 · -3 / -2 = 6, below the step, so the step binds at 9.
    expect(r.recommendedPrice).toBe(9);
    const wide = recommendPrice(
      input({
        elasticity: { value: -3, credible: true },
        guardrails: mergeGuardrails({ maxChangePct: 50 }),
      }),
    );
    expect(wide.recommendedPrice).toBe(6);
    expect(wide.boundBy).toEqual([]);
  });

  it('stops at the competitor rule when it binds', () => {
    const r = recommendPrice(
      input({
        lowestCompetitorPrice: 10,
        guardrails: mergeGuardrails({ competitorMaxAbovePct: 5 }),
      }),
    );
    expect(r.recommendedPrice).toBe(10.5);
    expect(r.boundBy).toEqual(['competitor']);
  });

  it('marks down a SKU with excess stock, within the step', () => {
    const r = recommendPrice(input({ onHand: 20 * 400 }));
    expect(r.stock).toBe('excess');
    expect(r.recommendedPrice).toBe(9);
    expect(r.boundBy).toEqual(expect.arrayContaining(['maxChange', 'inventory']));
  });

  it('forbids a discount when cover is low', () => {
    const r = recommendPrice(input({ elasticity: { value: -3, credible: true }, onHand: 40 }));
    expect(r.stock).toBe('low');
    expect(r.recommendedPrice).toBe(10);
    expect(r.boundBy).toContain('inventory');
  });

  it('lets the minimum margin win over the step and reports the conflict', () => {
    const r = recommendPrice(
      input({ unitCost: 9.5, guardrails: mergeGuardrails({ minMarginPct: 30 }) }),
    );
    // 9.5 / 0.7 = 13.5714..., rounded up to the cent.
    expect(r.recommendedPrice).toBe(13.58);
    expect(r.conflicts).toEqual([{ guardrail: 'maxChange', overriddenBy: ['minMargin'] }]);
    expect((r.recommendedPrice - 9.5) / r.recommendedPrice).toBeGreaterThanOrEqual(0.3);
  });

  it('snaps a moved price to the wanted ending inside the guardrails', () => {
    const r = recommendPrice(input({ guardrails: mergeGuardrails({ priceEnding: '.99' }) }));
    expect(r.recommendedPrice).toBe(10.99);
    expect(r.boundBy).toContain('priceEnding');
  });
});
