import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Publisher } from '@qm/events';
import { CommonErrors, errorResponses } from '@qm/kit';
import { ingestEvents } from '../domain/events';
import { IngestBody, IngestResult } from '../schemas/events';

export interface EventRoutesOptions {
  publisher: Publisher;
  topicPrefix: string;
}

/** 1 MiB: about 500 events with room to spare. */
const BODY_LIMIT = 1_048_576;

/** `POST /v1/events`: storefront events in, published to Kafka item by item. */
export async function eventRoutes(
  app: FastifyInstance,
  options: EventRoutesOptions,
): Promise<void> {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const target = { publisher: options.publisher, topicPrefix: options.topicPrefix };

  api.post(
    '/v1/events',
    {
      bodyLimit: BODY_LIMIT,
      // Each event is judged on its own, text fields included: one bad event is a rejected
      // item, not a refused batch.
      config: { bodyText: 'keep' },
      schema: {
        tags: ['events'],
        summary: 'Ingest a batch of clickstream and sale events',
        body: IngestBody,
        response: { 202: IngestResult, ...errorResponses(400, 413, 415, 503) },
      },
      // Checked before the schema, which would report a non-object as a fault of `body`
      // rather than of `events`.
      preValidation: async (request) => {
        const body = request.body as { events?: unknown } | null;
        if (typeof body !== 'object' || body === null || !Array.isArray(body.events)) {
          throw CommonErrors.VALIDATION_FAILED('the body must be an object with an events array', {
            field: 'events',
          });
        }
      },
    },
    async (request, reply) => {
      const result = await ingestEvents(target, request.body.events, request.id);
      void reply.status(202);
      return result;
    },
  );
}
