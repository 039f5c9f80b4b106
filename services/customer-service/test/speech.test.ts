import { decodeWav, encodeWav, resample } from '../src/domain/wav';
import { wavFile } from './wav-files';
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
    const bytes = Buffer.from('RIFF....not a wave file at all........................');
    expect(() => decodeWav(bytes)).toThrow(expect.objectContaining({ code: 'AUDIO_INVALID' }));
  });

  it('reads 16-bit PCM stereo in a WAVE_FORMAT_EXTENSIBLE header', () => {
    const pcm = decodeWav(wavFile({ extensible: 'pcm', channels: 2, frames: 800 }));
    expect(pcm).toMatchObject({ sampleRate: 16_000 });
    expect(pcm.samples.length).toBe(800);
    expect(pcm.samples[1]).toBeCloseTo(0.25, 3);
  });

  it('says why an 8-bit recording is refused', () => {
    expect(() => decodeWav(wavFile({ bits: 8 }))).toThrow(/8-bit PCM; send 16-bit PCM WAV/);
  });

  it('says why a floating-point recording is refused, plain or extensible', () => {
    expect(() => decodeWav(wavFile({ tag: 3, bits: 32 }))).toThrow(/32-bit floating point/);
    expect(() => decodeWav(wavFile({ extensible: 'float', bits: 32 }))).toThrow(
      /32-bit floating point/,
    );
  });

  it('refuses an extensible header whose subformat GUID is not a standard one', () => {
    expect(() => decodeWav(wavFile({ extensible: 'other' }))).toThrow(/subformat/);
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
