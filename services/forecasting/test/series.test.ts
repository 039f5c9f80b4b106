import { AppError } from '@qm/kit';
import { addSteps, toSeries } from '../src/domain/series';

describe('turning inputs into regular series', () => {
  it('counts missing dates as zero and sums duplicate dates', () => {
    const s = toSeries(
      {
        id: 'A',
        points: [
          { date: '2011-01-03', value: 2 },
          { date: '2011-01-01', value: 1 },
          { date: '2011-01-03', value: 5 },
        ],
      },
      'D',
      'series[0]',
    );
    expect(s.start).toBe('2011-01-01');
    expect(s.y).toEqual([1, 0, 7]);
  });

  it('treats a null value as missing and fills it between its neighbours', () => {
    const s = toSeries(
      { id: 'A', start: '2011-01-01', values: [2, null, 6, null] },
      'D',
      'series[0]',
    );
    expect(s.y).toEqual([2, 4, 6, 6]);
    expect(s.warnings[0]).toMatch(/2 missing/);
  });

  it('keeps a dated null as missing rather than zero', () => {
    const s = toSeries(
      {
        id: 'A',
        points: [
          { date: '2011-01-01', value: 2 },
          { date: '2011-01-02', value: null },
          { date: '2011-01-03', value: 4 },
        ],
      },
      'D',
      'series[0]',
    );
    expect(s.y).toEqual([2, 3, 4]);
  });

  it('rejects a history with no known value, naming the field', () => {
    expect(() =>
      toSeries({ id: 'A', start: '2011-01-01', values: [null] }, 'D', 'series[3]'),
    ).toThrow(AppError);
    try {
      toSeries({ id: 'A', start: '2011-01-01', values: [null] }, 'D', 'series[3]');
    } catch (error) {
      expect((error as AppError).field).toBe('series[3].values');
    }
  });

  it('rejects a series with both points and values or a start, naming the extra field', () => {
    const points = [{ date: '2011-01-01', value: 1 }];
    const both = { id: 'A', start: '2011-01-01', values: [1, 2], points };
    expect(() => toSeries(both, 'D', 'series[0]')).toThrow(
      expect.objectContaining({ code: 'VALUES_AND_POINTS', field: 'series[0].values' }),
    );
    expect(() => toSeries({ id: 'A', start: '2011-01-01', points }, 'D', 'series[0]')).toThrow(
      expect.objectContaining({ code: 'VALUES_AND_POINTS', field: 'series[0].start' }),
    );
  });

  it('rejects an impossible date, naming the field', () => {
    expect(() =>
      toSeries({ id: 'A', points: [{ date: '2011-02-30', value: 1 }] }, 'D', 'series[0]'),
    ).toThrow(/series\[0\]\.points\[0\]\.date/);
  });

  it('buckets weekly and monthly points from the first date', () => {
    const w = toSeries(
      {
        id: 'A',
        points: [
          { date: '2011-01-01', value: 1 },
          { date: '2011-01-05', value: 2 },
          { date: '2011-01-20', value: 3 },
        ],
      },
      'W',
      's',
    );
    expect(w.y).toEqual([3, 0, 3]);
    expect(addSteps('2011-01-31', 1, 'M')).toBe('2011-02-28');
    expect(addSteps('2011-01-01', 3, 'M')).toBe('2011-04-01');
  });

  it('rejects points spanning more than 20,000 days, naming the points', () => {
    const points = [
      { date: '1950-01-01', value: 1 },
      { date: '2011-12-31', value: 2 },
    ];
    const attempt = () => toSeries({ id: 'A', points }, 'D', 'series[0]');
    expect(attempt).toThrow(AppError);
    expect(attempt).toThrow(
      expect.objectContaining({ code: 'SERIES_TOO_LONG', field: 'series[0].points' }),
    );
    // The same span in weeks is short enough.
    expect(toSeries({ id: 'A', points }, 'W', 'series[0]').y.length).toBeLessThan(20_000);
  });

  it('rejects dates before 1900 or after 2200, naming the field', () => {
    const points = (date: string) => [
      { date, value: 1 },
      { date: '2011-12-31', value: 2 },
    ];
    expect(() => toSeries({ id: 'A', points: points('0001-01-01') }, 'D', 'series[0]')).toThrow(
      expect.objectContaining({ code: 'INVALID_DATE', field: 'series[0].points[0].date' }),
    );
    expect(() =>
      toSeries({ id: 'A', start: '2201-01-01', values: [1, 2] }, 'D', 'series[1]'),
    ).toThrow(expect.objectContaining({ code: 'INVALID_DATE', field: 'series[1].start' }));
  });
});
