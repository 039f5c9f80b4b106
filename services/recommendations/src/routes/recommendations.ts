import type { FastifyReply } from 'fastify';
import { errorResponses, type ServiceApp } from '@qm/kit';
import { RecsErrors } from '../errors';
import { type Recommendations } from '../recommendations';
import {
  ItemList,
  ItemParams,
  ListQuery,
  PlainList,
  PopularQuery,
  SessionBody,
  UserList,
  UserParams,
  UserQuery,
} from '../schemas/recommendations';

const TAGS = ['recommendations'];
const HOURS: Record<string, number> = { h: 1 / 24, d: 1, w: 7 };

/** `7d` → 7; `24h` → 1; throws a 400 naming `window` past a year. */
export function windowDays(window: string): number {
  const days = Number(window.slice(0, -1)) * HOURS[window.slice(-1)];
  if (!(days > 0) || days > 365) throw RecsErrors.INVALID_WINDOW(undefined, { field: 'window' });
  return days;
}

/**
 * Sends an answer that is JSON text already, as the cache holds it: Fastify passes a string
 * with a JSON content type through without serializing it again.
 */
function sendJsonText(reply: FastifyReply, json: string): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(json);
}

function excludeList(values: string[] | undefined): string[] | undefined {
  return values?.flatMap((v) => v.split(','));
}

/** The five list routes under `/v1/recommendations`. */
export function recommendationRoutes(app: ServiceApp, recs: Recommendations): void {
  app.get(
    '/v1/recommendations/users/:userId',
    {
      schema: {
        tags: TAGS,
        summary: 'Items for a user: repeat purchases, collaborative filtering and popularity',
        params: UserParams,
        querystring: UserQuery,
        response: { 200: UserList, ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const options = { ...q, exclude: excludeList(q.exclude) };
      return sendJsonText(reply, await recs.userAnswer(request.params.userId, options));
    },
  );

  app.get(
    '/v1/recommendations/items/:itemId/similar',
    {
      schema: {
        tags: TAGS,
        summary: 'Items like this one (co-purchases, co-views and text)',
        params: ItemParams,
        querystring: ListQuery,
        response: { 200: ItemList, ...errorResponses(400) },
      },
    },
    async (request) => {
      const { itemId } = request.params;
      const q = request.query;
      return { itemId, ...(await recs.similar(itemId, { ...q, exclude: excludeList(q.exclude) })) };
    },
  );

  app.get(
    '/v1/recommendations/items/:itemId/bought-together',
    {
      schema: {
        tags: TAGS,
        summary: 'Items bought in the same baskets (association rules)',
        params: ItemParams,
        querystring: ListQuery,
        response: { 200: ItemList, ...errorResponses(400) },
      },
    },
    async (request) => {
      const { itemId } = request.params;
      const q = request.query;
      const list = await recs.boughtTogether(itemId, { ...q, exclude: excludeList(q.exclude) });
      return { itemId, ...list };
    },
  );

  app.get(
    '/v1/recommendations/popular',
    {
      schema: {
        tags: TAGS,
        summary: 'Popular items over a window, recent activity weighted more',
        querystring: PopularQuery,
        response: { 200: PlainList, ...errorResponses(400) },
      },
    },
    async (request) => {
      const q = request.query;
      const list = await recs.popular(windowDays(q.window), {
        ...q,
        exclude: excludeList(q.exclude),
      });
      return { window: q.window, ...list };
    },
  );

  app.post(
    '/v1/recommendations/session',
    {
      schema: {
        tags: TAGS,
        summary: 'Next items for an anonymous session from the items seen so far',
        body: SessionBody,
        response: { 200: PlainList, ...errorResponses(400) },
      },
    },
    async (request) => {
      const { items, ...options } = request.body;
      return recs.session(items, options);
    },
  );
}
