import { mean } from '../stats';
import { nelderMead } from './optimize';
import type { FitInput, ModelOutput } from './types';

/** KPSS level-stationarity statistic with a Bartlett window; 0 for a constant series. */
export function kpss(y: number[]): number {
  const n = y.length;
  const mu = mean(y);
  const e = y.map((v) => v - mu);
  let cum = 0;
  let eta = 0;
  for (const v of e) {
    cum += v;
    eta += cum * cum;
  }
  const lags = Math.floor((3 * Math.sqrt(n)) / 13);
  let s2 = e.reduce((a, v) => a + v * v, 0) / n;
  for (let l = 1; l <= lags; l++) {
    let c = 0;
    for (let t = l; t < n; t++) c += e[t] * e[t - l];
    s2 += (2 * (1 - l / (lags + 1)) * c) / n;
  }
  return s2 <= 1e-12 ? 0 : eta / (n * n * s2);
}

const KPSS_5PCT = 0.463;

function diff(y: number[]): number[] {
  return y.slice(1).map((v, i) => v - y[i]);
}

/** Number of differences (0..2) until the KPSS test no longer rejects stationarity. */
export function chooseDifferences(y: number[]): number {
  let d = 0;
  let w = y;
  while (d < 2 && w.length > 8 && kpss(w) > KPSS_5PCT) {
    w = diff(w);
    d++;
  }
  return d;
}

/** Maps unconstrained values to a stationary polynomial through partial autocorrelations. */
function toPolynomial(raw: number[]): number[] {
  const pacf = raw.map((r) => Math.tanh(r));
  let coef: number[] = [];
  for (let k = 0; k < pacf.length; k++) {
    const next = coef.map((c, j) => c - pacf[k] * coef[k - 1 - j]);
    next.push(pacf[k]);
    coef = next;
  }
  return coef;
}

interface ArmaFit {
  p: number;
  q: number;
  constant: boolean;
  phi: number[];
  theta: number[];
  mu: number;
  residuals: number[];
  sigma2: number;
  aicc: number;
}

function residualsOf(w: number[], phi: number[], theta: number[], mu: number): number[] {
  const e = new Array<number>(w.length).fill(0);
  for (let t = 0; t < w.length; t++) {
    let pred = mu;
    for (let i = 0; i < phi.length; i++) if (t - 1 - i >= 0) pred += phi[i] * (w[t - 1 - i] - mu);
    for (let j = 0; j < theta.length; j++) if (t - 1 - j >= 0) pred += theta[j] * e[t - 1 - j];
    e[t] = t < phi.length ? 0 : w[t] - pred;
  }
  return e;
}

function fitArma(w: number[], p: number, q: number, constant: boolean): ArmaFit | undefined {
  const n = w.length - p;
  const k = p + q + (constant ? 1 : 0) + 1;
  if (n - k - 1 <= 0) return undefined;
  const scale = Math.sqrt(mean(w.map((v) => v * v))) || 1;
  const unpack = (x: number[]) => ({
    phi: toPolynomial(x.slice(0, p)),
    theta: toPolynomial(x.slice(p, p + q)).map((c) => -c),
    mu: constant ? x[p + q] * scale : 0,
  });
  const css = (x: number[]): number => {
    const u = unpack(x);
    const e = residualsOf(w, u.phi, u.theta, u.mu);
    let s = 0;
    for (const v of e) s += v * v;
    return s;
  };
  const x0 = [...new Array<number>(p + q).fill(0.1)];
  if (constant) x0.push(mean(w) / scale);
  const best =
    x0.length === 0 ? { x: [], value: css([]) } : nelderMead(css, x0, { maxIter: 150 * x0.length });
  const u = unpack(best.x);
  const residuals = residualsOf(w, u.phi, u.theta, u.mu);
  const sigma2 = best.value / n;
  const aicc = n * Math.log(Math.max(sigma2, 1e-300)) + 2 * k + (2 * k * (k + 1)) / (n - k - 1);
  return { p, q, constant, ...u, residuals, sigma2, aicc };
}

/** Hyndman-Khandakar style stepwise search over p, q ≤ 3 and the constant, by AICc. */
function stepwise(w: number[], allowConstant: boolean): ArmaFit | undefined {
  const seen = new Map<string, ArmaFit | undefined>();
  const tryFit = (p: number, q: number, c: boolean): ArmaFit | undefined => {
    const key = `${p},${q},${c}`;
    if (!seen.has(key))
      seen.set(key, p <= 3 && q <= 3 && p >= 0 && q >= 0 ? fitArma(w, p, q, c) : undefined);
    return seen.get(key);
  };
  let best: ArmaFit | undefined;
  const consider = (f: ArmaFit | undefined): boolean => {
    if (f && (!best || f.aicc < best.aicc - 1e-9)) {
      best = f;
      return true;
    }
    return false;
  };
  for (const [p, q] of [
    [2, 2],
    [0, 0],
    [1, 0],
    [0, 1],
  ])
    consider(tryFit(p, q, allowConstant));
  let improved = true;
  while (improved && best) {
    improved = false;
    const { p, q, constant } = best;
    const moves: [number, number, boolean][] = [
      [p + 1, q, constant],
      [p - 1, q, constant],
      [p, q + 1, constant],
      [p, q - 1, constant],
      [p + 1, q + 1, constant],
      [p - 1, q - 1, constant],
    ];
    if (allowConstant) moves.push([p, q, !constant]);
    for (const [pp, qq, cc] of moves) if (consider(tryFit(pp, qq, cc))) improved = true;
  }
  return best;
}

/** ARIMA(p,d,q) with automatic order: KPSS differencing, then stepwise AICc search. */
export function arima(input: FitInput): ModelOutput {
  const { y, horizon } = input;
  const d = chooseDifferences(y);
  let w = y;
  for (let i = 0; i < d; i++) w = diff(w);
  const fit = stepwise(w, d < 2);
  if (!fit) throw new Error(`arima cannot fit ${y.length} points`);

  const wf = [...w];
  const ef = [...fit.residuals];
  for (let h = 0; h < horizon; h++) {
    const t = wf.length;
    let pred = fit.mu;
    for (let i = 0; i < fit.p; i++) pred += fit.phi[i] * (wf[t - 1 - i] - fit.mu);
    for (let j = 0; j < fit.q; j++) pred += fit.theta[j] * (ef[t - 1 - j] ?? 0);
    wf.push(pred);
    ef.push(0);
  }
  let path = wf.slice(w.length);
  const levels: number[][] = [y];
  for (let i = 1; i < d; i++) levels.push(diff(levels[i - 1]));
  for (let i = d - 1; i >= 0; i--) {
    let last = levels[i][levels[i].length - 1];
    path = path.map((v) => (last += v));
  }

  // Psi weights of the integrated process give the h-step variance.
  let ar = [1, ...fit.phi.map((c) => -c)];
  for (let i = 0; i < d; i++)
    ar = ar.map((c, j) => c - (j > 0 ? ar[j - 1] : 0)).concat([-ar[ar.length - 1]]);
  const psi = [1];
  for (let j = 1; j < horizon; j++) {
    let v = j <= fit.q ? fit.theta[j - 1] : 0;
    for (let i = 1; i < ar.length && i <= j; i++) v -= ar[i] * psi[j - i];
    psi.push(v);
  }
  let acc = 0;
  const sigma = psi.map((v) => Math.sqrt(fit.sigma2 * (acc += v * v)));

  const fitted = y.map((v, t) => (t >= d ? v - fit.residuals[t - d] : v));
  const name = `arima(${fit.p},${d},${fit.q})${fit.constant ? '+c' : ''}`;
  return { mean: path, sigma, fitted, warnings: [], variant: name };
}
