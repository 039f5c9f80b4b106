import { Type, type Static } from '@sinclair/typebox';
import { MODEL_NAMES } from '../domain/forecast';
import { MAX_HORIZON } from '../domain/sku-forecasts';

// One schema with both types, not a union: with type coercion on, a union would let Ajv turn
// 0 into null (or null into 0) while trying the branches.
// Bounded so that sums of squares over 20,000 values stay finite.
const Value = Type.Unsafe<number | null>({
  type: ['number', 'null'],
  minimum: -1e15,
  maximum: 1e15,
  description: 'null = missing; at most 1e15 in size',
});

export const SeriesSchema = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 200 }),
    start: Type.Optional(Type.String({ format: 'date', description: 'date of the first value' })),
    values: Type.Optional(Type.Array(Value, { minItems: 1, maxItems: 20_000 })),
    points: Type.Optional(
      Type.Array(Type.Object({ date: Type.String({ format: 'date' }), value: Value }), {
        minItems: 1,
        maxItems: 20_000,
        description:
          'missing dates count as 0; duplicate dates are summed; ' +
          'at most 20,000 periods from first to last',
      }),
    ),
  },
  { additionalProperties: false },
);

export const Horizon = Type.Integer({ minimum: 1, maximum: MAX_HORIZON, default: 28 });
export const Model = Type.Union(
  MODEL_NAMES.map((m) => Type.Literal(m)),
  { default: 'auto' },
);

export const ForecastBody = Type.Object(
  {
    horizon: Horizon,
    frequency: Type.Union([Type.Literal('D'), Type.Literal('W'), Type.Literal('M')], {
      default: 'D',
    }),
    levels: Type.Array(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 100 }), {
      minItems: 1,
      maxItems: 10,
      default: [80, 95],
    }),
    model: Model,
    series: Type.Array(SeriesSchema, { minItems: 1, maxItems: 1000 }),
  },
  { additionalProperties: false },
);
export type ForecastBody = Static<typeof ForecastBody>;

const Path = Type.Array(Type.Number());
const Bands = Type.Record(Type.String(), Path);

export const BacktestRow = Type.Object({
  model: Type.String(),
  mase: Type.Union([Type.Number(), Type.Null()]),
  rmsse: Type.Union([Type.Number(), Type.Null()]),
  folds: Type.Integer(),
});

export const Forecast = Type.Object({
  id: Type.String(),
  model: Type.String(),
  start: Type.String({ format: 'date', description: 'first forecast date' }),
  mean: Path,
  lower: Bands,
  upper: Bands,
  warnings: Type.Array(Type.String()),
});

export const ForecastReply = Type.Object({ forecasts: Type.Array(Forecast) });

export const SkuParams = Type.Object({ sku: Type.String({ minLength: 1, maxLength: 200 }) });
export const SkuQuery = Type.Object({ horizon: Horizon }, { additionalProperties: false });

export const SkuForecastReply = Type.Composite([
  Forecast,
  Type.Object({ sku: Type.String(), computedAt: Type.String({ format: 'date-time' }) }),
]);

export const BacktestReply = Type.Object({
  sku: Type.String(),
  horizon: Type.Integer(),
  chosen: Type.String(),
  candidates: Type.Array(BacktestRow),
});
