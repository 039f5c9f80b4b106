import { decodeWav, encodeWav, resample } from '../src/domain/wav';
import { buildArpa, lmWords } from '../src/nlu/speech-lm';

describe('WAV handling for the recogniser', () => {
  it('decodes what it encodes and resamples 22.05 kHz speech to 16 kHz', () => {
    const samples = Float32Array.from({ length: 2205 }, (_, i) => Math.sin(i / 10) / 2);
    const decoded = decodeWav(encodeWav({ sampleRate: 22_050, samples }));
    expect(decoded?.sampleRate).toBe(22_050);
    expect(decoded?.samples[10]).toBeCloseTo(samples[10], 3);

    const down = resample(decoded!, 16_000);
    expect(down.sampleRate).toBe(16_000);
    expect(down.samples.length).toBe(1600);
  });

  it('refuses bytes that are not a PCM WAV', () => {
    expect(decodeWav(Buffer.from('RIFF....not a wave file at all........................'))).toBe(
      undefined,
    );
  });
});

describe('buildArpa', () => {
  it('writes a bigram model over the pronounceable words only', () => {
    const arpa = buildArpa(
      [lmWords('Track my order'), lmWords('track my refund'), lmWords('zzqx order')],
      (w) => w !== 'zzqx',
    );
    expect(arpa).toContain('ngram 1=6');
    expect(arpa).toMatch(/\n-\d\.\d{4} track my\n/);
    expect(arpa).not.toContain('zzqx');
    expect(arpa.trim().endsWith('\\end\\')).toBe(true);
  });
});
