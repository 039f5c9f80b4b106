/**
 * Gradient-boosted decision trees for binary log-loss, grown on quantile histograms.
 * Every node keeps its value so a prediction can be split into per-feature pushes along
 * the path it takes (the difference of node values at each split).
 */
import { mulberry32 } from '@qm/learning';

export interface TreeNode {
  /** Feature index; -1 for a leaf. */
  f: number;
  /** Go left when the value is at most this. */
  t: number;
  l: number;
  r: number;
  v: number;
}

export interface BoostedModel {
  kind: 'gbdt';
  base: number;
  learningRate: number;
  trees: TreeNode[][];
}

export interface BoostOptions {
  trees?: number;
  depth?: number;
  learningRate?: number;
  minLeaf?: number;
  lambda?: number;
  bins?: number;
  /** Fraction of rows drawn for each tree. */
  subsample?: number;
  seed?: number;
}

function quantileEdges(values: number[], bins: number): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const edges: number[] = [];
  for (let b = 1; b < bins; b++) {
    const edge = sorted[Math.floor((b * sorted.length) / bins)];
    if (edges.length === 0 || edge > edges[edges.length - 1]) edges.push(edge);
  }
  return edges;
}

/** Fits boosted trees on rows `x` with labels `y` (0 or 1). */
export function fitBoosted(
  x: Float64Array[],
  y: Uint8Array,
  options: BoostOptions = {},
): BoostedModel {
  const {
    trees = 300,
    depth = 4,
    learningRate = 0.05,
    minLeaf = 20,
    lambda = 1,
    bins = 32,
    subsample = 0.8,
    seed = 7,
  } = options;
  const n = x.length;
  const d = x[0].length;
  const random = mulberry32(seed);

  // Bin index of every value: a value goes to the first edge it does not exceed.
  const edges: number[][] = [];
  const binned: Uint8Array[] = [];
  for (let j = 0; j < d; j++) {
    const e = quantileEdges(
      Array.from(x, (row) => row[j]),
      bins,
    );
    edges.push(e);
    const col = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      let b = 0;
      while (b < e.length && x[i][j] > e[b]) b++;
      col[i] = b;
    }
    binned.push(col);
  }

  const positives = y.reduce((s, v) => s + v, 0);
  const rate = Math.min(Math.max(positives / n, 1e-6), 1 - 1e-6);
  const base = Math.log(rate / (1 - rate));
  const margin = new Float64Array(n).fill(base);
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const model: BoostedModel = { kind: 'gbdt', base, learningRate, trees: [] };

  for (let t = 0; t < trees; t++) {
    for (let i = 0; i < n; i++) {
      const p = 1 / (1 + Math.exp(-margin[i]));
      g[i] = p - y[i];
      h[i] = Math.max(p * (1 - p), 1e-6);
    }
    const rows: number[] = [];
    for (let i = 0; i < n; i++) if (random() < subsample) rows.push(i);
    const nodes: TreeNode[] = [];
    grow(rows, 0);
    model.trees.push(nodes);
    for (let i = 0; i < n; i++) margin[i] += learningRate * treeValue(nodes, x[i]);

    function grow(members: number[], level: number): number {
      let G = 0;
      let H = 0;
      for (const i of members) {
        G += g[i];
        H += h[i];
      }
      const index = nodes.length;
      nodes.push({ f: -1, t: 0, l: -1, r: -1, v: -G / (H + lambda) });
      if (level >= depth || members.length < 2 * minLeaf) return index;

      let best = { gain: 1e-9, f: -1, b: -1 };
      const parentScore = (G * G) / (H + lambda);
      const histG = new Float64Array(bins);
      const histH = new Float64Array(bins);
      const histN = new Uint32Array(bins);
      for (let j = 0; j < d; j++) {
        histG.fill(0);
        histH.fill(0);
        histN.fill(0);
        const col = binned[j];
        for (const i of members) {
          histG[col[i]] += g[i];
          histH[col[i]] += h[i];
          histN[col[i]] += 1;
        }
        let gl = 0;
        let hl = 0;
        let nl = 0;
        for (let b = 0; b < edges[j].length; b++) {
          gl += histG[b];
          hl += histH[b];
          nl += histN[b];
          const nr = members.length - nl;
          if (nl < minLeaf || nr < minLeaf) continue;
          const gr = G - gl;
          const hr = H - hl;
          const gain = (gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda) - parentScore;
          if (gain > best.gain) best = { gain, f: j, b };
        }
      }
      if (best.f < 0) return index;

      const col = binned[best.f];
      const left = members.filter((i) => col[i] <= best.b);
      const right = members.filter((i) => col[i] > best.b);
      const node = nodes[index];
      node.f = best.f;
      node.t = edges[best.f][best.b];
      node.l = grow(left, level + 1);
      node.r = grow(right, level + 1);
      return index;
    }
  }
  return model;
}

function treeValue(nodes: TreeNode[], row: Float64Array): number {
  let k = 0;
  while (nodes[k].f >= 0) k = row[nodes[k].f] <= nodes[k].t ? nodes[k].l : nodes[k].r;
  return nodes[k].v;
}

/** The raw score (log-odds) and, when asked, each feature's push on it. */
export function boostedMargin(
  model: BoostedModel,
  row: Float64Array,
  contributions?: Float64Array,
): number {
  let s = model.base;
  for (const nodes of model.trees) {
    let k = 0;
    s += model.learningRate * nodes[0].v;
    while (nodes[k].f >= 0) {
      const next = row[nodes[k].f] <= nodes[k].t ? nodes[k].l : nodes[k].r;
      const push = model.learningRate * (nodes[next].v - nodes[k].v);
      s += push;
      if (contributions) contributions[nodes[k].f] += push;
      k = next;
    }
  }
  return s;
}
