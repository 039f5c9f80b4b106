/**
 * Velocity: how many orders, distinct other customers and how much money one device, IP,
 * email or customer produced in sliding windows before the current order. The same
 * semantics run in Redis (a Lua script, online) and in memory (training and benchmark).
 */
import { OutOfRangeError } from '../errors';

export const ENTITY_KINDS = ['device', 'ip', 'email', 'customer'] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

export const WINDOWS = [
  { name: '1m', ms: 60_000 },
  { name: '1h', ms: 3_600_000 },
  { name: '1d', ms: 86_400_000 },
  { name: '7d', ms: 7 * 86_400_000 },
] as const;

export const LONGEST_WINDOW_MS = WINDOWS[WINDOWS.length - 1].ms;

/** Entries kept per entity; a busier entity keeps its most recent ones. */
export const ENTRIES_PER_ENTITY = 1000;

/** Kinds whose whole history (not only the windows) is kept: the customer has its own. */
export const HISTORY_KINDS = ['device', 'ip', 'email'] as const;
export type HistoryKind = (typeof HISTORY_KINDS)[number];

/**
 * Distinct customers and distinct amounts remembered per entity; past this, new ones are
 * not counted (a shared IP behind a large NAT must not grow without bound).
 */
export const DISTINCT_PER_ENTITY = 1000;

/** An order placed this soon after its account was created counts as a quick order. */
export const QUICK_ORDER_MS = 120_000;

export interface WindowStats {
  orders: number;
  /** Distinct customers other than the current one. */
  others: number;
  amount: number;
}

/** Per entity kind, one `WindowStats` per window of `WINDOWS`, in order. */
export type VelocitySnapshot = Record<EntityKind, WindowStats[]>;

/** Everything a device, IP or email did before the current order, however long ago. */
export interface EntityHistory {
  orders: number;
  /** Distinct customers other than the current one. */
  accounts: number;
  /** Event time of its earliest order in ms; undefined when it has none. */
  firstSeenAt?: number;
  /** Earlier orders placed within `QUICK_ORDER_MS` of their account's creation. */
  quickOrders: number;
  /** Earlier orders of exactly the current amount (in cents). */
  sameAmount: number;
}

export type EntityHistories = Record<HistoryKind, EntityHistory>;

/** What we know of a customer's earlier orders. */
export interface CustomerHistory {
  count: number;
  sum: number;
  sumSq: number;
}

export interface Observation {
  transactionId: string;
  customerId: string;
  amount: number;
  /** Event time in ms: windows run on the time of the order, not the clock. */
  at: number;
  entities: Partial<Record<EntityKind, string>>;
  /** Placed within `QUICK_ORDER_MS` of the account's creation. */
  quick?: boolean;
}

export interface Observed {
  velocity: VelocitySnapshot;
  history: CustomerHistory;
  entities: EntityHistories;
}

/**
 * What observing an order writes: `read` nothing; `replace` counts the order once (scoring it
 * again changes nothing); `add` adds the amount to an order already counted (sale lines of one
 * order arriving apart).
 */
export type RecordMode = 'read' | 'replace' | 'add';

/** Reads the velocity before an order and records it as `mode` says. */
export interface VelocityStore {
  observe(observation: Observation, mode: RecordMode): Promise<Observed>;
}

export function emptySnapshot(): VelocitySnapshot {
  const zero = (): WindowStats[] => WINDOWS.map(() => ({ orders: 0, others: 0, amount: 0 }));
  return { device: zero(), ip: zero(), email: zero(), customer: zero() };
}

export function emptyEntityHistories(): EntityHistories {
  const zero = (): EntityHistory => ({ orders: 0, accounts: 0, quickOrders: 0, sameAmount: 0 });
  return { device: zero(), ip: zero(), email: zero() };
}

/** What an empty store answers: nothing known of anyone. */
export function emptyObserved(): Observed {
  return {
    velocity: emptySnapshot(),
    history: { count: 0, sum: 0, sumSq: 0 },
    entities: emptyEntityHistories(),
  };
}

/**
 * The largest amount one observation may carry: a thousand times the largest order, and
 * small enough that a window of `ENTRIES_PER_ENTITY` of them sums exactly in cents.
 */
export const MAX_OBSERVED_AMOUNT = 1e10;

/** Refuses what no store can count: an amount or time that is not finite, or an absurd amount. */
export function assertCountable(observation: Observation): void {
  const { amount, at } = observation;
  if (!Number.isFinite(amount) || Math.abs(amount) > MAX_OBSERVED_AMOUNT) {
    throw new OutOfRangeError(`amount ${amount} is not a countable order value`);
  }
  if (!Number.isFinite(at)) throw new OutOfRangeError(`time ${at} is not a valid event time`);
}

/** Amounts are summed in whole cents so that Redis and memory agree exactly. */
export function toCents(amount: number): number {
  return Math.round(amount * 100);
}

interface Entry {
  id: string;
  customer: string;
  cents: number;
  at: number;
}

interface Lifetime {
  orders: number;
  first: number;
  quick: number;
  customers: Set<string>;
  amounts: Map<number, number>;
}

function isHistoryKind(kind: EntityKind): kind is HistoryKind {
  return kind !== 'customer';
}

/** In-memory velocity with the same semantics as the Redis script, for offline replays. */
export class MemoryVelocityStore implements VelocityStore {
  private readonly entries = new Map<string, Entry[]>();
  private readonly histories = new Map<string, CustomerHistory>();
  private readonly lifetimes = new Map<string, Lifetime>();

  async observe(observation: Observation, mode: RecordMode): Promise<Observed> {
    return this.observeNow(observation, mode);
  }

  /** The synchronous form, for replays of many orders. */
  observeNow(observation: Observation, mode: RecordMode): Observed {
    assertCountable(observation);
    const { transactionId, customerId, at } = observation;
    const velocity = emptySnapshot();
    const entities = emptyEntityHistories();
    const cents = toCents(observation.amount);
    let customerOld: number | undefined;
    let total = cents;

    for (const kind of ENTITY_KINDS) {
      const value = kind === 'customer' ? customerId : observation.entities[kind];
      if (value === undefined || value === '') continue;
      const key = `${kind}:${value}`;
      const list = this.entries.get(key) ?? [];
      const inRange = list.filter((e) => e.at >= at - LONGEST_WINDOW_MS && e.at <= at);
      const old = inRange.find((e) => e.id === transactionId);
      WINDOWS.forEach((window, w) => {
        const others = new Set<string>();
        const stats = velocity[kind][w];
        for (const e of inRange) {
          if (e.id === transactionId || e.at < at - window.ms) continue;
          stats.orders += 1;
          stats.amount += e.cents;
          if (e.customer !== customerId) others.add(e.customer);
        }
        stats.others = others.size;
        stats.amount /= 100;
      });
      if (kind === 'customer' && old) customerOld = old.cents;
      if (isHistoryKind(kind)) {
        const seen = this.lifetime(key, observation, cents, mode !== 'read' && !old);
        entities[kind] = old ? withoutItself(seen, observation, cents, old.cents) : seen;
      }
      if (mode === 'read') continue;
      total = mode === 'add' && old ? cents + old.cents : cents;
      const kept = list.filter((e) => e !== old);
      kept.push({ id: transactionId, customer: customerId, cents: total, at });
      this.entries.set(key, trim(kept, at));
    }

    const stored = this.histories.get(customerId) ?? { count: 0, sum: 0, sumSq: 0 };
    if (mode !== 'read' && (customerOld === undefined || mode === 'add')) {
      const before = (customerOld ?? 0) / 100;
      const after = total / 100;
      this.histories.set(customerId, {
        count: stored.count + (customerOld === undefined ? 1 : 0),
        sum: stored.sum + after - before,
        sumSq: stored.sumSq + after * after - before * before,
      });
    }
    const own = (customerOld ?? 0) / 100;
    const history =
      customerOld === undefined
        ? { ...stored }
        : { count: stored.count - 1, sum: stored.sum - own, sumSq: stored.sumSq - own * own };
    return { velocity, history, entities };
  }

  /** The entity's history before the order; `count` then adds the order to it. */
  private lifetime(
    key: string,
    observation: Observation,
    cents: number,
    count: boolean,
  ): EntityHistory {
    const life = this.lifetimes.get(key) ?? {
      orders: 0,
      first: Infinity,
      quick: 0,
      customers: new Set<string>(),
      amounts: new Map<number, number>(),
    };
    const { customerId, at } = observation;
    const known = life.customers.has(customerId);
    const seen: EntityHistory = {
      orders: life.orders,
      accounts: life.customers.size - (known ? 1 : 0),
      quickOrders: life.quick,
      sameAmount: life.amounts.get(cents) ?? 0,
      ...(life.orders > 0 ? { firstSeenAt: life.first } : {}),
    };
    if (count) {
      life.orders += 1;
      life.first = Math.min(life.first, at);
      if (observation.quick) life.quick += 1;
      if (!known && life.customers.size < DISTINCT_PER_ENTITY) life.customers.add(customerId);
      if (life.amounts.has(cents) || life.amounts.size < DISTINCT_PER_ENTITY) {
        life.amounts.set(cents, (life.amounts.get(cents) ?? 0) + 1);
      }
      this.lifetimes.set(key, life);
    }
    return seen;
  }
}

/**
 * An entity's history as it was before an order it already counted: a retried transaction
 * reads what its first call read. The amount is taken out only when it is the one counted.
 */
function withoutItself(
  seen: EntityHistory,
  observation: Observation,
  cents: number,
  countedCents: number,
): EntityHistory {
  const orders = Math.max(0, seen.orders - 1);
  const { firstSeenAt, ...rest } = seen;
  return {
    ...rest,
    orders,
    quickOrders: observation.quick ? Math.max(0, seen.quickOrders - 1) : seen.quickOrders,
    sameAmount: cents === countedCents ? Math.max(0, seen.sameAmount - 1) : seen.sameAmount,
    ...(orders > 0 && firstSeenAt !== undefined ? { firstSeenAt } : {}),
  };
}

function trim(list: Entry[], at: number): Entry[] {
  let kept = list.filter((e) => e.at >= at - LONGEST_WINDOW_MS);
  if (kept.length > ENTRIES_PER_ENTITY) {
    kept = kept.sort((a, b) => a.at - b.at).slice(kept.length - ENTRIES_PER_ENTITY);
  }
  return kept;
}
