import { claimEvents } from '@qm/events';
import { inTransaction, type Pool, type PoolClient } from '@qm/kit';
import { type Interaction, type ProductInfo } from '../domain/types';

type Queryable = Pick<PoolClient, 'query'>;

/** An interaction with the id of the event that carried it. */
export interface StoredInteraction extends Interaction {
  eventId: string;
}

/**
 * Passes on new interactions before they are committed, with the id of the transaction
 * storing them: if it throws, nothing is stored, so a retry finds the events new again.
 */
export type BeforeCommit = (fresh: StoredInteraction[], transaction: string) => Promise<void>;

/** What a model rebuild trains on, and which stored events it holds. */
export interface LoadedData {
  interactions: Interaction[];
  products: ProductInfo[];
  /** Whether the events stored by `transaction` are among the interactions loaded. */
  contains(transaction: string): boolean;
}

/** The interactions and products this service keeps in its own PostgreSQL schema. */
export interface InteractionStore {
  /** Applies events once: returns those that were new (already-seen ids are skipped). */
  record(events: StoredInteraction[], beforeCommit?: BeforeCommit): Promise<StoredInteraction[]>;
  upsertProducts(products: ProductInfo[]): Promise<void>;
  /** Interactions of the last `days` days and the catalogue, for training. */
  load(days: number): Promise<LoadedData>;
}

/**
 * Whether a transaction's writes are visible in a snapshot given as PostgreSQL prints
 * `pg_current_snapshot()`: `xmin:xmax:in-progress ids`. Ids are 64-bit (`xid8`), never reused.
 */
export function visibleIn(snapshot: string): (transaction: string) => boolean {
  const [xmin, xmax, running] = snapshot.split(':');
  const low = BigInt(xmin);
  const high = BigInt(xmax);
  const inProgress = new Set(running === '' ? [] : running.split(',').map(BigInt));
  return (transaction) => {
    const id = BigInt(transaction);
    return id < low || (id < high && !inProgress.has(id));
  };
}

/** A store over the tables of `schema`. */
export function createStore(pool: Pool, schema: string): InteractionStore {
  const table = (name: string): string => `${schema}.${name}`;

  return {
    async record(events, beforeCommit) {
      if (events.length === 0) return [];
      return inTransaction(pool, async (client) => {
        const rows = await claimEvents(client, table('processed_events'), events);
        if (rows.length > 0) {
          await client.query(
            `INSERT INTO ${table('interactions')}
               (event_id, user_id, item_id, kind, basket_id, occurred_at)
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
               $6::timestamptz[])
             ON CONFLICT (event_id) DO NOTHING`,
            [
              rows.map((r) => r.eventId),
              rows.map((r) => r.userId),
              rows.map((r) => r.itemId),
              rows.map((r) => r.kind),
              rows.map((r) => r.basketId),
              rows.map((r) => new Date(r.at).toISOString()),
            ],
          );
          if (beforeCommit !== undefined) await beforeCommit(rows, await transactionId(client));
        }
        return rows;
      });
    },

    async upsertProducts(products) {
      if (products.length === 0) return;
      const latest = new Map(products.map((p) => [p.itemId, p]));
      const rows = [...latest.values()];
      await pool.query(
        `INSERT INTO ${table('products')} (item_id, title, description, category)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
         ON CONFLICT (item_id) DO UPDATE SET title = excluded.title,
           description = excluded.description, category = excluded.category, updated_at = now()`,
        [
          rows.map((p) => p.itemId),
          rows.map((p) => p.title),
          rows.map((p) => p.description),
          rows.map((p) => p.category),
        ],
      );
    },

    load: (days) =>
      // One snapshot for the rows and for telling which transactions they hold.
      inTransaction(pool, async (client) => {
        await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
        const { rows } = await client.query<{ snapshot: string }>(
          'SELECT pg_current_snapshot()::text AS snapshot',
        );
        return {
          interactions: await loadInteractions(client, table('interactions'), days),
          products: await loadProducts(client, table('products')),
          contains: visibleIn(rows[0].snapshot),
        };
      }),
  };
}

async function transactionId(client: Queryable): Promise<string> {
  const { rows } = await client.query<{ id: string }>('SELECT pg_current_xact_id()::text AS id');
  return rows[0].id;
}

async function loadInteractions(
  client: Queryable,
  table: string,
  days: number,
): Promise<Interaction[]> {
  const { rows } = await client.query<{
    user_id: string;
    item_id: string;
    kind: Interaction['kind'];
    basket_id: string;
    at: string;
  }>(
    // The history window ends at each catalogue's newest event (ids of a clickstream set
    // carry its name before a colon), so one catalogue's recent events do not push
    // another's history out; events dated in the future are left out.
    `SELECT user_id, item_id, kind, basket_id, at FROM (
       SELECT user_id, item_id, kind, basket_id, occurred_at,
         (extract(epoch FROM occurred_at) * 1000)::float8 AS at,
         max(occurred_at) OVER (PARTITION BY CASE WHEN strpos(item_id, ':') > 0
           THEN split_part(item_id, ':', 1) ELSE '' END) AS newest
       FROM ${table}
       WHERE occurred_at <= now() + interval '1 day'
     ) scoped
     WHERE occurred_at >= newest - make_interval(days => $1)`,
    [days],
  );
  return rows.map((r) => ({
    userId: r.user_id,
    itemId: r.item_id,
    kind: r.kind,
    basketId: r.basket_id,
    at: Number(r.at),
  }));
}

async function loadProducts(client: Queryable, table: string): Promise<ProductInfo[]> {
  const { rows } = await client.query<ProductInfo & { item_id: string }>(
    `SELECT item_id, title, description, category FROM ${table}`,
  );
  return rows.map((r) => ({
    itemId: r.item_id,
    title: r.title,
    description: r.description,
    category: r.category,
  }));
}
