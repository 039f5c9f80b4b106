import { defineErrors } from '@qm/kit';

export const FraudErrors = defineErrors({
  INVALID_AMOUNT: [400, 'amount must be a number from 0 to 10,000,000'],
  INVALID_TIME: [400, 'the time is not a valid date'],
  UNKNOWN_TRANSACTION: [404, 'no decision was made for this transaction'],
  UNKNOWN_LIST: [404, 'no such list'],
});
