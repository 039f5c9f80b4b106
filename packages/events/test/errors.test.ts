import { isTransientError } from '../src/errors';

describe('isTransientError', () => {
  it.each([
    ['an error flagged retriable', Object.assign(new Error('x'), { retriable: true })],
    ['a refused connection', Object.assign(new Error('x'), { code: 'ECONNREFUSED' })],
    [
      'a PostgreSQL connection failure (class 08)',
      Object.assign(new Error('x'), { code: '08006' }),
    ],
    ['a PostgreSQL shutdown', Object.assign(new Error('x'), { code: '57P01' })],
    ['a lost pg connection', new Error('Connection terminated unexpectedly')],
    ['an ioredis closed connection', new Error('Connection is closed.')],
    [
      'ioredis out of retries',
      Object.assign(new Error('x'), { name: 'MaxRetriesPerRequestError' }),
    ],
  ])('treats %s as transient', (_what, error) => {
    expect(isTransientError(error)).toBe(true);
  });

  it.each([
    ['a plain error', new Error('bad data')],
    ['a unique violation', Object.assign(new Error('dup'), { code: '23505' })],
    [
      'an error flagged not retriable',
      Object.assign(new Error('x'), { retriable: false, code: 'ECONNRESET' }),
    ],
    ['a string', 'boom'],
  ])('treats %s as permanent', (_what, error) => {
    expect(isTransientError(error)).toBe(false);
  });
});
