/**
 * Velocity: how many orders, distinct other customers and how much money one device, IP,
 * email or customer produced in sliding windows before the current order. The same
 * semantics run in Redis (a Lua script, online) and in memory (training and benchmark).
 */
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

export interface WindowStats {
  orders: number;
  /** Distinct customers other than the current one. */
  others: number;
  amount: number;
}

/** Per entity kind, one `WindowStats` per window of `WINDOWS`, in order. */
export type VelocitySnapshot = Record<EntityKind, WindowStats[]>;

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
}

export interface Observed {
  velocity: VelocitySnapshot;
  history: CustomerHistory;
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

/** In-memory velocity with the same semantics as the Redis script, for offline replays. */
export class MemoryVelocityStore implements VelocityStore {
  private readonly entries = new Map<string, Entry[]>();
  private readonly histories = new Map<string, CustomerHistory>();

  async observe(observation: Observation, mode: RecordMode): Promise<Observed> {
    return this.observeNow(observation, mode);
  }

  /** The synchronous form, for replays of many orders. */
  observeNow(observation: Observation, mode: RecordMode): Observed {
    const { transactionId, customerId, at } = observation;
    const velocity = emptySnapshot();
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
      if (mode === 'read') continue;
      total = mode === 'add' && old ? cents + old.cents : cents;
      const kept = list.filter((e) => e !== old);
      kept.push({ id: transactionId, customer: customerId, cents: total, at });
      this.entries.set(key, trim(kept, at));
    }

    const history = { ...(this.histories.get(customerId) ?? { count: 0, sum: 0, sumSq: 0 }) };
    if (mode !== 'read' && (customerOld === undefined || mode === 'add')) {
      const before = (customerOld ?? 0) / 100;
      const after = total / 100;
      this.histories.set(customerId, {
        count: history.count + (customerOld === undefined ? 1 : 0),
        sum: history.sum + after - before,
        sumSq: history.sumSq + after * after - before * before,
      });
    }
    return { velocity, history };
  }
}

function trim(list: Entry[], at: number): Entry[] {
  let kept = list.filter((e) => e.at >= at - LONGEST_WINDOW_MS);
  if (kept.length > ENTRIES_PER_ENTITY) {
    kept = kept.sort((a, b) => a.at - b.at).slice(kept.length - ENTRIES_PER_ENTITY);
  }
  return kept;
}
