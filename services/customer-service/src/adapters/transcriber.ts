import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SupportErrors } from '../errors';
import { decodeWav, encodeWav, resample } from '../domain/wav';

/** Turns a WAV recording into text. */
export interface Transcriber {
  transcribe(wav: Buffer): Promise<string>;
}

function run(command: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const options = { timeout: timeoutMs, killSignal: 'SIGKILL' as const, maxBuffer: 1 << 20 };
    execFile(command, args, options, (err, stdout) => {
      if (err === null) resolve(stdout);
      else if (err.killed && err.signal === 'SIGKILL') {
        reject(SupportErrors.RECOGNISER_TIMED_OUT(undefined, { cause: err }));
      } else reject(SupportErrors.RECOGNISER_UNAVAILABLE(undefined, { cause: err }));
    });
  });
}

/**
 * Offline recognition with CMU PocketSphinx and its US English model (Debian packages
 * `pocketsphinx` and `pocketsphinx-en-us`). The model wants 16 kHz mono, so audio is
 * resampled here first. With `lmPath`, our model of shopper phrasing replaces the
 * general English language model.
 */
export function pocketsphinxTranscriber(
  command: string,
  timeoutMs: number,
  lmPath?: string,
): Transcriber {
  const lm = lmPath === undefined ? [] : ['-lm', lmPath];
  return {
    async transcribe(wav) {
      const pcm = decodeWav(wav);
      const dir = await mkdtemp(join(tmpdir(), 'qm-voice-'));
      try {
        const file = join(dir, 'speech.wav');
        await writeFile(file, encodeWav(resample(pcm, 16_000)));
        const out = await run(command, ['-infile', file, '-logfn', '/dev/null', ...lm], timeoutMs);
        return out
          .split('\n')
          .map((l) => l.trim())
          .filter((l) => l.length > 0)
          .join(' ');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
