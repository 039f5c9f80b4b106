import { SupportErrors } from '../errors';

/** Decoded PCM audio, one channel, samples in [-1, 1]. */
export interface Pcm {
  sampleRate: number;
  samples: Float32Array;
}

/** The parts of a WAV header the recogniser needs, data chunk located. */
export interface WavHeader {
  sampleRate: number;
  channels: number;
  dataOffset: number;
  dataBytes: number;
  /** Length of the recording, from the header's rate and the data chunk's size. */
  seconds: number;
}

const PCM = 0x0001;
const IEEE_FLOAT = 0x0003;
const EXTENSIBLE = 0xfffe;
/** The last 14 bytes of every KSDATAFORMAT_SUBTYPE GUID; the first two are the format tag. */
const SUBTYPE_TAIL = Buffer.from('000000001000800000aa00389b71', 'hex');

function refuse(reason: string): never {
  throw SupportErrors.AUDIO_INVALID(`${reason}; send 16-bit PCM WAV`);
}

/** The format tag, read through WAVE_FORMAT_EXTENSIBLE to its subformat. */
function formatTag(buf: Buffer, body: number, size: number): number {
  const tag = buf.readUInt16LE(body);
  if (tag !== EXTENSIBLE) return tag;
  if (size < 40) refuse('the WAVE_FORMAT_EXTENSIBLE header is cut short');
  if (!buf.subarray(body + 26, body + 40).equals(SUBTYPE_TAIL)) {
    refuse('the WAVE_FORMAT_EXTENSIBLE subformat is not a standard one');
  }
  return buf.readUInt16LE(body + 24);
}

function checkFormat(tag: number, bits: number, channels: number, rate: number): void {
  if (tag === IEEE_FLOAT) refuse(`the recording is ${bits}-bit floating point`);
  if (tag !== PCM) refuse(`the recording is encoded (format 0x${tag.toString(16)}), not PCM`);
  if (bits !== 16) refuse(`the recording is ${bits}-bit PCM`);
  if (channels < 1) refuse('the header gives no channels');
  if (rate < 4000) refuse(`the sample rate of ${rate} Hz is too low for speech`);
}

/**
 * Reads the header of a 16-bit PCM WAV (any rate, mono or stereo; plain or
 * WAVE_FORMAT_EXTENSIBLE). Anything else is refused with a message that says why.
 */
export function readWavHeader(buf: Buffer): WavHeader {
  if (buf.length < 44 || buf.toString('ascii', 0, 4) !== 'RIFF') refuse('not a RIFF file');
  if (buf.toString('ascii', 8, 12) !== 'WAVE') refuse('not a WAVE file');
  let offset = 12;
  let format: { channels: number; rate: number } | undefined;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    // espeak-ng streams with a placeholder size, so the data chunk is clamped to the buffer.
    const size = Math.min(buf.readUInt32LE(offset + 4), buf.length - offset - 8);
    const body = offset + 8;
    if (id === 'fmt ' && size >= 16) {
      const channels = buf.readUInt16LE(body + 2);
      const rate = buf.readUInt32LE(body + 4);
      checkFormat(formatTag(buf, body, size), buf.readUInt16LE(body + 14), channels, rate);
      format = { channels, rate };
    } else if (id === 'data') {
      if (format === undefined) refuse('no format chunk before the data');
      const frames = Math.floor(size / (2 * format.channels));
      return {
        sampleRate: format.rate,
        channels: format.channels,
        dataOffset: body,
        dataBytes: frames * 2 * format.channels,
        seconds: frames / format.rate,
      };
    }
    offset = body + size + (size % 2);
  }
  refuse('no data chunk');
}

/** Reads a 16-bit PCM WAV into one channel; refuses anything else, saying why. */
export function decodeWav(buf: Buffer, header = readWavHeader(buf)): Pcm {
  const { channels, dataOffset } = header;
  const frames = header.dataBytes / (2 * channels);
  const samples = new Float32Array(frames);
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += buf.readInt16LE(dataOffset + 2 * (i * channels + c));
    samples[i] = sum / channels / 32768;
  }
  return { sampleRate: header.sampleRate, samples };
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
