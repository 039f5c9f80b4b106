import { createLogger, type ServiceApp } from '@qm/kit';
import { buildApp } from '../src/app';
import { createRecommendations, type Recommendations } from '../src/recommendations';
import { MemoryLive, MemoryStore } from './fixtures';

describe('recommendation routes', () => {
  let app: ServiceApp;
  let live: MemoryLive;
  let recs: Recommendations;

  beforeEach(async () => {
    live = new MemoryLive();
    recs = createRecommendations({
      store: new MemoryStore(),
      live,
      log: createLogger('recommendations-test', 'silent'),
      historyDays: 3650,
    });
    await recs.retrain();
    app = await buildApp({
      recommendations: recs,
      log: createLogger('recommendations-test', 'silent'),
    });
  });

  afterEach(async () => {
    await app.close();
  });

  it('answers a user list with userId, strategy and scored items with reasons', async () => {
    const res = await app.inject({
      url: '/v1/recommendations/users/u1?limit=3&excludePurchased=false',
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ userId: 'u1', strategy: 'blend' });
    expect(body.items).toHaveLength(3);
    expect(body.items[0]).toEqual({
      itemId: 'mug',
      score: expect.any(Number),
      reason: 'repeat-purchase',
    });
  });

  it('serves a repeated request from the cache', async () => {
    const url = '/v1/recommendations/users/u2?limit=5';
    const first = await app.inject({ url });
    const second = await app.inject({ url });
    expect(second.json()).toEqual(first.json());
    expect(live.hits).toBe(1);
  });

  it('changes a user list after the user buys something, with no retraining', async () => {
    const url = '/v1/recommendations/users/u4?limit=10';
    const before = (await app.inject({ url }))
      .json()
      .items.map((i: { itemId: string }) => i.itemId);
    expect(before).toContain('mug');
    await recs.applyInteractions([
      {
        eventId: 'e1',
        userId: 'u4',
        itemId: 'mug',
        kind: 'purchase',
        basketId: 'o99',
        at: Date.UTC(2024, 3, 1),
      },
    ]);
    const after = (await app.inject({ url })).json().items.map((i: { itemId: string }) => i.itemId);
    expect(after).not.toContain('mug');
  });

  it('gives the same answer when one event is delivered three times', async () => {
    const event = {
      eventId: 'dup',
      userId: 'u5',
      itemId: 'mug',
      kind: 'purchase' as const,
      basketId: 'o7',
      at: Date.UTC(2024, 3, 1),
    };
    await recs.applyInteractions([event]);
    const once = (
      await app.inject({ url: '/v1/recommendations/users/u5?excludePurchased=false' })
    ).json();
    await recs.applyInteractions([event]);
    await recs.applyInteractions([event]);
    const thrice = (
      await app.inject({ url: '/v1/recommendations/users/u5?excludePurchased=false' })
    ).json();
    expect(thrice).toEqual(once);
    expect(live.events.get('u5')).toHaveLength(1);
  });

  it.each([
    ['/v1/recommendations/users/u1?limit=0', 'limit'],
    ['/v1/recommendations/users/u1?limit=101', 'limit'],
    ['/v1/recommendations/users/bad%24id', 'userId'],
    ['/v1/recommendations/items/a%20b/similar', 'itemId'],
    ['/v1/recommendations/items/mug/bought-together?exclude=x%3By', 'exclude[0]'],
    ['/v1/recommendations/popular?window=seven', 'window'],
    ['/v1/recommendations/popular?window=900d', 'window'],
  ])('rejects %s with a 400 naming %s', async (url, field) => {
    const res = await app.inject({ url });
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe(field);
  });

  it('rejects a session body with a bad item id, naming the item', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/recommendations/session',
      payload: { items: ['mug', 'no/slash'], limit: 5 },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe('items[1]');
  });

  it('answers a session with next items', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/recommendations/session',
      payload: { items: ['candle'], limit: 2 },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().items[0].itemId).toBe('matches');
  });

  it('answers similar, bought-together and popular lists without the excluded ids', async () => {
    const urls = [
      '/v1/recommendations/items/teapot/similar?exclude=mug',
      '/v1/recommendations/items/teapot/bought-together?exclude=mug,saucer',
      '/v1/recommendations/popular?window=4w&exclude=mug&exclude=candle',
    ];
    for (const url of urls) {
      const res = await app.inject({ url });
      expect(res.statusCode).toBe(200);
      const ids = res.json().items.map((i: { itemId: string }) => i.itemId);
      expect(ids.length).toBeGreaterThan(0);
      expect(ids).not.toContain('mug');
    }
  });
});
