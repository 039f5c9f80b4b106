import { reorderLevel } from './reorder-level';
import { countQuantile, weightedMoments } from './stats';

/** A forecast path as the forecasting service publishes it (daily, from tomorrow). */
export interface ForecastPath {
  mean: number[];
  lower95: number[];
  upper95: number[];
}

/**
 * Most units a SKU is taken to sell in one day, far above any real SKU. A forecast's days are
 * read within it, so a runaway path (or one stored before the limit) cannot overflow a policy.
 */
export const MAX_DAILY_UNITS = 1_000_000_000;

/** A forecast day as units: within 0..`MAX_DAILY_UNITS`, and 0 when it is not a number. */
export function forecastUnits(m: number): number {
  return Number.isFinite(m) ? Math.min(MAX_DAILY_UNITS, Math.max(0, m)) : 0;
}

/** How far ahead a replenishment decision must protect, and how surely. */
export interface Protection {
  leadTimeDays: number;
  /** Standard deviation of the lead time in days; 0 when it is fixed. */
  leadTimeSdDays: number;
  reviewPeriodDays: number;
  serviceLevel: number;
}

/** Tuning of the history-based estimate; the defaults were chosen on the tuning windows. */
export interface EmpiricalOptions {
  /** Days of history the windows are drawn from. */
  windowDays: number;
  /** Age in days at which a window counts half as much as today's. */
  halfLifeDays: number;
  /** Fewest selling days in the window for the empirical method. */
  minSellingDays: number;
  /**
   * Days of the recent level the samples are rescaled to (0: off), so a seasonal ramp is
   * not met with last quarter's volumes. The ratio is clamped to [1/1.5, 1.5].
   * Off by default: it did not raise the fill rate on the tuning windows.
   */
  levelDays: number;
  /**
   * Extra weight of windows that start on the same weekday as the coming protection interval
   * (1: none), so a weekly rhythm is matched when the interval is not whole weeks.
   */
  weekdayWeight: number;
}

export const DEFAULT_EMPIRICAL: EmpiricalOptions = {
  windowDays: 364,
  halfLifeDays: 112,
  minSellingDays: 10,
  levelDays: 0,
  weekdayWeight: 1,
};

/**
 * Days of recent history for the demand class and for the selling rate dormancy compares
 * against: half a year, whatever the sampling window.
 */
export const RECENT_DAYS = 182;

export type DemandMethod =
  'no-demand' | 'dormant' | 'empirical-bootstrap' | 'negative-binomial' | 'forecast-quantile';

/** Syntetos-Boylan classes, from the interval between sales and the spread of their sizes. */
export type DemandClass = 'none' | 'smooth' | 'erratic' | 'intermittent' | 'lumpy';

/** Demand over the protection interval (lead time plus review period). */
export interface LeadTimeDemand {
  method: DemandMethod;
  demandClass: DemandClass;
  /** Expected demand per day looking forward. */
  dailyMean: number;
  /** Days protected: mean lead time plus review period. */
  protectionDays: number;
  mean: number;
  /**
   * The reorder level: the service level's fill-rate level of demand over the protection
   * interval, capped where more stock costs more than the sales it saves (the plain quantile
   * for the negative binomial).
   */
  reorderLevel: number;
}

/** Classifies a daily series: average inter-demand interval 1.32 and squared CV 0.49. */
export function classifyDemand(history: number[]): DemandClass {
  const sizes = history.filter((q) => q > 0);
  if (sizes.length === 0) return 'none';
  const adi = history.length / sizes.length;
  const { mean, variance } = weightedMoments(
    sizes,
    sizes.map(() => 1),
  );
  const cv2 = mean > 0 ? variance / (mean * mean) : 0;
  if (adi < 1.32) return cv2 < 0.49 ? 'smooth' : 'erratic';
  return cv2 < 0.49 ? 'intermittent' : 'lumpy';
}

/**
 * Lead times to mix over: the mean alone when it is fixed, else five points of a discretised
 * normal (at -2..2 sd) with their weights, so a late delivery is protected against too.
 */
export function leadTimeSpread(mean: number, sd: number): { days: number; weight: number }[] {
  if (!(sd > 0)) return [{ days: Math.max(0, Math.round(mean)), weight: 1 }];
  const points = new Map<number, number>();
  for (const k of [-2, -1, 0, 1, 2]) {
    const days = Math.max(0, Math.round(mean + k * sd));
    points.set(days, (points.get(days) ?? 0) + Math.exp((-k * k) / 2));
  }
  return [...points].map(([days, weight]) => ({ days, weight }));
}

/**
 * True when the run of zero days at the end of the history would be unlikely (below
 * 1 - service level) if the SKU still sold as often as before the run: demand has stopped,
 * and stocking for the old rate would only make excess.
 */
export function demandStopped(
  history: number[],
  serviceLevel: number,
  windowDays: number,
): boolean {
  let run = 0;
  while (run < history.length && history[history.length - 1 - run] === 0) run++;
  if (run === 0 || run === history.length) return false;
  const before = history.slice(
    Math.max(0, history.length - run - windowDays),
    history.length - run,
  );
  const sellingShare = before.filter((q) => q > 0).length / before.length;
  return (1 - sellingShare) ** run < (1 - serviceLevel) / 10;
}

function recencyWeight(age: number, halfLifeDays: number): number {
  return halfLifeDays > 0 ? 0.5 ** (age / halfLifeDays) : 1;
}

/**
 * The empirical estimate: every run of consecutive days of the protection length in the recent
 * history is one sample of lead-time demand (blocks keep the weekly rhythm and the clustering
 * of big orders), weighted by recency and by the chance of that lead time.
 */
function empirical(
  history: number[],
  p: Protection,
  o: EmpiricalOptions,
  floorDailyMean?: number,
): LeadTimeDemand {
  const recent = history.slice(-o.windowDays);
  const prefix = [0];
  for (const q of recent) prefix.push(prefix[prefix.length - 1] + q);
  const review = Math.max(1, p.reviewPeriodDays);
  const cycle: number[] = [];
  const lead: number[] = [];
  const weights: number[] = [];
  for (const lt of leadTimeSpread(p.leadTimeDays, p.leadTimeSdDays)) {
    const span = Math.min(recent.length, lt.days + review);
    const leadSpan = Math.max(0, span - review);
    for (let end = span; end <= recent.length; end++) {
      cycle.push(prefix[end] - prefix[end - span]);
      lead.push(prefix[end - span + leadSpan] - prefix[end - span]);
      const sameWeekday = (recent.length - (end - span)) % 7 === 0;
      weights.push(
        lt.weight *
          recencyWeight(recent.length - end, o.halfLifeDays) *
          (sameWeekday ? o.weekdayWeight : 1),
      );
    }
  }
  const dailyWeights = recent.map((_, i) => recencyWeight(recent.length - 1 - i, o.halfLifeDays));
  const daily = weightedMoments(recent, dailyWeights);
  let ratio = levelRatio(recent, daily.mean, o.levelDays);
  const raised = floorDailyMean !== undefined && floorDailyMean > daily.mean * ratio;
  if (raised && daily.mean > 0) ratio = floorDailyMean / daily.mean;
  if (ratio !== 1) {
    for (let i = 0; i < cycle.length; i++) {
      cycle[i] *= ratio;
      lead[i] *= ratio;
    }
    daily.mean *= ratio;
  }
  const protectionDays = p.leadTimeDays + p.reviewPeriodDays;
  return {
    method: raised ? 'forecast-quantile' : 'empirical-bootstrap',
    demandClass: classifyDemand(recent.slice(-RECENT_DAYS)),
    dailyMean: daily.mean,
    protectionDays,
    mean: weightedMoments(cycle, weights).mean,
    reorderLevel: reorderLevel(
      { cycle, lead, weights },
      p.serviceLevel,
      daily.mean * review,
      protectionDays,
    ),
  };
}

function levelRatio(recent: number[], weightedMean: number, levelDays: number): number {
  if (levelDays <= 0 || weightedMean <= 0 || recent.length < levelDays) return 1;
  const level = recent.slice(-levelDays).reduce((a, q) => a + q, 0) / levelDays;
  return Math.min(1.5, Math.max(1 / 1.5, level / weightedMean));
}

/** Daily mean and variance scaled to the protection interval, plus the lead-time spread term. */
function countModel(dailyMean: number, dailyVariance: number, p: Protection) {
  const days = p.leadTimeDays + p.reviewPeriodDays;
  const mean = dailyMean * days;
  const variance = dailyVariance * days + dailyMean ** 2 * p.leadTimeSdDays ** 2;
  return { days, mean, reorderLevel: countQuantile(mean, variance, p.serviceLevel) };
}

/**
 * Lead-time demand from the SKU's own daily history (oldest first). `floorDailyMean`, the
 * forecast's expected demand per day over the interval, can raise the level, never lower it:
 * the published path is a per-day median, below the mean for lumpy demand, so only a forecast
 * above the history's own rate says something the history does not (demand ramping up).
 */
export function demandFromHistory(
  history: number[],
  p: Protection,
  o: EmpiricalOptions = DEFAULT_EMPIRICAL,
  floorDailyMean?: number,
): LeadTimeDemand {
  const recent = history.slice(-o.windowDays);
  const demandClass = classifyDemand(recent.slice(-RECENT_DAYS));
  const zero = {
    demandClass,
    dailyMean: 0,
    protectionDays: p.leadTimeDays + p.reviewPeriodDays,
    mean: 0,
    reorderLevel: 0,
  };
  if (demandClass === 'none') return { method: 'no-demand', ...zero };
  if (demandStopped(history, p.serviceLevel, RECENT_DAYS)) return { method: 'dormant', ...zero };

  const sellingDays = recent.filter((q) => q > 0).length;
  const span = p.leadTimeDays + p.reviewPeriodDays;
  if (sellingDays >= o.minSellingDays && recent.length >= 2 * span) {
    return empirical(history, p, o, floorDailyMean);
  }

  // Too little history for the blocks to say much: a negative binomial on the daily moments.
  const weights = recent.map((_, i) => recencyWeight(recent.length - 1 - i, o.halfLifeDays));
  const daily = weightedMoments(recent, weights);
  const raised = floorDailyMean !== undefined && floorDailyMean > daily.mean;
  const scale = raised && daily.mean > 0 ? floorDailyMean / daily.mean : 1;
  const dailyMean = raised ? floorDailyMean : daily.mean;
  const model = countModel(dailyMean, daily.variance * scale * scale, p);
  return {
    method: raised ? 'forecast-quantile' : 'negative-binomial',
    demandClass,
    dailyMean,
    protectionDays: model.days,
    mean: model.mean,
    reorderLevel: model.reorderLevel,
  };
}

/**
 * The forecast's expected demand per day over the protection interval (the last day repeated
 * when the path is shorter).
 */
export function forecastDailyMean(forecast: ForecastPath, p: Protection): number | undefined {
  if (forecast.mean.length === 0) return undefined;
  const span = Math.max(1, Math.round(p.leadTimeDays + p.reviewPeriodDays));
  let sum = 0;
  for (let i = 0; i < span; i++) {
    sum += forecastUnits(forecast.mean[Math.min(i, forecast.mean.length - 1)]);
  }
  return sum / span;
}
