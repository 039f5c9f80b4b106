import { join } from 'node:path';
import { createLogger } from '@qm/kit';
import { workerSnapshotBuilder } from '../src/adapters/build-worker';
import { buildApp } from '../src/app';
import { recommendForUser } from '../src/domain/recommender';
import {
  createRecommendations,
  inProcessBuilder,
  type SnapshotBuilder,
} from '../src/recommendations';
import { busyShop, everyList, MemoryLive, MemoryStore } from './fixtures';

const log = createLogger('recommendations-test', 'silent');

function service(store: MemoryStore, builder: SnapshotBuilder) {
  return createRecommendations({ store, live: new MemoryLive(), log, historyDays: 3650, builder });
}

describe('rebuilds in a worker thread', () => {
  // Each thread compiles the build's TypeScript as it starts: seconds on a busy machine.
  jest.setTimeout(30_000);

  const builders: Required<SnapshotBuilder>[] = [];
  const worker = (threadFile?: string): Required<SnapshotBuilder> => {
    const builder = workerSnapshotBuilder({ threadFile });
    builders.push(builder);
    return builder;
  };

  afterEach(async () => {
    await Promise.all(builders.splice(0).map((b) => b.close()));
  });

  it('gives the same lists as a build on the event loop', async () => {
    const { interactions, products } = busyShop();
    const inProcess = await inProcessBuilder.build(interactions, products, undefined);
    const threaded = await worker().build(interactions, products, undefined);
    expect(threaded.timings).toMatchObject({ threadBuildMs: expect.any(Number) });
    expect(everyList(threaded.snapshot)).toEqual(everyList(inProcess.snapshot));
  });

  it('answers requests from the current models while a rebuild runs', async () => {
    const store = new MemoryStore(busyShop());
    const recs = service(store, worker());
    await recs.retrain();
    const app = await buildApp({ recommendations: recs, log });
    try {
      const before = recs.current();
      // Stored while the service was running: only the next models know this customer.
      store.interactions.push(
        ...busyShop(2).interactions.map((e) => ({ ...e, userId: `new-${e.userId}` })),
      );
      let rebuilt = false;
      const rebuilding = recs.retrain().then(() => (rebuilt = true));

      const during = await app.inject({ url: '/v1/recommendations/users/new-c1?limit=5' });
      expect(rebuilt).toBe(false);
      expect(during.statusCode).toBe(200);
      expect(during.json().strategy).toBe('popular');
      expect(recs.current()).toBe(before);

      await rebuilding;
      const after = await app.inject({ url: '/v1/recommendations/users/new-c1?limit=5' });
      expect(after.json().strategy).toBe('blend');
    } finally {
      await app.close();
    }
  });

  it('keeps the current models answering when the build fails in its thread', async () => {
    let builder = inProcessBuilder;
    const recs = service(new MemoryStore(busyShop()), {
      build: (...args) => builder.build(...args),
    });
    await recs.retrain();
    const models = recs.current();
    const options = { limit: 5, excludePurchased: false };
    const before = await recs.forUser('c1', options);

    builder = worker(join(__dirname, 'failing-build-thread.ts'));
    await expect(recs.retrain()).rejects.toThrow('heap limit reached while training');
    expect(recs.current()).toBe(models);
    expect(await recs.forUser('c1', options)).toEqual(before);
    expect(await recs.forUser('c2', options)).toEqual(recommendForUser(models, 'c2', [], options));
  });

  it('fails a build in progress when closed, and refuses builds after', async () => {
    const builder = worker();
    const { interactions, products } = busyShop();
    const building = builder.build(interactions, products, undefined);
    await builder.close();
    await expect(building).rejects.toThrow('build thread stopped');
    await expect(builder.build(interactions, products, undefined)).rejects.toThrow('closed');
  });
});

describe('retraining', () => {
  it('shares one rebuild between calls made while it runs', async () => {
    let builds = 0;
    const counting: SnapshotBuilder = {
      build: async (...args) => {
        builds++;
        return inProcessBuilder.build(...args);
      },
    };
    const recs = service(new MemoryStore(busyShop()), counting);

    const [first, second] = await Promise.all([recs.retrain(), recs.retrain()]);
    expect(builds).toBe(1);
    expect(second).toBe(first);
    expect(recs.current()).toBe(first);

    const next = await recs.retrain();
    expect(builds).toBe(2);
    expect(next).not.toBe(first);
  });
});
