import type { Redis } from 'ioredis';
import { WINDOW_MS, type SharedCounts } from '../domain/rate-counter';

/**
 * Rate-limit counts shared by every gateway in Redis: one counter per key and window
 * (`<prefix><key id>:<window>`), kept two windows long. One pipelined round trip per sync.
 */
export class RedisSharedCounts implements SharedCounts {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async add(window: number, increments: [key: string, count: number][]): Promise<number[]> {
    const pipeline = this.redis.pipeline();
    for (const [key, count] of increments) {
      const name = `${this.prefix}${key}:${window}`;
      pipeline.incrby(name, count).pexpire(name, 2 * WINDOW_MS);
    }
    const results = (await pipeline.exec()) ?? [];
    return increments.map((_, i) => {
      const [error, total] = results[2 * i] ?? [new Error('no reply from Redis')];
      if (error) throw error;
      return Number(total);
    });
  }
}
