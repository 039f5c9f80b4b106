import { randomBytes } from 'node:crypto';
import { BaseConfig, createLogger, createRedis, dropKeys, loadConfig, type Redis } from '../src';

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
