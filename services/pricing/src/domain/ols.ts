/** An ordinary least-squares fit with an intercept: coefficients and their standard errors. */
export interface OlsFit {
  /** Intercept first, then one coefficient per column of x. */
  coefficients: number[];
  standardErrors: number[];
  residualVariance: number;
}

/** Inverts a small symmetric positive-definite matrix by Gauss–Jordan; null when singular. */
function invert(m: number[][]): number[][] | null {
  const n = m.length;
  const a = m.map((row, i) => [...row, ...row.map((_, j) => (i === j ? 1 : 0))]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
    if (Math.abs(a[pivot][col]) < 1e-12) return null;
    [a[col], a[pivot]] = [a[pivot], a[col]];
    const div = a[col][col];
    for (let j = 0; j < 2 * n; j++) a[col][j] /= div;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = a[r][col];
      if (f !== 0) for (let j = 0; j < 2 * n; j++) a[r][j] -= f * a[col][j];
    }
  }
  return a.map((row) => row.slice(n));
}

/**
 * Least squares of y on x (rows of regressors) plus an intercept, through the normal
 * equations: the designs here have five columns, so this is exact enough and fast. Null when
 * the design is singular or leaves no degrees of freedom. (`ml-regression` does the same,
 * but its ES-module dependencies do not load under the test runner.)
 */
export function fitOls(x: number[][], y: number[]): OlsFit | null {
  const n = y.length;
  const k = (x[0]?.length ?? 0) + 1;
  if (n <= k) return null;
  const xtx = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const xty = new Array<number>(k).fill(0);
  for (let i = 0; i < n; i++) {
    const row = [1, ...x[i]];
    for (let a = 0; a < k; a++) {
      xty[a] += row[a] * y[i];
      for (let b = a; b < k; b++) xtx[a][b] += row[a] * row[b];
    }
  }
  for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) xtx[a][b] = xtx[b][a];
  const inverse = invert(xtx);
  if (inverse === null) return null;
  const coefficients = inverse.map((row) => row.reduce((s, v, j) => s + v * xty[j], 0));

  let sse = 0;
  for (let i = 0; i < n; i++) {
    const fitted = coefficients[0] + x[i].reduce((s, v, j) => s + v * coefficients[j + 1], 0);
    sse += (y[i] - fitted) ** 2;
  }
  const residualVariance = sse / (n - k);
  const standardErrors = inverse.map((row, i) => Math.sqrt(Math.max(0, residualVariance * row[i])));
  return { coefficients, standardErrors, residualVariance };
}
