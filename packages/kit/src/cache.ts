import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';

export { Redis } from 'ioredis';

/** A Redis client that keeps retrying in the background and never throws on connect. */
export function createRedis(url: string, log: Logger, extra: RedisOptions = {}): Redis {
  const redis = new Redis(url, {
    lazyConnect: false,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    retryStrategy: (times) => Math.min(times * 200, 2000),
    ...extra,
  });
  let down = false;
  redis.on('error', (err: Error) => {
    if (!down) log.warn({ err: err.message }, 'redis unavailable');
    down = true;
  });
  redis.on('ready', () => {
    if (down) log.info('redis back');
    down = false;
  });
  return redis;
}

/** Readiness check for Redis. */
export function redisCheck(redis: Redis): () => Promise<void> {
  return async () => {
    if (redis.status !== 'ready') throw new Error(`connection ${redis.status}`);
    await redis.ping();
  };
}

/** Deletes every key matching `pattern`, a page at a time (`SCAN`, never `KEYS`). */
export async function dropKeys(redis: Redis, pattern: string): Promise<number> {
  let dropped = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    if (keys.length > 0) dropped += await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  return dropped;
}

/** A positive whole number of seconds: anything else falls back to the default. */
export function ttlSeconds(ttl: number | undefined, fallback: number): number {
  if (ttl !== undefined && Number.isFinite(ttl) && ttl >= 1) return Math.floor(ttl);
  return Math.max(1, Math.floor(fallback));
}

/** JSON values in Redis under one key prefix, with a TTL on every write. */
export class Cache {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly defaultTtl: number,
  ) {}

  key(key: string): string {
    return this.prefix + key;
  }

  async get<T>(key: string): Promise<T | undefined> {
    const raw = await this.redis.get(this.key(key));
    return raw === null ? undefined : (JSON.parse(raw) as T);
  }

  async set(key: string, value: unknown, ttl?: number): Promise<void> {
    await this.redis.set(
      this.key(key),
      JSON.stringify(value),
      'EX',
      ttlSeconds(ttl, this.defaultTtl),
    );
  }

  async delete(...keys: string[]): Promise<void> {
    if (keys.length > 0) await this.redis.del(...keys.map((k) => this.key(k)));
  }

  /** The cached value, or the computed one (stored for next time). */
  async getOrSet<T>(key: string, compute: () => Promise<T>, ttl?: number): Promise<T> {
    const hit = await this.get<T>(key);
    if (hit !== undefined) return hit;
    const value = await compute();
    await this.set(key, value, ttl);
    return value;
  }
}
