import { errorResponses, type ServiceApp } from '@qm/kit';
import type { FraudDesk } from '../domain/fraud-desk';
import type { ListKind } from '../domain/rules';
import { ListBody, ListKindParam, ListResponse, RulesBody, RulesResponse } from '../schemas/rules';

export function rulesRoutes(app: ServiceApp, desk: FraudDesk): void {
  app.get(
    '/v1/fraud/rules',
    {
      schema: {
        tags: ['fraud-rules'],
        summary: 'Block and allow lists and hard limits',
        response: { 200: RulesResponse },
      },
    },
    async () => desk.rules(),
  );

  app.put(
    '/v1/fraud/rules',
    {
      schema: {
        tags: ['fraud-rules'],
        summary: 'Replace the hard limits and the lists given; effective at once',
        body: RulesBody,
        response: { 200: RulesResponse, ...errorResponses(400) },
      },
    },
    async (request) => desk.replaceRules(request.body),
  );

  app.get(
    '/v1/fraud/lists/:kind',
    {
      schema: {
        tags: ['fraud-rules'],
        summary: 'One kind of block and allow list',
        params: ListKindParam,
        response: { 200: ListResponse, ...errorResponses(400) },
      },
    },
    async (request) => desk.list(request.params.kind as ListKind),
  );

  app.put(
    '/v1/fraud/lists/:kind',
    {
      schema: {
        tags: ['fraud-rules'],
        summary: 'Replace one kind of block and allow list',
        params: ListKindParam,
        body: ListBody,
        response: { 200: ListResponse, ...errorResponses(400) },
      },
    },
    async (request) =>
      desk.replaceList(request.params.kind as ListKind, request.body.block, request.body.allow),
  );
}
