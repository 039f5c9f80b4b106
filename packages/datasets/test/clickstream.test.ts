import {
  isRowProblem,
  parseDigineticaRecord,
  parseRees46Record,
  parseTaobaoRecord,
  parseYoochooseRecord,
} from '../src';

describe('clickstream readers', () => {
  it('reads a Taobao purchase with set-prefixed ids and no session', () => {
    const click = parseTaobaoRecord(['543462', '1715', '1464116', 'buy', '1511658000'], 7);
    expect(click).toEqual({
      row: 7,
      source: 'taobao',
      eventId: 'taobao:7',
      action: 'purchase',
      userId: 'taobao:543462',
      sessionId: '',
      itemId: 'taobao:1715',
      category: 'taobao:1464116',
      price: 0,
      occurredAt: new Date('2017-11-26T01:00:00Z'),
    });
  });

  it('maps every Taobao behaviour and rejects an unknown one', () => {
    const actions = ['pv', 'cart', 'fav', 'buy'].map((b) => {
      const click = parseTaobaoRecord(['1', '2', '3', b, '1511658000'], 0);
      return isRowProblem(click) ? click.problem : click.action;
    });
    expect(actions).toEqual(['view', 'add_to_cart', 'favourite', 'purchase']);
    expect(parseTaobaoRecord(['1', '2', '3', 'like', '1511658000'], 4)).toEqual({
      row: 4,
      problem: 'unknown behavior "like"',
    });
  });

  it('reads a REES46 view with its price, session and readable category', () => {
    const record = [
      '2019-10-01 00:00:01 UTC',
      'view',
      '17200506',
      '2053013559792632471',
      'furniture.living_room.sofa',
      '',
      '543.10',
      '519107250',
      '566511c2-e2e3-422b-b695-cf8e6e792ca8',
    ];
    expect(parseRees46Record(record, 2)).toMatchObject({
      eventId: 'rees46:2',
      action: 'view',
      userId: 'rees46:519107250',
      sessionId: 'rees46:566511c2-e2e3-422b-b695-cf8e6e792ca8',
      itemId: 'rees46:17200506',
      category: 'furniture.living_room.sofa',
      price: 543.1,
      occurredAt: new Date('2019-10-01T00:00:01Z'),
    });
  });

  it('falls back to the prefixed category id when REES46 has no category code', () => {
    const record = ['2019-10-01 00:00:00 UTC', 'cart', '1', '42', '', 'x', '1', '2', 's'];
    expect(parseRees46Record(record, 0)).toMatchObject({
      action: 'add_to_cart',
      category: 'rees46:42',
    });
  });

  it('names the problem of a REES46 row with a broken time', () => {
    const record = ['yesterday', 'view', '1', '42', '', 'x', '1', '2', 's'];
    expect(parseRees46Record(record, 9)).toEqual({ row: 9, problem: 'bad event_time "yesterday"' });
  });

  it('reads a YOOCHOOSE click with a fractional Unix time to the millisecond', () => {
    expect(parseYoochooseRecord(['3', '214716935', '1396437466.94'], 0)).toMatchObject({
      eventId: 'yoochoose:0',
      action: 'view',
      userId: '',
      sessionId: 'yoochoose:3',
      itemId: 'yoochoose:214716935',
      occurredAt: new Date(1396437466940),
    });
  });

  it('rejects a YOOCHOOSE row that misses a column', () => {
    expect(parseYoochooseRecord(['3', '214716935'], 5)).toEqual({
      row: 5,
      problem: 'expected 3 columns, got 2',
    });
  });

  it('reads DIGINETICA NA users as anonymous and adds the offset to the day', () => {
    const anonymous = parseDigineticaRecord(['1', 'NA', '81766', '526309', '2016-05-09'], 0);
    expect(anonymous).toMatchObject({
      eventId: 'diginetica:0',
      userId: '',
      sessionId: 'diginetica:1',
      itemId: 'diginetica:81766',
      occurredAt: new Date(Date.parse('2016-05-09T00:00:00Z') + 526309),
    });
    const known = parseDigineticaRecord(['2', '5873', '9', '0', '2016-05-09'], 1);
    expect(known).toMatchObject({ userId: 'diginetica:5873' });
  });

  it('names the problem of a DIGINETICA row with a bad date', () => {
    expect(parseDigineticaRecord(['1', 'NA', '2', '0', '09/05/2016'], 3)).toEqual({
      row: 3,
      problem: 'bad eventdate "09/05/2016"',
    });
  });
});
