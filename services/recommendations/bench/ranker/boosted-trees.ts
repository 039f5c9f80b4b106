/**
 * Gradient-boosted regression trees on binary log-loss, grown level by level on quantile
 * histograms of the features. Used to rank a user's candidate items by the chance that the
 * user buys each one in the coming weeks.
 */

import { seededRandom } from '@qm/learning';

/** One tree as flat arrays; node 0 is the root, `feature[n] < 0` marks a leaf. */
export interface Tree {
  feature: Int16Array;
  threshold: Float32Array;
  left: Int32Array;
  right: Int32Array;
  value: Float32Array;
}

export interface TreeEnsemble {
  features: number;
  base: number;
  trees: Tree[];
}

export interface BoostOptions {
  /**
   * `logloss` fits each row's chance of being positive; `lambdarank` fits the order within
   * each group (a user's candidates), weighting pairs by what swapping them does to NDCG.
   */
  objective: 'logloss' | 'lambdarank';
  /** lambdarank: only pairs with at least one row ranked above this position count. */
  truncation: number;
  trees: number;
  depth: number;
  learningRate: number;
  /** Fewest rows a leaf may hold. */
  minLeafRows: number;
  /** L2 penalty on leaf values. */
  lambda: number;
  bins: number;
  /** Fraction of rows each tree sees. */
  subsample: number;
  seed: number;
}

export const DEFAULT_BOOST_OPTIONS: BoostOptions = {
  objective: 'lambdarank',
  truncation: 30,
  trees: 200,
  depth: 5,
  learningRate: 0.08,
  minLeafRows: 40,
  lambda: 5,
  bins: 48,
  subsample: 0.7,
  seed: 11,
};

/** Bin edges per feature: quantiles of the values, duplicates dropped (at most 255 bins). */
function binEdges(x: Float32Array, n: number, d: number, bins: number): Float32Array[] {
  const step = Math.max(1, Math.floor(n / 20_000));
  return Array.from({ length: d }, (_, j) => {
    const values: number[] = [];
    for (let r = 0; r < n; r += step) values.push(x[r * d + j]);
    values.sort((a, b) => a - b);
    const edges: number[] = [];
    for (let b = 1; b < Math.min(bins, 255); b++) {
      const edge = values[Math.floor((b * values.length) / bins)];
      if (edge !== undefined && (edges.length === 0 || edge > edges[edges.length - 1])) {
        edges.push(edge);
      }
    }
    return Float32Array.from(edges);
  });
}

/** The bin of a value: the number of edges strictly below it. */
function binOf(edges: Float32Array, v: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (edges[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface Split {
  gain: number;
  feature: number;
  bin: number;
}

/** The best split of one node from its gradient and hessian histograms. */
function bestSplit(
  grad: Float64Array,
  hess: Float64Array,
  count: Float64Array,
  edges: Float32Array[],
  total: { g: number; h: number; n: number },
  o: BoostOptions,
): Split {
  const { g, h, n } = total;
  let best: Split = { gain: 0, feature: -1, bin: -1 };
  const parent = (g * g) / (h + o.lambda);
  let offset = 0;
  for (let j = 0; j < edges.length; j++) {
    const nBins = edges[j].length + 1;
    let gl = 0;
    let hl = 0;
    let nl = 0;
    for (let b = 0; b < nBins - 1; b++) {
      gl += grad[offset + b];
      hl += hess[offset + b];
      nl += count[offset + b];
      if (nl < o.minLeafRows || n - nl < o.minLeafRows) continue;
      const hr = h - hl;
      const gr = g - gl;
      const gain = (gl * gl) / (hl + o.lambda) + (gr * gr) / (hr + o.lambda) - parent;
      if (gain > best.gain) best = { gain, feature: j, bin: b };
    }
    offset += nBins;
  }
  return best;
}

function loglossGradients(
  margin: Float64Array,
  y: Uint8Array,
  grad: Float64Array,
  hess: Float64Array,
): void {
  for (let r = 0; r < y.length; r++) {
    const p = 1 / (1 + Math.exp(-margin[r]));
    grad[r] = p - y[r];
    hess[r] = Math.max(p * (1 - p), 1e-6);
  }
}

/** LambdaRank gradients with binary gains, group by group (`starts` holds each group's start). */
function lambdaGradients(
  margin: Float64Array,
  y: Uint8Array,
  starts: Int32Array,
  truncation: number,
  grad: Float64Array,
  hess: Float64Array,
): void {
  grad.fill(0);
  hess.fill(1e-6);
  for (let g = 0; g < starts.length; g++) {
    const from = starts[g];
    const to = g + 1 < starts.length ? starts[g + 1] : y.length;
    const order = Array.from({ length: to - from }, (_, k) => from + k).sort(
      (a, b) => margin[b] - margin[a] || a - b,
    );
    let positives = 0;
    for (const r of order) positives += y[r];
    if (positives === 0 || positives === order.length) continue;
    let ideal = 0;
    for (let k = 0; k < positives; k++) ideal += 1 / Math.log2(k + 2);
    for (let a = 0; a < Math.min(truncation, order.length); a++) {
      const i = order[a];
      for (let b = a + 1; b < order.length; b++) {
        const j = order[b];
        if (y[i] === y[j]) continue;
        const [hi, lo] = y[i] > y[j] ? [i, j] : [j, i];
        const delta = Math.abs(1 / Math.log2(a + 2) - 1 / Math.log2(b + 2)) / ideal;
        const rho = 1 / (1 + Math.exp(margin[hi] - margin[lo]));
        grad[hi] -= rho * delta;
        grad[lo] += rho * delta;
        const h = Math.max(rho * (1 - rho), 1e-6) * delta;
        hess[hi] += h;
        hess[lo] += h;
      }
    }
  }
}

/**
 * Fits trees to rows `x` (row-major, `d` features each) and 0/1 labels `y`. Split thresholds
 * are bin edges, so a row goes left when its value is at most the edge.
 */
export function fitBoostedTrees(
  x: Float32Array,
  y: Uint8Array,
  d: number,
  options: BoostOptions = DEFAULT_BOOST_OPTIONS,
  starts: Int32Array = Int32Array.of(0),
): TreeEnsemble {
  const n = y.length;
  const edges = binEdges(x, n, d, options.bins);
  const offsets = new Int32Array(d + 1);
  for (let j = 0; j < d; j++) offsets[j + 1] = offsets[j] + edges[j].length + 1;
  const totalBins = offsets[d];
  // Column-major bins: a histogram pass reads one feature's bins contiguously.
  const binned = new Uint8Array(n * d);
  for (let j = 0; j < d; j++) {
    for (let r = 0; r < n; r++) binned[j * n + r] = binOf(edges[j], x[r * d + j]);
  }

  let positives = 0;
  for (let r = 0; r < n; r++) positives += y[r];
  const prior = Math.min(Math.max(positives / Math.max(1, n), 1e-6), 1 - 1e-6);
  const base = options.objective === 'logloss' ? Math.log(prior / (1 - prior)) : 0;
  const margin = new Float64Array(n).fill(base);
  const grad = new Float64Array(n);
  const hess = new Float64Array(n);
  const next = seededRandom(options.seed);
  const trees: Tree[] = [];

  for (let t = 0; t < options.trees; t++) {
    if (options.objective === 'logloss') loglossGradients(margin, y, grad, hess);
    else lambdaGradients(margin, y, starts, options.truncation, grad, hess);
    const rows: number[] = [];
    for (let r = 0; r < n; r++) if (next() < options.subsample) rows.push(r);
    const grower = { grad, hess, binned, n, edges, offsets, totalBins };
    const tree = growTree(Int32Array.from(rows), grower, options);
    trees.push(tree);
    for (let r = 0; r < n; r++) margin[r] += predictTree(tree, x, r * d);
  }
  return { features: d, base, trees };
}

/** Gradient, hessian and row-count sums per bin of every feature, for one node. */
interface Histogram {
  g: Float64Array;
  h: Float64Array;
  c: Float64Array;
}

interface Grower {
  grad: Float64Array;
  hess: Float64Array;
  binned: Uint8Array;
  n: number;
  edges: Float32Array[];
  offsets: Int32Array;
  totalBins: number;
}

function histogram(members: Int32Array, k: Grower): Histogram {
  const out = {
    g: new Float64Array(k.totalBins),
    h: new Float64Array(k.totalBins),
    c: new Float64Array(k.totalBins),
  };
  for (let j = 0; j < k.edges.length; j++) {
    const col = j * k.n;
    const off = k.offsets[j];
    for (const r of members) {
      const b = off + k.binned[col + r];
      out.g[b] += k.grad[r];
      out.h[b] += k.hess[r];
      out.c[b]++;
    }
  }
  return out;
}

/** The sibling's histogram: the parent's minus the one computed (half the passes). */
function minus(parent: Histogram, child: Histogram): Histogram {
  const out = {
    g: new Float64Array(parent.g),
    h: new Float64Array(parent.h),
    c: new Float64Array(parent.c),
  };
  for (let b = 0; b < out.g.length; b++) {
    out.g[b] -= child.g[b];
    out.h[b] -= child.h[b];
    out.c[b] -= child.c[b];
  }
  return out;
}

interface Pending {
  node: number;
  rows: Int32Array;
  hist: Histogram;
}

function growTree(rows: Int32Array, k: Grower, o: BoostOptions): Tree {
  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const value: number[] = [];
  const newNode = (): number => {
    feature.push(-1);
    threshold.push(0);
    left.push(-1);
    right.push(-1);
    value.push(0);
    return feature.length - 1;
  };

  let level: Pending[] = [{ node: newNode(), rows, hist: histogram(rows, k) }];
  for (let depth = 0; depth <= o.depth && level.length > 0; depth++) {
    const nextLevel: Pending[] = [];
    for (const { node, rows: members, hist } of level) {
      let g = 0;
      let h = 0;
      for (const r of members) {
        g += k.grad[r];
        h += k.hess[r];
      }
      value[node] = (-g / (h + o.lambda)) * o.learningRate;
      if (depth === o.depth || members.length < 2 * o.minLeafRows) continue;

      const split = bestSplit(hist.g, hist.h, hist.c, k.edges, { g, h, n: members.length }, o);
      if (split.feature < 0) continue;

      const col = split.feature * k.n;
      const goLeft = members.filter((r) => k.binned[col + r] <= split.bin);
      const goRight = members.filter((r) => k.binned[col + r] > split.bin);
      feature[node] = split.feature;
      threshold[node] = k.edges[split.feature][split.bin];
      left[node] = newNode();
      right[node] = newNode();
      if (depth + 1 === o.depth) {
        // Leaves need no histogram.
        const none = hist;
        nextLevel.push({ node: left[node], rows: goLeft, hist: none });
        nextLevel.push({ node: right[node], rows: goRight, hist: none });
        continue;
      }
      const leftSmaller = goLeft.length <= goRight.length;
      const small = histogram(leftSmaller ? goLeft : goRight, k);
      const large = minus(hist, small);
      nextLevel.push({ node: left[node], rows: goLeft, hist: leftSmaller ? small : large });
      nextLevel.push({ node: right[node], rows: goRight, hist: leftSmaller ? large : small });
    }
    level = nextLevel;
  }
  return {
    feature: Int16Array.from(feature),
    threshold: Float32Array.from(threshold),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    value: Float32Array.from(value),
  };
}

function predictTree(tree: Tree, x: ArrayLike<number>, offset: number): number {
  let node = 0;
  while (tree.feature[node] >= 0) {
    node =
      x[offset + tree.feature[node]] <= tree.threshold[node] ? tree.left[node] : tree.right[node];
  }
  return tree.value[node];
}

/** The log-odds the ensemble gives the row of `x` starting at `offset`. */
export function predictMargin(model: TreeEnsemble, x: ArrayLike<number>, offset = 0): number {
  let s = model.base;
  for (const tree of model.trees) s += predictTree(tree, x, offset);
  return s;
}
