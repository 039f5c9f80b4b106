import type { FactsBySource } from '@qm/facts';
import type { ReplaySummary, SetName } from '@qm/replay';
import type { DeadLetterTally } from './dead-letters';

/** Where the rows of one replayed set went. */
export interface SetAccount {
  set: SetName;
  /** Rows read from the file. */
  rows: number;
  /** Facts stored from this set (sale lines or click events), this run or before. */
  stored: number;
  /** Distinct events of this set that the facts writer dead-lettered. */
  deadLettered: number;
  rejectedAtSource: number;
  /** rows − stored − dead-lettered − rejected: 0 when every row is accounted for. */
  unaccounted: number;
}

/**
 * Checks, per set replayed, that every row of the file was stored once, dead-lettered by
 * the facts writer with a reason, or rejected at source with a reason.
 */
export function accountForSets(
  summary: ReplaySummary,
  stored: FactsBySource,
  deadLetters: DeadLetterTally[],
): SetAccount[] {
  const refused = (key: 'sales' | 'clickstream', set: string) =>
    deadLetters.find((t) => t.key === key)?.factsEvents[set] ?? 0;
  return summary.sets.map((s) => {
    const retail = s.set === 'online-retail';
    const count = retail ? stored.saleLines[s.set] : stored.clickEvents[s.set];
    const deadLettered = refused(retail ? 'sales' : 'clickstream', s.set);
    const account = {
      set: s.set,
      rows: s.read,
      stored: count ?? 0,
      deadLettered,
      rejectedAtSource: s.rejected,
    };
    return {
      ...account,
      unaccounted: account.rows - account.stored - deadLettered - account.rejectedAtSource,
    };
  });
}

const n = (value: number) => value.toLocaleString('en');

/** One line per set: rows = stored + dead-lettered + rejected, and whether it adds up. */
export function formatAccounts(accounts: SetAccount[]): string[] {
  return accounts.map(
    (a) =>
      `${a.set}: ${n(a.rows)} rows = ${n(a.stored)} stored + ${n(a.deadLettered)} ` +
      `dead-lettered by the facts writer + ${n(a.rejectedAtSource)} rejected at source` +
      (a.unaccounted === 0 ? ' (all accounted for)' : ` (MISMATCH: ${n(a.unaccounted)} off)`),
  );
}
