import { defineErrors } from '@qm/kit';

export const ForecastErrors = defineErrors({
  EMPTY_HISTORY: [400, 'the series has no history'],
  DUPLICATE_SERIES: [400, 'two series have the same id'],
  START_REQUIRED: [400, 'a start date is required with values'],
  VALUES_AND_POINTS: [400, 'a series has values from a start or dated points, not both'],
  INVALID_DATE: [400, 'the date is not valid'],
  SERIES_TOO_LONG: [400, 'the series spans too many periods'],
  UNKNOWN_MODEL: [400, 'no such model'],
  HORIZON_OUT_OF_RANGE: [400, 'the horizon is out of range'],
  SKU_NOT_FOUND: [404, 'no sales known for this SKU'],
  FORECAST_OVERLOADED: [503, 'the forecast workers are busy: retry later'],
});
