import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { resolveDataDir } from '@qm/datasets';
import type { ServiceApp } from '@qm/kit';
import { pocketsphinxTranscriber } from '../src/adapters/transcriber';
import { buildApp } from '../src/app';
import { encodeWav } from '../src/domain/wav';
import { mulberry32 } from '@qm/learning';
import { ensureSpeechModel, loadOrTrainSupportModel, modelPath } from '../src/nlu/support-model';
import { memoryConversations, memoryOrders, recordingHandoffs, TEST_SETTINGS } from './fakes';

// Without a stored model the first run trains one, which takes minutes on a busy machine.
jest.setTimeout(420_000);

const log = pino({ level: 'warn' });
const DICT = '/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict';

/** Speech made by espeak-ng (deploy/setup-system.sh installs it), as WAV bytes. */
function speak(dir: string, text: string): Buffer {
  const file = join(dir, 'speech.wav');
  execFileSync('espeak-ng', ['-v', 'en-us', '-s', '130', '-w', file, text]);
  return readFileSync(file);
}

/**
 * A sine tone at half of full scale, 16 kHz mono, with uniform noise of the given amplitude
 * (seeded, so the recogniser sees the same samples on every run).
 */
function tone(hz: number, seconds: number, noise: number): Buffer {
  const rate = 16_000;
  const random = mulberry32(5);
  const samples = Float32Array.from(
    { length: seconds * rate },
    (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * i) / rate) + noise * (2 * random() - 1),
  );
  return encodeWav({ sampleRate: rate, samples });
}

describe('POST /v1/support/voice with PocketSphinx', () => {
  let app: ServiceApp;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qm-voice-test-'));
    const dataDir = resolveDataDir();
    const classifier = await loadOrTrainSupportModel(
      modelPath('.qm/models/support/intent.json'),
      dataDir,
      log,
    );
    const lm = await ensureSpeechModel(
      modelPath('.qm/models/support/speech.lm'),
      DICT,
      dataDir,
      log,
    );
    app = await buildApp({
      log,
      classifier,
      orders: memoryOrders([]),
      conversations: memoryConversations(),
      handoffs: recordingHandoffs(),
      transcriber: pocketsphinxTranscriber('pocketsphinx_continuous', 60_000, lm),
      ...TEST_SETTINGS,
    });
  });

  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const postWav = (body: Buffer) =>
    app.inject({
      method: 'POST',
      url: '/v1/support/voice?customerId=17850',
      headers: { 'content-type': 'audio/wav' },
      payload: body,
    });

  it('recognises a spoken password question as recover_password', async () => {
    const res = await postWav(speak(dir, 'I forgot my password'));
    expect(res.statusCode).toBe(200);
    expect(res.json().transcript).toContain('password');
    expect(res.json().intent).toBe('recover_password');
    expect(res.json().reply.length).toBeGreaterThan(0);
  });

  it('recognises a spoken refund question as get_refund', async () => {
    const res = await postWav(speak(dir, 'how can I get a refund'));
    expect(res.statusCode).toBe(200);
    expect(res.json().intent).toBe('get_refund');
  });

  it.each([
    ['a pure tone', 0],
    ['a tone under faint noise', 0.005],
  ])('answers %s with fallback, asking to say it again or type', async (_case, noise) => {
    const res = await postWav(tone(1000, 3, noise));
    expect(res.statusCode).toBe(200);
    expect(res.json().intent).toBe('fallback');
    expect(res.json().reply).toMatch(/say it again, or type/);
    expect(res.json().escalate).toBe(false);
  });

  it('rejects a body that is not a WAV recording', async () => {
    const res = await postWav(Buffer.from('this is not audio at all, just some text bytes'));
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('AUDIO_INVALID');
  });

  it('rejects a recording over the size limit with a 413', async () => {
    const res = await postWav(Buffer.alloc((1 << 20) + 10));
    expect(res.statusCode).toBe(413);
  });
});
