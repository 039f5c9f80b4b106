/**
 * A learned ranker over the blend's candidates, kept as an experiment the bench can run
 * (`BENCH_RANKER=1`): boosted trees learn, from the 28 days before a window, which of a
 * user's candidates the user goes on to buy. On our Online Retail windows it matched the
 * tuned blend without beating it, so the service does not use it.
 */
import { buildTrainingData } from '../../src/domain/dataset';
import { type Interaction } from '../../src/domain/types';
import { DEFAULT_USER_OPTIONS, type QueryHistory, UserModels } from '../../src/domain/user-models';
import {
  type BoostOptions,
  DEFAULT_BOOST_OPTIONS,
  fitBoostedTrees,
  predictMargin,
  type TreeEnsemble,
} from './boosted-trees';
import { ItemFigures, RANK_FEATURES, rankCandidates, type RankContext } from './features';

/** The options picked on the window before the tuning window (not on the reported one). */
export const RANKER_BOOST_OPTIONS: BoostOptions = {
  ...DEFAULT_BOOST_OPTIONS,
  objective: 'lambdarank',
  trees: 300,
  depth: 3,
  learningRate: 0.05,
  minLeafRows: 100,
  lambda: 1,
};

/**
 * Trains on the purchases of `[cutoff, end)`: models are rebuilt on the interactions before
 * `cutoff`, and each user who bought in the window is one group of candidates, labelled 1
 * for the items bought.
 */
export function trainRanker(
  interactions: readonly Interaction[],
  cutoff: number,
  end: number,
  options: BoostOptions = RANKER_BOOST_OPTIONS,
): TreeEnsemble {
  const data = buildTrainingData(interactions.filter((e) => e.at < cutoff));
  const context: RankContext = {
    models: new UserModels(data, DEFAULT_USER_OPTIONS),
    figures: new ItemFigures(data),
  };
  const bought = new Map<number, Set<number>>();
  for (const e of interactions) {
    if (e.at < cutoff || e.at >= end || e.kind !== 'purchase') continue;
    const user = data.users.get(e.userId);
    const item = data.items.get(e.itemId);
    if (user === undefined || item === undefined) continue;
    let set = bought.get(user);
    if (set === undefined) bought.set(user, (set = new Set()));
    set.add(item);
  }
  const xs: Float32Array[] = [];
  const ys: number[] = [];
  const starts: number[] = [];
  for (const [user, items] of bought) {
    const c = rankCandidates(context, user, data.histories[user], data.now);
    starts.push(ys.length);
    xs.push(c.x);
    c.items.forEach((i) => ys.push(items.has(i) ? 1 : 0));
  }
  const d = RANK_FEATURES.length;
  const x = new Float32Array(ys.length * d);
  xs.reduce((at, part) => (x.set(part, at), at + part.length), 0);
  return fitBoostedTrees(x, Uint8Array.from(ys), d, options, Int32Array.from(starts));
}

/** A user's candidates, best first, as the ranker orders them. */
export function rankedItems(
  model: TreeEnsemble,
  context: RankContext,
  user: number | undefined,
  history: QueryHistory,
  now: number,
): number[] {
  const c = rankCandidates(context, user, history, now);
  const d = RANK_FEATURES.length;
  const scored = Array.from(c.items, (item, r): [number, number] => [
    item,
    predictMargin(model, c.x, r * d),
  ]);
  return scored.sort((a, b) => b[1] - a[1] || a[0] - b[0]).map((e) => e[0]);
}
