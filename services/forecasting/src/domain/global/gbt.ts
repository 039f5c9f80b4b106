/**
 * Gradient-boosted regression trees with absolute-error loss: histogram splits on the sign of
 * the residuals, leaves set to the median residual (the L1-optimal step), row and feature
 * subsampling per tree. Small and dependency-free so the artefact is plain JSON.
 */
export interface Tree {
  /** Split feature per node, -1 for a leaf. */
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
}

export interface GbtModel {
  base: number;
  trees: Tree[];
}

export interface GbtOptions {
  trees: number;
  rate: number;
  depth: number;
  minLeaf: number;
  rowSample: number;
  colSample: number;
  seed: number;
  onTree?: (index: number) => void;
}

const BINS = 256;

function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/** The weighted median: the L1-optimal constant for weighted absolute error. */
function weightedMedian(values: Float64Array, weights: Float64Array): number {
  if (values.length === 0) return 0;
  const order = Array.from(values.keys()).sort((a, b) => values[a] - values[b]);
  let total = 0;
  for (const w of weights) total += w;
  let acc = 0;
  for (const i of order) {
    acc += weights[i];
    if (acc >= total / 2) return values[i];
  }
  return values[order[order.length - 1]];
}

/** Quantile bin edges per feature; bin 0 holds missing values (NaN). */
function binEdges(x: Float32Array, rows: number, cols: number, rand: () => number): Float64Array[] {
  const edges: Float64Array[] = [];
  const sample = Math.min(rows, 50_000);
  for (let f = 0; f < cols; f++) {
    const picked: number[] = [];
    for (let k = 0; k < sample; k++) {
      const v = x[Math.floor(rand() * rows) * cols + f];
      if (!Number.isNaN(v)) picked.push(v);
    }
    const vals = Float64Array.from(picked).sort();
    const out: number[] = [];
    for (let b = 1; b < BINS - 1; b++) {
      const v = vals[Math.floor((b / (BINS - 1)) * (vals.length - 1))];
      if (v !== undefined && (out.length === 0 || v > out[out.length - 1])) out.push(v);
    }
    edges.push(Float64Array.from(out));
  }
  return edges;
}

function binOf(edges: Float64Array, v: number): number {
  if (Number.isNaN(v)) return 0;
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (edges[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo + 1;
}

interface Hist {
  g: Float64Array;
  /** Weight per bin (the L1 loss has no curvature, so weights stand in for it). */
  w: Float64Array;
  c: Int32Array;
}

interface Split {
  feature: number;
  bin: number;
  gain: number;
}

/**
 * Trains on `x` (row-major, rows × cols) against `y`, minimising the weighted absolute error
 * (`weight` per row, 1 when absent).
 */
export function trainGbt(
  x: Float32Array,
  y: Float32Array,
  cols: number,
  options: GbtOptions,
  weight?: Float32Array,
): GbtModel {
  const rows = y.length;
  const wt = weight ?? new Float32Array(rows).fill(1);
  const rand = random(options.seed);
  const edges = binEdges(x, rows, cols, rand);
  const bins = new Uint8Array(rows * cols);
  for (let f = 0; f < cols; f++) {
    for (let i = 0; i < rows; i++) bins[f * rows + i] = binOf(edges[f], x[i * cols + f]);
  }

  const base = weightedMedian(Float64Array.from(y), Float64Array.from(wt));
  const pred = new Float64Array(rows).fill(base);
  const grad = new Float64Array(rows);
  const trees: Tree[] = [];

  for (let t = 0; t < options.trees; t++) {
    for (let i = 0; i < rows; i++) grad[i] = wt[i] * Math.sign(y[i] - pred[i]);
    const sampled: number[] = [];
    for (let i = 0; i < rows; i++) if (rand() < options.rowSample) sampled.push(i);
    const feats: number[] = [];
    for (let f = 0; f < cols; f++) if (rand() < options.colSample) feats.push(f);
    if (feats.length === 0) feats.push(Math.floor(rand() * cols));

    const tree: Tree = { feature: [], threshold: [], left: [], right: [], value: [] };
    const splitBins: number[] = [];
    const nf = feats.length;
    const histogram = (members: Int32Array): Hist => {
      const g = new Float64Array(nf * BINS);
      const w = new Float64Array(nf * BINS);
      const c = new Int32Array(nf * BINS);
      for (let fi = 0; fi < nf; fi++) {
        const off = feats[fi] * rows;
        const base = fi * BINS;
        for (let k = 0; k < members.length; k++) {
          const i = members[k];
          const b = base + bins[off + i];
          g[b] += grad[i];
          w[b] += wt[i];
          c[b]++;
        }
      }
      return { g, w, c };
    };
    const splittable = (size: number, depth: number) =>
      depth < options.depth && size >= 2 * options.minLeaf;

    const grow = (members: Int32Array, depth: number, hist: Hist | undefined): number => {
      const node = tree.feature.length;
      tree.feature.push(-1);
      tree.threshold.push(0);
      tree.left.push(-1);
      tree.right.push(-1);
      tree.value.push(0);
      splitBins.push(0);
      let best: Split | undefined;
      if (hist && splittable(members.length, depth)) {
        let total = 0;
        let weightSum = 0;
        for (let b = 0; b < BINS; b++) {
          total += hist.g[b];
          weightSum += hist.w[b];
        }
        const parent = (total * total) / weightSum;
        for (let fi = 0; fi < nf; fi++) {
          const base = fi * BINS;
          let gl = 0;
          let wl = 0;
          let nl = 0;
          for (let b = 0; b < BINS - 1; b++) {
            gl += hist.g[base + b];
            wl += hist.w[base + b];
            nl += hist.c[base + b];
            const nr = members.length - nl;
            if (nl < options.minLeaf) continue;
            if (nr < options.minLeaf) break;
            const gr = total - gl;
            const wr = weightSum - wl;
            if (wl <= 0 || wr <= 0) continue;
            const gain = (gl * gl) / wl + (gr * gr) / wr - parent;
            if (!best || gain > best.gain) best = { feature: fi, bin: b, gain };
          }
        }
      }
      if (!hist || !best || best.gain <= 1e-9) {
        const residuals = new Float64Array(members.length);
        const weights = new Float64Array(members.length);
        for (let k = 0; k < members.length; k++) {
          residuals[k] = y[members[k]] - pred[members[k]];
          weights[k] = wt[members[k]];
        }
        tree.value[node] = options.rate * weightedMedian(residuals, weights);
        return node;
      }
      const feature = feats[best.feature];
      const off = feature * rows;
      const l: number[] = [];
      const r: number[] = [];
      for (const i of members) (bins[off + i] <= best.bin ? l : r).push(i);
      const left = Int32Array.from(l);
      const right = Int32Array.from(r);
      let hl: Hist | undefined;
      let hr: Hist | undefined;
      if (splittable(left.length, depth + 1) || splittable(right.length, depth + 1)) {
        // Histogram the smaller child; the larger one is the parent's minus it.
        const small = histogram(left.length <= right.length ? left : right);
        const large: Hist = {
          g: hist.g.map((v, k) => v - small.g[k]),
          w: hist.w.map((v, k) => v - small.w[k]),
          c: hist.c.map((v, k) => v - small.c[k]),
        };
        [hl, hr] = left.length <= right.length ? [small, large] : [large, small];
      }
      tree.feature[node] = feature;
      tree.threshold[node] = best.bin === 0 ? -1e308 : edges[feature][best.bin - 1];
      splitBins[node] = best.bin;
      tree.left[node] = grow(left, depth + 1, hl);
      tree.right[node] = grow(right, depth + 1, hr);
      return node;
    };
    const root = Int32Array.from(sampled);
    grow(root, 0, splittable(root.length, 0) ? histogram(root) : undefined);

    for (let i = 0; i < rows; i++) {
      let node = 0;
      while (tree.feature[node] >= 0) {
        const b = bins[tree.feature[node] * rows + i];
        node = b <= splitBins[node] ? tree.left[node] : tree.right[node];
      }
      pred[i] += tree.value[node];
    }
    trees.push(tree);
    options.onTree?.(t);
  }
  return { base, trees };
}

/** Predicts one row of raw features; a missing value (NaN) goes left, like bin 0. */
export function predictGbt(model: GbtModel, row: ArrayLike<number>): number {
  let out = model.base;
  for (const tree of model.trees) {
    let node = 0;
    while (tree.feature[node] >= 0) {
      const v = Math.fround(row[tree.feature[node]]);
      node = Number.isNaN(v) || v <= tree.threshold[node] ? tree.left[node] : tree.right[node];
    }
    out += tree.value[node];
  }
  return out;
}
