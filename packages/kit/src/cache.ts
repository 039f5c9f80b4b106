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
    return getOrSet(this, key, compute, ttl);
  }
}

type CacheOperation = 'read' | 'write' | 'delete';

/**
 * A cache that never fails its caller, for answers that can always be computed: a read that
 * fails is a miss, a write or delete that fails is skipped. An outage is logged at warn once,
 * when the first operation fails, and its end at info, when one succeeds again.
 */
export class BestEffortCache {
  private failing = false;

  constructor(
    private readonly cache: Cache,
    private readonly log: Logger,
  ) {}

  async get<T>(key: string): Promise<T | undefined> {
    return this.attempt('read', (cache) => cache.get<T>(key), undefined);
  }

  async set(key: string, value: unknown, ttl?: number): Promise<void> {
    await this.attempt('write', (cache) => cache.set(key, value, ttl), undefined);
  }

  async delete(...keys: string[]): Promise<void> {
    await this.attempt('delete', (cache) => cache.delete(...keys), undefined);
  }

  /** The cached value, or the computed one (stored for next time when Redis answers). */
  async getOrSet<T>(key: string, compute: () => Promise<T>, ttl?: number): Promise<T> {
    return getOrSet(this, key, compute, ttl);
  }

  /** The result of an operation on the cache, or `fallback` when it fails. */
  async attempt<R>(
    operation: CacheOperation,
    run: (cache: Cache) => Promise<R>,
    fallback: R,
  ): Promise<R> {
    try {
      const result = await run(this.cache);
      if (this.failing) this.log.info('cache back');
      this.failing = false;
      return result;
    } catch (err) {
      if (!this.failing) this.log.warn({ err, operation }, 'cache unavailable: answers computed');
      this.failing = true;
      return fallback;
    }
  }
}

async function getOrSet<T>(
  cache: Pick<Cache, 'get' | 'set'>,
  key: string,
  compute: () => Promise<T>,
  ttl?: number,
): Promise<T> {
  const hit = await cache.get<T>(key);
  if (hit !== undefined) return hit;
  const value = await compute();
  await cache.set(key, value, ttl);
  return value;
}
