import { type TrainingData } from './dataset';
import { decay, DAY_MS } from './types';

export interface PopularityOptions {
  windowDays: number;
  halfLifeDays: number;
}

/**
 * Recency-weighted popularity: each (user or basket, item) counts once per basket, decayed by
 * its age, within the window ending at `now`.
 */
export function popularity(
  data: TrainingData,
  options: PopularityOptions,
  now = data.now,
): Float64Array {
  const out = new Float64Array(data.items.size);
  const from = now - options.windowDays * DAY_MS;
  data.baskets.forEach((basket, b) => {
    const at = data.basketTimes[b];
    if (at < from || at > now) return;
    const w = decay(now - at, options.halfLifeDays);
    for (const item of basket) out[item] += w;
  });
  return out;
}
