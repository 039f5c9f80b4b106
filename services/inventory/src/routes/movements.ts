import { errorResponses, type ServiceApp } from '@qm/kit';
import type { Inventory } from '../inventory';
import { MovementBody, MovementResponse } from '../schemas/inventory';

/** Receipts, adjustments, counts and supplier orders posted by warehouses; once per event id. */
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
      const movements = request.body.movements.map((m) => ({
        ...m,
        eventId: `api:${m.eventId}`,
        occurredAt: m.occurredAt === undefined ? new Date() : new Date(m.occurredAt),
      }));
      return deps.inventory.applyMovements(movements, request.id);
    },
  );
}
