import { Type, type Static } from '@sinclair/typebox';
import { MAX_AMOUNT } from '../domain/order';

/** Ids and labels are one line of text: a control character in them is a client's mistake. */
const PRINTABLE = '^[^\\u0000-\\u001f\\u007f]*$';
const Id = Type.String({ minLength: 1, maxLength: 200, pattern: PRINTABLE });
const Text = Type.String({ maxLength: 256, pattern: PRINTABLE });
const Time = Type.String({
  format: 'date-time',
  maxLength: 64,
  description: 'ISO 8601 date and time, from 1970 to one day from now',
});

export const ScoreBody = Type.Object(
  {
    transactionId: Id,
    customerId: Id,
    amount: Type.Number({ minimum: 0, maximum: MAX_AMOUNT, description: 'Order value' }),
    currency: Type.Optional(Type.String({ maxLength: 8, pattern: PRINTABLE })),
    createdAt: Time,
    accountCreatedAt: Type.Optional(Time),
    deviceId: Type.Optional(Text),
    ipAddress: Type.Optional(
      Type.String({ maxLength: 64, pattern: PRINTABLE, description: 'IPv4 dotted quad' }),
    ),
    channel: Type.Optional(Text),
    browser: Type.Optional(Text),
    customerAge: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 150,
        description: 'Years; an age outside 10 to 110 is scored as unknown',
      }),
    ),
    customerSex: Type.Optional(Text),
    email: Type.Optional(Text),
    billingCountry: Type.Optional(Text),
    shippingCountry: Type.Optional(Text),
    paymentMethod: Type.Optional(Text),
  },
  { additionalProperties: false },
);
export type ScoreBody = Static<typeof ScoreBody>;

export const Reason = Type.Object({
  code: Type.String(),
  detail: Type.String(),
  weight: Type.Number(),
});

export const ScoreResponse = Type.Object({
  transactionId: Type.String(),
  score: Type.Number({ minimum: 0, maximum: 1 }),
  riskLevel: Type.Union([
    Type.Literal('normal'),
    Type.Literal('elevated'),
    Type.Literal('highest'),
  ]),
  decision: Type.Union([Type.Literal('approve'), Type.Literal('review'), Type.Literal('decline')]),
  reasons: Type.Array(Reason),
  modelVersion: Type.String(),
});

export const FeedbackBody = Type.Object(
  {
    transactionId: Id,
    label: Type.Union([Type.Literal('fraud'), Type.Literal('legit')]),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type FeedbackBody = Static<typeof FeedbackBody>;

export const FeedbackResponse = Type.Object({
  transactionId: Type.String(),
  label: Type.String(),
  decisionKnown: Type.Boolean(),
  receivedAt: Type.String(),
});

export const ModelResponse = Type.Object({
  mode: Type.Union([Type.Literal('model'), Type.Literal('training'), Type.Literal('rules-only')]),
  modelVersion: Type.String(),
  detail: Type.String(),
  thresholds: Type.Optional(Type.Object({ review: Type.Number(), decline: Type.Number() })),
  features: Type.Optional(Type.Integer()),
});
