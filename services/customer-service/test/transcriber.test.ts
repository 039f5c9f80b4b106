import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSegments, pocketsphinxTranscriber } from '../src/adapters/transcriber';
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

  it('takes the words and their mean posterior from the segments of the recogniser', async () => {
    const lines = [
      'where is my order',
      '<s> 0.000 0.020 0.999700',
      'where 0.030 0.300 0.800000',
      'is 0.310 0.400 0.600000',
      '<sil> 0.410 0.500 0.900000',
      'my(2) 0.510 0.700 1.000100',
      '[NOISE] 0.710 0.800 0.500000',
      'order 0.810 1.200 0.600000',
      '</s> 1.210 1.500 1.000000',
    ];
    const echo = pocketsphinxTranscriber(
      script('echo.sh', `printf '${lines.join('\\n')}\\n'`),
      5000,
    );
    await expect(echo.transcribe(wavFile())).resolves.toEqual({
      text: 'where is my order',
      confidence: 0.75,
    });
  });

  it('reports no words and no confidence when the recogniser heard none', () => {
    expect(parseSegments('\n<s> 0.000 0.610 0.999800\n</s> 0.620 0.650 1.000000\n')).toEqual({
      text: '',
      confidence: 0,
    });
  });
});
