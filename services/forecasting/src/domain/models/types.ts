/** What every local model receives: a clean, finite history. */
export interface FitInput {
  y: number[];
  horizon: number;
  /** Season length in steps (7 for daily, 52 for weekly, 12 for monthly). */
  period: number;
}

/** A model's raw answer: point forecasts and the standard deviation at each step ahead. */
export interface ModelOutput {
  mean: number[];
  sigma: number[];
  /** One-step in-sample fitted values, where the model has them. */
  fitted?: number[];
  warnings: string[];
  /** The concrete variant chosen, e.g. `ets(M,Ad,A)` or `arima(1,1,1)`. */
  variant?: string;
}

export type LocalModel = (input: FitInput) => ModelOutput;
