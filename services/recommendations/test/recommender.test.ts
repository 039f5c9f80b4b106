import {
  boughtTogether,
  buildSnapshot,
  COMPONENT_REASONS,
  DEFAULT_WEIGHTS,
  popularItems,
  recommendForUser,
  sessionItems,
  similarItems,
} from '../src/domain/recommender';
import { choleskySolve } from '../src/domain/als';
import { ruleFigures } from '../src/domain/cooccurrence';
import { listQuality } from '../src/domain/metrics';
import { largest, type ScoreMap } from '../src/domain/types';
import { blend, type Component, COMPONENTS } from '../src/domain/user-models';
import { busyShop, everyList, shop } from './fixtures';

const CATALOGUE = ['mug', 'teapot', 'saucer', 'candle', 'matches', 'lamp'];

describe('user recommendations', () => {
  const { interactions, products } = shop();
  const snapshot = buildSnapshot(interactions, products);

  it('gives a never-seen user popular items, not an empty list', () => {
    const list = recommendForUser(snapshot, 'stranger', [], { limit: 3 });
    expect(list.strategy).toBe('popular');
    expect(list.items).toHaveLength(3);
    expect(list.items.every((i) => i.reason === 'popular')).toBe(true);
  });

  it('fills a list from older sales when the last 30 days hold fewer items than asked', () => {
    const day = (n: number): number => Date.UTC(2024, 0, 1) + n * 86_400_000;
    const bought = (userId: string, itemId: string, at: number) => ({
      userId,
      itemId,
      at,
      kind: 'purchase' as const,
      basketId: `${userId}-${at}`,
    });
    const old = CATALOGUE.map((item, i) => bought(`old-${i}`, item, day(i)));
    const lately = bought('new', 'lamp', day(400));
    const quiet = buildSnapshot([...old, lately], products);

    const list = recommendForUser(quiet, 'stranger', [], { limit: 4 });
    expect(list.items.map((i) => i.itemId)).toHaveLength(4);
    expect(list.items[0].itemId).toBe('lamp');
    expect(new Set(list.items.map((i) => i.itemId)).size).toBe(4);
    const popular = popularItems(quiet, 7, { limit: 4 });
    expect(popular.items).toHaveLength(4);
    expect(popular.items[0]).toMatchObject({ itemId: 'lamp', reason: 'trending' });
  });

  it('treats a numeric id beyond any trained index as a new user', () => {
    const list = recommendForUser(snapshot, '987654321', [], { limit: 5 });
    expect(list.items.length).toBeGreaterThan(0);
    expect(list.items[0].reason).toBe('popular');
  });

  it('puts what the user buys again first when purchases may be included', () => {
    const list = recommendForUser(snapshot, 'u1', [], { limit: 3, excludePurchased: false });
    expect(list.items[0]).toMatchObject({ itemId: 'mug', reason: 'repeat-purchase' });
  });

  it("ranks a repeat buyer's items by how often, then how lately, they were bought", () => {
    const day = (n: number): number => Date.UTC(2024, 0, 1) + n * 86_400_000;
    const order = (basketId: string, at: number, ...items: string[]) =>
      items.map((itemId) => ({
        userId: 'regular',
        itemId,
        at,
        kind: 'purchase' as const,
        basketId,
      }));
    const withRegular = buildSnapshot(
      [
        ...order('r1', day(1), 'mug', 'teapot'),
        ...order('r2', day(30), 'mug'),
        ...order('r3', day(60), 'mug', 'saucer'),
        ...interactions,
      ],
      products,
    );
    const list = recommendForUser(withRegular, 'regular', [], {
      limit: 3,
      excludePurchased: false,
    });
    expect(list.items.map((i) => i.itemId)).toEqual(['mug', 'saucer', 'teapot']);
    expect(list.items.every((i) => i.reason === 'repeat-purchase')).toBe(true);
  });

  it('leaves out purchased items by default', () => {
    const list = recommendForUser(snapshot, 'u1', [], { limit: 10 });
    const ids = list.items.map((i) => i.itemId);
    expect(ids).not.toContain('mug');
    expect(ids).not.toContain('teapot');
    expect(ids.length).toBeGreaterThan(0);
  });

  it('answers an empty list to a user who bought the whole catalogue', () => {
    const everything = CATALOGUE.map((itemId, n) => ({
      userId: 'collector',
      itemId,
      at: Date.UTC(2024, 1, 1) + n,
      kind: 'purchase' as const,
      basketId: 'big',
    }));
    const withCollector = buildSnapshot([...interactions, ...everything], products);
    expect(recommendForUser(withCollector, 'collector', [], { limit: 10 }).items).toEqual([]);
    const again = recommendForUser(withCollector, 'collector', [], {
      limit: 10,
      excludePurchased: false,
    });
    expect(again.items).toHaveLength(CATALOGUE.length);
  });

  it('counts a live purchase at once: the item leaves the new-to-you list', () => {
    const before = recommendForUser(snapshot, 'u4', [], { limit: 10 }).items.map((i) => i.itemId);
    expect(before).toContain('mug');
    const live = [
      { itemId: 'mug', kind: 'purchase' as const, at: Date.UTC(2024, 2, 1), basketId: 'o10' },
    ];
    const after = recommendForUser(snapshot, 'u4', live, { limit: 10 }).items.map((i) => i.itemId);
    expect(after).not.toContain('mug');
    expect(after).toContain('teapot');
  });

  it('never returns excluded ids, even when it has to fill with popular items', () => {
    const exclude = ['mug', 'candle', 'teapot'];
    for (const user of ['u1', 'u4', 'stranger']) {
      const list = recommendForUser(snapshot, user, [], {
        limit: 10,
        exclude,
        excludePurchased: false,
      });
      expect(list.items.map((i) => i.itemId)).toEqual(expect.not.arrayContaining(exclude));
    }
    const popular = popularItems(snapshot, 30, { limit: 10, exclude });
    expect(popular.items.map((i) => i.itemId).some((id) => exclude.includes(id))).toBe(false);
  });

  it('keeps to the category asked for', () => {
    const list = recommendForUser(snapshot, 'u1', [], { limit: 10, category: 'home' });
    expect(list.items.length).toBeGreaterThan(0);
    expect(list.items.every((i) => ['candle', 'matches', 'lamp'].includes(i.itemId))).toBe(true);
  });

  it('gives only finite scores, best first', () => {
    const list = recommendForUser(snapshot, 'u2', [], { limit: 10, excludePurchased: false });
    const scores = list.items.map((i) => i.score);
    expect(scores.every(Number.isFinite)).toBe(true);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });
});

describe('item recommendations', () => {
  const { interactions, products } = shop();
  const snapshot = buildSnapshot(interactions, products);

  it('finds co-purchased items as similar', () => {
    const list = similarItems(snapshot, 'teapot', { limit: 3 });
    expect(list.items[0].itemId).toBe('mug');
    expect(list.items.map((i) => i.itemId)).not.toContain('teapot');
  });

  it('finds text neighbours for an item nobody bought', () => {
    const catalogue = [
      ...products,
      { itemId: 'kettle', title: 'China tea kettle', description: '', category: 'kitchen' },
    ];
    const list = similarItems(buildSnapshot(interactions, catalogue), 'kettle', { limit: 3 });
    expect(list.items[0].reason).toBe('content');
    expect(['mug', 'teapot', 'saucer']).toContain(list.items[0].itemId);
  });

  it('still answers for an item with no co-purchases and an empty description', () => {
    for (const list of [
      similarItems(snapshot, 'lamp', { limit: 4 }),
      boughtTogether(snapshot, 'lamp', { limit: 4 }),
    ]) {
      expect(list.strategy).toBe('popular');
      expect(list.items.length).toBe(4);
      expect(list.items.map((i) => i.itemId)).not.toContain('lamp');
    }
  });

  it('answers popular items for an unknown item', () => {
    expect(boughtTogether(snapshot, 'no-such-item', { limit: 2 }).items).toHaveLength(2);
  });

  it('lists items sharing baskets above chance as bought together', () => {
    const list = boughtTogether(snapshot, 'candle', { limit: 3 });
    expect(list.strategy).toBe('association-rules');
    expect(list.items[0]).toMatchObject({ itemId: 'matches', reason: 'bought-together' });
  });
});

describe('session recommendations', () => {
  const { interactions, products } = shop();
  const snapshot = buildSnapshot(interactions, products);

  it('suggests what other sessions with the same items held', () => {
    const list = sessionItems(snapshot, ['candle'], { limit: 2 });
    expect(list.items[0].itemId).toBe('matches');
  });

  it('does not recommend the items already in the session, and still fills the list', () => {
    const list = sessionItems(snapshot, ['candle', 'mug'], { limit: 3 });
    const ids = list.items.map((i) => i.itemId);
    expect(ids).not.toContain('candle');
    expect(ids).not.toContain('mug');
    expect(new Set(ids)).toEqual(new Set(['matches', 'teapot', 'saucer']));
  });

  it('falls back to popular items for an empty or unknown session', () => {
    expect(sessionItems(snapshot, [], { limit: 3 }).items).toHaveLength(3);
    expect(sessionItems(snapshot, ['nope'], { limit: 3 }).strategy).toBe('popular');
  });
});

describe('training', () => {
  /** `list` in an order of its own, the same for the same seed. */
  function shuffled<T>(list: readonly T[], seed: number): T[] {
    const out = [...list];
    let state = seed;
    for (let i = out.length - 1; i > 0; i--) {
      state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
      const j = state % (i + 1);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }

  it('gives the same lists whatever order the interactions and catalogue arrive in', () => {
    const { interactions, products } = busyShop();
    const first = buildSnapshot(shuffled(interactions, 1), shuffled(products, 1));
    const second = buildSnapshot(shuffled(interactions, 2), shuffled(products, 2));
    expect(second.data.users.ids).toEqual(first.data.users.ids);
    expect(second.data.items.ids).toEqual(first.data.items.ids);
    expect(everyList(second)).toEqual(everyList(first));
  });
});

describe('building blocks', () => {
  it('keeps the k largest positive values, best first, ties to the smaller index', () => {
    const values = [0.5, 0, 2, -1, 0.5, 3, 2, 0.1];
    expect(largest(values, 4)).toEqual([5, 2, 6, 0]);
    expect(largest(values, 3, [0, 1, 3, 4, 7])).toEqual([0, 4, 7]);
    expect(largest(values, 20)).toEqual([5, 2, 6, 0, 4, 7]);
    expect(largest(values, 0)).toEqual([]);
  });

  it("names an item's reason by the recommender that gave most, its parts added up", () => {
    const parts = Object.fromEntries(COMPONENTS.map((c) => [c, new Map<number, number>()]));
    parts.repeat.set(1, 0.4);
    parts.repeatLong.set(1, 0.4);
    parts.factors.set(1, 1);
    const weights = { ...DEFAULT_WEIGHTS, repeat: 1, repeatLong: 1, factors: 0.6 };
    const entry = blend(parts as Record<Component, ScoreMap>, weights, COMPONENT_REASONS).get(1);
    expect(entry?.top).toBe('repeat-purchase');
  });

  it('scores a ranked list with NDCG, hit, precision and reciprocal rank', () => {
    const q = listQuality(['a', 'b', 'c'], new Set(['b', 'z']), 3);
    expect(q.hit).toBe(1);
    expect(q.precision).toBeCloseTo(1 / 3);
    expect(q.rr).toBeCloseTo(0.5);
    expect(q.ndcg).toBeCloseTo(1 / Math.log2(3) / (1 + 1 / Math.log2(3)));
  });

  it('solves a symmetric positive-definite system', () => {
    const a = Float64Array.from([4, 2, 2, 3]);
    const b = Float64Array.from([2, 1]);
    choleskySolve(a, b, 2);
    expect(b[0]).toBeCloseTo(0.5);
    expect(b[1]).toBeCloseTo(0);
  });

  it('computes support, confidence and lift of a rule', () => {
    const f = ruleFigures(2, 4, 5, 10);
    expect(f.support).toBeCloseTo(0.2);
    expect(f.confidence).toBeCloseTo(0.5);
    expect(f.lift).toBeCloseTo(1);
  });
});
