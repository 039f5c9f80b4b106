import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SupportErrors } from '../errors';
import { decodeWav, encodeWav, resample } from '../domain/wav';

/** What the recogniser made of a recording. */
export interface Transcript {
  text: string;
  /** Mean posterior probability of the recognised words, from 0 to 1; 0 without words. */
  confidence: number;
}

/** Turns a WAV recording into text. */
export interface Transcriber {
  transcribe(wav: Buffer): Promise<Transcript>;
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

// Silence, breath and noise markers (`<s>`, `<sil>`, `[NOISE]`, `++UH++`) are not words.
const FILLER = /^[<[+]/;

/**
 * The words of `-time yes` output: a line `word start end posterior` per segment, the
 * hypothesis of each utterance on a line of its own before them. A word the dictionary
 * spells several ways carries its variant, as in `on(2)`.
 */
export function parseSegments(out: string): Transcript {
  const words: string[] = [];
  let sum = 0;
  for (const line of out.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length !== 4 || !fields.slice(1).every((f) => /^[\d.]+$/.test(f))) continue;
    if (FILLER.test(fields[0])) continue;
    words.push(fields[0].replace(/\(\d+\)$/, ''));
    sum += Math.min(1, Number(fields[3]));
  }
  const confidence = words.length === 0 ? 0 : Math.round((sum / words.length) * 1000) / 1000;
  return { text: words.join(' '), confidence };
}

/**
 * Offline recognition with CMU PocketSphinx and its US English model (Debian packages
 * `pocketsphinx` and `pocketsphinx-en-us`). The model wants 16 kHz mono, so audio is
 * resampled here first. With `lmPath`, our model of shopper phrasing replaces the
 * general English language model. The words come with their posterior probabilities, whose
 * mean is the transcript's confidence.
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
        const args = ['-infile', file, '-logfn', '/dev/null', '-time', 'yes', ...lm];
        return parseSegments(await run(command, args, timeoutMs));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
