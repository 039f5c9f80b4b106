import { extractEntities, orderKey } from '../src/domain/entities';

describe('extractEntities', () => {
  it('finds an order number after a word such as purchase, with its span', () => {
    const text = 'how can I cancel purchase 113542617735902?';
    expect(extractEntities(text)).toEqual([
      { type: 'order_number', value: '113542617735902', start: 26, end: 41 },
    ]);
  });

  it('takes a six-digit Online Retail invoice number without any cue word', () => {
    expect(extractEntities('it is 536365')).toEqual([
      { type: 'order_number', value: '536365', start: 6, end: 12 },
    ]);
  });

  it('reads a cancelled invoice number with its C prefix', () => {
    const [entity] = extractEntities('what happened to C536379');
    expect(entity).toMatchObject({ type: 'order_number', value: 'C536379' });
    expect(orderKey('#c536379')).toBe('C536379');
  });

  it('finds an invoice number written after a hash, without the hash', () => {
    const [entity] = extractEntities('i need help to check my bill #37777');
    expect(entity).toMatchObject({ type: 'order_number', value: '37777', start: 30, end: 35 });
  });

  it('keeps a trailing comma out of an amount', () => {
    const found = extractEntities('I expect a rebate of $299, has it been processed?');
    expect(found).toEqual([{ type: 'amount', value: '$299', start: 21, end: 25 }]);
  });

  it('finds an amount written with a currency word', () => {
    expect(extractEntities('I am waiting for a rebate of 350 dollars')[0]).toMatchObject({
      type: 'amount',
      value: '350 dollars',
    });
  });

  it('finds an email, a date, a SKU and a UK postcode in one message', () => {
    const text = 'I am jo@example.co.uk, ordered item 85123A on 3 March 2011 to SW1A 1AA';
    const types = extractEntities(text).map((e) => [e.type, e.value]);
    expect(types).toEqual([
      ['email', 'jo@example.co.uk'],
      ['sku', '85123A'],
      ['date', '3 March 2011'],
      ['postcode', 'SW1A 1AA'],
    ]);
  });

  it('reads ISO and slashed dates', () => {
    const values = extractEntities('between 2010-12-01 and 05/01/2011').map((e) => e.value);
    expect(values).toEqual(['2010-12-01', '05/01/2011']);
  });

  it('takes no impossible calendar day as a date', () => {
    for (const text of [
      'ordered on 2011-02-30',
      'ordered on 2011-13-01',
      'delivered 31/02/2011',
      'delivered 13/13/2011',
      'due the 30th of February 2011',
      'due February 29, 2011',
      'due 31 april',
    ]) {
      expect(extractEntities(text).filter((e) => e.type === 'date')).toEqual([]);
    }
  });

  it('still reads a real day written day first, month first or without a year', () => {
    const text = 'on 2012-02-29, 12/31/2011, 31.12.11, 29 February 2012 or Feb 29';
    const dates = extractEntities(text).filter((e) => e.type === 'date');
    expect(dates.map((e) => e.value)).toEqual([
      '2012-02-29',
      '12/31/2011',
      '31.12.11',
      '29 February 2012',
      'Feb 29',
    ]);
  });

  it('finds nothing in a message without entities', () => {
    expect(extractEntities('I want to speak to a person')).toEqual([]);
  });
});
