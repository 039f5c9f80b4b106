import {
  DEFAULT_EMPIRICAL,
  demandFromHistory,
  forecastDailyMean,
  forecastUnits,
  type DemandClass,
  type DemandMethod,
  type EmpiricalOptions,
  type ForecastPath,
} from './demand';

/** Per-SKU replenishment settings. */
export interface SkuSettings {
  leadTimeDays: number;
  leadTimeSdDays: number;
  reviewPeriodDays: number;
  serviceLevel: number;
  minOrderQuantity: number;
  packSize: number;
  /** Cost of one unit; with `orderCost` it enables the economic order quantity. */
  unitCost: number | null;
  /** Fixed cost of placing one order. */
  orderCost: number | null;
  /** Yearly holding cost as a share of the unit cost. */
  holdingRate: number;
}

export const DEFAULT_SETTINGS: SkuSettings = {
  leadTimeDays: 7,
  leadTimeSdDays: 0,
  reviewPeriodDays: 1,
  serviceLevel: 0.95,
  minOrderQuantity: 1,
  packSize: 1,
  unitCost: null,
  orderCost: null,
  holdingRate: 0.25,
};

/** Days of cover reported when nothing sells: finite, and far beyond any planning horizon. */
export const MAX_DAYS_OF_COVER = 3650;

export interface PolicyInput {
  /** Units sold per day, oldest first, ending yesterday. */
  history: number[];
  forecast?: ForecastPath;
  onHand: number;
  onOrder?: number;
  backorders?: number;
  settings: SkuSettings;
  /** The day the policy is for (ISO date); the stock-out date counts from it. */
  asOf: string;
  empirical?: EmpiricalOptions;
}

export interface Policy {
  method: DemandMethod;
  demandClass: DemandClass;
  meanDailyDemand: number;
  leadTimeDemand: number;
  safetyStock: number;
  reorderPoint: number;
  orderUpTo: number;
  /** Order now: zero unless the inventory position is at or below the reorder point. */
  orderQuantity: number;
  economicOrderQuantity: number | null;
  inventoryPosition: number;
  daysOfCover: number;
  stockoutDate: string | null;
  excessStock: number;
}

/**
 * Economic order quantity, when the costs that define it are known. A near-free unit would
 * make it endless, so it stops at the demand of `MAX_DAYS_OF_COVER` days.
 */
export function economicOrderQuantity(dailyMean: number, s: SkuSettings): number | null {
  if (s.unitCost === null || s.orderCost === null) return null;
  const holding = s.unitCost * s.holdingRate;
  if (!(holding > 0) || !(dailyMean > 0)) return null;
  const eoq = Math.sqrt((2 * dailyMean * 365 * s.orderCost) / holding);
  return Math.min(eoq, MAX_DAYS_OF_COVER * dailyMean);
}

/** Rounds a need up to whole packs, and to at least the minimum order; zero stays zero. */
export function roundOrder(need: number, s: SkuSettings): number {
  if (!(need > 0)) return 0;
  const pack = Math.max(1, Math.round(s.packSize));
  const packs = Math.ceil(Math.ceil(need - 1e-9) / pack) * pack;
  const moq = Math.ceil(Math.max(0, s.minOrderQuantity) / pack) * pack;
  return Math.max(packs, moq);
}

function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * Days until cumulative expected demand exceeds the stock: along the forecast's daily shape
 * when there is one, rescaled to the policy's own rate (the path is a median, its level too
 * low for lumpy demand), and at that rate beyond the path.
 */
function coverDays(stock: number, dailyMean: number, forecast?: ForecastPath): number {
  if (stock <= 0) return 0;
  if (!(dailyMean > 0)) return MAX_DAYS_OF_COVER;
  const path = (forecast?.mean ?? []).map(forecastUnits);
  const pathMean = path.reduce((a, m) => a + m, 0) / Math.max(1, path.length);
  const scale = pathMean > 0 ? dailyMean / pathMean : 0;
  let left = stock;
  if (scale > 0) {
    for (let day = 0; day < path.length; day++) {
      const m = path[day] * scale;
      if (m >= left) return day + left / m;
      left -= m;
    }
  }
  const done = scale > 0 ? path.length : 0;
  return Math.min(MAX_DAYS_OF_COVER, done + left / dailyMean);
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * The replenishment policy of one SKU: a reorder point from the SKU's demand over lead time
 * plus review period (see `reorderLevel`), an order-up-to level one cycle above it (the
 * economic order quantity when costs are known, else the review period's demand), and what
 * to order now given the stock. A forecast can raise the demand level and shapes the cover.
 */
export function computePolicy(input: PolicyInput): Policy {
  const s = input.settings;
  const protection = {
    leadTimeDays: s.leadTimeDays,
    leadTimeSdDays: s.leadTimeSdDays,
    reviewPeriodDays: s.reviewPeriodDays,
    serviceLevel: s.serviceLevel,
  };
  const demand = demandFromHistory(
    input.history,
    protection,
    input.empirical ?? DEFAULT_EMPIRICAL,
    input.forecast ? forecastDailyMean(input.forecast, protection) : undefined,
  );

  const reorderPoint = Math.max(0, Math.ceil(demand.reorderLevel - 1e-9));
  const safetyStock = Math.max(0, round2(reorderPoint - demand.mean));
  const eoq = economicOrderQuantity(demand.dailyMean, s);
  const cycle = eoq ?? demand.dailyMean * s.reviewPeriodDays;
  const orderUpTo = demand.dailyMean > 0 ? Math.ceil(reorderPoint + cycle - 1e-9) : reorderPoint;

  const onHand = Math.max(0, input.onHand);
  const position = onHand + Math.max(0, input.onOrder ?? 0) - Math.max(0, input.backorders ?? 0);
  const orderQuantity = position <= reorderPoint ? roundOrder(orderUpTo - position, s) : 0;

  const cover = coverDays(onHand, demand.dailyMean, input.forecast);
  // Without demand nothing runs out, even from an empty shelf.
  const stockoutDate =
    demand.dailyMean > 0 && cover < MAX_DAYS_OF_COVER
      ? addDays(input.asOf, Math.floor(cover))
      : null;

  return {
    method: demand.method,
    demandClass: demand.demandClass,
    meanDailyDemand: round2(demand.dailyMean),
    leadTimeDemand: round2(demand.mean),
    safetyStock,
    reorderPoint,
    orderUpTo,
    orderQuantity,
    economicOrderQuantity: eoq === null ? null : Math.ceil(eoq),
    inventoryPosition: position,
    daysOfCover: round2(cover),
    stockoutDate,
    excessStock: Math.max(0, Math.floor(position - orderUpTo)),
  };
}
