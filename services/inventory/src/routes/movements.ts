import { errorResponses, type ServiceApp } from '@qm/kit';
import { InventoryErrors } from '../errors';
import type { Inventory } from '../inventory';
import { MovementBody, MovementResponse } from '../schemas/inventory';

/**
 * Receipts, adjustments, counts and supplier orders posted by warehouses; once per event id.
 * Only an adjustment may be negative.
 */
export function movementRoutes(app: ServiceApp, deps: { inventory: Inventory }): void {
  app.post(
    '/v1/inventory/movements',
    {
      schema: {
        tags: ['stock'],
        summary: 'Record stock movements (idempotent by eventId)',
        body: MovementBody,
        response: { 200: MovementResponse, ...errorResponses(400) },
      },
    },
    async (request) => {
      request.body.movements.forEach((m, i) => {
        if (m.kind !== 'ADJUSTMENT' && m.quantity < 0) {
          throw InventoryErrors.INVALID_MOVEMENT(
            `body.movements[${i}].quantity must be >= 0 for ${m.kind}`,
            { field: `movements[${i}].quantity` },
          );
        }
      });
      const movements = request.body.movements.map((m) => ({
        ...m,
        eventId: `api:${m.eventId}`,
        occurredAt: m.occurredAt === undefined ? new Date() : new Date(m.occurredAt),
      }));
      return deps.inventory.applyMovements(movements, request.id);
    },
  );
}
