import { join } from 'node:path';
import {
  ClickEventSchema,
  ClickType,
  create,
  encode,
  timestampFromDate,
  topicName,
} from '@qm/contracts';
import { type ConsumerHandle } from '@qm/events';
import { createLogger } from '@qm/kit';
import { startConsumers } from '../src/adapters/consumers';
import { LiveStore } from '../src/adapters/live';
import { createStore } from '../src/adapters/store';
import { createRecommendations, type Recommendations } from '../src/recommendations';
import { seedShop } from './fixtures';
import { openServiceTestStack, waitFor, type ServiceTestStack } from '@qm/tests';

const log = createLogger('recommendations-test', 'silent');

/** A step of the live store the test holds until it has done what it must do meanwhile. */
interface Hold {
  reached: Promise<void>;
  release: () => void;
}

function hold(): Hold & { wait: () => Promise<void>; arrive: () => void } {
  let arrive = (): void => undefined;
  let release = (): void => undefined;
  const reached = new Promise<void>((resolve) => (arrive = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  return { reached, release, arrive, wait: () => released };
}

/** The connection error ioredis raises while Redis is unreachable. */
const redisDown = (): Error => new Error('Connection is closed.');

/**
 * The production live store with seams: a user answer's write or an event write can be
 * held at its start, and event writes can fail (before or after reaching Redis).
 */
class SeamedLiveStore extends LiveStore {
  private heldAnswer?: ReturnType<typeof hold>;
  private heldEvents?: ReturnType<typeof hold>;
  private failures: ('before' | 'after')[] = [];

  holdNextAnswerWrite(): Hold {
    return (this.heldAnswer = hold());
  }

  holdNextEventWrite(): Hold {
    return (this.heldEvents = hold());
  }

  /** The next event write fails: before Redis sees it, or after Redis applied it. */
  failNextEventWrite(when: 'before' | 'after'): void {
    this.failures.push(when);
  }

  override async cacheForUser(...args: Parameters<LiveStore['cacheForUser']>): Promise<void> {
    const held = this.heldAnswer;
    this.heldAnswer = undefined;
    if (held !== undefined) {
      held.arrive();
      await held.wait();
    }
    return super.cacheForUser(...args);
  }

  override async addEvents(...args: Parameters<LiveStore['addEvents']>): Promise<void> {
    if (args[0].size === 0) return super.addEvents(...args);
    const held = this.heldEvents;
    this.heldEvents = undefined;
    if (held !== undefined) {
      held.arrive();
      await held.wait();
    }
    const failure = this.failures.shift();
    if (failure === 'before') throw redisDown();
    await super.addEvents(...args);
    if (failure === 'after') throw redisDown();
  }
}

let stack: ServiceTestStack;
let live: SeamedLiveStore;
let recs: Recommendations;
let consumers: ConsumerHandle[];

const userList = (userId: string) => recs.forUser(userId, { limit: 5, excludePurchased: true });

const recentKey = (userId: string): string => `${stack.prefix}:recs:recent:${userId}`;

const storedRecent = (userId: string): Promise<string[]> =>
  stack.redis.lrange(recentKey(userId), 0, -1);

/** Publishes a view of `itemId` by `userId`; every view goes to one partition, in order. */
async function publishView(eventId: string, userId: string, itemId: string): Promise<void> {
  const click = create(ClickEventSchema, {
    eventId,
    type: ClickType.VIEW,
    userId,
    sessionId: `s-${eventId}`,
    itemId,
    occurredAt: timestampFromDate(new Date('2024-03-02T10:00:00Z')),
  });
  await stack.bus.publisher.publish(topicName('clickstream', stack.bus.topicPrefix), [
    { key: 'views', value: encode(ClickEventSchema, click) },
  ]);
}

/** Waits until the user's live events in Redis hold `count` entries. */
const recentHolds = (userId: string, count: number): Promise<string[]> =>
  waitFor(`${count} live events of ${userId}`, async () => {
    const recent = await storedRecent(userId);
    return recent.length >= count ? recent : undefined;
  });

beforeAll(async () => {
  stack = await openServiceTestStack('recs-live', join(__dirname, '..', 'migrations'));
  live = new SeamedLiveStore(stack.redis, `${stack.prefix}:recs:`, 60, 50);
  recs = createRecommendations({
    store: createStore(stack.pool, stack.schema),
    live,
    log,
    historyDays: 3650,
  });
  await seedShop(recs);
  consumers = await startConsumers(stack.bus, recs);
}, 90_000);

afterAll(async () => {
  await stack?.teardown();
}, 60_000);

afterEach(() => {
  // A consumer that stopped on an error would leave every later test waiting.
  for (const c of consumers) expect(c.failure()).toBeUndefined();
});

describe('live events on PostgreSQL, Redis and Kafka', () => {
  it('never caches a list computed before an event once the event dropped the cache', async () => {
    expect((await userList('racer')).strategy).toBe('popular');

    // The list is computed from the events so far; its cache write waits while a view lands.
    const write = live.holdNextAnswerWrite();
    const before = recs.forUser('racer', { limit: 6, excludePurchased: true });
    await write.reached;
    await publishView('race-view', 'racer', 'candle');
    await recentHolds('racer', 1);
    write.release();
    expect((await before).strategy).toBe('popular');

    const after = await recs.forUser('racer', { limit: 6, excludePurchased: true });
    expect(after.strategy).toBe('blend');
    expect(after.items.map((i) => i.itemId)).toContain('matches');
  });

  it('puts a view stored while Redis was down into the live events once it is back', async () => {
    live.failNextEventWrite('before');
    await publishView('lost-view', 'unlucky', 'candle');
    await publishView('next-view', 'lucky', 'mug');
    // Views are applied in order, so the second in Redis means the first was dealt with.
    await recentHolds('lucky', 1);

    const recent = await storedRecent('unlucky');
    expect(recent).toHaveLength(1);
    expect(recent[0]).toContain('"candle"');
    expect((await userList('unlucky')).items.map((i) => i.itemId)).toContain('matches');
  });

  it('keeps a view once when Redis applied it but its reply was lost', async () => {
    live.failNextEventWrite('after');
    await publishView('twice-view', 'echo', 'candle');
    await publishView('after-twice', 'echo-next', 'mug');
    await recentHolds('echo-next', 1);

    expect(await storedRecent('echo')).toHaveLength(1);
  });

  it('counts a view as live when a rebuild read the history while storing it', async () => {
    const write = live.holdNextEventWrite();
    await publishView('mid-rebuild', 'midway', 'candle');
    await write.reached;
    // A transaction begun later and committed first: the rebuild holds it, not the held one.
    await createStore(stack.pool, stack.schema).record([
      { eventId: 'overtaker', userId: 'other', itemId: 'mug', kind: 'view', basketId: '', at: 0 },
    ]);
    await recs.retrain();
    write.release();
    await recentHolds('midway', 1);

    const list = await userList('midway');
    expect(list.strategy).toBe('blend');
    expect(list.items.map((i) => i.itemId)).toContain('matches');
  });

  it('answers a cached user list with one Redis command', async () => {
    await userList('u2');
    const sent: string[] = [];
    const original = stack.redis.sendCommand.bind(stack.redis);
    const counting: typeof stack.redis.sendCommand = (command, stream) => {
      sent.push(command.name);
      return original(command, stream);
    };
    stack.redis.sendCommand = counting;
    try {
      await userList('u2');
    } finally {
      stack.redis.sendCommand = original;
    }
    expect(sent).toHaveLength(1);
  });

  it('sends the lookups of calls answered in one turn of the event loop in one write', async () => {
    const users = ['u1', 'u2', 'u3', 'u4'];
    await Promise.all(users.map((u) => userList(u)));
    const stream = stack.redis.stream;
    const writes = { single: 0, batched: 0 };
    const write = stream._write.bind(stream);
    const writev = stream._writev?.bind(stream);
    stream._write = (...args) => {
      writes.single += 1;
      write(...args);
    };
    stream._writev = (...args) => {
      writes.batched += 1;
      writev?.(...args);
    };
    try {
      const lists = await Promise.all(users.map((u) => userList(u)));
      expect(lists.map((l) => l.items.length > 0)).toEqual([true, true, true, true]);
    } finally {
      stream._write = write;
      stream._writev = writev;
    }
    expect(writes).toEqual({ single: 0, batched: 1 });
  });
});
