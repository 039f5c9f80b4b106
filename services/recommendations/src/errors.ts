import { defineErrors } from '@qm/kit';

export const RecsErrors = defineErrors({
  INVALID_WINDOW: [400, 'window must look like 24h, 7d or 4w and span at most 365 days'],
});
