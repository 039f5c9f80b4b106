import { Type, type Static } from '@sinclair/typebox';

const Value = Type.String({
  minLength: 1,
  maxLength: 256,
  pattern: '^[^\\u0000-\\u001f\\u007f]+$',
});
const Values = Type.Array(Value, { maxItems: 100_000 });
const Limit = Type.Optional(Type.Number({ minimum: 0 }));

export const ListKindParam = Type.Object({
  kind: Type.Union(['device', 'ip', 'email', 'customer'].map((k) => Type.Literal(k))),
});

export const ListBody = Type.Object(
  { block: Values, allow: Values },
  { additionalProperties: false },
);
export type ListBody = Static<typeof ListBody>;

export const ListResponse = Type.Object({
  kind: Type.String(),
  block: Type.Array(Type.String()),
  allow: Type.Array(Type.String()),
});

export const LimitsSchema = Type.Object(
  {
    maxAmount: Limit,
    maxOrdersPerDevicePerHour: Limit,
    maxCustomersPerDevicePerDay: Limit,
    maxOrdersPerIpPerHour: Limit,
    maxOrdersPerCustomerPerDay: Limit,
  },
  { additionalProperties: false },
);

export const RulesBody = Type.Object(
  {
    limits: Type.Optional(LimitsSchema),
    lists: Type.Optional(
      Type.Object(
        {
          device: Type.Optional(ListBody),
          ip: Type.Optional(ListBody),
          email: Type.Optional(ListBody),
          customer: Type.Optional(ListBody),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type RulesBody = Static<typeof RulesBody>;

export const RulesResponse = Type.Object({
  limits: LimitsSchema,
  lists: Type.Object({
    device: ListBody,
    ip: ListBody,
    email: ListBody,
    customer: ListBody,
  }),
});
