import pino, { type Logger } from 'pino';
import { loggerOptions } from '@qm/kit';

/** The longest a log line waits in the buffer before it is written. */
const FLUSH_MS = 1000;

/**
 * The gateway's logger. It writes an access-log line for every request, and one write per
 * line cost about a tenth of the gateway's CPU under load; so lines are written in blocks of
 * 4 KiB, at least every second, and at exit.
 */
export function createGatewayLogger(level: string, dest: string | number = 1): Logger {
  const stream = pino.destination({ dest, minLength: 4096, sync: false });
  const log = pino(loggerOptions('gateway', level), stream);
  setInterval(() => log.flush(), FLUSH_MS).unref();
  return log;
}
