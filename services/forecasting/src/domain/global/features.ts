/**
 * Scale-free features of a daily history at a forecast origin: everything is divided by the
 * recent mean, so a SKU selling ten million a day looks like one selling ten.
 */
export const LAGS = 28;

export const FEATURE_NAMES = [
  ...Array.from({ length: LAGS }, (_, i) => `lag${LAGS - i}`),
  'mean7',
  'mean14',
  'mean56',
  'mean112',
  'std28',
  'zeros28',
  'zeros112',
  'sameWeekday4',
  'sameWeekday8',
  'weekdayShare56',
  'daysSinceSale',
  'age',
  'step',
  'targetWeekday',
  'originWeekday',
  'targetMonthDay',
];

function windowMean(y: number[], end: number, k: number): number {
  const from = end - k;
  if (from < 0) return NaN;
  let s = 0;
  for (let i = from; i < end; i++) s += y[i];
  return s / k;
}

/** The divisor of a history: its recent mean, falling back to longer windows, never zero. */
export function scaleOf(y: number[], end = y.length): number {
  for (const k of [28, 112, end]) {
    const from = Math.max(0, end - k);
    let s = 0;
    for (let i = from; i < end; i++) s += y[i];
    const m = end > from ? s / (end - from) : 0;
    if (m > 0) return m;
  }
  return 1;
}

/** Features shared by every step of one origin (`end` = number of observed days). */
export function originFeatures(y: number[], end: number, scale: number): number[] {
  const f: number[] = [];
  for (let i = end - LAGS; i < end; i++) f.push(i >= 0 ? y[i] / scale : NaN);
  for (const k of [7, 14, 56, 112]) f.push(windowMean(y, end, k) / scale);
  const recent = y.slice(Math.max(0, end - 28), end);
  const m = recent.reduce((a, b) => a + b, 0) / Math.max(1, recent.length);
  f.push(
    Math.sqrt(recent.reduce((a, v) => a + (v - m) ** 2, 0) / Math.max(1, recent.length)) / scale,
  );
  f.push(recent.filter((v) => v === 0).length / Math.max(1, recent.length));
  const longer = y.slice(Math.max(0, end - 112), end);
  f.push(longer.filter((v) => v === 0).length / Math.max(1, longer.length));
  return f;
}

/** Sunday = 0 for a day counted from 1970-01-01 (a Thursday). */
export function weekday(epochDay: number): number {
  return (((epochDay + 4) % 7) + 7) % 7;
}

export function epochDay(date: string): number {
  return Math.round(new Date(`${date}T00:00:00Z`).getTime() / 86_400_000);
}

/** Features that depend on the step: the target day's weekday pattern and calendar. */
export function stepFeatures(
  y: number[],
  end: number,
  scale: number,
  step: number,
  firstDay: number,
): number[] {
  const day = firstDay + step - 1;
  const target = end + step - 1;
  const sameDay = (weeks: number): number => {
    let s = 0;
    let n = 0;
    for (let i = target - 7; n < weeks; i -= 7) {
      if (i >= end) continue;
      if (i < 0) break;
      s += y[i];
      n++;
    }
    return n === 0 ? NaN : s / n / scale;
  };
  let total = 0;
  let onDay = 0;
  for (let i = Math.max(0, end - 56); i < end; i++) {
    total += y[i];
    if ((target - i) % 7 === 0) onDay += y[i];
  }
  let since = 0;
  while (since < end && y[end - 1 - since] === 0) since++;
  return [
    sameDay(4),
    sameDay(8),
    total > 0 ? onDay / total : NaN,
    Math.min(since, 365) / 28,
    Math.min(end, 730) / 365,
    step,
    weekday(day),
    weekday(firstDay - 1),
    new Date(day * 86_400_000).getUTCDate(),
  ];
}
