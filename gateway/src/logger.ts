import pino, { type DestinationStream, type Logger } from 'pino';
import { loggerOptions } from '@qm/kit';

/** The longest a log line waits in the buffer before it is written. */
const FLUSH_MS = 1000;
/** Lines are handed to the writer in blocks of about this many characters. */
const BLOCK_CHARS = 16 * 1024;

type Writer = ReturnType<typeof pino.destination>;

/**
 * Collects log lines and hands them to the writer in blocks. The writer (sonic-boom) measures
 * the bytes of its whole pending buffer on every write, so lines given to it one by one cost
 * more the more it holds; given blocks, it measures once per block.
 */
class LineBlocks implements DestinationStream {
  private lines: string[] = [];
  private chars = 0;

  constructor(private readonly writer: Writer) {}

  write(line: string): void {
    this.lines.push(line);
    this.chars += line.length;
    if (this.chars >= BLOCK_CHARS) this.flush();
  }

  flush(): void {
    if (this.lines.length === 0) return;
    this.writer.write(this.lines.join(''));
    this.lines = [];
    this.chars = 0;
  }

  /** Writes what is left before the process exits. */
  flushSync(): void {
    this.flush();
    this.writer.flushSync();
  }
}

export interface GatewayLoggers {
  log: Logger;
  /**
   * The access log: one line per request, written through the same blocks as `log`. Its
   * fields are the gateway's own (never a header or a body), so it skips the redaction that
   * `log` applies to every line, which cost a third of each access line's CPU time.
   */
  access: Logger;
}

/**
 * The gateway's loggers. It writes an access-log line for every request, and one write per
 * line cost about a tenth of the gateway's CPU under load; so lines are written in blocks,
 * at least every second, and at exit.
 */
export function createGatewayLoggers(level: string, dest: string | number = 1): GatewayLoggers {
  const writer = pino.destination({ dest, minLength: 0, sync: false });
  const blocks = new LineBlocks(writer);
  const options = loggerOptions('gateway', level);
  const log = pino(options, blocks);
  const access = pino({ ...options, redact: undefined }, blocks);
  setInterval(() => blocks.flush(), FLUSH_MS).unref();
  process.once('exit', () => {
    try {
      blocks.flushSync();
    } catch {
      // A write still under way at exit cannot be waited for; its lines are lost.
    }
  });
  return { log, access };
}
