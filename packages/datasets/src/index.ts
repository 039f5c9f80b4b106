export {
  dataFile,
  openData,
  parseCsvChunks,
  readCsv,
  readCsvChunks,
  repoRoot,
  resolveDataDir,
  type CsvOptions,
} from './files';
export {
  loadOnlineRetail,
  normaliseCustomerId,
  ONLINE_RETAIL_FILE,
  parseRetailRecord,
  readOnlineRetail,
  readOnlineRetailChunks,
  type RetailLine,
} from './online-retail';
export * from './clickstream';
export * from './taobao';
export * from './rees46';
export * from './yoochoose';
export * from './diginetica';
export * from './bitext';
export * from './fraud-ecommerce';
