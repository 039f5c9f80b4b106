import type { Redis } from '@qm/kit';
import type { RedisOptions } from 'ioredis';
import { type LiveEvent } from '../domain/recommender';

/**
 * Options for the Redis client serving answers: commands issued in the same tick go out in
 * one write. Under load many cached answers are looked up per tick, and one socket write per
 * lookup cost about a quarter of the CPU of a cached answer.
 */
export const LIVE_REDIS_OPTIONS: RedisOptions = { enableAutoPipelining: true };

/** A live event plus when this service saw it, to tell which ones a snapshot already holds. */
export interface SeenEvent extends LiveEvent {
  seenAt: number;
}

/**
 * Redis state for serving: each user's latest events (a capped list) and cached answers.
 * A user's answers live in one hash, so a new event invalidates them all with one DEL.
 */
export class LiveStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
    private readonly keepEvents: number,
  ) {}

  private recentKey(userId: string): string {
    return `${this.prefix}recent:${userId}`;
  }

  private userKey(userId: string): string {
    return `${this.prefix}user:${userId}`;
  }

  /** Appends events per user and drops their cached answers, in one round trip. */
  async addEvents(byUser: Map<string, SeenEvent[]>): Promise<void> {
    if (byUser.size === 0) return;
    const multi = this.redis.multi();
    for (const [userId, events] of byUser) {
      const key = this.recentKey(userId);
      multi.lpush(key, ...events.map((e) => JSON.stringify(e)));
      multi.ltrim(key, 0, this.keepEvents - 1);
      multi.expire(key, 30 * 86_400);
      multi.del(this.userKey(userId));
    }
    await multi.exec();
  }

  /** A user's latest events, oldest first. */
  async recent(userId: string): Promise<SeenEvent[]> {
    const raw = await this.redis.lrange(this.recentKey(userId), 0, -1);
    return raw.map((r) => JSON.parse(r) as SeenEvent).reverse();
  }

  async cachedForUser<T>(userId: string, field: string): Promise<T | undefined> {
    const raw = await this.redis.hget(this.userKey(userId), field);
    return raw === null ? undefined : (JSON.parse(raw) as T);
  }

  async cacheForUser(userId: string, field: string, value: unknown): Promise<void> {
    const key = this.userKey(userId);
    await this.redis
      .multi()
      .hset(key, field, JSON.stringify(value))
      .expire(key, this.ttlSeconds)
      .exec();
  }

  async cached<T>(key: string): Promise<T | undefined> {
    const raw = await this.redis.get(`${this.prefix}${key}`);
    return raw === null ? undefined : (JSON.parse(raw) as T);
  }

  async cache(key: string, value: unknown): Promise<void> {
    await this.redis.set(`${this.prefix}${key}`, JSON.stringify(value), 'EX', this.ttlSeconds);
  }
}
