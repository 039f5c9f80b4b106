// ml-regression ships no type declarations; this covers the one class the service uses.
declare module 'ml-regression' {
  export class MultivariateLinearRegression {
    constructor(x: number[][], y: number[][], options?: { intercept?: boolean });
    predict(x: number[]): number[];
  }
}
