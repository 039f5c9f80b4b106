import { type Interaction, type InteractionKind } from './types';

/** Two-way mapping between external ids and dense indexes. */
export class IdIndex {
  readonly ids: string[] = [];
  private readonly byId = new Map<string, number>();

  get size(): number {
    return this.ids.length;
  }

  get(id: string): number | undefined {
    return this.byId.get(id);
  }

  add(id: string): number {
    let index = this.byId.get(id);
    if (index === undefined) {
      index = this.ids.length;
      this.ids.push(id);
      this.byId.set(id, index);
    }
    return index;
  }
}

const KIND_WEIGHT: Record<InteractionKind, number> = { view: 1, cart: 3, purchase: 5 };

/** One user's history in time order, as item indexes. */
export interface History {
  items: Int32Array;
  times: Float64Array;
  weights: Float32Array;
  purchased: Uint8Array;
  baskets: string[];
}

/** Interactions indexed for training: dense ids, per-user histories, baskets, sessions. */
export interface TrainingData {
  items: IdIndex;
  users: IdIndex;
  histories: History[];
  /** Distinct items of each basket (order or session), baskets in time order. */
  baskets: Int32Array[];
  /** Items of each session in click order (repeats kept), for session models. */
  sequences: Int32Array[];
  basketTimes: Float64Array;
  /** The latest interaction time: "now" for decays. */
  now: number;
}

const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Time order, ties broken by every other field, so that no two orders of input differ. */
function chronological(a: Interaction, b: Interaction): number {
  return (
    a.at - b.at ||
    compareIds(a.userId, b.userId) ||
    compareIds(a.basketId, b.basketId) ||
    compareIds(a.itemId, b.itemId) ||
    compareIds(a.kind, b.kind)
  );
}

/**
 * Indexes interactions. Items named in `catalogue` get an index even without interactions.
 * Indexes, and with them every model's tie-breaks, depend only on the data, not on the order
 * a database returned it in: items are numbered as they first appear in time order (so a tie
 * between scores goes to the item seen first), then the catalogue's other items by id.
 */
export function buildTrainingData(
  interactions: readonly Interaction[],
  catalogue: Iterable<string> = [],
): TrainingData {
  const items = new IdIndex();
  const users = new IdIndex();
  const sorted = [...interactions].sort(chronological);
  const perUser: Interaction[][] = [];
  const basketOrder = new Map<string, { items: number[]; at: number }>();
  let now = 0;
  for (const event of sorted) {
    const item = items.add(event.itemId);
    if (event.at > now) now = event.at;
    if (event.userId !== '') {
      const user = users.add(event.userId);
      (perUser[user] ??= []).push(event);
    }
    if (event.basketId !== '') {
      let basket = basketOrder.get(event.basketId);
      if (basket === undefined) {
        basket = { items: [], at: event.at };
        basketOrder.set(event.basketId, basket);
      }
      basket.items.push(item);
    }
  }
  for (const id of [...catalogue].sort(compareIds)) items.add(id);

  const histories = perUser.map((events) => ({
    items: Int32Array.from(events, (e) => items.get(e.itemId) ?? 0),
    times: Float64Array.from(events, (e) => e.at),
    weights: Float32Array.from(events, (e) => KIND_WEIGHT[e.kind]),
    purchased: Uint8Array.from(events, (e) => (e.kind === 'purchase' ? 1 : 0)),
    baskets: events.map((e) => e.basketId),
  }));
  const list = [...basketOrder.values()];
  return {
    items,
    users,
    histories,
    baskets: list.map((b) => Int32Array.from(new Set(b.items))),
    sequences: list.map((b) => Int32Array.from(b.items)),
    basketTimes: Float64Array.from(list, (b) => b.at),
    now,
  };
}
