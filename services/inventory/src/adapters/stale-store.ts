import type { Db } from '@qm/kit';

/** A key's policy left to recompute, with the mark it carries. */
export interface StaleMark {
  sku: string;
  warehouse: string;
  /** bigint, handed over by pg as text. */
  mark: string;
}

const column = <T, V>(rows: T[], pick: (row: T) => V) => rows.map(pick);

/**
 * The keys whose policies and signals were put off. Whoever marks or clears a key holds its
 * stock row's lock (`lockStock`), and stock rows lock in key order: no deadlocks.
 */
export function createStaleStore(schema = 'inventory') {
  const t = (name: string) => `${schema}.${name}`;

  return {
    /** Marks keys stale, renewing the mark of keys already stale (their first time stays). */
    async markStale(db: Db, keys: [string, string][]): Promise<void> {
      if (keys.length === 0) return;
      await db.query(
        `INSERT INTO ${t('stale_policies')} (sku, warehouse, mark)
         SELECT s, w, nextval('${t('stale_marks')}')
         FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS k(s, w, n) ORDER BY n
         ON CONFLICT (sku, warehouse) DO UPDATE SET mark = excluded.mark`,
        [column(keys, (k) => k[0]), column(keys, (k) => k[1])],
      );
    },

    /** Stale keys after `afterKey` in key order, the page a recomputation takes. */
    async stalePage(db: Db, limit: number, afterKey?: [string, string]): Promise<StaleMark[]> {
      const { rows } = await db.query(
        `SELECT sku, warehouse, mark FROM ${t('stale_policies')}
         WHERE $1::text IS NULL OR (sku, warehouse) > ($1, $2)
         ORDER BY sku, warehouse LIMIT $3`,
        [afterKey?.[0] ?? null, afterKey?.[1] ?? null, limit],
      );
      return rows as StaleMark[];
    },

    /** The marks of those of `keys` that are stale. */
    async marksOf(db: Db, keys: [string, string][]): Promise<StaleMark[]> {
      if (keys.length === 0) return [];
      const { rows } = await db.query(
        `SELECT sku, warehouse, mark FROM ${t('stale_policies')}
         JOIN unnest($1::text[], $2::text[]) AS k(sku, warehouse) USING (sku, warehouse)`,
        [column(keys, (k) => k[0]), column(keys, (k) => k[1])],
      );
      return rows as StaleMark[];
    },

    /** Clears marks that are still the ones given: a key marked again since stays stale. */
    async clearStale(db: Db, marks: StaleMark[]): Promise<void> {
      if (marks.length === 0) return;
      await db.query(
        `DELETE FROM ${t('stale_policies')} s
         USING unnest($1::text[], $2::text[], $3::bigint[]) AS k(sku, warehouse, mark)
         WHERE s.sku = k.sku AND s.warehouse = k.warehouse AND s.mark = k.mark`,
        [
          column(marks, (m) => m.sku),
          column(marks, (m) => m.warehouse),
          column(marks, (m) => m.mark),
        ],
      );
    },

    /** How many keys are stale, and since when the oldest of them is. */
    async staleSummary(db: Db): Promise<{ keys: number; oldest: Date | null }> {
      const { rows } = await db.query(
        `SELECT count(*)::int AS keys, min(marked_at) AS oldest FROM ${t('stale_policies')}`,
      );
      return { keys: rows[0].keys, oldest: rows[0].oldest };
    },
  };
}
