import { Type, type Static } from '@sinclair/typebox';

const Values = Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { maxItems: 100_000 });
const Limit = Type.Optional(Type.Number({ minimum: 0 }));

export const ListKindParam = Type.Object({
  kind: Type.Union(['device', 'ip', 'email', 'customer'].map((k) => Type.Literal(k))),
});

export const ListBody = Type.Object({ block: Values, allow: Values });
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

export const RulesBody = Type.Object({
  limits: Type.Optional(LimitsSchema),
  lists: Type.Optional(
    Type.Object({
      device: Type.Optional(ListBody),
      ip: Type.Optional(ListBody),
      email: Type.Optional(ListBody),
      customer: Type.Optional(ListBody),
    }),
  ),
});
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
