export { buildApp, type AppDeps } from './app';
export {
  forecastSeries,
  MODEL_NAMES,
  type ForecastOptions,
  type ForecastResult,
} from './domain/forecast';
export { toSeries, type Frequency, type SeriesInput } from './domain/series';
