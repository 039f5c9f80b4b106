import type { ServiceApp } from '@qm/kit';
import type { Transcriber } from '../src/adapters/transcriber';
import { buildApp } from '../src/app';
import { encodeWav } from '../src/domain/wav';
import {
  keywordClassifier,
  memoryConversations,
  memoryOrders,
  recordingHandoffs,
  silentLog,
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
    transcriber = { transcribe: async () => 'where is my order 536367' };
    app = await buildApp({
      log: silentLog,
      classifier: keywordClassifier([[/where/i, 'track_order']]),
      orders: memoryOrders([order]),
      conversations: memoryConversations(),
      handoffs: recordingHandoffs(),
      transcriber: { transcribe: async (audio) => transcriber.transcribe(audio) },
      policies: { refund: 'Refunds take 5 days.', cancellation: 'Cancel before dispatch.' },
      escalateSentiment: -0.8,
      voiceLimitBytes: 1 << 20,
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
});
