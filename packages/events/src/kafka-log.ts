import { logLevel, type LogEntry, type logCreator } from 'kafkajs';
import type { Logger } from 'pino';

/**
 * Protocol errors of a consumer group finding its coordinator, joining and rebalancing, in
 * kafkajs's words. They come on every start-up and whenever a member joins or leaves; kafkajs
 * answers them itself (a new look-up, a rejoin, a restart) but logs them at warn or error.
 */
export const GROUP_COORDINATION_ERRORS: readonly string[] = [
  "The coordinator is loading and hence can't process requests for this group",
  'The group coordinator is not available',
  'This is not the correct coordinator for this group',
  'Specified group generation id is not valid',
  'The coordinator is not aware of this member',
  'The group is rebalancing, so a rejoin is needed',
];

type Level = 'error' | 'warn' | 'info' | 'debug';

/** True when a kafkajs line is about one of the group errors above and nothing else. */
function isGroupCoordination({ message, error }: LogEntry['log']): boolean {
  const said = typeof error === 'string' ? `${message} ${error}` : message;
  return GROUP_COORDINATION_ERRORS.some((text) => said.includes(text));
}

/** The pino level of a kafkajs line; undefined when it is not logged. */
function pinoLevel(level: logLevel, entry: LogEntry['log']): Level | undefined {
  switch (level) {
    case logLevel.ERROR:
    case logLevel.WARN:
      if (isGroupCoordination(entry)) return 'info';
      // The crash line before it is logged at the level its cause deserves.
      if (entry.message.startsWith('Restarting the consumer')) return 'warn';
      return level === logLevel.ERROR ? 'error' : 'warn';
    case logLevel.INFO:
    case logLevel.DEBUG:
      return 'debug';
    case logLevel.NOTHING:
      return undefined;
  }
}

/**
 * Routes kafkajs logs to pino. kafkajs INFO lines (joins, starts) are routine and go to
 * debug so that a healthy consumer is quiet; rebalances go to info, not error.
 */
export function pinoLogCreator(log: Logger): logCreator {
  const kafkaLog = log.child({ component: 'kafkajs' });
  return () =>
    ({ namespace, level, log: entry }) => {
      const target = pinoLevel(level, entry);
      if (target === undefined) return;
      const { message, timestamp: _timestamp, ...fields } = entry;
      kafkaLog[target]({ ...fields, namespace }, message);
    };
}
