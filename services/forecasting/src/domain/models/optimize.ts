/**
 * Nelder-Mead minimisation on an unconstrained space. Models map their bounded parameters
 * onto it (logistic transforms), so the simplex never leaves the admissible region.
 */
export function nelderMead(
  f: (x: number[]) => number,
  x0: number[],
  options: { maxIter?: number; step?: number; tol?: number } = {},
): { x: number[]; value: number } {
  const n = x0.length;
  const maxIter = options.maxIter ?? 200 * n;
  const step = options.step ?? 0.5;
  const tol = options.tol ?? 1e-7;
  const safe = (x: number[]): number => {
    const v = f(x);
    return Number.isFinite(v) ? v : 1e300;
  };

  let simplex: { x: number[]; v: number }[] = [{ x: x0, v: safe(x0) }];
  for (let i = 0; i < n; i++) {
    const x = [...x0];
    x[i] += step;
    simplex.push({ x, v: safe(x) });
  }

  for (let iter = 0; iter < maxIter; iter++) {
    simplex.sort((a, b) => a.v - b.v);
    const best = simplex[0];
    const worst = simplex[n];
    if (Math.abs(worst.v - best.v) <= tol * (Math.abs(best.v) + tol)) break;

    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j] += simplex[i].x[j] / n;
    const along = (t: number): number[] => centroid.map((c, j) => c + t * (worst.x[j] - c));

    const xr = along(-1);
    const vr = safe(xr);
    if (vr < best.v) {
      const xe = along(-2);
      const ve = safe(xe);
      simplex[n] = ve < vr ? { x: xe, v: ve } : { x: xr, v: vr };
    } else if (vr < simplex[n - 1].v) {
      simplex[n] = { x: xr, v: vr };
    } else {
      const xc = along(vr < worst.v ? -0.5 : 0.5);
      const vc = safe(xc);
      if (vc < Math.min(vr, worst.v)) {
        simplex[n] = { x: xc, v: vc };
      } else {
        simplex = simplex.map((p, i) => {
          if (i === 0) return p;
          const x = p.x.map((xi, j) => best.x[j] + 0.5 * (xi - best.x[j]));
          return { x, v: safe(x) };
        });
      }
    }
  }
  simplex.sort((a, b) => a.v - b.v);
  return { x: simplex[0].x, value: simplex[0].v };
}

export function logistic(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

export function logit(p: number): number {
  const q = Math.min(Math.max(p, 1e-6), 1 - 1e-6);
  return Math.log(q / (1 - q));
}
