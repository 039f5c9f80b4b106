import type { PoolClient } from 'pg';

const TABLE_NAME = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/;

/**
 * Records the events' ids in a `processed_events(event_id text primary key, ...)` table and
 * returns the events that were not there yet, each once and in their order: an event
 * delivered twice in one batch comes back once, like one delivered again in a later batch
 * does not come back at all. Call it inside the transaction that applies the events and
 * apply only what it returns.
 */
export async function claimEvents<T extends { eventId: string }>(
  client: Pick<PoolClient, 'query'>,
  table: string,
  events: readonly T[],
): Promise<T[]> {
  // The table name cannot be a bind parameter, so only plain identifiers are accepted.
  if (!TABLE_NAME.test(table)) throw new Error(`not a plain table name: ${table}`);
  const unique = [...new Set(events.map((e) => e.eventId))];
  if (unique.length === 0) return [];

  const result = await client.query<{ event_id: string }>(
    `INSERT INTO ${table} (event_id) SELECT unnest($1::text[])
     ON CONFLICT DO NOTHING RETURNING event_id`,
    [unique],
  );
  const fresh = new Set(result.rows.map((row) => row.event_id));
  // Deleting on first sight keeps the first copy of an id and drops the others.
  return events.filter((e) => fresh.delete(e.eventId));
}
