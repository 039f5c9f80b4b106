import { Type, type Static } from '@sinclair/typebox';

// An empty id would read as "no shopper named", which may see any order: it is refused.
const CustomerId = Type.String({
  minLength: 1,
  maxLength: 128,
  pattern: '^[A-Za-z0-9._:-]+$',
  description: "The shopper's customer id; when given, only their own orders are answered",
});
// An id is taken as sent: control characters or lone surrogates in it are refused rather
// than dropped, which would make `a\u0000b` the conversation `ab`; so are blank ids.
const ConversationId = Type.String({
  minLength: 1,
  maxLength: 128,
  pattern: '^(?!\\s*$)[^\\u0000-\\u001f\\u007f-\\u009f\\ud800-\\udfff]+$',
});

export const MessageBody = Type.Object(
  {
    conversationId: Type.Optional(ConversationId),
    customerId: Type.Optional(CustomerId),
    text: Type.String({ minLength: 1, maxLength: 4000 }),
  },
  { additionalProperties: false },
);
export type MessageBody = Static<typeof MessageBody>;

export const EntitySchema = Type.Object(
  {
    type: Type.String({ description: 'order_number, email, amount, date, sku or postcode' }),
    value: Type.String(),
    start: Type.Integer(),
    end: Type.Integer(),
  },
  {
    description: 'Offsets index into the text as stored: control characters removed, ends trimmed',
  },
);

export const SupportAnswer = Type.Object({
  conversationId: Type.String(),
  intent: Type.String({ description: 'One of the 27 intents, or `fallback`' }),
  confidence: Type.Number({ minimum: 0, maximum: 1 }),
  entities: Type.Array(EntitySchema),
  sentiment: Type.Object({
    score: Type.Number({ minimum: -1, maximum: 1 }),
    label: Type.Union([
      Type.Literal('negative'),
      Type.Literal('neutral'),
      Type.Literal('positive'),
    ]),
  }),
  reply: Type.String(),
  escalate: Type.Boolean(),
  handoffReason: Type.Union([Type.String(), Type.Null()]),
});

export const VoiceAnswer = Type.Composite([
  SupportAnswer,
  Type.Object({ transcript: Type.String() }),
]);

export const VoiceQuery = Type.Object({
  conversationId: Type.Optional(ConversationId),
  customerId: Type.Optional(CustomerId),
});
