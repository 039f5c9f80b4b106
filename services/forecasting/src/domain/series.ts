import { ForecastErrors } from '../errors';

export type Frequency = 'D' | 'W' | 'M';

export const PERIOD: Record<Frequency, number> = { D: 7, W: 52, M: 12 };

export interface SeriesInput {
  id: string;
  start?: string;
  values?: (number | null)[];
  points?: { date: string; value: number | null }[];
}

/** A regular, gap-free history ready for the models. */
export interface Series {
  id: string;
  /** Date of the first value. */
  start: string;
  y: number[];
  warnings: string[];
}

/** Most periods a series may have, sent as values or spanned by its dated points. */
export const MAX_SERIES_LENGTH = 20_000;
/** Dates a series and its forecast may carry: any business history, and far beyond it. */
export const FIRST_DATE = '1900-01-01';
export const LAST_DATE = '2200-12-31';

const DAY = 86_400_000;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function parseDate(value: string, field: string): Date {
  const d = new Date(`${value}T00:00:00Z`);
  if (
    !ISO_DATE.test(value) ||
    Number.isNaN(d.getTime()) ||
    d.toISOString().slice(0, 10) !== value
  ) {
    throw ForecastErrors.INVALID_DATE(
      `${field} must be a date YYYY-MM-DD, got ${JSON.stringify(value)}`,
      {
        field,
      },
    );
  }
  if (value < FIRST_DATE || value > LAST_DATE) {
    throw ForecastErrors.INVALID_DATE(
      `${field} must be from ${FIRST_DATE} to ${LAST_DATE}, got ${value}`,
      { field },
    );
  }
  return d;
}

export function formatDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/**
 * The date `steps` periods after `start`; monthly steps keep the day of month, clipped to the
 * month's end.
 */
export function addSteps(start: string, steps: number, frequency: Frequency): string {
  const d = new Date(`${start}T00:00:00Z`);
  if (frequency === 'D') return formatDate(new Date(d.getTime() + steps * DAY));
  if (frequency === 'W') return formatDate(new Date(d.getTime() + steps * 7 * DAY));
  const month = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + steps, 1));
  const last = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 1, 0)).getUTCDate();
  month.setUTCDate(Math.min(d.getUTCDate(), last));
  return formatDate(month);
}

function stepIndex(from: Date, to: Date, frequency: Frequency): number {
  const days = Math.round((to.getTime() - from.getTime()) / DAY);
  if (frequency === 'D') return days;
  if (frequency === 'W') return Math.floor(days / 7);
  return (to.getUTCFullYear() - from.getUTCFullYear()) * 12 + to.getUTCMonth() - from.getUTCMonth();
}

/** Fills missing values by straight lines between known neighbours, flat at the ends. */
function interpolate(values: (number | null)[]): number[] {
  const known = values.flatMap((v, i) => (v === null ? [] : [i]));
  return values.map((v, i) => {
    if (v !== null) return v;
    const after = known.find((k) => k > i);
    const before = [...known].reverse().find((k) => k < i);
    if (before === undefined) return values[after as number] as number;
    if (after === undefined) return values[before] as number;
    const w = (i - before) / (after - before);
    return (values[before] as number) * (1 - w) + (values[after] as number) * w;
  });
}

/**
 * Turns `values` (from `start`) or dated `points` into a regular series. Missing dates count
 * as 0 and duplicate dates are summed; a null is a missing observation, filled by
 * interpolation and reported in `warnings`. The series and the `horizon` periods after it
 * must end by `LAST_DATE`.
 */
export function toSeries(
  input: SeriesInput,
  frequency: Frequency,
  field: string,
  horizon = 0,
): Series {
  let raw: (number | null)[];
  let start: string;
  // Which history to use would be a guess: the points dated their own start.
  if (input.points !== undefined && (input.values !== undefined || input.start !== undefined)) {
    const other = input.values !== undefined ? 'values' : 'start';
    throw ForecastErrors.VALUES_AND_POINTS(`${field} has points and ${other}`, {
      field: `${field}.${other}`,
    });
  }
  if (input.points !== undefined) {
    if (input.points.length === 0)
      throw ForecastErrors.EMPTY_HISTORY(undefined, { field: `${field}.points` });
    const dated = input.points.map((p, j) => ({
      d: parseDate(p.date, `${field}.points[${j}].date`),
      v: p.value,
    }));
    const first = dated.reduce((a, b) => (b.d < a.d ? b : a)).d;
    const length = dated.reduce((n, p) => Math.max(n, stepIndex(first, p.d, frequency) + 1), 0);
    // Missing dates become zeros: the span, not the number of points, sizes the series.
    if (length > MAX_SERIES_LENGTH) {
      throw ForecastErrors.SERIES_TOO_LONG(
        `${field}.points span ${length} periods, more than ${MAX_SERIES_LENGTH}`,
        { field: `${field}.points` },
      );
    }
    const sums = new Array<number | null>(length).fill(0);
    const seen = new Array<boolean>(length).fill(false);
    for (const p of dated) {
      const i = stepIndex(first, p.d, frequency);
      if (p.v === null) {
        if (!seen[i]) sums[i] = null;
        continue;
      }
      sums[i] = (seen[i] ? (sums[i] ?? 0) : 0) + p.v;
      seen[i] = true;
    }
    raw = sums;
    start = formatDate(first);
  } else if (input.values !== undefined) {
    if (input.start === undefined) {
      throw ForecastErrors.START_REQUIRED(`${field}.start is required with values`, {
        field: `${field}.start`,
      });
    }
    parseDate(input.start, `${field}.start`);
    raw = input.values;
    start = input.start;
  } else {
    throw ForecastErrors.EMPTY_HISTORY(`${field} needs values or points`, {
      field: `${field}.values`,
    });
  }

  const missing = raw.filter((v) => v === null).length;
  if (missing === raw.length) {
    throw ForecastErrors.EMPTY_HISTORY(`${field} has no known value`, { field: `${field}.values` });
  }
  const last = addSteps(start, raw.length + horizon - 1, frequency);
  if (last > LAST_DATE) {
    throw ForecastErrors.INVALID_DATE(
      `${field} and its forecast run to ${last}, after ${LAST_DATE}`,
      { field: input.points !== undefined ? `${field}.points` : `${field}.start` },
    );
  }
  const warnings = missing > 0 ? [`${missing} missing value(s) filled by interpolation`] : [];
  return { id: input.id, start, y: interpolate(raw), warnings };
}
