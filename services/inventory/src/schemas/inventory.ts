import { Type, type Static } from '@sinclair/typebox';
import { MAX_DAILY_UNITS } from '../domain/demand';

// Control characters (tab included) and bidirectional formatting, which could make one code
// show as another in a listing.
const HIDDEN = '\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069';
// None of those, and no blank at either end: ` A` would be stored and listed as a code of its
// own beside `A`. Blanks inside stay (`BANK CHARGES` is a code of the data set).
const CODE = `^[^\\s${HIDDEN}]([^${HIDDEN}]*[^\\s${HIDDEN}])?$`;
/** The rule codes and event ids keep, for the messages that reach inventory from Kafka. */
export const CODE_RULE = new RegExp(CODE, 'u');
/** The longest SKU or warehouse code. */
export const CODE_MAX = 64;
/** The longest movement event id. */
export const EVENT_ID_MAX = 200;
const Sku = Type.String({
  minLength: 1,
  maxLength: CODE_MAX,
  pattern: CODE,
  description: 'Stock code: no control characters, no blank at either end',
});
const Warehouse = Type.String({ minLength: 1, maxLength: CODE_MAX, pattern: CODE });
// Held to the same rule: `m1 ` would be applied again beside `m1`.
const EventId = Type.String({
  minLength: 1,
  maxLength: EVENT_ID_MAX,
  pattern: CODE,
  description: 'Applied once: no control characters, no blank at either end',
});
const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const LeadTime = Type.Number({ minimum: 0, maximum: 365, description: 'Mean lead time in days' });
const ServiceLevel = Type.Number({
  exclusiveMinimum: 0,
  exclusiveMaximum: 1,
  description: 'Target share of demand served from stock',
});

/** Most units of stock, on order or waiting that a policy is asked about. */
export const MAX_STOCK_UNITS = 1_000_000_000_000;
/** Most units one posted movement may carry. */
export const MAX_MOVEMENT_UNITS = 1_000_000;

const DailyUnits = Type.Number({ minimum: 0, maximum: MAX_DAILY_UNITS });
const StockUnits = Type.Number({ minimum: 0, maximum: MAX_STOCK_UNITS });
const MinOrder = Type.Integer({ minimum: 0, maximum: MAX_DAILY_UNITS });
const PackSize = Type.Integer({ minimum: 1, maximum: MAX_MOVEMENT_UNITS });
const Money = Type.Number({ minimum: 0, maximum: 1_000_000_000 });
const Urgency = Type.Union([
  Type.Literal('critical'),
  Type.Literal('high'),
  Type.Literal('medium'),
  Type.Literal('low'),
]);

export const SkuParams = Type.Object({ sku: Sku });

export const Settings = Type.Object({
  leadTimeDays: LeadTime,
  leadTimeSdDays: Type.Number({ minimum: 0, maximum: 365 }),
  reviewPeriodDays: Type.Integer({ minimum: 1, maximum: 365 }),
  serviceLevel: ServiceLevel,
  minOrderQuantity: MinOrder,
  packSize: PackSize,
  unitCost: Type.Union([Money, Type.Null()]),
  orderCost: Type.Union([Money, Type.Null()]),
  holdingRate: Type.Number({ exclusiveMinimum: 0, maximum: 10 }),
});
export const SettingsPatch = Type.Partial(Settings, { additionalProperties: false });
export const SettingsResponse = Type.Intersect([Type.Object({ sku: Sku }), Settings]);

const PolicyFigures = {
  sku: Type.Union([Sku, Type.Null()]),
  reorderPoint: Type.Integer(),
  orderUpTo: Type.Integer(),
  safetyStock: Type.Number(),
  orderQuantity: Type.Integer(),
  method: Type.String({ description: 'How lead-time demand was estimated' }),
  demandClass: Type.String(),
  meanDailyDemand: Type.Number(),
  leadTimeDemand: Type.Number({ description: 'Expected demand over lead time plus review' }),
  economicOrderQuantity: Type.Union([Type.Integer(), Type.Null()]),
  inventoryPosition: Type.Number(),
  daysOfCover: Type.Number(),
  stockoutDate: Type.Union([IsoDate, Type.Null()]),
  excessStock: Type.Integer(),
  leadTimeDays: Type.Number(),
  serviceLevel: Type.Number(),
  asOf: IsoDate,
};
export const PolicyResponse = Type.Object(PolicyFigures);

export const PolicyQuery = Type.Object({
  leadTimeDays: Type.Optional(LeadTime),
  serviceLevel: Type.Optional(ServiceLevel),
  warehouse: Type.Optional(Warehouse),
});
export type PolicyQueryT = Static<typeof PolicyQuery>;

export const PolicyBody = Type.Object(
  {
    sku: Type.Optional(Sku),
    history: Type.Array(DailyUnits, {
      maxItems: 3660,
      description: 'Units sold per day, oldest first, ending the day before asOf',
    }),
    onHand: StockUnits,
    onOrder: Type.Optional(StockUnits),
    backorders: Type.Optional(StockUnits),
    leadTimeDays: LeadTime,
    serviceLevel: ServiceLevel,
    leadTimeSdDays: Type.Optional(Type.Number({ minimum: 0, maximum: 365 })),
    reviewPeriodDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
    minOrderQuantity: Type.Optional(MinOrder),
    packSize: Type.Optional(PackSize),
    unitCost: Type.Optional(Money),
    orderCost: Type.Optional(Money),
    asOf: Type.Optional(IsoDate),
    forecast: Type.Optional(
      Type.Object({
        mean: Type.Array(DailyUnits, { minItems: 1, maxItems: 366 }),
        lower95: Type.Array(DailyUnits, { maxItems: 366 }),
        upper95: Type.Array(DailyUnits, { maxItems: 366 }),
      }),
    ),
  },
  { additionalProperties: false },
);
export type PolicyBodyT = Static<typeof PolicyBody>;

const StockPolicy = Type.Union([
  Type.Object({
    method: Type.String(),
    reorderPoint: Type.Integer(),
    orderUpTo: Type.Integer(),
    safetyStock: Type.Number(),
    orderQuantity: Type.Integer(),
    daysOfCover: Type.Number(),
    stockoutDate: Type.Union([IsoDate, Type.Null()]),
    excessStock: Type.Integer(),
  }),
  Type.Null(),
]);

export const StockEntry = Type.Object({
  sku: Sku,
  warehouse: Warehouse,
  onHand: Type.Integer(),
  onOrder: Type.Integer(),
  backorders: Type.Integer(),
  belowReorderPoint: Type.Boolean(),
  updatedAt: Type.String({ format: 'date-time' }),
  policy: StockPolicy,
});

export const SkuStockResponse = Type.Object({
  sku: Sku,
  onHand: Type.Integer(),
  onOrder: Type.Integer(),
  backorders: Type.Integer(),
  warehouses: Type.Array(StockEntry),
});

export const StockListQuery = Type.Object({
  warehouse: Type.Optional(Warehouse),
  belowReorderPoint: Type.Optional(Type.Boolean()),
  excess: Type.Optional(Type.Boolean()),
  cursor: Type.Optional(Type.String({ maxLength: 300 })),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
});

export const StockListResponse = Type.Object({
  items: Type.Array(StockEntry),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const Signal = Type.Object({
  sku: Sku,
  warehouse: Warehouse,
  status: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
  onHand: Type.Number(),
  onOrder: Type.Number(),
  backorders: Type.Number(),
  reorderPoint: Type.Number(),
  safetyStock: Type.Number(),
  orderQuantity: Type.Number(),
  daysOfCover: Type.Number(),
  stockoutDate: Type.Union([IsoDate, Type.Null()]),
  urgency: Type.String(),
  reason: Type.String(),
  changedAt: Type.String({ format: 'date-time' }),
});

export const SignalQuery = Type.Object({
  warehouse: Type.Optional(Warehouse),
  urgency: Type.Optional(Urgency),
  cursor: Type.Optional(Type.String({ maxLength: 64 })),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
});

export const SignalResponse = Type.Object({
  signals: Type.Array(Signal),
  nextCursor: Type.String({ description: 'Pass back to get only the changes after this page' }),
  hasMore: Type.Boolean(),
});

export const MovementKindSchema = Type.Union(
  [
    Type.Literal('RECEIPT'),
    Type.Literal('ADJUSTMENT'),
    Type.Literal('COUNT'),
    Type.Literal('ORDER'),
  ],
  { description: 'ORDER books units ordered from the supplier (on order until received)' },
);

export const MovementBody = Type.Object(
  {
    movements: Type.Array(
      Type.Object(
        {
          eventId: EventId,
          sku: Sku,
          warehouse: Type.Optional(Warehouse),
          kind: MovementKindSchema,
          quantity: Type.Integer({ minimum: -MAX_MOVEMENT_UNITS, maximum: MAX_MOVEMENT_UNITS }),
          reference: Type.Optional(Type.String({ maxLength: 200 })),
          occurredAt: Type.Optional(Type.String({ format: 'date-time' })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 1000 },
    ),
  },
  { additionalProperties: false },
);
export type MovementBodyT = Static<typeof MovementBody>;

export const MovementResponse = Type.Object({
  applied: Type.Integer(),
  duplicates: Type.Integer(),
});
