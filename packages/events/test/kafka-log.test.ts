import { logLevel, type LogEntry } from 'kafkajs';
import pino from 'pino';
import { GROUP_COORDINATION_ERRORS, pinoLogCreator } from '../src/kafka-log';

const ERROR = 50;
const WARN = 40;
const INFO = 30;
const DEBUG = 20;

function capture() {
  const lines: Record<string, unknown>[] = [];
  const log = pino(
    { level: 'debug' },
    { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  return { write: pinoLogCreator(log)(logLevel.INFO), lines };
}

function entry(
  namespace: string,
  level: logLevel,
  message: string,
  fields: Record<string, unknown> = {},
): LogEntry {
  return { namespace, level, label: '', log: { timestamp: 'x', message, ...fields } };
}

const rebalancing = 'The group is rebalancing, so a rejoin is needed';
const loading = "The coordinator is loading and hence can't process requests for this group";

describe('pinoLogCreator', () => {
  it('logs kafkajs errors at error with their fields and routine info at debug', () => {
    const { write, lines } = capture();

    write(entry('Consumer', logLevel.ERROR, 'Crash: boom', { groupId: 'g' }));
    write(entry('Consumer', logLevel.INFO, 'Starting', { groupId: 'g' }));

    expect(lines).toEqual([
      expect.objectContaining({
        level: ERROR,
        msg: 'Crash: boom',
        groupId: 'g',
        namespace: 'Consumer',
      }),
      expect.objectContaining({ level: DEBUG, msg: 'Starting', component: 'kafkajs' }),
    ]);
  });

  it('logs the rebalances and coordinator look-ups of a group starting up at info', () => {
    const { write, lines } = capture();

    write(
      entry('Connection', logLevel.ERROR, 'Response Heartbeat(key: 12, version: 3)', {
        error: rebalancing,
      }),
    );
    write(
      entry('Runner', logLevel.WARN, 'The group is rebalancing, re-joining', {
        error: rebalancing,
      }),
    );
    write(
      entry('Connection', logLevel.ERROR, 'Response GroupCoordinator(key: 10, version: 2)', {
        error: 'The group coordinator is not available',
      }),
    );
    write(
      entry(
        'Runner',
        logLevel.ERROR,
        'The coordinator is not aware of this member, re-joining the group',
        {
          error: 'The coordinator is not aware of this member',
        },
      ),
    );
    write(entry('Consumer', logLevel.ERROR, `Crash: KafkaJSProtocolError: ${loading}`));

    expect(lines.map((line) => line.level)).toEqual([INFO, INFO, INFO, INFO, INFO]);
    expect(lines[0]).toEqual(
      expect.objectContaining({ error: rebalancing, namespace: 'Connection' }),
    );
  });

  it('logs a consumer restart at warn, as the crash before it says whether it was serious', () => {
    const { write, lines } = capture();

    write(
      entry('Consumer', logLevel.ERROR, 'Restarting the consumer in 300ms', { retryTime: 300 }),
    );

    expect(lines).toEqual([expect.objectContaining({ level: WARN, retryTime: 300 })]);
  });

  it('keeps other failed responses and connection failures at error', () => {
    const { write, lines } = capture();

    write(
      entry('Connection', logLevel.ERROR, 'Response Produce(key: 0, version: 7)', {
        error: 'The request attempted to perform an operation on an invalid topic',
      }),
    );
    write(entry('BrokerPool', logLevel.ERROR, 'Failed to connect to broker, reconnecting'));
    write(entry('Consumer', logLevel.ERROR, 'Crash: KafkaJSNonRetriableError: boom'));

    expect(lines.map((line) => line.level)).toEqual([ERROR, ERROR, ERROR]);
  });

  it('names the group errors with the texts kafkajs gives them', () => {
    const { errorCodes } = jest.requireActual<{ errorCodes: { message: string }[] }>(
      'kafkajs/src/protocol/error',
    );
    const known = new Set(errorCodes.map((code) => code.message));

    expect(GROUP_COORDINATION_ERRORS.filter((text) => !known.has(text))).toEqual([]);
  });
});
