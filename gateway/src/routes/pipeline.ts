import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Redis } from 'ioredis';
import {
  listConsumerGroups,
  pipelineStatus,
  serviceGroupPrefixes,
  type PipelineAdmin,
} from '@qm/events';
import { CommonErrors, errorResponses } from '@qm/kit';

export interface PipelineRoutesOptions {
  admin: PipelineAdmin;
  redis: Pick<Redis, 'hgetall'>;
  /** Groups to report; by default the services' groups of this deployment in the cluster. */
  groups?: string[];
  /** The deployment's topic prefix, which its group ids carry too. */
  topicPrefix?: string;
  /** Prefix of the Redis keys holding the counts (as given to the consumers' stats). */
  keyPrefix?: string;
}

const count = (description: string) => Type.Integer({ minimum: 0, description });

const PipelineStatus = Type.Object(
  {
    consumers: Type.Array(
      Type.Object({
        group: Type.String(),
        topic: Type.String(),
        consumed: count('Messages handled since the group first ran'),
        deadLettered: count('Messages sent to the dead-letter topic'),
        lag: count('Messages not yet committed by the group, over all partitions'),
      }),
    ),
  },
  { description: 'Counts and lag of every consumer group per topic' },
);

/** `GET /v1/ops/pipeline`: how far each consumer group is, for operators and the quick start. */
export async function pipelineRoutes(
  app: FastifyInstance,
  options: PipelineRoutesOptions,
): Promise<void> {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get(
    '/v1/ops/pipeline',
    {
      schema: {
        tags: ['ops'],
        summary: 'Consumer groups: consumed, dead-lettered and lag per topic',
        response: { 200: PipelineStatus, ...errorResponses(503) },
      },
    },
    async () => {
      try {
        const prefixes = serviceGroupPrefixes(options.topicPrefix);
        const groups = options.groups ?? (await listConsumerGroups(options.admin, prefixes));
        return await pipelineStatus({ ...options, groups });
      } catch (error) {
        throw CommonErrors.DEPENDENCY_UNAVAILABLE('Kafka or Redis did not answer', {
          cause: error,
        });
      }
    },
  );
}
