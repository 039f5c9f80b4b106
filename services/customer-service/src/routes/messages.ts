import { cleanText, errorResponses, type ServiceApp } from '@qm/kit';
import { answerMessage, type AssistantDeps } from '../domain/assistant';
import { MessageBody, SupportAnswer } from '../schemas/messages';

export function messageRoutes(app: ServiceApp, deps: AssistantDeps): void {
  app.post(
    '/v1/support/messages',
    {
      // Shoppers paste text from anywhere: stray control characters in it are dropped, not
      // refused. The ids are checked by their schemas as sent.
      config: { bodyText: 'keep' },
      schema: {
        tags: ['support'],
        summary: "Answer a shopper's message, or hand the conversation to a person",
        body: MessageBody,
        response: { 200: SupportAnswer, ...errorResponses(400, 409, 413, 503) },
      },
    },
    async (request) =>
      answerMessage(deps, {
        ...request.body,
        text: String(cleanText(request.body.text)),
        requestId: request.id,
      }),
  );
}
