import type { Outcome } from './simulate-core';

/** One policy's result over all SKUs of the window. */
export interface Point {
  name: string;
  fill: number;
  onHand: number;
  stockoutsPerSku: number;
}

export function point(name: string, total: Outcome, days: number, skus: number): Point {
  return {
    name,
    fill: (100 * total.filled) / total.demand,
    onHand: total.onHandSum / (days * skus),
    stockoutsPerSku: total.stockoutDays / skus,
  };
}

/** Linear interpolation of y at x along a curve sorted by x; undefined outside it. */
function along(curve: { x: number; y: number }[], x: number): number | undefined {
  const sorted = [...curve].sort((a, b) => a.x - b.x);
  for (let i = 1; i < sorted.length; i++) {
    const [a, b] = [sorted[i - 1], sorted[i]];
    if (a.x <= x && x <= b.x)
      return b.x === a.x ? b.y : a.y + ((b.y - a.y) * (x - a.x)) / (b.x - a.x);
  }
  return undefined;
}

/** The fill a frontier reaches with the given stock. */
export function fillAtStock(frontier: Point[], onHand: number): number | undefined {
  return along(
    frontier.map((p) => ({ x: p.onHand, y: p.fill })),
    onHand,
  );
}

/** The stock a frontier needs for the given fill. */
export function stockForFill(frontier: Point[], fill: number): number | undefined {
  return along(
    frontier.map((p) => ({ x: p.fill, y: p.onHand })),
    fill,
  );
}
