/** Decoded PCM audio, one channel, samples in [-1, 1]. */
export interface Pcm {
  sampleRate: number;
  samples: Float32Array;
}

/** Reads a 16-bit PCM WAV (any rate, mono or stereo); undefined when it is not one. */
export function decodeWav(buf: Buffer): Pcm | undefined {
  if (buf.length < 44 || buf.toString('ascii', 0, 4) !== 'RIFF') return undefined;
  if (buf.toString('ascii', 8, 12) !== 'WAVE') return undefined;
  let offset = 12;
  let channels = 0;
  let rate = 0;
  let bits = 0;
  let format = 0;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    // espeak-ng streams with a placeholder size, so the data chunk is clamped to the buffer.
    const size = Math.min(buf.readUInt32LE(offset + 4), buf.length - offset - 8);
    const body = offset + 8;
    if (id === 'fmt ' && size >= 16) {
      format = buf.readUInt16LE(body);
      channels = buf.readUInt16LE(body + 2);
      rate = buf.readUInt32LE(body + 4);
      bits = buf.readUInt16LE(body + 14);
    } else if (id === 'data') {
      if (format !== 1 || bits !== 16 || channels < 1 || rate < 4000) return undefined;
      const frames = Math.floor(size / (2 * channels));
      const samples = new Float32Array(frames);
      for (let i = 0; i < frames; i++) {
        let sum = 0;
        for (let c = 0; c < channels; c++) sum += buf.readInt16LE(body + 2 * (i * channels + c));
        samples[i] = sum / channels / 32768;
      }
      return { sampleRate: rate, samples };
    }
    offset = body + size + (size % 2);
  }
  return undefined;
}

/** Linear-interpolation resampling; enough for speech going to a 16 kHz recogniser. */
export function resample(pcm: Pcm, rate: number): Pcm {
  if (pcm.sampleRate === rate) return pcm;
  const ratio = pcm.sampleRate / rate;
  const n = Math.floor(pcm.samples.length / ratio);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const x = i * ratio;
    const j = Math.floor(x);
    const a = pcm.samples[j] ?? 0;
    const b = pcm.samples[j + 1] ?? a;
    out[i] = a + (b - a) * (x - j);
  }
  return { sampleRate: rate, samples: out };
}

/** A 16-bit mono WAV file of the samples. */
export function encodeWav(pcm: Pcm): Buffer {
  const data = pcm.samples.length * 2;
  const buf = Buffer.alloc(44 + data);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + data, 4);
  buf.write('WAVEfmt ', 8, 'ascii');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(pcm.sampleRate, 24);
  buf.writeUInt32LE(pcm.sampleRate * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(data, 40);
  pcm.samples.forEach((s, i) => {
    buf.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(s * 32767))), 44 + 2 * i);
  });
  return buf;
}
