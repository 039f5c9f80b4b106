export { dataFile, openData, readCsv, repoRoot, resolveDataDir } from './files';
export {
  loadOnlineRetail,
  normaliseCustomerId,
  ONLINE_RETAIL_FILE,
  parseRetailRecord,
  readOnlineRetail,
  type RetailLine,
} from './online-retail';
