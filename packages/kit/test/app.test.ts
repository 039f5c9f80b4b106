import { connect, type AddressInfo } from 'node:net';
import { Type } from '@sinclair/typebox';
import {
  CommonErrors,
  createLogger,
  createServiceApp,
  defineErrors,
  memoryLogger,
  errorResponses,
  scanJson,
  type ServiceApp,
} from '../src';

const Errors = defineErrors({ SERIES_TOO_SHORT: [400, 'the series is too short'] });

async function buildApp(): Promise<ServiceApp> {
  const app = await createServiceApp({
    name: 'test',
    logger: createLogger('test', 'silent'),
    bodyLimit: 2048,
    readiness: { redis: async () => undefined },
  });
  app.post(
    '/v1/things/:id',
    {
      schema: {
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        body: Type.Object({
          horizon: Type.Integer({ minimum: 1 }),
          tag: Type.Optional(Type.String()),
        }),
        response: {
          200: Type.Object({
            id: Type.String(),
            horizon: Type.Integer(),
            tag: Type.Optional(Type.String()),
          }),
          ...errorResponses(400),
        },
      },
    },
    async (request) => {
      if (request.body.tag === 'short') throw Errors.SERIES_TOO_SHORT(undefined, { field: 'tag' });
      if (request.body.tag === 'boom') throw new Error('secret internals');
      const { tag } = request.body;
      return { id: request.params.id, horizon: request.body.horizon, ...(tag ? { tag } : {}) };
    },
  );
  app.get(
    '/v1/things',
    {
      schema: {
        querystring: Type.Object({
          limit: Type.Integer({ minimum: 1, maximum: 100 }),
          tag: Type.Optional(Type.String()),
        }),
        response: { 200: Type.Object({ limit: Type.Integer() }) },
      },
    },
    async (request) => ({ limit: request.query.limit }),
  );
  app.post(
    '/v1/notes',
    {
      config: { bodyText: 'clean' },
      schema: {
        body: Type.Object({ tag: Type.String() }, { additionalProperties: false }),
        response: { 200: Type.Object({ tag: Type.String() }) },
      },
    },
    async (request) => ({ tag: request.body.tag }),
  );
  await app.ready();
  return app;
}

describe('service app', () => {
  let app: ServiceApp;
  beforeAll(async () => {
    app = await buildApp();
  });
  afterAll(async () => {
    await app.close();
  });

  const post = (payload: string, url = '/v1/things/a') =>
    app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json' } });

  it('answers a valid request and echoes a given request id', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/things/%C3%A9t%C3%A9',
      payload: { horizon: 7 },
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id: 'été', horizon: 7 });
    expect(res.headers['x-request-id']).toBe('abc-123');
  });

  it('makes a request id when the caller sends none', async () => {
    const res = await post('{"horizon": 1}');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses a NUL, control character or lone surrogate in a body string, by field', async () => {
    for (const tag of ['a\\u0000b', 'a\\u001fb', 'a\\ud800b', 'a\\udc00']) {
      const res = await post(`{"horizon": 2, "tag": "${tag}"}`);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'tag' });
    }
    const nested = await post('{"horizon": 2, "list": [{"name": "ok"}, {"name": "x\\u0007"}]}');
    expect(nested.json()).toMatchObject({ statusCode: 400, field: 'list[1].name' });
  });

  it('refuses a DEL written as it is, which JSON does not make a client escape', async () => {
    const res = await post('{"horizon": 2, "tag": "a\u007fb"}');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'tag' });
  });

  it('keeps tabs, line breaks, escaped letters and paired surrogates', async () => {
    const res = await post('{"horizon": 2, "tag": "a\\tb\\nc \\u00e9 \\ud83d\\ude00"}');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ tag: 'a\tb\nc é 😀' });
  });

  it('cleans free text instead on a route that asks for it', async () => {
    const res = await post('{"tag": "a\\u0000b\\u001fc\\td\\ud800"}', '/v1/notes');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ tag: 'abc\td\ufffd' });
  });

  it('names the field a strict body does not know', async () => {
    const res = await post('{"tag": "x", "colour": "red"}', '/v1/notes');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'colour' });
  });

  it('refuses a body nested deeper than the limit before walking it', async () => {
    const deep = `{"horizon": 2, "x": ${'['.repeat(40)}1${']'.repeat(40)}}`;
    const res = await post(deep);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(res.json().message).toContain('deeper');
    const brackets = await post('{"horizon": 2, "tag": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}');
    expect(brackets.statusCode).toBe(200);
  });

  it('rejects a query number that is not finite, which the schema checks let through', async () => {
    for (const limit of ['Infinity', '1e400', '-Infinity']) {
      const res = await app.inject({ method: 'GET', url: `/v1/things?limit=${limit}` });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'limit' });
    }
    const ok = await app.inject({ method: 'GET', url: '/v1/things?limit=5' });
    expect(ok.json()).toEqual({ limit: 5 });
  });

  it('takes a query integer only in plain decimal digits (no hex, exponent, padding)', async () => {
    for (const limit of ['0x10', '1e1', '%205', '5%20', '0b11', '+5', '5.0', '']) {
      const res = await app.inject({ method: 'GET', url: `/v1/things?limit=${limit}` });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'limit' });
      expect(res.json().message).toContain('querystring.limit');
    }
    expect((await app.inject({ method: 'GET', url: '/v1/things?limit=016' })).json()).toEqual({
      limit: 16,
    });
    const negative = await app.inject({ method: 'GET', url: '/v1/things?limit=-3' });
    expect(negative.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'limit' });
    expect(negative.json().message).toContain('>= 1');
  });

  it('rejects a body string that validation would turn into Infinity', async () => {
    const res = await post('{"horizon": "Infinity"}');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'horizon' });
  });

  it('takes a JSON body at its word: a quoted number or a boolean is the wrong type', async () => {
    for (const horizon of ['"7"', 'true', '[7]']) {
      const res = await post(`{"horizon": ${horizon}}`);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'horizon' });
    }
    const ok = await post('{"horizon": 7}');
    expect(ok.json()).toMatchObject({ horizon: 7 });
  });

  it('rejects a NUL in a query parameter, naming it', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/things?limit=5&tag=a%00' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ field: 'tag' });
  });

  it('rejects a wrong type naming the field', async () => {
    const res = await post('{"horizon": "seven"}');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      statusCode: 400,
      code: 'VALIDATION_FAILED',
      field: 'horizon',
    });
  });

  it('rejects truncated JSON with the error shape and no stack', async () => {
    const res = await post('{"horizon": 1');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'INVALID_JSON', error: 'Bad Request' });
    expect(res.body).not.toMatch(/at .*\.js/);
  });

  it('rejects an empty JSON body', async () => {
    const res = await post('');
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('EMPTY_BODY');
  });

  it('answers 413 for a body over the limit', async () => {
    const res = await post(JSON.stringify({ horizon: 1, tag: 'x'.repeat(2048) }));
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers 400 for an invalid percent-encoding in the path', async () => {
    const res = await post('{"horizon": 1}', '/v1/things/%E0%A4%A');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'BAD_PATH' });
  });

  it('turns a coded error into its status and code', async () => {
    const res = await post('{"horizon": 1, "tag": "short"}');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'SERIES_TOO_SHORT', field: 'tag' });
  });

  it('hides the internals of an unknown error behind a plain 500', async () => {
    const res = await post('{"horizon": 1, "tag": "boom"}');
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ code: 'INTERNAL', message: 'internal server error' });
    expect(res.body).not.toContain('secret');
  });

  it('answers 404 with the error shape for an unknown route', async () => {
    const res = await app.inject({ method: 'GET', url: '/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('ROUTE_NOT_FOUND');
  });

  it('serves health, readiness, metrics and OpenAPI', async () => {
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await app.inject('/readyz')).json()).toMatchObject({ status: 'ready' });
    expect((await app.inject('/metrics')).body).toContain('http_request_duration_seconds');
    const doc = (await app.inject('/openapi.json')).json();
    expect(Object.keys(doc.paths)).toContain('/v1/things/{id}');
  });
});

describe('readiness', () => {
  it('answers 503 naming the dependency that is down', async () => {
    const app = await createServiceApp({
      name: 'test',
      logger: createLogger('test', 'silent'),
      readiness: {
        postgres: async () => undefined,
        redis: async () => {
          throw new Error('connection refused');
        },
      },
    });
    try {
      const res = await app.inject('/readyz');
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ status: 'unavailable', failing: ['redis'] });
    } finally {
      await app.close();
    }
  });
});

describe('Retry-After', () => {
  const Busy = defineErrors({
    WORKERS_BUSY: [503, 'the workers are busy'],
    TOO_MANY: [429, 'too many requests'],
  });
  let app: ServiceApp;

  beforeAll(async () => {
    app = await createServiceApp({ name: 'test', logger: createLogger('test', 'silent') });
    app.get('/estimate', async () => {
      throw Busy.WORKERS_BUSY(undefined, { retryAfter: 2.2 });
    });
    app.get('/unknown', async () => {
      throw Busy.WORKERS_BUSY();
    });
    app.get('/limited', async () => {
      throw Busy.TOO_MANY(undefined, { retryAfter: 30 });
    });
    app.get('/moment', async () => {
      throw Busy.WORKERS_BUSY(undefined, { retryAfter: 0.01 });
    });
  });

  afterAll(async () => {
    await app.close();
  });

  it("sends the error's own estimate, rounded up to whole seconds", async () => {
    expect((await app.inject('/estimate')).headers['retry-after']).toBe('3');
    expect((await app.inject('/moment')).headers['retry-after']).toBe('1');
  });

  it('falls back to a default for a 503 that has no estimate', async () => {
    const res = await app.inject('/unknown');
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
  });

  it('sends the wait on other statuses when the error states one', async () => {
    const res = await app.inject('/limited');
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBe('30');
  });
});

describe('log level of a failed request', () => {
  const Failures = defineErrors({
    WORKERS_BUSY: [503, 'the workers are busy'],
    BROKEN: [500, 'something broke'],
    SERIES_TOO_SHORT: [400, 'the series is too short'],
  });
  const { log: logger, lines } = memoryLogger();
  let app: ServiceApp;

  beforeAll(async () => {
    app = await createServiceApp({ name: 'test', logger });
    const routes: Record<string, () => Error> = {
      '/shed': () => Failures.WORKERS_BUSY(undefined, { retryAfter: 2 }),
      '/unavailable': () => CommonErrors.DEPENDENCY_UNAVAILABLE(),
      '/broken-soon-back': () => Failures.BROKEN(undefined, { retryAfter: 2 }),
      '/unexpected': () => new Error('secret internals'),
      '/rejected': () => Failures.SERIES_TOO_SHORT(),
    };
    for (const [url, failure] of Object.entries(routes)) {
      app.get(url, async () => {
        throw failure();
      });
    }
  });

  afterAll(async () => {
    await app.close();
  });

  async function levelOf(url: string): Promise<number | undefined> {
    lines.length = 0;
    await app.inject(url);
    const outcomes = ['request refused', 'request failed', 'request rejected'];
    return lines.find((l) => outcomes.includes(l.msg))?.level;
  }

  it('is warn for a 503 that says when to retry: a refusal the service chose', async () => {
    expect(await levelOf('/shed')).toBe(40);
    expect(lines.find((l) => l.level === 40)?.code).toBe('WORKERS_BUSY');
  });

  it('is error for a 503 without its own wait, another 5xx and an unexpected error', async () => {
    expect(await levelOf('/unavailable')).toBe(50);
    expect(await levelOf('/broken-soon-back')).toBe(50);
    expect(await levelOf('/unexpected')).toBe(50);
  });

  it('is info for a 4xx', async () => {
    expect(await levelOf('/rejected')).toBe(30);
  });
});

describe('scanJson', () => {
  it('counts nesting outside strings and tells a \\u escape from an escaped backslash', () => {
    expect(scanJson('{"a": [1, {"b": "[[["}]}')).toEqual({ depth: 3, mayHoldControl: false });
    expect(scanJson('{"a": "x\\u0000"}').mayHoldControl).toBe(true);
    expect(scanJson('{"a": "x\\\\u0000"}').mayHoldControl).toBe(false);
    expect(scanJson('{"a": "x\u007f"}').mayHoldControl).toBe(true);
    expect(scanJson('[[[[[[', 3).depth).toBe(4);
  });
});

describe('requests the HTTP parser refuses', () => {
  /** Sends raw bytes to a listening app and returns all it answers before closing. */
  async function raw(request: string): Promise<string> {
    const app = await createServiceApp({ name: 'test', logger: createLogger('test', 'silent') });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    try {
      return await new Promise<string>((resolve, reject) => {
        const chunks: Buffer[] = [];
        const socket = connect(port, '127.0.0.1', () => socket.write(request));
        socket.on('data', (chunk: Buffer) => chunks.push(chunk));
        socket.on('error', reject);
        socket.on('close', () => resolve(Buffer.concat(chunks).toString()));
      });
    } finally {
      await app.close();
    }
  }

  const bodyOf = (answer: string) => JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));

  it('answers headers beyond the limit with 431 in the shared error shape', async () => {
    const answer = await raw(`GET /${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    expect(bodyOf(answer)).toMatchObject({ statusCode: 431, code: 'HEADERS_TOO_LARGE' });
  });

  it('answers a request that is not HTTP with 400 in the shared error shape', async () => {
    const answer = await raw('HELLO THERE\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(bodyOf(answer)).toMatchObject({ statusCode: 400, code: 'MALFORMED_REQUEST' });
  });
});
