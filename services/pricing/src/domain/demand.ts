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

/** Units and revenue of a SKU on one day from one segment. */
export interface SegmentDay {
  segment: 'wholesale' | 'retail';
  day: string;
  units: number;
  revenue: number;
}

/** Daily points of a SKU: both segments together, and each on its own. */
export function seriesBySegment(
  rows: SegmentDay[],
): Record<'all' | SegmentDay['segment'], PricePoint[]> {
  const toPoints = (list: SegmentDay[]) => {
    const byDay = new Map<string, { units: number; revenue: number }>();
    for (const r of list) {
      const d = byDay.get(r.day) ?? { units: 0, revenue: 0 };
      d.units += r.units;
      d.revenue += r.revenue;
      byDay.set(r.day, d);
    }
    return [...byDay.entries()]
      .filter(([, d]) => d.units > 0 && d.revenue > 0)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([day, d]) => ({ day, units: d.units, price: d.revenue / d.units }));
  };
  return {
    all: toPoints(rows),
    wholesale: toPoints(rows.filter((r) => r.segment === 'wholesale')),
    retail: toPoints(rows.filter((r) => r.segment === 'retail')),
  };
}
