import { Type, type Static } from '@sinclair/typebox';

/** Ids of users and items: letters, digits and `._:-`, as the clickstream sets carry them. */
const Id = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._:-]+$' });

export const UserParams = Type.Object({ userId: Id });
export const ItemParams = Type.Object({ itemId: Id });

const Limit = Type.Integer({ minimum: 1, maximum: 100, default: 10 });
const Category = Type.String({ minLength: 1, maxLength: 128 });
/** `exclude=a,b` or `exclude=a&exclude=b`. */
const Exclude = Type.Array(
  Type.String({ minLength: 1, maxLength: 4000, pattern: '^[A-Za-z0-9._:-]+(,[A-Za-z0-9._:-]+)*$' }),
  { maxItems: 200 },
);

export const ListQuery = Type.Object({
  limit: Limit,
  category: Type.Optional(Category),
  exclude: Type.Optional(Exclude),
});
export type ListQuery = Static<typeof ListQuery>;

export const UserQuery = Type.Object({
  limit: Limit,
  category: Type.Optional(Category),
  exclude: Type.Optional(Exclude),
  excludePurchased: Type.Boolean({ default: true }),
});
export type UserQuery = Static<typeof UserQuery>;

export const PopularQuery = Type.Object({
  limit: Limit,
  category: Type.Optional(Category),
  exclude: Type.Optional(Exclude),
  window: Type.String({ default: '7d', pattern: '^[0-9]{1,4}[hdw]$' }),
});
export type PopularQuery = Static<typeof PopularQuery>;

export const SessionBody = Type.Object(
  {
    items: Type.Array(Id, { maxItems: 200 }),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    category: Type.Optional(Category),
    exclude: Type.Optional(Type.Array(Id, { maxItems: 200 })),
  },
  { additionalProperties: false },
);
export type SessionBody = Static<typeof SessionBody>;

const Item = Type.Object({
  itemId: Type.String(),
  score: Type.Number(),
  reason: Type.String(),
});

export const UserList = Type.Object({
  userId: Type.String(),
  strategy: Type.String(),
  items: Type.Array(Item),
});

export const ItemList = Type.Object({
  itemId: Type.String(),
  strategy: Type.String(),
  items: Type.Array(Item),
});

export const PlainList = Type.Object({
  strategy: Type.String(),
  window: Type.Optional(Type.String()),
  items: Type.Array(Item),
});
