import { sameGuardrails, type Guardrails } from './guardrails';

/** Why a recommendation no longer describes the SKU it was made for. */
export type StaleReason = 'priceChanged' | 'guardrailsChanged' | 'superseded';

export interface Staleness {
  reason: StaleReason;
  message: string;
}

/** What a recommendation was made from, and what holds for its SKU now. */
export interface CurrencyFacts {
  madeAt: { currentPrice: number; guardrails: Partial<Guardrails> };
  now: { price: number | undefined; guardrails: Guardrails; superseded: boolean };
}

/** Prices come back from storage as the same doubles; the slack only absorbs rounding. */
export const samePrice = (a: number, b: number) =>
  Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));

/**
 * Why a recommendation may not be approved any more, if it may not: its old price is not the
 * SKU's price, the guardrails in force are not those it was made under, or a newer
 * recommendation answers the same question.
 */
export function staleness({ madeAt, now }: CurrencyFacts): Staleness | undefined {
  if (now.price === undefined || !samePrice(now.price, madeAt.currentPrice)) {
    return {
      reason: 'priceChanged',
      message: `the price is ${now.price ?? 'unknown'} now, not ${madeAt.currentPrice}`,
    };
  }
  if (!sameGuardrails(now.guardrails, madeAt.guardrails)) {
    return {
      reason: 'guardrailsChanged',
      message: 'the guardrails changed since the recommendation was made',
    };
  }
  if (now.superseded) {
    return { reason: 'superseded', message: 'a newer recommendation replaces this one' };
  }
  return undefined;
}
