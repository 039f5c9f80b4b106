import { seededRandom } from '@qm/learning';

/** Implicit-feedback matrix factorisation (alternating least squares with confidence weights). */
export interface AlsOptions {
  factors: number;
  iterations: number;
  regularization: number;
  /** Confidence per unit of interaction strength: c = 1 + alpha * r. */
  alpha: number;
  seed: number;
}

export interface FactorModel {
  factors: number;
  users: Float32Array;
  items: Float32Array;
}

/** Rows of a sparse user × item matrix of interaction strengths. */
export interface SparseRows {
  cols: Int32Array[];
  vals: Float32Array[];
}

function transpose(rows: SparseRows, nCols: number): SparseRows {
  const counts = new Int32Array(nCols);
  for (const c of rows.cols) for (const j of c) counts[j]++;
  const cols = Array.from({ length: nCols }, (_, j) => new Int32Array(counts[j]));
  const vals = Array.from({ length: nCols }, (_, j) => new Float32Array(counts[j]));
  const fill = new Int32Array(nCols);
  rows.cols.forEach((c, i) => {
    c.forEach((j, t) => {
      cols[j][fill[j]] = i;
      vals[j][fill[j]++] = rows.vals[i][t];
    });
  });
  return { cols, vals };
}

/** Solves A x = b in place for a symmetric positive-definite A (Cholesky); b becomes x. */
export function choleskySolve(a: Float64Array, b: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j];
    for (let k = 0; k < j; k++) d -= a[j * n + k] * a[j * n + k];
    d = Math.sqrt(Math.max(d, 1e-12));
    a[j * n + j] = d;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s / d;
    }
  }
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= a[i * n + k] * b[k];
    b[i] = s / a[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < n; k++) s -= a[k * n + i] * b[k];
    b[i] = s / a[i * n + i];
  }
}

function gram(m: Float32Array, rows: number, f: number): Float64Array {
  const g = new Float64Array(f * f);
  for (let r = 0; r < rows; r++) {
    const o = r * f;
    for (let a = 0; a < f; a++) {
      const v = m[o + a];
      if (v === 0) continue;
      for (let b = a; b < f; b++) g[a * f + b] += v * m[o + b];
    }
  }
  for (let a = 0; a < f; a++) for (let b = 0; b < a; b++) g[a * f + b] = g[b * f + a];
  return g;
}

function solveSide(
  rows: SparseRows,
  fixed: Float32Array,
  nFixed: number,
  out: Float32Array,
  options: AlsOptions,
): void {
  const f = options.factors;
  const base = gram(fixed, nFixed, f);
  const a = new Float64Array(f * f);
  const b = new Float64Array(f);
  rows.cols.forEach((cols, r) => {
    a.set(base);
    b.fill(0);
    for (let d = 0; d < f; d++) a[d * f + d] += options.regularization;
    cols.forEach((j, t) => {
      const c = 1 + options.alpha * rows.vals[r][t];
      const o = j * f;
      for (let x = 0; x < f; x++) {
        const yx = fixed[o + x];
        b[x] += c * yx;
        const w = (c - 1) * yx;
        for (let y = 0; y < f; y++) a[x * f + y] += w * fixed[o + y];
      }
    });
    choleskySolve(a, b, f);
    for (let x = 0; x < f; x++) out[r * f + x] = b[x];
  });
}

/** Trains user and item factors on a user × item matrix of interaction strengths. */
export function trainAls(userRows: SparseRows, nItems: number, options: AlsOptions): FactorModel {
  const f = options.factors;
  const nUsers = userRows.cols.length;
  const itemRows = transpose(userRows, nItems);
  const random = seededRandom(options.seed);
  const users = new Float32Array(nUsers * f);
  const items = Float32Array.from({ length: nItems * f }, () => (random() - 0.5) * 0.1);
  for (let it = 0; it < options.iterations; it++) {
    solveSide(userRows, items, nItems, users, options);
    solveSide(itemRows, users, nUsers, items, options);
  }
  return { factors: f, users, items };
}

/** A user's predicted preference for every item. */
export function factorScores(model: FactorModel, user: number): Float32Array {
  const f = model.factors;
  const nItems = model.items.length / f;
  const out = new Float32Array(nItems);
  const o = user * f;
  for (let j = 0; j < nItems; j++) {
    let s = 0;
    for (let x = 0; x < f; x++) s += model.users[o + x] * model.items[j * f + x];
    out[j] = s;
  }
  return out;
}
