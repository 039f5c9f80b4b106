import { isConstant, zFor } from '../stats';
import { arima } from './arima';
import { ets, etsCandidates, type EtsSpec } from './ets';
import { croston } from './intermittent';
import { regression } from './regression';
import { movingAverage, naive, seasonalNaive } from './simple';
import type { FitInput, LocalModel, ModelOutput } from './types';

export type { FitInput, ModelOutput } from './types';

const spec = (error: 'A' | 'M', trend: 'N' | 'A' | 'Ad', season: 'N' | 'A' | 'M'): EtsSpec => ({
  error,
  trend,
  season,
});

/** Every local model by its public name. */
export const LOCAL_MODELS: Record<string, LocalModel> = {
  naive,
  seasonal_naive: seasonalNaive,
  moving_average: (i) => movingAverage(i),
  ses: (i) => ets(i, [spec('A', 'N', 'N')]),
  holt: (i) => ets(i, [spec('A', 'A', 'N')]),
  holt_damped: (i) => ets(i, [spec('A', 'Ad', 'N')]),
  holt_winters: (i) => ets(i, [spec('A', 'A', 'A')]),
  ets: (i) => ets(i, etsCandidates(i.period >= 2)),
  arima,
  linear_regression: (i) => regression(i, 1),
  polynomial_regression: (i) => regression(i, 2),
  croston: (i) => croston(i, 'croston'),
  sba: (i) => croston(i, 'sba'),
  tsb: (i) => croston(i, 'tsb'),
};

export type LocalModelName = keyof typeof LOCAL_MODELS;

/** Shortest history each model can use; shorter series fall back to naive. */
const MIN_POINTS: Record<string, number> = {
  ses: 3,
  holt: 4,
  holt_damped: 5,
  holt_winters: 4,
  ets: 3,
  arima: 6,
  croston: 2,
  sba: 2,
  tsb: 2,
};

function allFinite(out: ModelOutput, horizon: number): boolean {
  return (
    out.mean.length === horizon &&
    out.sigma.length === horizon &&
    out.mean.every(Number.isFinite) &&
    out.sigma.every((s) => Number.isFinite(s) && s >= 0)
  );
}

/**
 * Runs one local model on a series rescaled to unit size (so a series in the tens of millions
 * gives the same answer scaled), falling back to naive when the model cannot fit. Never throws
 * for a non-empty finite history.
 */
export function runLocal(name: string, input: FitInput): ModelOutput {
  const { y, horizon } = input;
  const min = MIN_POINTS[name] ?? 1;
  const tooShort =
    y.length < min ? [`${name} needs ${min} points, got ${y.length}: used naive`] : [];
  if (isConstant(y)) {
    return {
      mean: new Array<number>(horizon).fill(y[0]),
      sigma: new Array<number>(horizon).fill(0),
      fitted: [...y],
      warnings: tooShort,
      variant: tooShort.length > 0 ? 'naive' : name,
    };
  }
  const scale = Math.max(...y.map(Math.abs));
  const scaled: FitInput = { ...input, y: y.map((v) => v / scale) };
  const warnings: string[] = [...tooShort];
  let out: ModelOutput | undefined;
  if (tooShort.length === 0) {
    try {
      out = LOCAL_MODELS[name](scaled);
      if (!allFinite(out, horizon)) {
        warnings.push(`${name} gave non-finite values: used naive`);
        out = undefined;
      }
    } catch (error) {
      warnings.push(`${name} failed (${(error as Error).message}): used naive`);
      out = undefined;
    }
  }
  const used = out ?? { ...naive(scaled), variant: 'naive' };
  return {
    mean: used.mean.map((v) => v * scale),
    sigma: used.sigma.map((v) => v * scale),
    fitted: used.fitted?.map((v) => v * scale),
    warnings: [...warnings, ...used.warnings],
    variant: used.variant ?? name,
  };
}

export interface Bands {
  mean: number[];
  lower: Record<string, number[]>;
  upper: Record<string, number[]>;
}

/** Keeps a few significant digits beyond what any caller needs; stops 1e-15 noise in JSON. */
function tidy(v: number): number {
  return Number(v.toPrecision(12));
}

/** Normal prediction intervals at each level; counts are clipped at zero. */
export function toBands(
  mean: number[],
  sigma: number[],
  levels: number[],
  nonNegative: boolean,
): Bands {
  const clip = (v: number) => tidy(nonNegative ? Math.max(0, v) : v);
  const bands: Bands = { mean: mean.map(clip), lower: {}, upper: {} };
  for (const level of levels) {
    const z = zFor(level);
    bands.lower[String(level)] = mean.map((m, i) => clip(m - z * sigma[i]));
    bands.upper[String(level)] = mean.map((m, i) =>
      clip(Math.max(m, nonNegative ? 0 : m) + z * sigma[i]),
    );
  }
  return bands;
}
