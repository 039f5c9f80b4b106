import { logLevel } from 'kafkajs';
import pino from 'pino';
import { pinoLogCreator } from '../src/kafka-log';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const log = pino(
    { level: 'debug' },
    { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  return { log, lines };
}

describe('pinoLogCreator', () => {
  it('logs kafkajs errors at error with their fields and routine info at debug', () => {
    const { log, lines } = capture();
    const write = pinoLogCreator(log)(logLevel.INFO);

    write({
      namespace: 'Consumer',
      level: logLevel.ERROR,
      label: 'ERROR',
      log: { timestamp: 'x', message: 'Crash: boom', groupId: 'g' },
    });
    write({
      namespace: 'Consumer',
      level: logLevel.INFO,
      label: 'INFO',
      log: { timestamp: 'x', message: 'Starting', groupId: 'g' },
    });

    expect(lines).toEqual([
      expect.objectContaining({
        level: 50,
        msg: 'Crash: boom',
        groupId: 'g',
        namespace: 'Consumer',
      }),
      expect.objectContaining({ level: 20, msg: 'Starting', component: 'kafkajs' }),
    ]);
  });
});
