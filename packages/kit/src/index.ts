export {
  createServiceApp,
  requestIdFor,
  type ServiceApp,
  type ServiceAppDeps,
  type ServiceAppOptions,
} from './app';
export { BaseConfig, ConfigError, loadConfig, splitList } from './config';
export { AppError, CommonErrors, defineErrors, statusText, type ErrorBody } from './errors';
export {
  DEFAULT_RETRY_AFTER_SECONDS,
  fieldFromPath,
  handleError,
  toErrorBody,
} from './error-handler';
export { healthRoutes, type ReadinessCheck } from './health';
export { createMetricsRegistry, metricsRoutes } from './metrics';
export type { Registry } from 'prom-client';
export {
  createLogger,
  lineBlocks,
  LineBlocks,
  loggerOptions,
  memoryLogger,
  type LogLine,
  type Logger,
} from './logger';
export {
  createPool,
  inTransaction,
  migrate,
  postgresCheck,
  type Db,
  type Pool,
  type PoolClient,
} from './db';
export {
  BestEffortCache,
  Cache,
  Redis,
  createRedis,
  dropKeys,
  redisCheck,
  ttlSeconds,
} from './cache';
export { ErrorResponse, errorResponses } from './schemas';
export { clientErrorHandler, listen, type ListenOptions } from './server';
export { fetchJson, forwardHeaders, UpstreamError } from './http';
export { backoffDelay, retry, RetriesExhaustedError, type RetryOptions } from './retry';
export {
  cleanText,
  MAX_JSON_DEPTH,
  parseJsonBodies,
  scanJson,
  type BodyTextPolicy,
  type JsonShape,
} from './json-body';
