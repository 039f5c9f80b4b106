import { Type, type Static } from '@sinclair/typebox';

export const MessageBody = Type.Object(
  {
    conversationId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    customerId: Type.Optional(Type.String({ maxLength: 128 })),
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
  conversationId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  customerId: Type.Optional(Type.String({ maxLength: 128 })),
});
