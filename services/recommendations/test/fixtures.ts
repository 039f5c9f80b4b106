import { type SeenEvent, type UserLookup } from '../src/adapters/live';
import {
  type BeforeCommit,
  type InteractionStore,
  type LoadedData,
  type StoredInteraction,
} from '../src/adapters/store';
import { type LiveState, type Recommendations } from '../src/recommendations';
import {
  boughtTogether,
  popularItems,
  recommendForUser,
  sessionItems,
  similarItems,
  type Snapshot,
} from '../src/domain/recommender';
import { type Interaction, type ProductInfo, DAY_MS } from '../src/domain/types';

const T0 = Date.UTC(2024, 0, 1);

/** A small shop: mugs and teapots bought together, candles alone, one lamp nobody bought. */
export function shop(): { interactions: Interaction[]; products: ProductInfo[] } {
  const interactions: Interaction[] = [];
  const buy = (userId: string, day: number, basket: string, ...items: string[]): void => {
    for (const itemId of items) {
      interactions.push({
        userId,
        itemId,
        at: T0 + day * DAY_MS,
        kind: 'purchase',
        basketId: basket,
      });
    }
  };
  buy('u1', 1, 'o1', 'mug', 'teapot');
  buy('u1', 20, 'o2', 'mug', 'saucer');
  buy('u1', 40, 'o3', 'mug');
  buy('u2', 5, 'o4', 'mug', 'teapot', 'saucer');
  buy('u3', 8, 'o5', 'teapot', 'mug');
  buy('u3', 30, 'o6', 'candle');
  buy('u4', 35, 'o7', 'candle', 'matches');
  buy('u5', 38, 'o8', 'candle', 'matches');
  buy('u6', 39, 'o9', 'mug', 'teapot');
  const products: ProductInfo[] = [
    { itemId: 'mug', title: 'White china mug', description: 'tea mug', category: 'kitchen' },
    { itemId: 'teapot', title: 'China teapot', description: 'round tea pot', category: 'kitchen' },
    { itemId: 'saucer', title: 'China saucer', description: '', category: 'kitchen' },
    { itemId: 'candle', title: 'Vanilla candle', description: 'scented', category: 'home' },
    { itemId: 'matches', title: 'Long matches', description: '', category: 'home' },
    { itemId: 'lamp', title: '', description: '', category: 'home' },
  ];
  return { interactions, products };
}

/** Stores the small shop's products and interactions in a service, then trains on them. */
export async function seedShop(recs: Recommendations): Promise<void> {
  const { interactions, products } = shop();
  await recs.applyProducts(products);
  await recs.applyInteractions(interactions.map((e, n) => ({ ...e, eventId: `seed-${n}` })));
  await recs.retrain();
}

/**
 * A generated shop with enough customers, orders and sessions for every model to learn
 * something: 120 customers over 40 items, whole days as times (so many events tie), views
 * in sessions of their own and some orders bought again. Deterministic for a given seed.
 */
export function busyShop(seed = 1): { interactions: Interaction[]; products: ProductInfo[] } {
  let state = seed;
  const random = (): number => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 2 ** 32;
  };
  const pick = (n: number): number => Math.floor(random() * n);
  const items = Array.from({ length: 40 }, (_, n) => `sku-${n}`);
  const products: ProductInfo[] = items.map((itemId, n) => ({
    itemId,
    title: `${['blue', 'red', 'white'][n % 3]} ${['mug', 'plate', 'candle', 'lamp'][n % 4]}`,
    description: n % 5 === 0 ? '' : `set number ${n}`,
    category: n % 2 === 0 ? 'kitchen' : 'home',
  }));
  const interactions: Interaction[] = [];
  for (let u = 0; u < 120; u++) {
    const userId = `c${u}`;
    // Each customer keeps to a neighbourhood of items, so co-purchases carry a signal.
    const near = (): string => items[(u + pick(8)) % items.length];
    for (let o = 0; o < 1 + pick(4); o++) {
      const at = T0 + pick(90) * DAY_MS;
      const basketId = `o${u}-${o}`;
      for (let k = 0; k < 1 + pick(4); k++) {
        interactions.push({ userId, itemId: near(), at, kind: 'purchase', basketId });
      }
    }
    const sessionAt = T0 + pick(90) * DAY_MS;
    for (let k = 0; k < 3; k++) {
      const kind = k === 2 ? 'cart' : 'view';
      interactions.push({ userId, itemId: near(), at: sessionAt, kind, basketId: `s${u}` });
    }
  }
  return { interactions, products };
}

/** Every kind of list the snapshot answers, for each customer and item of the shop. */
export function everyList(snapshot: Snapshot): unknown[] {
  const users = snapshot.data.users.ids;
  const items = snapshot.data.items.ids;
  const options = { limit: 10 };
  return [
    ...users.map((u) => recommendForUser(snapshot, u, [], options)),
    ...users.map((u) => recommendForUser(snapshot, u, [], { ...options, excludePurchased: false })),
    ...items.map((i) => similarItems(snapshot, i, options)),
    ...items.map((i) => boughtTogether(snapshot, i, options)),
    ...items.map((i, n) => sessionItems(snapshot, [i, items[(n + 3) % items.length]], options)),
    popularItems(snapshot, 7, options),
    popularItems(snapshot, 30, options),
  ];
}

/** Live state kept in memory, for tests that need no Redis. */
export class MemoryLive implements LiveState {
  readonly events = new Map<string, SeenEvent[]>();
  readonly userCache = new Map<string, Map<string, string>>();
  readonly generations = new Map<string, number>();
  readonly store = new Map<string, string>();
  hits = 0;

  async addEvents(byUser: Map<string, SeenEvent[]>): Promise<void> {
    for (const [user, events] of byUser) {
      this.events.set(user, [...(this.events.get(user) ?? []), ...events]);
      this.userCache.delete(user);
      this.generations.set(user, this.generation(user) + 1);
    }
  }

  private generation(userId: string): number {
    return this.generations.get(userId) ?? 0;
  }

  async lookupUser(userId: string, field: string): Promise<UserLookup> {
    const cached = this.userCache.get(userId)?.get(field);
    if (cached !== undefined) {
      this.hits++;
      return { cached };
    }
    const recent = this.events.get(userId) ?? [];
    return { recent, generation: String(this.generation(userId)) };
  }

  async cacheForUser(
    userId: string,
    field: string,
    answer: string,
    generation: string,
  ): Promise<void> {
    if (generation !== String(this.generation(userId))) return;
    let map = this.userCache.get(userId);
    if (map === undefined) this.userCache.set(userId, (map = new Map()));
    map.set(field, answer);
  }

  async cached<T>(key: string): Promise<T | undefined> {
    const raw = this.store.get(key);
    if (raw !== undefined) this.hits++;
    return raw === undefined ? undefined : (JSON.parse(raw) as T);
  }

  async cache(key: string, value: unknown): Promise<void> {
    this.store.set(key, JSON.stringify(value));
  }
}

/** A store over arrays, with the same apply-once rule as the PostgreSQL one. */
export class MemoryStore implements InteractionStore {
  readonly seen = new Set<string>();
  private readonly committed = new Set<string>();
  private transactions = 0;
  readonly interactions: Interaction[];
  products: ProductInfo[];

  constructor(data = shop()) {
    this.interactions = [...data.interactions];
    this.products = [...data.products];
  }

  async record(
    events: StoredInteraction[],
    beforeCommit?: BeforeCommit,
  ): Promise<StoredInteraction[]> {
    const ids = new Set<string>();
    const isNew = (id: string): boolean => !this.seen.has(id) && !ids.has(id) && !!ids.add(id);
    const fresh = events.filter((e) => isNew(e.eventId));
    const transaction = String((this.transactions += 1));
    if (fresh.length > 0) await beforeCommit?.(fresh, transaction);
    for (const id of ids) this.seen.add(id);
    this.interactions.push(...fresh);
    this.committed.add(transaction);
    return fresh;
  }

  async upsertProducts(products: ProductInfo[]): Promise<void> {
    const ids = new Set(products.map((p) => p.itemId));
    this.products = [...this.products.filter((p) => !ids.has(p.itemId)), ...products];
  }

  async load(): Promise<LoadedData> {
    const committed = new Set(this.committed);
    return {
      interactions: [...this.interactions],
      products: [...this.products],
      contains: (transaction) => committed.has(transaction),
    };
  }
}
