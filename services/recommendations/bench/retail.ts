import { createLogger } from '@qm/kit';
import { readConfig } from '../src/config';
import { listQuality, meanQuality, type ListQuality } from '../src/domain/metrics';
import { DEFAULT_WEIGHTS, type Snapshot } from '../src/domain/recommender';
import { DAY_MS, type ScoreMap, topN } from '../src/domain/types';
import { COMPONENTS, type Component, type Weights } from '../src/domain/user-models';
import {
  createRecommendations,
  type LiveState,
  type Recommendations,
} from '../src/recommendations';
import { ItemFigures } from './ranker/features';
import { rankedItems, trainRanker } from './ranker/ranker';
import { readRetail, type RetailData, storeBefore } from './retail-data';

/** Live state in memory: the quality bench sends no events and needs no Redis. */
function memoryLive(): LiveState {
  const answers = new Map<string, unknown>();
  return {
    addEvents: async () => undefined,
    lookupUser: async (userId: string, field: string) => {
      const cached = answers.get(`${userId}|${field}`) as string | undefined;
      return cached !== undefined ? { cached } : { recent: [], generation: '0' };
    },
    cacheForUser: async (userId, field, value) => void answers.set(`${userId}|${field}`, value),
    cached: async <T>(key: string) => answers.get(key) as T | undefined,
    cache: async (key, value) => void answers.set(key, value),
  };
}

/**
 * Per evaluated user: each candidate's component scores at the cut-off (candidates are the
 * union of every component's top 40) and the items bought in the window.
 */
interface Case {
  candidates: Int32Array;
  features: Float32Array;
  relevant: Set<number>;
  userId: string;
}

/** One window: the service trained on everything before it and each customer's case. */
interface Window {
  service: Recommendations;
  snapshot: Snapshot;
  cases: Case[];
  start: number;
  end: number;
}

function toCase(parts: Record<Component, ScoreMap>, relevant: Set<number>, userId: string): Case {
  const tops = COMPONENTS.map((c) => new Map(topN(parts[c], 40)));
  const candidates = Int32Array.from(new Set(tops.flatMap((m) => [...m.keys()])));
  const features = new Float32Array(candidates.length * COMPONENTS.length);
  candidates.forEach((item, r) => {
    tops.forEach((m, c) => (features[r * COMPONENTS.length + c] = m.get(item) ?? 0));
  });
  return { candidates, features, relevant, userId };
}

/**
 * One window as the service sees it: a service trained on every purchase before `start`
 * (its store holds what the replay would have delivered by then), and each customer who
 * bought in `[start, end)` with the items bought.
 */
async function windowOf(
  data: RetailData,
  start: number,
  end: number,
  weights: Weights = DEFAULT_WEIGHTS,
): Promise<Window> {
  const service = createRecommendations({
    store: storeBefore(data, start),
    live: memoryLive(),
    log: createLogger('recommendations-bench', 'warn'),
    historyDays: readConfig({}).QM_RECS_HISTORY_DAYS,
    snapshotOptions: { weights },
  });
  const snapshot = await service.retrain();
  const { data: trained } = snapshot;
  const bought = new Map<number, Set<number>>();
  for (const e of data.interactions) {
    if (e.at < start || e.at >= end) continue;
    const user = trained.users.get(e.userId);
    const item = trained.items.get(e.itemId);
    if (user === undefined) continue;
    let set = bought.get(user);
    if (set === undefined) bought.set(user, (set = new Set()));
    // An item never sold before the cut-off cannot be ranked; it still counts as missed.
    set.add(item ?? -1 - set.size);
  }
  const cases = [...bought].map(([user, relevant]) =>
    toCase(
      snapshot.users.components(user, trained.histories[user], trained.now),
      relevant,
      trained.users.ids[user],
    ),
  );
  return { service, snapshot, cases, start, end };
}

/** The lists the service answers (`forUser`, as the route calls it) for the window's users. */
async function served(window: Window): Promise<ListQuality> {
  const { items } = window.snapshot.data;
  const lists: ListQuality[] = [];
  for (const c of window.cases) {
    const list = await window.service.forUser(c.userId, { limit: 10, excludePurchased: false });
    const ranked = list.items.map((r) => items.get(r.itemId) ?? -1);
    lists.push(listQuality(ranked, c.relevant, 10));
  }
  return meanQuality(lists);
}

function evaluate(cases: Case[], weights: Weights): ListQuality {
  const w = COMPONENTS.map((c) => weights[c]);
  const k = COMPONENTS.length;
  return meanQuality(
    cases.map((c) => {
      const scored: [number, number][] = [];
      c.candidates.forEach((item, r) => {
        let s = 0;
        for (let j = 0; j < k; j++) s += w[j] * c.features[r * k + j];
        if (s > 0) scored.push([item, s]);
      });
      scored.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
      return listQuality(
        scored.map((e) => e[0]),
        c.relevant,
        10,
      );
    }),
  );
}

const ZERO = Object.fromEntries(COMPONENTS.map((c) => [c, 0])) as Weights;

/** Coordinate ascent over a grid: each weight in turn, a few rounds. */
function tune(cases: Case[], start: Weights, free: readonly Component[]): Weights {
  let best = { ...start };
  let bestScore = evaluate(cases, best).ndcg;
  const grid = [0, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2];
  for (let round = 0; round < 2; round++) {
    let improved = false;
    for (const c of free) {
      for (const v of grid) {
        const trial = { ...best, [c]: v };
        const score = evaluate(cases, trial).ndcg;
        if (score > bestScore + 1e-6) {
          best = trial;
          bestScore = score;
          improved = true;
        }
      }
    }
    if (!improved) break;
  }
  return best;
}

function line(name: string, q: ListQuality): string {
  const f = (v: number): string => v.toFixed(3);
  return `  ${name.padEnd(46)} NDCG@10 ${f(q.ndcg)}  HR@10 ${f(q.hit)}  P@10 ${f(q.precision)}`;
}

/** The ranker experiment's row: trained on the window before, scored on this one. */
function rankerRow(data: RetailData, before: Window, window: Window): ListQuality {
  const model = trainRanker(data.interactions, before.start, before.end);
  const { snapshot } = window;
  const context = { models: snapshot.users, figures: new ItemFigures(snapshot.data) };
  return meanQuality(
    window.cases.map((c) => {
      const user = snapshot.data.users.get(c.userId);
      const history = user === undefined ? EMPTY_HISTORY : snapshot.data.histories[user];
      const ranked = rankedItems(model, context, user, history, snapshot.data.now);
      return listQuality(ranked, c.relevant, 10);
    }),
  );
}

const EMPTY_HISTORY = { items: [], times: [], weights: [], baskets: [] };

/**
 * Online Retail: last 28 days of the shared file as test, the 28 days before for tuning. The
 * file stops where the published held-out window (2011-11-12..12-09) begins, so these figures
 * come from an earlier window on which every baseline scores lower; compare rows with each
 * other, not with figures from that window. The data is what the service holds after a
 * replay (purchases of known customers; returns, cancellations and anonymous lines left
 * out). The last row is the lists the service itself answers, popular fill included.
 */
export async function benchRetail(): Promise<void> {
  const started = Date.now();
  const data = await readRetail();
  const last = data.interactions.reduce((m, e) => Math.max(m, e.at), 0);
  const end = Date.UTC(
    new Date(last).getUTCFullYear(),
    new Date(last).getUTCMonth(),
    new Date(last).getUTCDate() + 1,
  );
  const testStart = end - 28 * DAY_MS;
  const validStart = testStart - 28 * DAY_MS;
  const validWindow = await windowOf(data, validStart, testStart);
  const testWindow = await windowOf(data, testStart, end);
  const valid = validWindow.cases;
  const test = testWindow.cases;
  const day = (t: number): string => new Date(t).toISOString().slice(0, 10);
  console.log(
    `Online Retail: tune on ${day(validStart)}..${day(testStart - 1)}` +
      ` (${valid.length} customers),` +
      ` test on ${day(testStart)}..${day(end - 1)} (${test.length} customers), top-10,` +
      ' excludePurchased=false',
  );

  const baselines: [string, Weights][] = [
    ['popularity, 30 days', { ...ZERO, popular: 1 }],
    ['item-kNN cosine (user co-purchase)', { ...ZERO, itemCf: 1 }],
    ['bought most (90-day decay), then popular', { ...ZERO, repeat: 1, popular: 0.01 }],
  ];
  for (const [name, w] of baselines) console.log(line(name, evaluate(test, w)));

  const repeatPop = tune(valid, { ...ZERO, repeat: 1, popular: 0.1 }, ['popular']);
  console.log(line('repeat + popularity, tuned', evaluate(test, repeatPop)));

  const free = COMPONENTS.filter((c) => c !== 'repeat');
  const weights = tune(valid, { ...ZERO, repeat: 1, popular: repeatPop.popular }, free);
  console.log(line('blend of all recommenders, tuned', evaluate(test, weights)));
  const same = COMPONENTS.every((c) => weights[c] === DEFAULT_WEIGHTS[c]);
  console.log(
    `  tuned weights ${JSON.stringify(weights)}` +
      (same ? ' (the service default)' : ' (differ from the service default)'),
  );
  if (process.env.BENCH_RANKER === '1') {
    const row = rankerRow(data, validWindow, testWindow);
    console.log(line('learned ranker (experiment, not served)', row));
  }
  console.log(line('service lists (GET /v1/recommendations/users)', await served(testWindow)));
  console.log(`  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

if (require.main === module) {
  benchRetail().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
