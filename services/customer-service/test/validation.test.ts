import { groupFolds, nearDuplicateGroups, templateOf } from '../src/nlu/validation';

const row = (text: string, intent: string, value?: string) => {
  const start = value === undefined ? -1 : text.indexOf(value);
  return {
    text,
    intent,
    ...(value === undefined ? {} : { entity: { start, end: start + value.length } }),
  };
};

describe('near-duplicate groups of the validation splits', () => {
  it('puts one instruction written with other entity values in one group', () => {
    const rows = [
      row('delete Gold account', 'delete_account', 'Gold'),
      row('delete Platinum account', 'delete_account', 'Platinum'),
      row('how can I cancel purchase 113542617735902?', 'cancel_order', '113542617735902'),
      row('how can I cancel purchase 00123842?', 'cancel_order', '00123842'),
    ];
    const groups = nearDuplicateGroups(rows);
    expect(groups[0]).toBe(groups[1]);
    expect(groups[2]).toBe(groups[3]);
    expect(groups[0]).not.toBe(groups[2]);
    expect(templateOf(rows[0])).toBe('delete xentity account');
  });

  it('joins a copy with a typo to its original, but not texts of another intent', () => {
    const rows = [
      row('I need help cancelling my order', 'cancel_order'),
      row('I need help canceling my ordr', 'cancel_order'),
      row('I need help tracking my order', 'track_order'),
    ];
    const groups = nearDuplicateGroups(rows);
    expect(groups[0]).toBe(groups[1]);
    expect(groups[2]).not.toBe(groups[0]);
  });

  it('keeps every member of a group in the same fold, and uses every fold', () => {
    const groups = Array.from({ length: 300 }, (_, i) => Math.floor(i / 3));
    const folds = groupFolds(groups, 5);
    for (let i = 0; i < groups.length; i += 3) {
      expect(new Set([folds[i], folds[i + 1], folds[i + 2]]).size).toBe(1);
    }
    expect(new Set(folds)).toEqual(new Set([0, 1, 2, 3, 4]));
    expect(groupFolds(groups, 5)).toEqual(folds);
  });
});
