import { randomBytes } from 'node:crypto';
import {
  BaseConfig,
  BestEffortCache,
  Cache,
  createLogger,
  createRedis,
  dropKeys,
  loadConfig,
  memoryLogger,
  type Redis,
} from '../src';

const config = loadConfig({ QM_REDIS_URL: BaseConfig.QM_REDIS_URL });
const prefix = `qmtest-kit-${process.pid}-${randomBytes(3).toString('hex')}:`;
let redis: Redis;

beforeAll(() => {
  redis = createRedis(config.QM_REDIS_URL, createLogger('test', 'silent'));
});

afterAll(async () => {
  await dropKeys(redis, `${prefix}*`);
  redis.disconnect();
});

describe('dropKeys', () => {
  it('deletes every key under a prefix over several scan pages, and nothing else', async () => {
    const pipeline = redis.pipeline();
    for (let i = 0; i < 2_500; i++) pipeline.set(`${prefix}mine:${i}`, '1');
    pipeline.set(`${prefix}other`, '1');
    await pipeline.exec();

    expect(await dropKeys(redis, `${prefix}mine:*`)).toBe(2_500);
    expect(await redis.keys(`${prefix}mine:*`)).toEqual([]);
    expect(await redis.get(`${prefix}other`)).toBe('1');
  });
});

describe('BestEffortCache', () => {
  const { log, lines } = memoryLogger();
  let late: Redis | undefined;

  afterEach(() => {
    lines.length = 0;
    late?.disconnect();
  });

  it('computes while the connection is closed, warns once, and caches once back', async () => {
    late = createRedis(config.QM_REDIS_URL, createLogger('test', 'silent'));
    await late.ping();
    late.disconnect();
    const cache = new BestEffortCache(new Cache(late, `${prefix}best:`, 60), log);
    const compute = jest.fn(async () => ({ answer: 42 }));

    expect(await cache.getOrSet('k', compute)).toEqual({ answer: 42 });
    await cache.set('k', { answer: 1 });
    await cache.delete('k');
    expect(await cache.get('k')).toBeUndefined();
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [40, 'cache unavailable: answers computed'],
    ]);

    await late.connect();
    expect(await cache.getOrSet('k', compute)).toEqual({ answer: 42 });
    expect(await cache.getOrSet('k', compute)).toEqual({ answer: 42 });

    expect(compute).toHaveBeenCalledTimes(2);
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [40, 'cache unavailable: answers computed'],
      [30, 'cache back'],
    ]);
  });
});
