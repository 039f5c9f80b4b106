import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { Pool, type Dispatcher } from 'undici';

/** Answers up to this size arrive in one piece; longer ones, or of unknown length, stream. */
export const BUFFERED_ANSWER_BYTES = 1024 * 1024;

/** Connection failures a call that changes nothing may be retried after, once. */
const RESET = new Set(['ECONNRESET', 'UND_ERR_SOCKET']);
const TIMEOUT = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** One call to a service; the headers are already the ones to send. */
export interface ServiceCall {
  method: Dispatcher.HttpMethod;
  /** Path and query, percent-encoded. */
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer | null;
  /** Whether a reset connection may be retried once (idempotent methods only). */
  retry: boolean;
}

/**
 * What becomes of the answer to a call, for one service: written once, used by every call,
 * with the call's own context (`T`, e.g. its reply) passed back.
 */
export interface AnswerHandler<T> {
  /** The service answered: the body in one piece, or as a stream when it is long. */
  answered(context: T, status: number, headers: IncomingHttpHeaders, body: Buffer | Readable): void;
  /** No answer: the service could not be reached, or did not answer in time. */
  failed(context: T, error: Error, timedOut: boolean): void;
}

export interface ServiceClientOptions {
  connections: number;
  /** How long to wait for the answer's headers, and between its body's chunks. */
  timeoutMs: number;
}

/**
 * Calls one service over a pool of keep-alive connections with undici's dispatcher, the
 * cheapest of its interfaces: one small object per call and no stream unless the answer is
 * long, which keeps the gateway's CPU time per call low.
 */
export class ServiceClient {
  private readonly pool: Pool;
  /** A base URL's path (`http://host/base`), put before every call's path. */
  private readonly prefix: string;

  constructor(baseUrl: string, options: ServiceClientOptions) {
    const url = new URL(baseUrl);
    this.prefix = url.pathname.replace(/\/+$/, '');
    this.pool = new Pool(url.origin, {
      connections: options.connections,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  /** Sends a call; its answer or failure goes to `handler` with `context`. */
  forward<T>(call: ServiceCall, handler: AnswerHandler<T>, context: T): void {
    if (this.prefix !== '') call.path = this.prefix + call.path;
    this.pool.dispatch(call, new Exchange(this.pool, call, handler, context));
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** One call in flight: collects a short answer, or streams a long one as it comes. */
class Exchange<T> implements Dispatcher.DispatchHandler {
  private retried = false;
  private status = 0;
  private headers: IncomingHttpHeaders = {};
  private first: Buffer | undefined;
  private rest: Buffer[] | undefined;
  private size = 0;
  private stream: Readable | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly call: ServiceCall,
    private readonly handler: AnswerHandler<T>,
    private readonly context: T,
  ) {}

  onRequestStart(): void {
    // Nothing to keep: a call is only ever ended by its answer, an error or a timeout.
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    status: number,
    headers: IncomingHttpHeaders,
  ): void {
    // Interim answers (100 Continue, 103 Early Hints) are not passed on.
    if (status < 200) return;
    this.status = status;
    this.headers = headers;
    const length = Number(headers['content-length'] ?? 0);
    if (length > BUFFERED_ANSWER_BYTES) this.startStream(controller);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.stream !== undefined) {
      if (!this.stream.push(chunk)) controller.pause();
      return;
    }
    this.size += chunk.length;
    if (this.first === undefined) this.first = chunk;
    else (this.rest ??= [this.first]).push(chunk);
    // An answer of unknown length turned out long: pass on what came and stream the rest.
    if (this.size > BUFFERED_ANSWER_BYTES) {
      const held = this.rest ?? [this.first];
      this.first = this.rest = undefined;
      this.startStream(controller);
      for (const piece of held) this.onResponseData(controller, piece);
    }
  }

  onResponseEnd(): void {
    if (this.stream !== undefined) {
      this.stream.push(null);
      return;
    }
    const body =
      this.rest !== undefined ? Buffer.concat(this.rest) : (this.first ?? Buffer.alloc(0));
    this.handler.answered(this.context, this.status, this.headers, body);
  }

  /** Answers now with a stream that the rest of the body is pushed into as it comes. */
  private startStream(controller: Dispatcher.DispatchController): void {
    let ended = false;
    const stream = new Readable({
      read: () => controller.resume(),
      destroy: (error, callback) => {
        // The caller went away before the end: stop reading from the service.
        if (!ended) controller.abort(error ?? new Error('the caller closed the connection'));
        callback(error);
      },
    });
    stream.once('end', () => {
      ended = true;
    });
    this.stream = stream;
    this.handler.answered(this.context, this.status, this.headers, stream);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.stream !== undefined) {
      this.stream.destroy(error);
      return;
    }
    const code = (error as { code?: string }).code ?? '';
    if (this.call.retry && !this.retried && this.status === 0 && RESET.has(code)) {
      this.retried = true;
      this.pool.dispatch(this.call, this);
      return;
    }
    this.handler.failed(this.context, error, TIMEOUT.has(code));
  }
}
