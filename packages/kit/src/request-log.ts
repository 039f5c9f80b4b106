import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import pino, { type Logger } from 'pino';

const { chindingsSym, streamSym } = pino.symbols;

/** A pino logger's own parts a line is built from: its bindings as text, and its stream. */
type LineParts = Record<symbol, unknown>;

/** `,"name":value`, or nothing for a value pino would leave out. */
function field(name: string, value: unknown): string {
  return value === undefined ? '' : `,"${name}":${JSON.stringify(value)}`;
}

/** Hands a line of pino's shape to the logger's stream: level 30, time, bindings, then `rest`. */
function writeInfo(log: Logger, rest: string): void {
  const parts = log as unknown as LineParts;
  const bindings = parts[chindingsSym] as string;
  const stream = parts[streamSym] as { write(line: string): unknown };
  stream.write(`{"level":30,"time":"${new Date().toISOString()}"${bindings},${rest}}\n`);
}

/**
 * Fastify's two lines per request, "incoming request" and "request completed", built
 * directly in the shape pino gives them (level, time, the request logger's bindings with
 * its `reqId`, `req` or `res`, msg). Their fields are the request line, host, peer and
 * status, never a header or a body, so nothing needs redacting; pino's generic path (the
 * serializers, then a clone of every object for the redaction) took about a seventh of a
 * cached call's CPU and a quarter of what it allocated. Only for loggers of `createLogger`,
 * whose options it assumes; a request that errored is logged the generic way.
 */
export class RequestLines extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    const log = request.log as Logger;
    if (this.isLogDisabled(request) || !log.isLevelEnabled('info')) return;
    const req =
      `{"method":${JSON.stringify(request.method)},"url":${JSON.stringify(request.url)}` +
      field('version', request.headers['accept-version']) +
      field('host', request.host) +
      field('remoteAddress', request.ip) +
      field('remotePort', request.socket?.remotePort) +
      '}';
    writeInfo(log, `"req":${req},"msg":"incoming request"`);
  }

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const log = reply.log as Logger;
    if (error || this.isLogDisabled(request) || !log.isLevelEnabled('info')) {
      super.requestCompleted(error, request, reply);
      return;
    }
    const res = `{"statusCode":${reply.statusCode}}`;
    writeInfo(
      log,
      `"res":${res}${field('responseTime', reply.elapsedTime)},"msg":"request completed"`,
    );
  }
}
