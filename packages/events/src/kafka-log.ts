import { logLevel, type logCreator } from 'kafkajs';
import type { Logger } from 'pino';

/**
 * Routes kafkajs logs to pino. kafkajs INFO lines (joins, starts) are routine and go to
 * debug so that a healthy consumer is quiet.
 */
export function pinoLogCreator(log: Logger): logCreator {
  const kafkaLog = log.child({ component: 'kafkajs' });
  return () =>
    ({ namespace, level, log: entry }) => {
      const { message, timestamp: _timestamp, ...fields } = entry;
      const bound = { ...fields, namespace };
      switch (level) {
        case logLevel.ERROR:
          kafkaLog.error(bound, message);
          break;
        case logLevel.WARN:
          kafkaLog.warn(bound, message);
          break;
        case logLevel.INFO:
        case logLevel.DEBUG:
          kafkaLog.debug(bound, message);
          break;
        case logLevel.NOTHING:
          break;
      }
    };
}
