import { errorResponses, type ServiceApp } from '@qm/kit';
import type { Transcriber } from '../adapters/transcriber';
import type { AssistantDeps } from '../domain/assistant';
import { answerRecording } from '../domain/voice';
import { SupportErrors } from '../errors';
import { VoiceAnswer, VoiceQuery } from '../schemas/messages';

export function voiceRoutes(
  app: ServiceApp,
  deps: AssistantDeps,
  transcriber: Transcriber,
  limits: { bytes: number; seconds: number },
): void {
  app.addContentTypeParser(
    ['audio/wav', 'audio/x-wav', 'audio/wave'],
    { parseAs: 'buffer', bodyLimit: limits.bytes },
    (_request, body, done) => done(null, body),
  );

  app.post(
    '/v1/support/voice',
    {
      bodyLimit: limits.bytes,
      schema: {
        tags: ['support'],
        summary: 'Transcribe a WAV recording offline and answer it like a written message',
        querystring: VoiceQuery,
        response: { 200: VoiceAnswer, ...errorResponses(400, 409, 413, 415, 503) },
      },
    },
    async (request) => {
      const body = request.body;
      if (!Buffer.isBuffer(body)) throw SupportErrors.AUDIO_INVALID();
      return answerRecording(deps, transcriber, body, limits.seconds, {
        ...request.query,
        requestId: request.id,
      });
    },
  );
}
