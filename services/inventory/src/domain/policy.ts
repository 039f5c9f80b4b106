import {
  DEFAULT_EMPIRICAL,
  demandFromForecast,
  demandFromHistory,
  classifyDemand,
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

/** Economic order quantity, when the costs that define it are known. */
export function economicOrderQuantity(dailyMean: number, s: SkuSettings): number | null {
  if (s.unitCost === null || s.orderCost === null) return null;
  const holding = s.unitCost * s.holdingRate;
  if (!(holding > 0) || !(dailyMean > 0)) return null;
  return Math.sqrt((2 * dailyMean * 365 * s.orderCost) / holding);
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

/** Days until cumulative expected demand exceeds the stock, along the forecast when given. */
function coverDays(stock: number, dailyMean: number, forecast?: ForecastPath): number {
  if (stock <= 0) return 0;
  if (forecast && forecast.mean.length > 0) {
    let left = stock;
    for (let day = 0; day < forecast.mean.length; day++) {
      const m = Math.max(0, Number.isFinite(forecast.mean[day]) ? forecast.mean[day] : 0);
      if (m >= left) return day + left / m;
      left -= m;
    }
    return dailyMean > 0
      ? Math.min(MAX_DAYS_OF_COVER, forecast.mean.length + left / dailyMean)
      : MAX_DAYS_OF_COVER;
  }
  return dailyMean > 0 ? Math.min(MAX_DAYS_OF_COVER, stock / dailyMean) : MAX_DAYS_OF_COVER;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * The replenishment policy of one SKU: a reorder point at the service-level quantile of
 * demand over lead time plus review period, an order-up-to level one cycle above it (the
 * economic order quantity when costs are known, else the review period's demand), and what
 * to order now given the stock.
 */
export function computePolicy(input: PolicyInput): Policy {
  const s = input.settings;
  const protection = {
    leadTimeDays: s.leadTimeDays,
    leadTimeSdDays: s.leadTimeSdDays,
    reviewPeriodDays: s.reviewPeriodDays,
    serviceLevel: s.serviceLevel,
  };
  const fromHistory = demandFromHistory(
    input.history,
    protection,
    input.empirical ?? DEFAULT_EMPIRICAL,
  );
  const demand =
    input.forecast && input.forecast.mean.length > 0
      ? demandFromForecast(input.forecast, protection, classifyDemand(input.history.slice(-182)))
      : fromHistory;

  const reorderPoint = Math.max(0, Math.ceil(demand.quantile - 1e-9));
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
