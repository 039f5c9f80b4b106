import closeWithGrace from 'close-with-grace';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { statusText } from './errors';

export interface ListenOptions {
  host: string;
  port: number;
  /** How long in-flight work may take to finish on shutdown. */
  graceMs?: number;
}

/**
 * Listens, and on SIGINT/SIGTERM closes the app gracefully: Fastify stops accepting,
 * finishes requests in flight, then runs every `onClose` hook (consumers, pools).
 */
export async function listen(app: FastifyInstance, options: ListenOptions): Promise<string> {
  closeWithGrace({ delay: options.graceMs ?? 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'closing after an uncaught error');
    else app.log.info({ signal }, 'closing');
    await app.close();
  });
  return app.listen({ host: options.host, port: options.port });
}

/** What a request Node's HTTP parser refused is answered with, by the parser's error code. */
function refusal(code: string | undefined): [number, string, string] {
  if (code === 'HPE_HEADER_OVERFLOW') {
    return [431, 'HEADERS_TOO_LARGE', 'the request line and headers are too large'];
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return [408, 'REQUEST_TIMEOUT', 'the request did not arrive in time'];
  }
  return [400, 'MALFORMED_REQUEST', 'the request is not valid HTTP/1.1'];
}

/**
 * Fastify's `clientErrorHandler`: a request too malformed to reach any route (a URL or
 * headers beyond the parser's limit, broken HTTP) still gets the shared JSON error shape,
 * then the connection is closed, as the parser cannot read on from there.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [statusCode, code, message] = refusal(error.code);
  const reason = statusText(statusCode);
  const body = JSON.stringify({ statusCode, code, error: reason, message });
  socket.end(
    `HTTP/1.1 ${statusCode} ${reason}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      `Connection: close\r\n\r\n${body}`,
  );
}
