import type { Transcriber, Transcript } from '../adapters/transcriber';
import { SupportErrors } from '../errors';
import {
  answerMessage,
  type AssistantDeps,
  type IncomingMessage,
  type SupportAnswer,
} from './assistant';
import { readWavHeader } from './wav';

export interface VoiceAnswer extends SupportAnswer {
  transcript: string;
}

/**
 * Below this mean word posterior the recogniser was guessing. Spoken requests (synthetic
 * voices, three speeds) scored 0.24 to 0.94, beeps under noise 0.12.
 */
export const MIN_SPEECH_CONFIDENCE = 0.2;

// Words that say nothing of what the shopper wants: a tone or a hum comes out as these.
const FUNCTION_WORDS = new Set(
  `a an the i me my you your we us our he she it its they them this that these those to of
  in on at by for from with and or but so if do does did done is are was were be been am
  have has had can could would should will shall may might must what where when how why
  who which there here then than not oh uh um ah er hmm mm o ot`.split(/\s+/),
);

/**
 * Whether the recording holds a request: at least one word that is not a function word,
 * recognised with some confidence. A pure tone can come out as "i do" with a high posterior,
 * so the confidence alone does not tell.
 */
export function heardSpeech(transcript: Transcript): boolean {
  const words = transcript.text.toLowerCase().split(/[^a-z']+/);
  const meaningful = words.some((w) => w.length > 1 && !FUNCTION_WORDS.has(w));
  return meaningful && transcript.confidence >= MIN_SPEECH_CONFIDENCE;
}

/**
 * Transcribes a WAV recording and answers it like a written message. The header is
 * checked before the recogniser is asked, so a file it cannot read costs no process. A
 * recording with no speech made out of it is answered `fallback`, asking the shopper to
 * say it again or type it.
 */
export async function answerRecording(
  deps: AssistantDeps,
  transcriber: Transcriber,
  wav: Buffer,
  maxSeconds: number,
  input: Omit<IncomingMessage, 'text'>,
): Promise<VoiceAnswer> {
  const { seconds } = readWavHeader(wav);
  if (seconds > maxSeconds) {
    const details = { seconds: Math.round(seconds * 10) / 10, maxSeconds };
    throw SupportErrors.AUDIO_TOO_LONG(`the recording is over ${maxSeconds} s long`, { details });
  }

  const transcript = await transcriber.transcribe(wav);
  const unheard = !heardSpeech(transcript);
  const answer = await answerMessage(deps, { ...input, text: transcript.text, unheard });
  return { ...answer, transcript: transcript.text };
}
