import type { ReplaySummary, SetSummary } from '@qm/replay';
import { accountForSets, formatAccounts } from '../src/accounting';
import type { DeadLetterTally } from '../src/dead-letters';

function set(name: SetSummary['set'], read: number, rejected: number): SetSummary {
  return {
    set: name,
    read,
    produced: read - rejected,
    rejected,
    byTopic: {},
    reasons: {},
    elapsedMs: 1,
  };
}

const summary = {
  sets: [set('online-retail', 100, 1), set('taobao', 50, 0)],
} as unknown as ReplaySummary;

function tally(key: 'sales' | 'clickstream', factsEvents: Record<string, number>): DeadLetterTally {
  return { topic: `qm.${key}.v1`, key, total: 9, groups: {}, factsEvents };
}

describe('accounting for the replayed rows', () => {
  it('adds stored, dead-lettered and rejected rows up to the rows of each file', () => {
    const accounts = accountForSets(
      summary,
      { saleLines: { 'online-retail': 97, api: 5 }, clickEvents: { taobao: 50 } },
      [tally('sales', { 'online-retail': 2 }), tally('clickstream', {})],
    );

    expect(accounts).toEqual([
      {
        set: 'online-retail',
        rows: 100,
        stored: 97,
        deadLettered: 2,
        rejectedAtSource: 1,
        unaccounted: 0,
      },
      { set: 'taobao', rows: 50, stored: 50, deadLettered: 0, rejectedAtSource: 0, unaccounted: 0 },
    ]);
    expect(formatAccounts(accounts)[0]).toBe(
      'online-retail: 100 rows = 97 stored + 2 dead-lettered by the facts writer + 1 rejected ' +
        'at source (all accounted for)',
    );
  });

  it('says how many rows are missing when they do not add up', () => {
    const accounts = accountForSets(summary, { saleLines: {}, clickEvents: { taobao: 40 } }, []);

    expect(accounts.map((a) => a.unaccounted)).toEqual([99, 10]);
    expect(formatAccounts(accounts)[1]).toMatch(/\(MISMATCH: 10 off\)$/);
  });
});
