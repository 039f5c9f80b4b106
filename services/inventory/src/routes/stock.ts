import { errorResponses, type ServiceApp } from '@qm/kit';
import type { StockRow } from '../adapters/store';
import { InventoryErrors } from '../errors';
import type { Inventory } from '../inventory';
import {
  SkuParams,
  SkuStockResponse,
  StockListQuery,
  StockListResponse,
} from '../schemas/inventory';

function entry(row: StockRow) {
  const position = row.onHand + row.onOrder - row.backorders;
  return {
    ...row,
    belowReorderPoint: row.policy !== null && position <= row.policy.reorderPoint,
  };
}

const encodeKey = (row: StockRow) =>
  Buffer.from(JSON.stringify([row.sku, row.warehouse])).toString('base64url');

/** No SKU or warehouse holds one; PostgreSQL refuses a NUL in text outright. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

function decodeKey(cursor: string): [string, string] {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(key) &&
      key.length === 2 &&
      key.every((k) => typeof k === 'string' && !CONTROL.test(k))
    ) {
      return [key[0] as string, key[1] as string];
    }
  } catch {
    // Falls through to the coded error below.
  }
  throw InventoryErrors.INVALID_CURSOR('querystring.cursor is not a cursor this service made', {
    field: 'cursor',
  });
}

export function stockRoutes(app: ServiceApp, deps: { inventory: Inventory }): void {
  app.get(
    '/v1/inventory/stock/:sku',
    {
      schema: {
        tags: ['stock'],
        summary: "A SKU's stock in every warehouse, with its policy figures",
        params: SkuParams,
        response: { 200: SkuStockResponse, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const { sku } = request.params;
      const rows = await deps.inventory.stock({ sku, limit: 1000 });
      if (rows.length === 0 && !(await deps.inventory.known(sku))) {
        throw InventoryErrors.SKU_NOT_FOUND(`no SKU ${sku}`, { field: 'sku' });
      }
      return {
        sku,
        onHand: rows.reduce((s, r) => s + r.onHand, 0),
        onOrder: rows.reduce((s, r) => s + r.onOrder, 0),
        backorders: rows.reduce((s, r) => s + r.backorders, 0),
        warehouses: rows.map(entry),
      };
    },
  );

  app.get(
    '/v1/inventory/stock',
    {
      schema: {
        tags: ['stock'],
        summary: 'Stock per SKU and warehouse, filtered; pages in SKU order',
        querystring: StockListQuery,
        response: { 200: StockListResponse, ...errorResponses(400) },
      },
    },
    async (request) => {
      const q = request.query;
      const rows = await deps.inventory.stock({
        warehouse: q.warehouse,
        belowReorderPoint: q.belowReorderPoint,
        excess: q.excess,
        afterKey: q.cursor === undefined ? undefined : decodeKey(q.cursor),
        limit: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      return {
        items: page.map(entry),
        nextCursor: rows.length > q.limit ? encodeKey(page[page.length - 1]) : null,
      };
    },
  );
}
