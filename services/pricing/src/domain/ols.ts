import { MultivariateLinearRegression } from 'ml-regression';

/** An ordinary least-squares fit with an intercept: coefficients and their standard errors. */
export interface OlsFit {
  /** Intercept first, then one coefficient per column of x. */
  coefficients: number[];
  standardErrors: number[];
  residualVariance: number;
}

/**
 * Least squares of y on x (rows of regressors) plus an intercept, with `ml-regression`'s
 * multivariate linear regression and its standard errors. Null when the design is singular
 * or leaves no degrees of freedom.
 */
export function fitOls(x: number[][], y: number[]): OlsFit | null {
  const n = y.length;
  const k = (x[0]?.length ?? 0) + 1;
  if (n <= k) return null;
  let model: MultivariateLinearRegression;
  try {
    model = new MultivariateLinearRegression(
      x,
      y.map((v) => [v]),
      { intercept: true, statistics: true },
    );
  } catch {
    return null;
  }
  // The library lists the inputs' weights first and the intercept last.
  const weights = model.weights.map((row) => row[0]);
  const coefficients = [weights[k - 1], ...weights.slice(0, k - 1)];
  const errors = model.stdErrors;
  const standardErrors = [errors[k - 1], ...errors.slice(0, k - 1)];
  const residualVariance = model.stdError ** 2;
  const finite = [...coefficients, ...standardErrors, residualVariance].every(Number.isFinite);
  return finite ? { coefficients, standardErrors, residualVariance } : null;
}
