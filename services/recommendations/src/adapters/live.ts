import type { Redis } from '@qm/kit';
import type { ChainableCommander } from 'ioredis';
import { type LiveEvent } from '../domain/recommender';

/**
 * A live event with its id and the PostgreSQL transaction that stored it, which tells
 * whether the models of a rebuild hold it (see `LoadedData.contains`).
 */
export interface SeenEvent extends LiveEvent {
  eventId: string;
  transaction: string;
}

/**
 * A user's cached answer (its JSON text, as it is sent), or what computing it takes: the live
 * events and their generation.
 */
export type UserLookup =
  { cached: string } | { cached?: undefined; recent: SeenEvent[]; generation: string };

/**
 * A user's cached answer in one round trip; on a miss, the user's generation (a counter
 * every new event of the user raises) and latest events, read together so that they match.
 */
const LOOKUP_USER = `
local hit = redis.call('HGET', KEYS[2], ARGV[1])
if hit then return hit end
local reply = redis.call('LRANGE', KEYS[3], 0, -1)
table.insert(reply, 1, redis.call('GET', KEYS[1]) or '0')
return reply
`;

/** Caches a user's answer only if no event of the user came since its generation was read. */
const CACHE_USER_ANSWER = `
if (redis.call('GET', KEYS[1]) or '0') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[4])
return 1
`;

/**
 * Adds a user's events, raises the user's generation and drops the user's cached answers.
 * An event already in the list (from a write whose transaction then failed) is replaced,
 * not added again: the copy written last carries the transaction that stored it.
 * KEYS: events, generation, answers. ARGV: events kept, TTL, then each event's entry prefix
 * (its id) and entry.
 */
const ADD_USER_EVENTS = `
local kept = redis.call('LRANGE', KEYS[1], 0, -1)
for i = 3, #ARGV, 2 do
  local prefix = ARGV[i]
  for _, entry in ipairs(kept) do
    if string.sub(entry, 1, #prefix) == prefix then redis.call('LREM', KEYS[1], 0, entry) end
  end
  redis.call('LPUSH', KEYS[1], ARGV[i + 1])
end
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[1]) - 1)
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], ARGV[2])
redis.call('DEL', KEYS[3])
return 1
`;

type LiveMulti = ChainableCommander & {
  recsAddUserEvents(...args: (string | number)[]): ChainableCommander;
};

type LiveRedis = Redis & {
  recsLookupUser(...args: string[]): Promise<string | string[]>;
  recsCacheUserAnswer(...args: (string | number)[]): Promise<number>;
};

/** How long a user's live events and generation outlive the user's last event. */
const LIVE_TTL_SECONDS = 30 * 86_400;

/**
 * Redis state for serving: each user's latest events (a capped list), generation and cached
 * answers. A user's answers live in one hash, so a new event invalidates them all with one
 * DEL; the generation keeps an answer computed before the event from being cached after it.
 */
export class LiveStore {
  private readonly redis: LiveRedis;
  /** The connection whose writes are held until the end of this turn of the event loop. */
  private held: Redis['stream'] | undefined;

  constructor(
    redis: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
    private readonly keepEvents: number,
  ) {
    if (!('recsLookupUser' in redis)) {
      redis.defineCommand('recsAddUserEvents', { numberOfKeys: 3, lua: ADD_USER_EVENTS });
      redis.defineCommand('recsLookupUser', { numberOfKeys: 3, lua: LOOKUP_USER });
      redis.defineCommand('recsCacheUserAnswer', { numberOfKeys: 2, lua: CACHE_USER_ANSWER });
    }
    this.redis = redis as LiveRedis;
  }

  /**
   * Holds the connection's writes until every callback of this turn of the event loop has
   * run, so that the lookups of calls that arrived together go out in one write (one write
   * per lookup cost about a quarter of the CPU of a cached answer under load). ioredis's
   * auto-pipelining did the same through a pipeline object per turn, whose remains V8
   * promoted to the old generation: about 6 KB per cached call, which made scavenges at
   * 1,000 calls/s take 5-14 ms every quarter of a second.
   */
  private holdWrites(): void {
    const stream = this.redis.stream;
    if (this.held !== undefined || this.redis.status !== 'ready') return;
    stream.cork();
    this.held = stream;
    setImmediate(this.releaseWrites);
  }

  private readonly releaseWrites = (): void => {
    const stream = this.held;
    this.held = undefined;
    stream?.uncork();
  };

  private recentKey(userId: string): string {
    return `${this.prefix}recent:${userId}`;
  }

  private userKey(userId: string): string {
    return `${this.prefix}user:${userId}`;
  }

  private generationKey(userId: string): string {
    return `${this.prefix}generation:${userId}`;
  }

  /**
   * Appends events per user, raises their generations and drops their cached answers, in
   * one round trip. Idempotent: an event written again replaces its earlier copy.
   */
  async addEvents(byUser: Map<string, SeenEvent[]>): Promise<void> {
    if (byUser.size === 0) return;
    const multi = this.redis.multi() as LiveMulti;
    for (const [userId, events] of byUser) {
      const entries = events.flatMap((e) => [entryPrefix(e.eventId), liveEntry(e)]);
      multi.recsAddUserEvents(
        this.recentKey(userId),
        this.generationKey(userId),
        this.userKey(userId),
        this.keepEvents,
        LIVE_TTL_SECONDS,
        ...entries,
      );
    }
    const replies = (await multi.exec()) ?? [];
    const failed = replies.find(([error]) => error !== null);
    if (failed !== undefined) throw failed[0];
  }

  /** A user's cached answer under `field`, or the user's generation and events, oldest first. */
  async lookupUser(userId: string, field: string): Promise<UserLookup> {
    this.holdWrites();
    const reply = await this.redis.recsLookupUser(
      this.generationKey(userId),
      this.userKey(userId),
      this.recentKey(userId),
      field,
    );
    if (typeof reply === 'string') return { cached: reply };
    const [generation, ...newestFirst] = reply;
    const recent = newestFirst
      .map((r) => JSON.parse(r) as Partial<SeenEvent> & LiveEvent)
      // Entries without a transaction come from before entries carried one: the models
      // trained since hold those events.
      .filter((e): e is SeenEvent => e.transaction !== undefined)
      .reverse();
    return { recent, generation };
  }

  /** Caches a user's answer (JSON text) unless an event of the user came after `generation`. */
  async cacheForUser(
    userId: string,
    field: string,
    answer: string,
    generation: string,
  ): Promise<void> {
    this.holdWrites();
    await this.redis.recsCacheUserAnswer(
      this.generationKey(userId),
      this.userKey(userId),
      generation,
      field,
      answer,
      this.ttlSeconds,
    );
  }

  async cached<T>(key: string): Promise<T | undefined> {
    const raw = await this.redis.get(`${this.prefix}${key}`);
    return raw === null ? undefined : (JSON.parse(raw) as T);
  }

  async cache(key: string, value: unknown): Promise<void> {
    await this.redis.set(`${this.prefix}${key}`, JSON.stringify(value), 'EX', this.ttlSeconds);
  }
}

/** How an event's entry starts: its id first, so a script can find it without parsing. */
function entryPrefix(eventId: string): string {
  return `{"eventId":${JSON.stringify(eventId)},`;
}

function liveEntry(e: SeenEvent): string {
  const { eventId, itemId, kind, at, basketId, transaction } = e;
  return JSON.stringify({ eventId, itemId, kind, at, basketId, transaction });
}
