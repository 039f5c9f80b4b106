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
import { type ProductInfo } from './domain/types';
import { type SeenEvent } from './adapters/live';
import { type InteractionStore, type StoredInteraction } from './adapters/store';

/** Redis state the service serves from (see `LiveStore`); tests may pass an in-memory one. */
export interface LiveState {
  addEvents(byUser: Map<string, SeenEvent[]>): Promise<void>;
  recent(userId: string): Promise<SeenEvent[]>;
  cachedForUser<T>(userId: string, field: string): Promise<T | undefined>;
  cacheForUser(userId: string, field: string, value: unknown): Promise<void>;
  cached<T>(key: string): Promise<T | undefined>;
  cache(key: string, value: unknown): Promise<void>;
}

export interface RecommendationsDeps {
  store: InteractionStore;
  live: LiveState;
  log: Logger;
  historyDays: number;
  snapshotOptions?: SnapshotOptions;
}

export interface UserListOptions extends ListOptions {
  excludePurchased: boolean;
}

/** The service's operations: answers from cache or models, events in, models rebuilt. */
export interface Recommendations {
  forUser(userId: string, options: UserListOptions): Promise<RecommendationList>;
  similar(itemId: string, options: ListOptions): Promise<RecommendationList>;
  boughtTogether(itemId: string, options: ListOptions): Promise<RecommendationList>;
  popular(windowDays: number, options: ListOptions): Promise<RecommendationList>;
  session(items: string[], options: ListOptions): Promise<RecommendationList>;
  /** Stores new interactions once each; the users concerned see them on their next call. */
  applyInteractions(events: StoredInteraction[]): Promise<number>;
  applyProducts(products: ProductInfo[]): Promise<void>;
  /** Rebuilds every model from the stored interactions. */
  retrain(): Promise<Snapshot>;
  current(): Snapshot;
}

function optionsKey(o: ListOptions): string {
  const exclude = [...(o.exclude ?? [])].sort().join(',');
  return `${o.limit}|${o.category ?? ''}|${exclude}|${o.excludePurchased === false ? 0 : 1}`;
}

/** Builds the service over its store and Redis state; starts with empty models. */
export function createRecommendations(deps: RecommendationsDeps): Recommendations {
  let snapshot = buildSnapshot([], [], deps.snapshotOptions);
  // The time the data of the current snapshot was read: later events are live, not trained.
  let loadedAt = 0;
  let version = 0;

  async function cachedList(
    key: string,
    compute: (s: Snapshot) => RecommendationList,
  ): Promise<RecommendationList> {
    const full = `v${version}:${key}`;
    const hit = await deps.live.cached<RecommendationList>(full);
    if (hit !== undefined) return hit;
    const list = compute(snapshot);
    await deps.live.cache(full, list);
    return list;
  }

  return {
    async forUser(userId, options) {
      const field = `v${version}|${optionsKey(options)}`;
      const hit = await deps.live.cachedForUser<RecommendationList>(userId, field);
      if (hit !== undefined) return hit;
      const live = (await deps.live.recent(userId)).filter((e) => e.seenAt >= loadedAt);
      const list = recommendForUser(snapshot, userId, live, options);
      await deps.live.cacheForUser(userId, field, list);
      return list;
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
    session: async (items, options) => sessionItems(snapshot, items, options),

    async applyInteractions(events) {
      const fresh = await deps.store.record(events);
      const seenAt = Date.now();
      const byUser = new Map<string, SeenEvent[]>();
      for (const e of fresh) {
        let list = byUser.get(e.userId);
        if (list === undefined) byUser.set(e.userId, (list = []));
        list.push({ itemId: e.itemId, kind: e.kind, at: e.at, basketId: e.basketId, seenAt });
      }
      await deps.live.addEvents(byUser);
      return fresh.length;
    },

    applyProducts: (products) => deps.store.upsertProducts(products),

    async retrain() {
      const started = Date.now();
      const { interactions, products } = await deps.store.load(deps.historyDays);
      // Training runs on the event loop: on Online Retail's scale it holds it for several
      // seconds per rebuild. A worker thread would need the models in transferable form.
      const next = buildSnapshot(interactions, products, deps.snapshotOptions);
      snapshot = next;
      loadedAt = started;
      version = next.builtAt;
      deps.log.info(
        {
          interactions: interactions.length,
          users: next.data.users.size,
          items: next.data.items.size,
          ms: Date.now() - started,
        },
        'models rebuilt',
      );
      return next;
    },

    current: () => snapshot,
  };
}
