import { errorResponses, type ServiceApp } from '@qm/kit';
import { plausibleMovementTime } from '../domain/ledger';
import { InventoryErrors, isOutOfRange } from '../errors';
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
        response: { 200: MovementResponse, ...errorResponses(400, 409) },
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
        if (m.occurredAt === undefined) return;
        const badTime = (problem: string) =>
          InventoryErrors.INVALID_MOVEMENT(`body.movements[${i}].occurredAt ${problem}`, {
            field: `movements[${i}].occurredAt`,
          });
        const at = new Date(m.occurredAt);
        // The format admits a leap second (23:59:60), which Date cannot read.
        if (Number.isNaN(at.getTime())) throw badTime('must be a real instant');
        if (!plausibleMovementTime(at)) throw badTime('must be from 1970 to a year from now');
      });
      const movements = request.body.movements.map((m) => ({
        ...m,
        eventId: `api:${m.eventId}`,
        occurredAt: m.occurredAt === undefined ? new Date() : new Date(m.occurredAt),
      }));
      try {
        return await deps.inventory.applyMovements(movements, request.id);
      } catch (error) {
        // Stock, on order and backorders are 32-bit columns; nothing of the batch was stored.
        if (!isOutOfRange(error)) throw error;
        throw InventoryErrors.STOCK_OUT_OF_RANGE(
          'the movements would take stock, units on order or backorders beyond 2147483647',
          { field: 'movements', cause: error },
        );
      }
    },
  );
}
