/**
 * Which failures are worth another try. Handlers mark their own errors with `retriable`;
 * connection failures of pg and ioredis carry no such flag, so they are recognised here.
 */

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/** SQLSTATEs that say "try again": lost connection, server restarting, contention. */
const PG_TRANSIENT_STATES = new Set(['57P01', '57P02', '57P03', '53300', '40001', '40P01']);

const TRANSIENT_MESSAGES = [
  'Connection terminated unexpectedly',
  'Connection terminated due to connection timeout',
  'timeout exceeded when trying to connect',
  'Connection is closed.',
];

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  retriable?: unknown;
}

/** True when an error is transient: flagged `retriable`, or a pg/ioredis connection error. */
export function isTransientError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as ErrorLike;
  if (e.retriable === true) return true;
  if (e.retriable === false) return false;

  if (typeof e.code === 'string') {
    if (NETWORK_CODES.has(e.code) || PG_TRANSIENT_STATES.has(e.code)) return true;
    // Class 08: connection exceptions.
    if (/^08[0-9A-Z]{3}$/.test(e.code)) return true;
  }
  if (e.name === 'MaxRetriesPerRequestError') return true;
  return typeof e.message === 'string' && TRANSIENT_MESSAGES.some((m) => e.message === m);
}

/**
 * Stops a consumer for good. `retriable: false` tells kafkajs not to retry the batch nor
 * restart the consumer, so nothing after the last stored batch is committed.
 */
export class ConsumerFailedError extends Error {
  readonly retriable = false;
  readonly groupId: string;
  readonly topic: string;

  constructor(groupId: string, topic: string, cause: unknown) {
    super(`consumer ${groupId} of ${topic} stopped: ${messageOf(cause)}`, { cause });
    this.name = 'ConsumerFailedError';
    this.groupId = groupId;
    this.topic = topic;
  }
}

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
