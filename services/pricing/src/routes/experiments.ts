import { errorResponses, type ServiceApp } from '@qm/kit';
import type { Experiments } from '../experiments';
import {
  AssignmentQuery,
  AssignmentResponse,
  ExperimentBody,
  ExperimentReportResponse,
  ExperimentResponse,
  IdParams,
  StopBody,
} from '../schemas/pricing';

export function experimentRoutes(app: ServiceApp, deps: { experiments: Experiments }): void {
  app.post(
    '/v1/pricing/experiments',
    {
      schema: {
        tags: ['experiments'],
        summary: 'Starts a price experiment on a SKU; the first arm is the control',
        description: 'Answers 409 EXPERIMENT_RUNNING while an experiment runs on the SKU.',
        body: ExperimentBody,
        response: { 201: ExperimentResponse, ...errorResponses(400, 409) },
      },
    },
    async (request, reply) => {
      const exp = await deps.experiments.create(request.body);
      return reply.code(201).send(exp);
    },
  );

  app.get(
    '/v1/pricing/experiments/:id',
    {
      schema: {
        tags: ['experiments'],
        summary: 'Conversion, revenue per visitor and lift per arm; applies the stop rule',
        params: IdParams,
        response: { 200: ExperimentReportResponse, ...errorResponses(400, 404) },
      },
    },
    async (request) => deps.experiments.report(request.params.id),
  );

  app.get(
    '/v1/pricing/experiments/:id/assignment',
    {
      schema: {
        tags: ['experiments'],
        summary: 'The arm and price a user or session sees',
        params: IdParams,
        querystring: AssignmentQuery,
        response: { 200: AssignmentResponse, ...errorResponses(400, 404) },
      },
    },
    async (request) => deps.experiments.assignment(request.params.id, request.query.unitId),
  );

  app.post(
    '/v1/pricing/experiments/:id/stop',
    {
      schema: {
        tags: ['experiments'],
        summary: 'Stops the given arms, or the whole experiment when none are given',
        description:
          'Stopping every treatment arm stops the experiment. Naming the control is a 400 ' +
          '(send no arms to stop the test). A stopped experiment answers its stored state.',
        params: IdParams,
        body: StopBody,
        response: { 200: ExperimentReportResponse, ...errorResponses(400, 404) },
      },
    },
    async (request) => deps.experiments.stop(request.params.id, request.body.arms),
  );
}
