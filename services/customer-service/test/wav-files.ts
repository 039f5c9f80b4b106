/** WAV files of the shapes recorders write, for tests of what the service accepts. */
export interface WavFileOptions {
  /** Format tag of a plain header: 1 PCM, 3 IEEE float. */
  tag?: number;
  /** A WAVE_FORMAT_EXTENSIBLE header with this subformat. */
  extensible?: 'pcm' | 'float' | 'other';
  bits?: number;
  channels?: number;
  sampleRate?: number;
  frames?: number;
}

const SUBTYPE_TAIL = '000000001000800000aa00389b71';

/** A recording whose samples are all a quarter of full scale. */
export function wavFile(options: WavFileOptions = {}): Buffer {
  const { bits = 16, channels = 1, sampleRate = 16_000, frames = 1600 } = options;
  const width = bits / 8;
  const data = Buffer.alloc(frames * channels * width);
  for (let i = 0; i < frames * channels; i++) {
    if (bits === 16) data.writeInt16LE(8192, i * 2);
    else if (bits === 32) data.writeFloatLE(0.25, i * 4);
    else data.writeUInt8(160, i);
  }

  const fmt = Buffer.alloc(options.extensible === undefined ? 16 : 40);
  fmt.writeUInt16LE(options.extensible === undefined ? (options.tag ?? 1) : 0xfffe, 0);
  fmt.writeUInt16LE(channels, 2);
  fmt.writeUInt32LE(sampleRate, 4);
  fmt.writeUInt32LE(sampleRate * channels * width, 8);
  fmt.writeUInt16LE(channels * width, 12);
  fmt.writeUInt16LE(bits, 14);
  if (options.extensible !== undefined) {
    fmt.writeUInt16LE(22, 16);
    fmt.writeUInt16LE(bits, 18);
    fmt.writeUInt32LE(channels === 2 ? 3 : 4, 20);
    const code = options.extensible === 'float' ? '0300' : '0100';
    const tail = options.extensible === 'other' ? 'ffffffff1000800000aa00389b71' : SUBTYPE_TAIL;
    Buffer.from(code + tail, 'hex').copy(fmt, 24);
  }

  const chunk = (id: string, body: Buffer) => {
    const head = Buffer.alloc(8);
    head.write(id, 0, 'ascii');
    head.writeUInt32LE(body.length, 4);
    return Buffer.concat([head, body]);
  };
  const riff = Buffer.concat([
    Buffer.from('WAVE', 'ascii'),
    chunk('fmt ', fmt),
    chunk('data', data),
  ]);
  return chunk('RIFF', riff);
}
