// The parts of ml-regression this service uses; the package ships no type declarations.
declare module 'ml-regression' {
  export class MultivariateLinearRegression {
    constructor(
      x: number[][],
      y: number[][],
      options?: { intercept?: boolean; statistics?: boolean },
    );
    weights: number[][];
    stdError: number;
    stdErrors: number[];
    predict(x: number[]): number[];
  }
}
