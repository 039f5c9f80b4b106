import type { PoolClient } from 'pg';

const TABLE_NAME = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/;

/**
 * Records event ids in a `processed_events(event_id text primary key, ...)` table and
 * returns those that were not there yet. Call it inside the transaction that applies the
 * events and apply only the returned ones: a redelivered event is then a no-op.
 */
export async function claimEvents(
  client: Pick<PoolClient, 'query'>,
  table: string,
  eventIds: string[],
): Promise<Set<string>> {
  // The table name cannot be a bind parameter, so only plain identifiers are accepted.
  if (!TABLE_NAME.test(table)) throw new Error(`not a plain table name: ${table}`);
  const unique = [...new Set(eventIds)];
  if (unique.length === 0) return new Set();

  const result = await client.query<{ event_id: string }>(
    `INSERT INTO ${table} (event_id) SELECT unnest($1::text[])
     ON CONFLICT DO NOTHING RETURNING event_id`,
    [unique],
  );
  return new Set(result.rows.map((row) => row.event_id));
}
