import type { Transcriber } from '../adapters/transcriber';
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
 * Transcribes a WAV recording and answers it like a written message. The header is
 * checked before the recogniser is asked, so a file it cannot read costs no process.
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
  if (transcript.trim().length === 0) throw SupportErrors.AUDIO_EMPTY();

  const answer = await answerMessage(deps, { ...input, text: transcript });
  return { ...answer, transcript };
}
