import { Type } from '@sinclair/typebox';

// Control characters (tab included) and bidirectional formatting, which could make one name
// show as another in a listing.
const HIDDEN = '\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069';
// None of those, and no blank at either end: ` A` would be stored as a code or name of its own
// beside `A`. Blanks inside stay (`BANK CHARGES` is a SKU of the data set).
const NAME = `^[^\\s${HIDDEN}]([^${HIDDEN}]*[^\\s${HIDDEN}])?$`;
const Sku = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: NAME,
  description: 'Stock code: no control characters, no blank at either end',
});
// Below a hundredth of a penny a price means nothing, and demand at it overflows.
const Price = Type.Number({
  minimum: 0.0001,
  maximum: 1e9,
  description: 'A price of at least 0.0001',
});
const Nullable = <T extends ReturnType<typeof Type.Number>>(t: T) => Type.Union([t, Type.Null()]);
const Num = Type.Number();
const Interval = Type.Union([Type.Object({ lower: Num, upper: Num }), Type.Null()]);
const Confidence = Type.Union([Type.Literal('high'), Type.Literal('medium'), Type.Literal('none')]);

export const SkuParams = Type.Object({ sku: Sku });
export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
/** Recommendation ids are UUIDs. */
export const RecommendationParams = Type.Object({
  id: Type.String({
    pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
    description: 'the id of a recommendation, as its answer gave it',
  }),
});
export const CategoryParams = Type.Object({
  category: Type.String({ minLength: 1, maxLength: 128, pattern: NAME }),
});

const Estimate = {
  elasticity: Nullable(Num),
  interval: Interval,
  own: Type.Union([Type.Object({ estimate: Num, standardError: Num }), Type.Null()]),
  distinctPrices: Type.Integer(),
  observations: Type.Integer({ description: 'Days with sales' }),
  credible: Type.Boolean(),
  reason: Type.Optional(Type.String({ description: 'Why the estimate is not credible' })),
  method: Type.Union([Type.Literal('own'), Type.Literal('shrunk'), Type.Literal('none')]),
  confidence: Confidence,
};

export const ElasticityResponse = Type.Object({
  sku: Sku,
  currentPrice: Num,
  ...Estimate,
  segments: Type.Array(
    Type.Object({
      segment: Type.Union([Type.Literal('wholesale'), Type.Literal('retail')]),
      ...Estimate,
    }),
  ),
  pooled: Type.Object({
    elasticity: Num,
    between: Num,
    skus: Type.Integer(),
    scope: Type.Union([Type.Literal('category'), Type.Literal('all')]),
    category: Type.Optional(Type.String()),
  }),
  segmentRule: Type.String(),
});

export const RecommendationQuery = Type.Object({
  objective: Type.Union([Type.Literal('revenue'), Type.Literal('margin')], {
    default: 'margin',
  }),
  segment: Type.Optional(
    Type.Union([Type.Literal('wholesale'), Type.Literal('retail')], {
      description: "Use this buyer segment's elasticity and demand (default: all buyers)",
    }),
  ),
});

export const GuardrailsBody = Type.Object(
  {
    floor: Type.Optional(Price),
    ceiling: Type.Optional(Price),
    minMarginPct: Type.Optional(
      Type.Number({ minimum: 0, exclusiveMaximum: 100, description: 'Percent of the price' }),
    ),
    maxChangePct: Type.Optional(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 100 })),
    minAdvertisedPrice: Type.Optional(Price),
    priceEnding: Type.Optional(
      Type.Union([Type.Literal('.99'), Type.Literal('.95'), Type.Literal('none')]),
    ),
    competitorMaxAbovePct: Type.Optional(Type.Number({ minimum: 0, maximum: 1000 })),
    excessCoverDays: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 3650 })),
    lowCoverDays: Type.Optional(Type.Number({ minimum: 0, maximum: 3650 })),
  },
  { additionalProperties: false },
);

const EffectiveGuardrails = Type.Object({
  floor: Type.Optional(Num),
  ceiling: Type.Optional(Num),
  minMarginPct: Type.Optional(Num),
  maxChangePct: Num,
  minAdvertisedPrice: Type.Optional(Num),
  priceEnding: Type.String(),
  competitorMaxAbovePct: Type.Optional(Num),
  excessCoverDays: Num,
  lowCoverDays: Num,
});

export const GuardrailsResponse = Type.Object({
  scope: Type.Union([Type.Literal('sku'), Type.Literal('category')]),
  key: Type.String(),
  guardrails: GuardrailsBody,
  effective: EffectiveGuardrails,
});

export const RecommendationResponse = Type.Object({
  id: Type.String({ description: 'Pass to approve' }),
  sku: Sku,
  objective: Type.String(),
  segment: Type.String({ description: 'all, wholesale or retail' }),
  currentPrice: Num,
  recommendedPrice: Num,
  changePct: Num,
  expectedUnits: Type.Number({ description: 'Expected units per day at the recommended price' }),
  expectedRevenue: Num,
  expectedMargin: Num,
  elasticity: Nullable(Num),
  elasticityInterval: Interval,
  boundBy: Type.Array(Type.String()),
  conflicts: Type.Array(
    Type.Object({ guardrail: Type.String(), overriddenBy: Type.Array(Type.String()) }),
  ),
  confidence: Confidence,
  notes: Type.Array(Type.String()),
  unitCost: Num,
  costSource: Type.Union([Type.Literal('product'), Type.Literal('defaultRatio')]),
  currency: Type.String(),
  lowestCompetitorPrice: Nullable(Num),
  onHand: Nullable(Num),
  stock: Type.String({ description: 'excess, low, normal or unknown' }),
  daysOfCover: Nullable(Num),
  guardrails: EffectiveGuardrails,
  createdAt: Type.String(),
});

export const SimulateBody = Type.Object(
  { sku: Sku, prices: Type.Array(Price, { minItems: 1, maxItems: 200 }) },
  { additionalProperties: false },
);

export const SimulateResponse = Type.Object({
  sku: Sku,
  currentPrice: Num,
  unitCost: Num,
  costSource: Type.String(),
  elasticity: Num,
  basis: Type.Union([Type.Literal('sku'), Type.Literal('pooled')]),
  credible: Type.Boolean(),
  points: Type.Array(Type.Object({ price: Num, units: Num, revenue: Num, margin: Num })),
});

export const CompetitorPricesBody = Type.Object(
  {
    prices: Type.Array(
      Type.Object(
        {
          sku: Sku,
          competitor: Type.String({ minLength: 1, maxLength: 128, pattern: NAME }),
          price: Price,
          observedAt: Type.Optional(
            Type.String({
              format: 'date-time',
              description: 'Not after a day from now, not before 1970; default now',
            }),
          ),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 10_000 },
    ),
  },
  { additionalProperties: false },
);
export const CompetitorPricesResponse = Type.Object({ accepted: Type.Integer() });

export const ApproveBody = Type.Object(
  { approvedBy: Type.String({ minLength: 1, maxLength: 128 }) },
  { additionalProperties: false },
);
export const ApproveResponse = Type.Object({
  id: Type.String(),
  sku: Sku,
  oldPrice: Num,
  newPrice: Num,
  approvedBy: Type.String(),
  approvedAt: Type.String(),
  publishedAt: Type.Union([Type.String(), Type.Null()]),
  alreadyApproved: Type.Boolean({ description: 'True when this call changed nothing' }),
});

export const HistoryResponse = Type.Object({
  sku: Sku,
  changes: Type.Array(
    Type.Object({
      recommendationId: Type.String(),
      oldPrice: Num,
      newPrice: Num,
      approvedBy: Type.String(),
      approvedAt: Type.String(),
    }),
  ),
});

const Metric = Type.Union([Type.Literal('revenuePerVisitor'), Type.Literal('conversion')]);

export const ExperimentBody = Type.Object(
  {
    sku: Sku,
    arms: Type.Array(
      Type.Object(
        {
          name: Type.String({ minLength: 1, maxLength: 64, pattern: NAME }),
          price: Price,
          weight: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1000 })),
        },
        { additionalProperties: false },
      ),
      { minItems: 2, maxItems: 10, description: 'The first arm is the control' },
    ),
    metric: Type.Optional(Metric),
    minVisitors: Type.Optional(Type.Integer({ minimum: 10, maximum: 10_000_000 })),
  },
  { additionalProperties: false },
);

const Arm = Type.Object({ name: Type.String(), price: Num, weight: Num });

export const ExperimentResponse = Type.Object({
  id: Type.String(),
  sku: Sku,
  arms: Type.Array(Arm),
  metric: Metric,
  minVisitors: Type.Integer(),
  status: Type.Union([Type.Literal('running'), Type.Literal('stopped')]),
  stoppedArms: Type.Array(Type.String()),
  createdAt: Type.String(),
  stoppedAt: Type.Union([Type.String(), Type.Null()]),
});

const Comparison = Type.Object({
  conversionDiff: Num,
  conversionDiffCi: Type.Array(Num),
  conversionLift: Nullable(Num),
  z: Num,
  pConversion: Num,
  rpvDiff: Num,
  rpvDiffCi: Type.Array(Num),
  rpvLift: Nullable(Num),
  t: Num,
  df: Num,
  pRevenue: Num,
});

export const ExperimentReportResponse = Type.Intersect([
  ExperimentResponse,
  Type.Object({
    control: Type.String(),
    results: Type.Array(
      Type.Object({
        name: Type.String(),
        price: Num,
        visitors: Type.Integer(),
        conversions: Type.Integer(),
        revenue: Num,
        revenueSquares: Num,
        conversionRate: Num,
        revenuePerVisitor: Num,
        vsControl: Type.Union([Comparison, Type.Null()]),
      }),
    ),
  }),
]);

export const AssignmentQuery = Type.Object({
  unitId: Type.String({
    minLength: 1,
    maxLength: 128,
    // Blank ids would put every anonymous caller in one unit.
    pattern: '^\\S(.*\\S)?$',
    description: 'User id, else session id; no leading, trailing or only whitespace',
  }),
});
export const AssignmentResponse = Type.Object({
  experimentId: Type.String(),
  sku: Sku,
  unitId: Type.String(),
  arm: Type.String(),
  price: Num,
  assignedArm: Type.String(),
  stopped: Type.Boolean(),
});

export const StopBody = Type.Object(
  { arms: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })) },
  { additionalProperties: false },
);
