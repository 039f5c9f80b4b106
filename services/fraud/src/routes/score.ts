import type { FastifyRequest } from 'fastify';
import { errorResponses, type ServiceApp } from '@qm/kit';
import type { FraudDesk } from '../domain/fraud-desk';
import type { Order } from '../domain/order';
import { FraudErrors } from '../errors';
import {
  FeedbackBody,
  FeedbackResponse,
  ModelResponse,
  ScoreBody,
  ScoreResponse,
} from '../schemas/score';

/** Orders are placed after 1970 and, allowing for clocks ahead, no later than a day from now. */
const LATEST_AHEAD_MS = 86_400_000;

function time(value: string, field: string, now: number): number {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms))
    throw FraudErrors.INVALID_TIME(`${field} is not a valid date`, { field });
  if (ms < 0 || ms > now + LATEST_AHEAD_MS) {
    throw FraudErrors.INVALID_TIME(`${field} must be from 1970 to one day from now`, { field });
  }
  return ms;
}

/** The request body as the domain's order. */
export function toOrder(body: ScoreBody, now = Date.now()): Order {
  if (!Number.isFinite(body.amount) || body.amount < 0) {
    throw FraudErrors.INVALID_AMOUNT(undefined, { field: 'amount' });
  }
  const createdAt = time(body.createdAt, 'createdAt', now);
  const accountCreatedAt =
    body.accountCreatedAt === undefined
      ? undefined
      : time(body.accountCreatedAt, 'accountCreatedAt', now);
  // An account cannot be opened after its own order; reading it as "0 s before" would decline.
  if (accountCreatedAt !== undefined && accountCreatedAt > createdAt) {
    throw FraudErrors.INVALID_TIME('accountCreatedAt is after createdAt', {
      field: 'accountCreatedAt',
    });
  }
  return { ...body, createdAt, accountCreatedAt };
}

/**
 * The shared validator coerces types, which would read `null`, `""` or `true` as an amount;
 * an amount must arrive as a JSON number (or a numeric string).
 */
async function amountIsNumeric(request: FastifyRequest): Promise<void> {
  const body = request.body as { amount?: unknown } | null;
  if (body === null || typeof body !== 'object' || !('amount' in body)) return;
  const { amount } = body;
  const numeric =
    typeof amount === 'number' || (typeof amount === 'string' && amount.trim() !== '');
  if (!numeric) throw FraudErrors.INVALID_AMOUNT(undefined, { field: 'amount' });
}

export function scoreRoutes(app: ServiceApp, desk: FraudDesk): void {
  app.post(
    '/v1/fraud/score',
    {
      preValidation: amountIsNumeric,
      schema: {
        tags: ['fraud'],
        summary: 'Score an order: fraud probability, decision and reasons',
        body: ScoreBody,
        response: { 200: ScoreResponse, ...errorResponses(400, 413, 415) },
      },
    },
    async (request) => desk.score(toOrder(request.body)),
  );

  app.post(
    '/v1/fraud/feedback',
    {
      schema: {
        tags: ['fraud'],
        summary: 'Label a scored transaction as fraud or legit, for the next training',
        body: FeedbackBody,
        response: { 200: FeedbackResponse, ...errorResponses(400) },
      },
    },
    async (request) =>
      desk.feedback(request.body.transactionId, request.body.label, request.body.note),
  );

  app.get(
    '/v1/fraud/model',
    {
      schema: {
        tags: ['fraud'],
        summary: 'The model in use, or why the service scores by rules only',
        response: { 200: ModelResponse },
      },
    },
    async () => desk.model(),
  );
}
