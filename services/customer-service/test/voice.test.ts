import { memoryLogger, type ServiceApp } from '@qm/kit';
import { limitTranscriber } from '../src/adapters/limited-transcriber';
import type { Transcriber } from '../src/adapters/transcriber';
import { buildApp } from '../src/app';
import { encodeWav } from '../src/domain/wav';
import {
  keywordClassifier,
  memoryConversations,
  memoryOrders,
  recordingHandoffs,
  silentLog,
  TEST_SETTINGS,
} from './fakes';
import { wavFile } from './wav-files';

const order = {
  orderId: '536367',
  customerId: '13047',
  country: 'United Kingdom',
  orderedAt: '2010-12-01T08:34:00.000Z',
  status: 'placed',
  total: 278.73,
  currency: 'GBP',
  lines: [],
};

/** One second of quiet 16 kHz mono audio. */
const wav = encodeWav({ sampleRate: 16_000, samples: new Float32Array(16_000) });

describe('POST /v1/support/voice', () => {
  let app: ServiceApp;
  let transcriber: Transcriber;

  beforeEach(async () => {
    transcriber = {
      transcribe: async () => ({ text: 'where is my order 536367', confidence: 0.9 }),
    };
    app = await buildApp({
      log: silentLog,
      classifier: keywordClassifier([[/where/i, 'track_order']]),
      orders: memoryOrders([order]),
      conversations: memoryConversations(),
      handoffs: recordingHandoffs(),
      transcriber: { transcribe: async (audio) => transcriber.transcribe(audio) },
      ...TEST_SETTINGS,
    });
  });

  afterEach(async () => {
    await app.close();
  });

  const postWav = (body: Buffer, query = '') =>
    app.inject({
      method: 'POST',
      url: `/v1/support/voice${query}`,
      headers: { 'content-type': 'audio/wav' },
      payload: body,
    });

  it('answers a recording like a written message, with its transcript', async () => {
    const res = await postWav(wav, '?customerId=13047');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      intent: 'track_order',
      transcript: 'where is my order 536367',
    });
    expect(res.json().reply).toContain('278.73');
  });

  it.each([
    ['no words at all', '', 0],
    ['function words only, however sure the recogniser was', 'where are you', 0.93],
    ['words the recogniser was unsure of', 'where is my order 536367', 0.12],
  ])(
    'answers fallback, asking to say it again or type, for %s',
    async (_case, text, confidence) => {
      transcriber = { transcribe: async () => ({ text, confidence }) };
      const res = await postWav(wav, '?customerId=13047');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ intent: 'fallback', transcript: text, escalate: false });
      expect(res.json().reply).toMatch(/say it again, or type/);
      expect(res.json().entities).toEqual([]);
    },
  );

  it('rejects an empty customerId in the query with a 400 naming the field', async () => {
    const res = await postWav(wav, '?customerId=');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'customerId' });
    expect(res.body).not.toContain('278.73');
  });

  it('accepts 16-bit PCM in a WAVE_FORMAT_EXTENSIBLE header', async () => {
    const res = await postWav(wavFile({ extensible: 'pcm', channels: 2 }));
    expect(res.statusCode).toBe(200);
  });

  it('refuses an 8-bit recording with a message that says why', async () => {
    const res = await postWav(wavFile({ bits: 8 }));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'AUDIO_INVALID' });
    expect(res.json().message).toMatch(/8-bit/);
  });

  it('refuses a recording longer than the limit, from the seconds in its header', async () => {
    const res = await postWav(wavFile({ sampleRate: 8000, frames: 8000 * 61 }));
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({
      code: 'AUDIO_TOO_LONG',
      details: { seconds: 61, maxSeconds: 60 },
    });
  });
});

describe('POST /v1/support/voice with the recogniser busy', () => {
  let app: ServiceApp;
  let finish: (() => void)[];
  let started: number;
  const { log, lines } = memoryLogger('warn');

  beforeEach(async () => {
    finish = [];
    started = 0;
    lines.length = 0;
    const slow: Transcriber = {
      transcribe: () =>
        new Promise((resolve) => {
          started++;
          finish.push(() => resolve({ text: 'how do I get a refund', confidence: 0.9 }));
        }),
    };
    app = await buildApp({
      log,
      classifier: keywordClassifier([[/refund/i, 'get_refund']]),
      orders: memoryOrders([]),
      conversations: memoryConversations(),
      handoffs: recordingHandoffs(),
      transcriber: limitTranscriber(slow, { concurrency: 2, queue: 1, waitMs: 300 }),
      ...TEST_SETTINGS,
    });
  });

  afterEach(async () => {
    finish.forEach((f) => f());
    await app.close();
  });

  // `then` sends the request now rather than when it is awaited.
  const postWav = () =>
    app
      .inject({
        method: 'POST',
        url: '/v1/support/voice',
        headers: { 'content-type': 'audio/wav' },
        payload: wav,
      })
      .then((res) => res);

  /** Waits until `count` recognitions have started, and a moment more for the queue. */
  const startedAtLeast = async (count: number) => {
    while (started < count) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 50));
  };

  it('runs two recognitions at once, queues one, and refuses the next with a 503', async () => {
    const running = [postWav(), postWav(), postWav()];
    await startedAtLeast(2);
    const refused = await postWav();
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBeDefined();
    expect(refused.json()).toMatchObject({ code: 'RECOGNISER_BUSY', statusCode: 503 });
    expect(started).toBe(2);
    // A refusal the service chose is no error for an operator.
    expect(lines.map((l) => [l.level, l.code])).toEqual([[40, 'RECOGNISER_BUSY']]);

    finish.shift()?.();
    await startedAtLeast(3);
    finish.forEach((f) => f());
    const answers = await Promise.all(running);
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200]);
  });

  it('refuses a recording that waited for a recogniser longer than the wait limit', async () => {
    const running = [postWav(), postWav()];
    await startedAtLeast(2);
    const waited = await postWav();
    expect(waited.statusCode).toBe(503);
    expect(waited.json().code).toBe('RECOGNISER_BUSY');
    finish.forEach((f) => f());
    await Promise.all(running);
  });
});
