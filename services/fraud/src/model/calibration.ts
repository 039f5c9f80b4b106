/** Platt scaling: a probability from a raw score, `1 / (1 + exp(-(a * margin + b)))`. */
export interface Platt {
  a: number;
  b: number;
}

/** Fits Platt's two parameters on held-out margins by Newton's method on the log-loss. */
export function fitPlatt(margins: ArrayLike<number>, labels: ArrayLike<number>): Platt {
  const n = margins.length;
  let positives = 0;
  for (let i = 0; i < n; i++) positives += labels[i];
  // Platt's targets keep the fit finite when the classes separate.
  const hi = (positives + 1) / (positives + 2);
  const lo = 1 / (n - positives + 2);
  let a = 1;
  let b = 0;
  for (let iter = 0; iter < 50; iter++) {
    let g1 = 0;
    let g2 = 0;
    let h11 = 1e-9;
    let h12 = 0;
    let h22 = 1e-9;
    for (let i = 0; i < n; i++) {
      const target = labels[i] ? hi : lo;
      const p = 1 / (1 + Math.exp(-(a * margins[i] + b)));
      const w = p * (1 - p);
      g1 += (p - target) * margins[i];
      g2 += p - target;
      h11 += w * margins[i] * margins[i];
      h12 += w * margins[i];
      h22 += w;
    }
    const det = h11 * h22 - h12 * h12;
    if (Math.abs(det) < 1e-12) break;
    const da = (h22 * g1 - h12 * g2) / det;
    const db = (h11 * g2 - h12 * g1) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) + Math.abs(db) < 1e-9) break;
  }
  return { a, b };
}

/** The calibrated probability of a margin, always a finite number in [0, 1]. */
export function applyPlatt(platt: Platt, margin: number): number {
  const p = 1 / (1 + Math.exp(-(platt.a * margin + platt.b)));
  return Number.isFinite(p) ? p : margin > 0 ? 1 : 0;
}
