import pino, { type Logger } from 'pino';
import { loggerOptions } from '@qm/kit';

/** The longest a log line waits in the buffer before it is written. */
const FLUSH_MS = 1000;

/**
 * The service's logger. Storefronts call the user lists on every page view and each call
 * logs its request and its response; one synchronous write per line took about a fifth of
 * the CPU of a cached answer, so lines are written in blocks of 4 KiB, at least every
 * second, and at exit.
 */
export function createServiceLogger(level: string, dest: string | number = 1): Logger {
  const stream = pino.destination({ dest, minLength: 4096, sync: false });
  const log = pino(loggerOptions('recommendations', level), stream);
  setInterval(() => log.flush(), FLUSH_MS).unref();
  return log;
}
