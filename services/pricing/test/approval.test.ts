import { staleness } from '../src/domain/approval';
import { DEFAULT_GUARDRAILS, mergeGuardrails } from '../src/domain/guardrails';

const madeAt = { currentPrice: 2.7, guardrails: mergeGuardrails({ maxChangePct: 5 }) };
const current = { price: 2.7, guardrails: mergeGuardrails({ maxChangePct: 5 }), superseded: false };

describe('whether a recommendation is still current', () => {
  it('is current while price and guardrails are those it was made from', () => {
    const reordered = { ...madeAt, guardrails: { ...madeAt.guardrails, maxChangePct: 5 } };
    expect(staleness({ madeAt: reordered, now: current })).toBeUndefined();
  });

  it('is stale once the price moved, or no price is known', () => {
    expect(staleness({ madeAt, now: { ...current, price: 2.97 } })?.reason).toBe('priceChanged');
    expect(staleness({ madeAt, now: { ...current, price: undefined } })?.reason).toBe(
      'priceChanged',
    );
  });

  it('is stale once the guardrails in force differ from those it was made under', () => {
    const now = { ...current, guardrails: DEFAULT_GUARDRAILS };
    expect(staleness({ madeAt, now })?.reason).toBe('guardrailsChanged');
  });

  it('is stale once a newer recommendation answers the same question', () => {
    expect(staleness({ madeAt, now: { ...current, superseded: true } })?.reason).toBe('superseded');
  });
});
