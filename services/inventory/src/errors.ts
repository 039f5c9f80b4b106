import { defineErrors } from '@qm/kit';

export const InventoryErrors = defineErrors({
  SKU_NOT_FOUND: [404, 'no such SKU'],
  INVALID_CURSOR: [400, 'the cursor is not valid'],
  INVALID_MOVEMENT: [400, 'the movement is not valid'],
  INVALID_SETTINGS: [400, 'the settings are not valid'],
});
