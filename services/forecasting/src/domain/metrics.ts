/** In-sample mean absolute (or squared) error of the seasonal naive forecast, lag 1 if short. */
function scaleOf(history: number[], period: number, power: 1 | 2): number {
  const lag = history.length > period ? period : 1;
  let s = 0;
  let n = 0;
  for (let t = lag; t < history.length; t++) {
    s += Math.abs(history[t] - history[t - lag]) ** power;
    n++;
  }
  return n === 0 ? 0 : s / n;
}

/** Mean absolute scaled error; undefined when the history gives no scale. */
export function mase(actual: number[], forecast: number[], history: number[], period: number) {
  const scale = scaleOf(history, period, 1);
  if (!(scale > 0)) return undefined;
  let s = 0;
  for (let i = 0; i < actual.length; i++) s += Math.abs(actual[i] - forecast[i]);
  return s / actual.length / scale;
}

/** Root mean squared scaled error; undefined when the history gives no scale. */
export function rmsse(actual: number[], forecast: number[], history: number[], period: number) {
  const scale = scaleOf(history, period, 2);
  if (!(scale > 0)) return undefined;
  let s = 0;
  for (let i = 0; i < actual.length; i++) s += (actual[i] - forecast[i]) ** 2;
  return Math.sqrt(s / actual.length / scale);
}

/** Total absolute error over total actual demand; accumulate across series for a pooled figure. */
export function absoluteErrors(
  actual: number[],
  forecast: number[],
): { error: number; total: number } {
  let error = 0;
  let total = 0;
  for (let i = 0; i < actual.length; i++) {
    error += Math.abs(actual[i] - forecast[i]);
    total += Math.abs(actual[i]);
  }
  return { error, total };
}
