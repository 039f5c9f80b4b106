import type { PricePoint } from './elasticity';

const DAY_MS = 86_400_000;

/** Constant-elasticity demand: q(p) = q0 · (p / p0)^e. */
export function unitsAt(price: number, base: { price: number; units: number }, e: number): number {
  if (base.price <= 0 || price <= 0) return 0;
  return base.units * (price / base.price) ** e;
}

/**
 * Mean units per calendar day over the last `windowDays` days of a SKU's history (days
 * without sales count as zero), ending on its last day with sales.
 */
export function baseDailyUnits(points: PricePoint[], windowDays = 90): number {
  if (points.length === 0) return 0;
  const last = Date.parse(points[points.length - 1].day);
  const first = Date.parse(points[0].day);
  const from = last - (windowDays - 1) * DAY_MS;
  const span = Math.min(windowDays, Math.round((last - first) / DAY_MS) + 1);
  let units = 0;
  for (const p of points) if (Date.parse(p.day) >= from) units += p.units;
  return units / span;
}

/** A point of a demand and revenue curve. */
export interface CurvePoint {
  price: number;
  units: number;
  revenue: number;
  margin: number;
}

/** Expected daily units, revenue and margin at each price. */
export function demandCurve(
  prices: number[],
  base: { price: number; units: number },
  e: number,
  unitCost: number,
): CurvePoint[] {
  return prices.map((price) => {
    const units = unitsAt(price, base, e);
    return { price, units, revenue: price * units, margin: (price - unitCost) * units };
  });
}
