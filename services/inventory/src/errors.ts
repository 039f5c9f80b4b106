import { defineErrors } from '@qm/kit';

export const InventoryErrors = defineErrors({
  SKU_NOT_FOUND: [404, 'no such SKU'],
  WAREHOUSE_NOT_FOUND: [404, 'the SKU was never in this warehouse'],
  INVALID_CURSOR: [400, 'the cursor is not valid'],
  INVALID_MOVEMENT: [400, 'the movement is not valid'],
  INVALID_SETTINGS: [400, 'the settings are not valid'],
  INVALID_POLICY_REQUEST: [400, 'the policy request is not valid'],
  STOCK_OUT_OF_RANGE: [409, 'the movements would take stock beyond what the ledger can hold'],
});

/** PostgreSQL's `numeric_value_out_of_range`: a total that no longer fits its column. */
export function isOutOfRange(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '22003';
}
