/** Platt scaling: a probability from a raw score, `1 / (1 + exp(-(a * margin + b)))`. */
export interface Platt {
  a: number;
  b: number;
}

function logLoss(margins: ArrayLike<number>, targets: Float64Array, a: number, b: number): number {
  let loss = 0;
  for (let i = 0; i < margins.length; i++) {
    const z = a * margins[i] + b;
    // log(1 + e^z) - t z, written to stay finite for large |z|.
    loss += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - targets[i] * z;
  }
  return loss;
}

/**
 * Fits Platt's two parameters on held-out margins: Newton's method on the log-loss with
 * step halving, so a poor start cannot make it diverge.
 */
export function fitPlatt(margins: ArrayLike<number>, labels: ArrayLike<number>): Platt {
  const n = margins.length;
  let positives = 0;
  for (let i = 0; i < n; i++) positives += labels[i];
  // Platt's targets keep the fit finite when the classes separate.
  const hi = (positives + 1) / (positives + 2);
  const lo = 1 / (n - positives + 2);
  const targets = Float64Array.from({ length: n }, (_, i) => (labels[i] ? hi : lo));
  let a = 1;
  let b = 0;
  let loss = logLoss(margins, targets, a, b);
  for (let iter = 0; iter < 100; iter++) {
    let g1 = 0;
    let g2 = 0;
    let h11 = 1e-9;
    let h12 = 0;
    let h22 = 1e-9;
    for (let i = 0; i < n; i++) {
      const p = 1 / (1 + Math.exp(-(a * margins[i] + b)));
      const w = p * (1 - p);
      g1 += (p - targets[i]) * margins[i];
      g2 += p - targets[i];
      h11 += w * margins[i] * margins[i];
      h12 += w * margins[i];
      h22 += w;
    }
    const det = h11 * h22 - h12 * h12;
    if (Math.abs(g1) + Math.abs(g2) < 1e-7 || Math.abs(det) < 1e-18) break;
    const da = (h22 * g1 - h12 * g2) / det;
    const db = (h11 * g2 - h12 * g1) / det;
    let step = 1;
    while (step > 1e-8) {
      const next = logLoss(margins, targets, a - step * da, b - step * db);
      if (next < loss) {
        a -= step * da;
        b -= step * db;
        loss = next;
        break;
      }
      step /= 2;
    }
    if (step <= 1e-8) break;
  }
  return { a, b };
}

/** The calibrated probability of a margin, always a finite number in [0, 1]. */
export function applyPlatt(platt: Platt, margin: number): number {
  const p = 1 / (1 + Math.exp(-(platt.a * margin + platt.b)));
  return Number.isFinite(p) ? p : margin > 0 ? 1 : 0;
}
