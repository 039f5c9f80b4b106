import { normaliseCustomerId, parseRetailRecord } from '../src';

describe('Online Retail lines', () => {
  it('turns a float customer id into the plain id', () => {
    expect(normaliseCustomerId('17850.0')).toBe('17850');
    expect(normaliseCustomerId('')).toBe('');
  });

  it('reads a cancellation with its day as printed', () => {
    const line = parseRetailRecord(
      [
        'C536379',
        'D',
        'Discount',
        '-1',
        '2010-12-01 09:41:00',
        '27.5',
        '14527.0',
        'United Kingdom',
      ],
      3,
    );
    expect(line).toMatchObject({
      cancelled: true,
      quantity: -1,
      day: '2010-12-01',
      customerId: '14527',
    });
  });

  it('names the problem of a malformed line', () => {
    const line = parseRetailRecord(
      ['1', 'A', 'x', 'many', '2010-12-01 09:41:00', '1', '', 'UK'],
      0,
    );
    expect(line).toEqual({ row: 0, problem: 'bad Quantity "many"' });
  });
});
