import type { Redis } from 'ioredis';
import {
  assertCountable,
  DISTINCT_PER_ENTITY,
  emptyEntityHistories,
  emptySnapshot,
  ENTITY_KINDS,
  ENTRIES_PER_ENTITY,
  LONGEST_WINDOW_MS,
  toCents,
  WINDOWS,
  type EntityKind,
  type HistoryKind,
  type Observation,
  type Observed,
  type RecordMode,
  type VelocityStore,
} from '../domain/velocity';

/**
 * One round trip per order: reads every window of every entity and the whole history of its
 * device, IP and email and, when asked, counts the order (see `RecordMode`), in one Lua
 * script (atomic, so concurrent orders of one device see each other). An order already in
 * the customer's or an entity's set is left out of what is read there, so a retried
 * transaction reads what its first call read. The script mirrors `MemoryVelocityStore`.
 *
 * KEYS: one sorted set per entity, the customer's last; the customer's history hash; one
 * history hash per entity but the customer, in the same order. Sorted-set members are
 * `id \t customer \t cents`, scores event times in ms. A history hash holds `n` (orders),
 * `first` (earliest event time), `quick` (quick orders), `nc` and `c:<customer>` (distinct
 * customers), `na` and `a:<cents>` (orders per distinct amount).
 */
const SCRIPT = `
local at = tonumber(ARGV[1])
local id = ARGV[2]
local customer = ARGV[3]
local cents = tonumber(ARGV[4])
local mode = ARGV[5]
local cap = tonumber(ARGV[6])
local ttl = tonumber(ARGV[7])
local historyTtl = tonumber(ARGV[8])
local quick = ARGV[9]
local distinct = tonumber(ARGV[10])
local nkeys = tonumber(ARGV[11])
local windows = {}
for i = 12, #ARGV do windows[#windows + 1] = tonumber(ARGV[i]) end
local longest = windows[#windows]
local out = {}
local lives = {}
local customerOld = nil
local total = cents
for k = 1, nkeys do
  local key = KEYS[k]
  local rows = redis.call('ZRANGEBYSCORE', key, at - longest, at, 'WITHSCORES')
  local old, oldCents = nil, 0
  -- Newest first: each window holds the next one's orders, so one pass fills them all.
  local w, orders, amount, others, seen = 1, 0, 0, 0, {}
  for r = #rows - 1, 1, -2 do
    local rid, rcust, rcents = string.match(rows[r], '^(.-)\\t(.-)\\t(-?%d+)$')
    if rid == id then
      old = rows[r]
      oldCents = tonumber(rcents)
    else
      local t = tonumber(rows[r + 1])
      while w <= #windows and t < at - windows[w] do
        out[#out + 1] = orders
        out[#out + 1] = others
        out[#out + 1] = amount
        w = w + 1
      end
      orders = orders + 1
      amount = amount + tonumber(rcents)
      if rcust ~= customer and not seen[rcust] then
        seen[rcust] = true
        others = others + 1
      end
    end
  end
  while w <= #windows do
    out[#out + 1] = orders
    out[#out + 1] = others
    out[#out + 1] = amount
    w = w + 1
  end
  if k == nkeys and old then customerOld = oldCents end
  if k < nkeys then
    local s = KEYS[nkeys + 1 + k]
    local f = redis.call('HMGET', s, 'n', 'first', 'quick', 'nc', 'na',
      'c:' .. customer, 'a:' .. cents)
    local nc = tonumber(f[4] or '0')
    local accounts = nc
    if f[6] then accounts = nc - 1 end
    local n, first = tonumber(f[1] or '0'), f[2] or ''
    local q, same = tonumber(f[3] or '0'), tonumber(f[7] or '0')
    -- An order counted before is not an earlier order of its own: a retry reads as it did.
    if old then
      n = math.max(0, n - 1)
      if n == 0 then first = '' end
      if quick == '1' then q = math.max(0, q - 1) end
      if oldCents == cents then same = math.max(0, same - 1) end
    end
    lives[#lives + 1] = n
    lives[#lives + 1] = accounts
    lives[#lives + 1] = first
    lives[#lives + 1] = q
    lives[#lives + 1] = same
    if mode ~= '0' and not old then
      redis.call('HINCRBY', s, 'n', 1)
      if not f[2] or at < tonumber(f[2]) then redis.call('HSET', s, 'first', at) end
      if quick == '1' then redis.call('HINCRBY', s, 'quick', 1) end
      if not f[6] and nc < distinct then
        redis.call('HSET', s, 'c:' .. customer, 1)
        redis.call('HINCRBY', s, 'nc', 1)
      end
      if f[7] then
        redis.call('HINCRBY', s, 'a:' .. cents, 1)
      elseif tonumber(f[5] or '0') < distinct then
        redis.call('HSET', s, 'a:' .. cents, 1)
        redis.call('HINCRBY', s, 'na', 1)
      end
      redis.call('PEXPIRE', s, historyTtl)
    end
  end
  if mode ~= '0' then
    total = cents
    if mode == '2' and old then total = cents + oldCents end
    if old then redis.call('ZREM', key, old) end
    redis.call('ZADD', key, at, id .. '\\t' .. customer .. '\\t' .. total)
    redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. (at - longest))
    redis.call('ZREMRANGEBYRANK', key, 0, -cap - 1)
    redis.call('PEXPIRE', key, ttl)
  end
end
local h = KEYS[nkeys + 1]
local hist = redis.call('HMGET', h, 'n', 'sum', 'sumsq')
if customerOld == nil then
  out[#out + 1] = hist[1] or '0'
  out[#out + 1] = hist[2] or '0'
  out[#out + 1] = hist[3] or '0'
else
  local own = customerOld / 100
  out[#out + 1] = tonumber(hist[1] or '0') - 1
  out[#out + 1] = string.format('%.17g', tonumber(hist[2] or '0') - own)
  out[#out + 1] = string.format('%.17g', tonumber(hist[3] or '0') - own * own)
end
if mode ~= '0' and (customerOld == nil or mode == '2') then
  local before = (customerOld or 0) / 100
  local after = total / 100
  if customerOld == nil then redis.call('HINCRBY', h, 'n', 1) end
  redis.call('HINCRBYFLOAT', h, 'sum', after - before)
  redis.call('HINCRBYFLOAT', h, 'sumsq', after * after - before * before)
  redis.call('PEXPIRE', h, historyTtl)
end
for i = 1, #lives do out[#out + 1] = lives[i] end
return out
`;

const RECORD_MODES: Record<RecordMode, string> = { read: '0', replace: '1', add: '2' };

/** How long an idle entity's entries stay in Redis, in wall-clock time. */
const IDLE_TTL_MS = LONGEST_WINDOW_MS + 86_400_000;

type VelocityRedis = Redis & {
  fraudVelocity(numKeys: number, ...args: (string | number)[]): Promise<(number | string)[]>;
};

export class RedisVelocityStore implements VelocityStore {
  private readonly redis: VelocityRedis;

  constructor(
    redis: Redis,
    private readonly prefix: string,
    /** Customer histories outlive velocity windows. */
    private readonly historyTtlMs = 400 * 86_400_000,
  ) {
    if (!('fraudVelocity' in redis)) redis.defineCommand('fraudVelocity', { lua: SCRIPT });
    this.redis = redis as VelocityRedis;
  }

  async observe(observation: Observation, mode: RecordMode): Promise<Observed> {
    // Lua numbers overflow to infinity, which Redis refuses to store: the script would fail.
    assertCountable(observation);
    // The customer key comes last among the entity keys: its ZADD tells whether the order
    // is new to the customer's history.
    const kinds: EntityKind[] = ENTITY_KINDS.filter(
      (k) =>
        k !== 'customer' && observation.entities[k] !== undefined && observation.entities[k] !== '',
    );
    kinds.push('customer');
    const keys = kinds.map((k) =>
      k === 'customer'
        ? `${this.prefix}fraud:v:customer:${observation.customerId}`
        : `${this.prefix}fraud:v:${k}:${observation.entities[k]}`,
    );
    const historyKey = `${this.prefix}fraud:h:${observation.customerId}`;
    const lifeKinds = kinds.filter((k): k is HistoryKind => k !== 'customer');
    const lifeKeys = lifeKinds.map((k) => `${this.prefix}fraud:e:${k}:${observation.entities[k]}`);
    const reply = await this.redis.fraudVelocity(
      keys.length + 1 + lifeKeys.length,
      ...keys,
      historyKey,
      ...lifeKeys,
      observation.at,
      observation.transactionId.replace(/\t/g, ' '),
      observation.customerId.replace(/\t/g, ' '),
      toCents(observation.amount),
      RECORD_MODES[mode],
      ENTRIES_PER_ENTITY,
      IDLE_TTL_MS,
      this.historyTtlMs,
      observation.quick === true ? '1' : '0',
      DISTINCT_PER_ENTITY,
      keys.length,
      ...WINDOWS.map((w) => w.ms),
    );

    const velocity = emptySnapshot();
    let i = 0;
    for (const kind of kinds) {
      for (const stats of velocity[kind]) {
        stats.orders = Number(reply[i++]);
        stats.others = Number(reply[i++]);
        stats.amount = Number(reply[i++]) / 100;
      }
    }
    const history = {
      count: Number(reply[i++]),
      sum: Number(reply[i++]),
      sumSq: Number(reply[i++]),
    };
    const entities = emptyEntityHistories();
    for (const kind of lifeKinds) {
      const orders = Number(reply[i++]);
      const accounts = Number(reply[i++]);
      const first = reply[i++];
      entities[kind] = {
        orders,
        accounts,
        quickOrders: Number(reply[i++]),
        sameAmount: Number(reply[i++]),
        ...(first === '' ? {} : { firstSeenAt: Number(first) }),
      };
    }
    return { velocity, history, entities };
  }
}
