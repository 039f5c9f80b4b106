export { replay, type ReplayOptions, type ReplaySummary, type SetSummary } from './replay';
export { SET_NAMES, SETS, missingFiles, resolveSets, type SetName } from './sources';
export { saleLineFromRetail, clickEventFromRecord, retailKind, RetailCatalog } from './events';
export { formatSummary } from './progress';
export {
  MissingDataError,
  prepareData,
  SetDownloadError,
  type PreparedData,
  type PrepareDataOptions,
} from './fetch-sets';
export { defaultDataCacheDir } from './config';
