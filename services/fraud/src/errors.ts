import { defineErrors } from '@qm/kit';

export const FraudErrors = defineErrors({
  INVALID_AMOUNT: [400, 'amount must be a number from 0 to 10,000,000'],
  INVALID_TIME: [400, 'the time is not a valid date'],
  UNKNOWN_TRANSACTION: [404, 'no decision was made for this transaction'],
  UNKNOWN_LIST: [404, 'no such list'],
});

/**
 * A number the velocity store cannot count: not finite, or beyond any order. Its code is
 * PostgreSQL's numeric_value_out_of_range, which event consumers take for bad data: the
 * event is dead-lettered rather than the consumer stopped.
 */
export class OutOfRangeError extends Error {
  readonly code = '22003';

  constructor(message: string) {
    super(message);
    this.name = 'OutOfRangeError';
  }
}
