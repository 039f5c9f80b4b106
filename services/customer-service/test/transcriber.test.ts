import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pocketsphinxTranscriber } from '../src/adapters/transcriber';
import { wavFile } from './wav-files';

describe('pocketsphinxTranscriber', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'qm-asr-test-'));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const script = (name: string, body: string) => {
    const file = join(dir, name);
    writeFileSync(file, `#!/bin/sh\n${body}\n`);
    chmodSync(file, 0o755);
    return file;
  };

  it('answers its own coded 503 when the recogniser runs past its timeout', async () => {
    const slow = pocketsphinxTranscriber(script('slow.sh', 'exec sleep 10'), 200);
    const started = Date.now();
    await expect(slow.transcribe(wavFile())).rejects.toMatchObject({
      code: 'RECOGNISER_TIMED_OUT',
      statusCode: 503,
    });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('answers RECOGNISER_UNAVAILABLE when the recogniser fails', async () => {
    const broken = pocketsphinxTranscriber(script('broken.sh', 'exit 3'), 5000);
    await expect(broken.transcribe(wavFile())).rejects.toMatchObject({
      code: 'RECOGNISER_UNAVAILABLE',
    });
  });

  it('joins the lines the recogniser prints', async () => {
    const echo = pocketsphinxTranscriber(
      script('echo.sh', 'printf "where is\\n\\nmy order\\n"'),
      5000,
    );
    await expect(echo.transcribe(wavFile())).resolves.toBe('where is my order');
  });
});
