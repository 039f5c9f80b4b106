import type { Logger } from '@qm/kit';
import {
  boughtTogether,
  buildSnapshot,
  type ListOptions,
  popularItems,
  type RecommendationList,
  recommendForUser,
  sessionItems,
  similarItems,
  type Snapshot,
  type SnapshotOptions,
} from './domain/recommender';
import { type Interaction, type ProductInfo } from './domain/types';
import { type SeenEvent, type UserLookup } from './adapters/live';
import { type InteractionStore, type StoredInteraction } from './adapters/store';

/** Redis state the service serves from (see `LiveStore`); tests may pass an in-memory one. */
export interface LiveState {
  addEvents(byUser: Map<string, SeenEvent[]>): Promise<void>;
  lookupUser(userId: string, field: string): Promise<UserLookup>;
  /** Caches an answer's JSON text unless an event of the user came after `generation` was read. */
  cacheForUser(userId: string, field: string, answer: string, generation: string): Promise<void>;
  cached<T>(key: string): Promise<T | undefined>;
  cache(key: string, value: unknown): Promise<void>;
}

/** Trains a snapshot from loaded data; `timings` (ms) go into the rebuild's log line. */
export interface SnapshotBuilder {
  build(
    interactions: readonly Interaction[],
    products: readonly ProductInfo[],
    options: SnapshotOptions | undefined,
  ): Promise<{ snapshot: Snapshot; timings: Record<string, number> }>;
  /** Stops a build in progress (it fails). */
  close?(): Promise<void>;
}

/** Builds on the calling thread: simple, but holds the event loop for the whole build. */
export const inProcessBuilder: SnapshotBuilder = {
  build: async (interactions, products, options) => ({
    snapshot: buildSnapshot(interactions, products, options),
    timings: {},
  }),
};

export interface RecommendationsDeps {
  store: InteractionStore;
  live: LiveState;
  log: Logger;
  historyDays: number;
  snapshotOptions?: SnapshotOptions;
  /** Where snapshots are trained: `inProcessBuilder` unless given (the server uses a worker). */
  builder?: SnapshotBuilder;
}

export interface UserListOptions extends ListOptions {
  excludePurchased: boolean;
}

/** The service's operations: answers from cache or models, events in, models rebuilt. */
export interface Recommendations {
  /**
   * The JSON text of a user's answer, `{"userId", "strategy", "items"}`: sent as the cache
   * holds it, since parsing and serializing it again cost about a tenth of a cached call.
   */
  userAnswer(userId: string, options: UserListOptions): Promise<string>;
  forUser(userId: string, options: UserListOptions): Promise<RecommendationList>;
  similar(itemId: string, options: ListOptions): Promise<RecommendationList>;
  boughtTogether(itemId: string, options: ListOptions): Promise<RecommendationList>;
  popular(windowDays: number, options: ListOptions): Promise<RecommendationList>;
  session(items: string[], options: ListOptions): Promise<RecommendationList>;
  /** Stores new interactions once each; the users concerned see them on their next call. */
  applyInteractions(events: StoredInteraction[]): Promise<number>;
  applyProducts(products: ProductInfo[]): Promise<void>;
  /**
   * Rebuilds every model from the stored interactions; answers keep coming from the current
   * models until the new ones are in. A call while a rebuild runs shares that rebuild.
   */
  retrain(): Promise<Snapshot>;
  current(): Snapshot;
}

/** The models answers come from, with what the cache keys of their answers need. */
interface Models {
  snapshot: Snapshot;
  /** Whether the snapshot holds the events a transaction stored: the others are live. */
  contains(transaction: string): boolean;
  version: number;
}

/** A user's answer as the route sends it. */
type UserAnswer = RecommendationList & { userId: string };

function optionsKey(o: ListOptions): string {
  const exclude = [...(o.exclude ?? [])].sort().join(',');
  return `${o.limit}|${o.category ?? ''}|${exclude}|${o.excludePurchased === false ? 0 : 1}`;
}

function liveEventsByUser(
  events: readonly StoredInteraction[],
  transaction: string,
): Map<string, SeenEvent[]> {
  const byUser = new Map<string, SeenEvent[]>();
  for (const { eventId, userId, itemId, kind, at, basketId } of events) {
    let list = byUser.get(userId);
    if (list === undefined) byUser.set(userId, (list = []));
    list.push({ eventId, itemId, kind, at, basketId, transaction });
  }
  return byUser;
}

/** Builds the service over its store and Redis state; starts with empty models. */
export function createRecommendations(deps: RecommendationsDeps): Recommendations {
  const builder = deps.builder ?? inProcessBuilder;
  // Swapped whole by a rebuild, so a call that awaits in between keeps one consistent set.
  let models: Models = {
    snapshot: buildSnapshot([], [], deps.snapshotOptions),
    contains: () => false,
    version: 0,
  };
  let rebuilding: Promise<Snapshot> | undefined;

  async function cachedList(
    key: string,
    compute: (s: Snapshot) => RecommendationList,
  ): Promise<RecommendationList> {
    const m = models;
    const full = `v${m.version}:${key}`;
    const hit = await deps.live.cached<RecommendationList>(full);
    if (hit !== undefined) return hit;
    const list = compute(m.snapshot);
    await deps.live.cache(full, list);
    return list;
  }

  async function rebuild(): Promise<Snapshot> {
    const started = Date.now();
    const { interactions, products, contains } = await deps.store.load(deps.historyDays);
    const built = await builder.build(interactions, products, deps.snapshotOptions);
    const next = built.snapshot;
    models = { snapshot: next, contains, version: next.builtAt };
    deps.log.info(
      {
        interactions: interactions.length,
        users: next.data.users.size,
        items: next.data.items.size,
        ms: Date.now() - started,
        ...built.timings,
      },
      'models rebuilt',
    );
    return next;
  }

  async function userAnswer(userId: string, options: UserListOptions): Promise<string> {
    const m = models;
    const field = `v${m.version}|${optionsKey(options)}`;
    const lookup = await deps.live.lookupUser(userId, field);
    if (lookup.cached !== undefined) return lookup.cached;
    const live = lookup.recent.filter((e) => !m.contains(e.transaction));
    const list = recommendForUser(m.snapshot, userId, live, options);
    const answer = JSON.stringify({ userId, strategy: list.strategy, items: list.items });
    await deps.live.cacheForUser(userId, field, answer, lookup.generation);
    return answer;
  }

  return {
    userAnswer,

    async forUser(userId, options) {
      const { strategy, items } = JSON.parse(await userAnswer(userId, options)) as UserAnswer;
      return { strategy, items };
    },

    similar: (itemId, options) =>
      cachedList(`similar:${itemId}:${optionsKey(options)}`, (s) =>
        similarItems(s, itemId, options),
      ),

    boughtTogether: (itemId, options) =>
      cachedList(`together:${itemId}:${optionsKey(options)}`, (s) =>
        boughtTogether(s, itemId, options),
      ),

    popular: (windowDays, options) =>
      cachedList(`popular:${windowDays}:${optionsKey(options)}`, (s) =>
        popularItems(s, windowDays, options),
      ),

    // Session answers depend on every item of the session, so they are computed each time.
    session: async (items, options) => sessionItems(models.snapshot, items, options),

    async applyInteractions(events) {
      // Redis is written before the events are committed: when it fails nothing is stored,
      // and the consumer's retry finds the events new again (at least once, each counted
      // once, as a write retried replaces its earlier copy in Redis).
      const fresh = await deps.store.record(events, (stored, transaction) =>
        deps.live.addEvents(liveEventsByUser(stored, transaction)),
      );
      return fresh.length;
    },

    applyProducts: (products) => deps.store.upsertProducts(products),

    retrain() {
      rebuilding ??= rebuild().finally(() => (rebuilding = undefined));
      return rebuilding;
    },

    current: () => models.snapshot,
  };
}
