import { randomUUID } from 'node:crypto';
import { backoffDelay, type Redis } from '@qm/kit';

/** How long a message may wait for its turn, and hold it once it has it. */
export interface TurnLimits {
  waitMs: number;
  /** Past this a holder is taken for dead and the next message goes on. */
  leaseMs: number;
}

/**
 * A queue of messages in Redis, one list per conversation, served first come, first served
 * across every instance of the service. Each entry is `<token> <deadline>` (Redis clock, in
 * ms): a waiter's deadline is the end of its wait, the head's the end of its lease. An entry
 * whose deadline passed belongs to a process that gave up or died, and is skipped.
 */
export interface TurnQueue {
  /** Joins the queue and waits for its head; the token, or undefined past the wait bound. */
  take(queueKey: string): Promise<string | undefined>;
  /** Leaves the queue, at its head or still waiting. */
  leave(queueKey: string, token: string): Promise<void>;
  /**
   * Sets `key` to `value` for `ttlSeconds` (and refreshes the TTL of `alsoExpire`) only while
   * `token` holds the turn: false, with nothing written, once its lease was lost.
   */
  writeIfHeld(write: HeldWrite): Promise<boolean>;
}

export interface HeldWrite {
  queueKey: string;
  token: string;
  key: string;
  value: string;
  ttlSeconds: number;
  alsoExpire?: string;
}

// KEYS: queue. ARGV: token, wait ms, lease ms, '1' to join the queue first.
// Returns 1 when the token holds the turn (its lease starts now), 0 while it waits.
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local token, wait, lease = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
if ARGV[4] == '1' then redis.call('RPUSH', KEYS[1], token .. ' ' .. (now + wait)) end
while true do
  local head = redis.call('LINDEX', KEYS[1], 0)
  -- Our own entry was skipped as expired: the caller's wait is over too.
  if not head then return 0 end
  local gap = string.find(head, ' ', 1, true)
  if string.sub(head, 1, gap - 1) == token then
    redis.call('LSET', KEYS[1], 0, token .. ' ' .. (now + lease))
    redis.call('PEXPIRE', KEYS[1], wait + lease)
    return 1
  end
  if tonumber(string.sub(head, gap + 1)) >= now then
    redis.call('PEXPIRE', KEYS[1], wait + lease)
    return 0
  end
  redis.call('LPOP', KEYS[1])
end
`;

// KEYS: queue. ARGV: token.
const LEAVE = `
local mine = ARGV[1] .. ' '
for _, entry in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  if string.sub(entry, 1, #mine) == mine then return redis.call('LREM', KEYS[1], 1, entry) end
end
return 0
`;

// KEYS: queue, key, key to refresh (may be absent). ARGV: token, value, ttl seconds.
const WRITE_IF_HELD = `
local head = redis.call('LINDEX', KEYS[1], 0)
local mine = ARGV[1] .. ' '
if not head or string.sub(head, 1, #mine) ~= mine then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
if KEYS[3] then redis.call('EXPIRE', KEYS[3], ARGV[3]) end
return 1
`;

type TurnRedis = Redis & {
  supportTurnTake(...args: (string | number)[]): Promise<number>;
  supportTurnLeave(...args: string[]): Promise<number>;
  supportTurnWrite(...args: (string | number)[]): Promise<number>;
};

function withCommands(redis: Redis): TurnRedis {
  // Defined once per client: several stores may share one.
  if (!('supportTurnTake' in redis)) {
    redis.defineCommand('supportTurnTake', { numberOfKeys: 1, lua: TAKE });
    redis.defineCommand('supportTurnLeave', { numberOfKeys: 1, lua: LEAVE });
    redis.defineCommand('supportTurnWrite', { lua: WRITE_IF_HELD });
  }
  return redis as TurnRedis;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** First come, first served turns in Redis; see {@link TurnQueue}. */
export function redisTurnQueue(client: Redis, limits: TurnLimits): TurnQueue {
  const redis = withCommands(client);
  const { waitMs, leaseMs } = limits;

  async function leave(queueKey: string, token: string): Promise<void> {
    await redis.supportTurnLeave(queueKey, token);
  }

  async function waitForHead(queueKey: string, token: string): Promise<boolean> {
    const deadline = Date.now() + waitMs;
    for (let attempt = 0; ; attempt++) {
      const join = attempt === 0 ? '1' : '0';
      if ((await redis.supportTurnTake(queueKey, token, waitMs, leaseMs, join)) === 1) {
        return true;
      }
      const left = deadline - Date.now();
      if (left <= 0) return false;
      // A turn usually lasts a few milliseconds: ask again soon, but not in lockstep.
      await sleep(Math.min(left, 1 + backoffDelay(attempt, 2, 20)));
    }
  }

  return {
    async take(queueKey) {
      const token = randomUUID();
      try {
        if (await waitForHead(queueKey, token)) return token;
      } catch (err) {
        await leave(queueKey, token).catch(() => undefined);
        throw err;
      }
      await leave(queueKey, token);
      return undefined;
    },
    leave,
    async writeIfHeld(w) {
      const keys =
        w.alsoExpire === undefined ? [w.queueKey, w.key] : [w.queueKey, w.key, w.alsoExpire];
      const args = [...keys, w.token, w.value, w.ttlSeconds];
      return (await redis.supportTurnWrite(keys.length, ...args)) === 1;
    },
  };
}
