import { errorResponses, type ServiceApp } from '@qm/kit';
import { urgencyRank } from '../domain/signals';
import { InventoryErrors } from '../errors';
import type { Inventory } from '../inventory';
import { SignalQuery, SignalResponse } from '../schemas/inventory';

/**
 * Restock signals. Without a cursor: the open signals. With the cursor of the last page: only
 * what changed since, closed signals included so a warehouse can drop them. Pages follow the
 * change sequence; within a page the most urgent come first.
 */
export function signalRoutes(app: ServiceApp, deps: { inventory: Inventory }): void {
  app.get(
    '/v1/inventory/restock-signals',
    {
      schema: {
        tags: ['restock signals'],
        summary: 'SKUs at or below their reorder point, most urgent first, pulled by change',
        querystring: SignalQuery,
        response: { 200: SignalResponse, ...errorResponses(400) },
      },
    },
    async (request) => {
      const q = request.query;
      if (q.cursor !== undefined && !/^\d{1,18}$/.test(q.cursor)) {
        throw InventoryErrors.INVALID_CURSOR(
          'querystring.cursor is not a cursor this service made',
          { field: 'cursor' },
        );
      }
      const afterSeq = q.cursor === undefined ? 0 : Number(q.cursor);
      const rows = await deps.inventory.signals({
        afterSeq,
        includeClosed: q.cursor !== undefined,
        warehouse: q.warehouse,
        urgency: q.urgency,
        limit: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      const last = page.length > 0 ? page[page.length - 1].seq : afterSeq;
      const signals = page.map((r) => ({
        sku: r.sku,
        warehouse: r.warehouse,
        status: r.open ? ('open' as const) : ('closed' as const),
        onHand: r.signal?.onHand ?? 0,
        onOrder: r.signal?.onOrder ?? 0,
        backorders: r.signal?.backorders ?? 0,
        reorderPoint: r.signal?.reorderPoint ?? 0,
        safetyStock: r.signal?.safetyStock ?? 0,
        orderQuantity: r.signal?.orderQuantity ?? 0,
        daysOfCover: r.signal?.daysOfCover ?? 0,
        stockoutDate: r.signal?.stockoutDate ?? null,
        urgency: r.signal?.urgency ?? 'none',
        reason: r.signal?.reason ?? 'stock is above the reorder point again',
        changedAt: r.changedAt,
      }));
      signals.sort(
        (a, b) => urgencyRank(a.urgency) - urgencyRank(b.urgency) || a.daysOfCover - b.daysOfCover,
      );
      return { signals, nextCursor: String(last), hasMore: rows.length > q.limit };
    },
  );
}
