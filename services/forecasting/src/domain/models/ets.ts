import { mean } from '../stats';
import { logistic, logit, nelderMead } from './optimize';
import type { FitInput, ModelOutput } from './types';

export type ErrorKind = 'A' | 'M';
export type TrendKind = 'N' | 'A' | 'Ad';
export type SeasonKind = 'N' | 'A' | 'M';

export interface EtsSpec {
  error: ErrorKind;
  trend: TrendKind;
  season: SeasonKind;
}

interface Params {
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
}

interface Init {
  level: number;
  slope: number;
  season: number[];
}

interface Run {
  /** The fitting criterion: -2 log-likelihood up to a constant. */
  loss: number;
  sse: number;
  fitted: number[];
  level: number;
  slope: number;
  season: number[];
}

export function etsName(spec: EtsSpec): string {
  return `ets(${spec.error},${spec.trend},${spec.season})`;
}

/** Heuristic starting states: a line through the first points, or classical decomposition. */
function initialStates(y: number[], spec: EtsSpec, m: number): Init {
  if (spec.season === 'N') {
    const k = Math.min(y.length, 10);
    const xs = Array.from({ length: k }, (_, i) => i);
    const mx = mean(xs);
    const my = mean(y.slice(0, k));
    let sxy = 0;
    let sxx = 0;
    for (let i = 0; i < k; i++) {
      sxy += (xs[i] - mx) * (y[i] - my);
      sxx += (xs[i] - mx) ** 2;
    }
    const slope = spec.trend === 'N' || sxx === 0 ? 0 : sxy / sxx;
    const intercept = spec.trend === 'N' ? my : my - slope * mx;
    return { level: intercept - slope, slope, season: [] };
  }
  const first = mean(y.slice(0, m));
  const second = mean(y.slice(m, 2 * m));
  const slope = spec.trend === 'N' ? 0 : (second - first) / m;
  const level = first - slope * ((m + 1) / 2);
  const season = y.slice(0, m).map((v) => (spec.season === 'M' ? v / first : v - first));
  return { level, slope, season };
}

function run(y: number[], spec: EtsSpec, m: number, p: Params, init: Init): Run {
  let l = init.level;
  let b = init.slope;
  const s = [...init.season];
  let sse = 0;
  let logMu = 0;
  const fitted = new Array<number>(y.length);
  for (let t = 0; t < y.length; t++) {
    const lb = spec.trend === 'N' ? l : spec.trend === 'A' ? l + b : l + p.phi * b;
    const so = spec.season === 'N' ? 0 : s[t % m];
    const mu = spec.season === 'N' ? lb : spec.season === 'A' ? lb + so : lb * so;
    fitted[t] = mu;
    const e = y[t] - mu;
    if (spec.error === 'M') {
      if (!(mu > 0))
        return { loss: Infinity, sse: Infinity, fitted, level: l, slope: b, season: s };
      sse += (e / mu) ** 2;
      logMu += Math.log(mu);
    } else {
      sse += e * e;
    }
    const scaled = spec.season === 'M' ? e / so : e;
    l = lb + p.alpha * scaled;
    if (spec.trend !== 'N') b = (spec.trend === 'Ad' ? p.phi * b : b) + p.beta * scaled;
    if (spec.season === 'A') s[t % m] = so + p.gamma * e;
    if (spec.season === 'M') {
      if (!(lb > 0))
        return { loss: Infinity, sse: Infinity, fitted, level: l, slope: b, season: s };
      s[t % m] = so + (p.gamma * e) / lb;
    }
  }
  const n = y.length;
  const loss = n * Math.log(Math.max(sse / n, 1e-300)) + 2 * logMu;
  return { loss, sse, fitted, level: l, slope: b, season: s };
}

function decode(x: number[], spec: EtsSpec): Params {
  let i = 0;
  const alpha = 0.0001 + 0.9998 * logistic(x[i++]);
  const beta = spec.trend === 'N' ? 0 : alpha * logistic(x[i++]);
  const gamma = spec.season === 'N' ? 0 : (1 - alpha) * logistic(x[i++]);
  const phi = spec.trend === 'Ad' ? 0.8 + 0.18 * logistic(x[i++]) : 1;
  return { alpha, beta, gamma, phi };
}

function startPoint(spec: EtsSpec): number[] {
  const x = [logit(0.2)];
  if (spec.trend !== 'N') x.push(logit(0.1));
  if (spec.season !== 'N') x.push(logit(0.05));
  if (spec.trend === 'Ad') x.push(logit(0.5));
  return x;
}

export interface EtsFit {
  spec: EtsSpec;
  params: Params;
  run: Run;
  aicc: number;
  m: number;
}

/** Fits one ETS specification by likelihood; undefined when it cannot apply to the data. */
export function fitEts(
  y: number[],
  spec: EtsSpec,
  period: number,
  maxIter = 120,
): EtsFit | undefined {
  const m = spec.season === 'N' ? 1 : period;
  if (spec.season !== 'N' && (m < 2 || y.length < 2 * m)) return undefined;
  if ((spec.error === 'M' || spec.season === 'M') && y.some((v) => v <= 0)) return undefined;
  const init = initialStates(y, spec, m);
  const x0 = startPoint(spec);
  const best = nelderMead((x) => run(y, spec, m, decode(x, spec), init).loss, x0, { maxIter });
  const params = decode(best.x, spec);
  const result = run(y, spec, m, params, init);
  if (!Number.isFinite(result.loss)) return undefined;
  const k = x0.length + 1 + (spec.trend === 'N' ? 0 : 1) + (m > 1 ? m - 1 : 0) + 1;
  const n = y.length;
  const aicc = result.loss + 2 * k + (n - k - 1 > 0 ? (2 * k * (k + 1)) / (n - k - 1) : Infinity);
  return { spec, params, run: result, aicc, m };
}

/** Point forecasts and approximate standard deviations from a fitted model's final states. */
export function etsForecast(fit: EtsFit, n: number, horizon: number): ModelOutput {
  const { spec, params: p, run: r, m } = fit;
  const meanOut: number[] = [];
  let damp = 0;
  for (let h = 1; h <= horizon; h++) {
    damp += spec.trend === 'Ad' ? p.phi ** h : 1;
    const trend = spec.trend === 'N' ? r.level : r.level + damp * r.slope;
    const so = spec.season === 'N' ? 0 : r.season[(n + h - 1) % m];
    meanOut.push(spec.season === 'N' ? trend : spec.season === 'A' ? trend + so : trend * so);
  }

  const sigma2 = r.sse / n;
  const sigma: number[] = [];
  let acc = 1;
  let phiSum = 0;
  for (let h = 1; h <= horizon; h++) {
    const base = spec.error === 'M' ? Math.abs(meanOut[h - 1]) : 1;
    sigma.push(base * Math.sqrt(sigma2 * acc));
    phiSum += spec.trend === 'Ad' ? p.phi ** h : 1;
    const c = p.alpha + (spec.trend === 'N' ? 0 : p.beta * phiSum) + (h % m === 0 ? p.gamma : 0);
    acc += c * c;
  }
  return { mean: meanOut, sigma, fitted: r.fitted, warnings: [], variant: etsName(spec) };
}

const TRENDS: TrendKind[] = ['N', 'A', 'Ad'];

/** Every specification worth trying; additive error with multiplicative season is unstable. */
export function etsCandidates(seasonal: boolean): EtsSpec[] {
  const out: EtsSpec[] = [];
  for (const error of ['A', 'M'] as ErrorKind[]) {
    for (const trend of TRENDS) {
      for (const season of (seasonal ? ['N', 'A', 'M'] : ['N']) as SeasonKind[]) {
        if (error === 'A' && season === 'M') continue;
        out.push({ error, trend, season });
      }
    }
  }
  return out;
}

/** One named ETS model, or the AICc-best of `specs`, falling back to simpler ones. */
export function ets(input: FitInput, specs: EtsSpec[], maxIter?: number): ModelOutput {
  const { y, horizon, period } = input;
  const warnings: string[] = [];
  let best: EtsFit | undefined;
  for (const spec of specs) {
    const fit = fitEts(y, spec, period, maxIter);
    if (fit && (!best || fit.aicc < best.aicc)) best = fit;
  }
  if (!best) {
    const fallback: EtsSpec = {
      error: 'A',
      trend: y.length >= 4 ? specs[0].trend : 'N',
      season: 'N',
    };
    best =
      fitEts(y, fallback, period, maxIter) ?? fitEts(y, { error: 'A', trend: 'N', season: 'N' }, 1);
    warnings.push(
      `${specs.map(etsName).join('/')} cannot fit ${y.length} points: ` +
        `used ${best ? etsName(best.spec) : 'ses'}`,
    );
  }
  if (!best) throw new Error('ets(A,N,N) failed');
  const out = etsForecast(best, y.length, horizon);
  return { ...out, warnings: [...warnings, ...out.warnings] };
}
