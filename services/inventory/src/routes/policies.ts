import { errorResponses, type ServiceApp } from '@qm/kit';
import type { PolicyCache } from '../adapters/policy-cache';
import { plausibleDay } from '../domain/ledger';
import { computePolicy, DEFAULT_SETTINGS, type Policy } from '../domain/policy';
import { InventoryErrors } from '../errors';
import type { Inventory } from '../inventory';
import {
  PolicyBody,
  PolicyQuery,
  PolicyResponse,
  SkuParams,
  type PolicyBodyT,
} from '../schemas/inventory';

/**
 * Rejects what the body schema cannot express: a real `asOf`, forecast bounds as long as the
 * mean and ordered.
 */
export function checkPolicyBody(body: PolicyBodyT): void {
  if (body.asOf !== undefined && !plausibleDay(body.asOf)) {
    throw InventoryErrors.INVALID_POLICY_REQUEST(
      'body.asOf must be a real date from 1970 to a year from now',
      { field: 'asOf' },
    );
  }
  const f = body.forecast;
  if (!f) return;
  for (const band of ['lower95', 'upper95'] as const) {
    if (f[band].length !== f.mean.length) {
      throw InventoryErrors.INVALID_POLICY_REQUEST(
        `body.forecast.${band} must have as many days as body.forecast.mean`,
        { field: `forecast.${band}` },
      );
    }
  }
  for (let i = 0; i < f.mean.length; i++) {
    if (f.lower95[i] > f.upper95[i]) {
      throw InventoryErrors.INVALID_POLICY_REQUEST(
        `body.forecast.lower95[${i}] must not be above body.forecast.upper95[${i}]`,
        { field: `forecast.lower95[${i}]` },
      );
    }
  }
}

/** The POST body as a policy: defaults for what the caller left out. */
export function policyForBody(body: PolicyBodyT): Policy & { asOf: string } {
  const asOf = body.asOf ?? new Date().toISOString().slice(0, 10);
  const policy = computePolicy({
    history: body.history,
    forecast: body.forecast,
    onHand: body.onHand,
    onOrder: body.onOrder,
    backorders: body.backorders,
    asOf,
    settings: {
      ...DEFAULT_SETTINGS,
      leadTimeDays: body.leadTimeDays,
      serviceLevel: body.serviceLevel,
      leadTimeSdDays: body.leadTimeSdDays ?? DEFAULT_SETTINGS.leadTimeSdDays,
      reviewPeriodDays: body.reviewPeriodDays ?? DEFAULT_SETTINGS.reviewPeriodDays,
      minOrderQuantity: body.minOrderQuantity ?? DEFAULT_SETTINGS.minOrderQuantity,
      packSize: body.packSize ?? DEFAULT_SETTINGS.packSize,
      unitCost: body.unitCost ?? null,
      orderCost: body.orderCost ?? null,
    },
  });
  return { ...policy, asOf };
}

export function policyRoutes(
  app: ServiceApp,
  deps: { inventory: Inventory; policyCache?: PolicyCache },
): void {
  app.get(
    '/v1/inventory/policies/:sku',
    {
      schema: {
        tags: ['policies'],
        summary: "A SKU's replenishment policy from its history up to now",
        params: SkuParams,
        querystring: PolicyQuery,
        response: { 200: PolicyResponse, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const { sku } = request.params;
      const q = request.query;
      const compute = async () => {
        const p = await deps.inventory.policyForSku(sku, q);
        const { settings, stock: _stock, ...figures } = p;
        return {
          ...figures,
          sku,
          leadTimeDays: settings.leadTimeDays,
          serviceLevel: settings.serviceLevel,
        };
      };
      return deps.policyCache ? deps.policyCache.get(sku, q, compute) : compute();
    },
  );

  app.post(
    '/v1/inventory/policies',
    {
      schema: {
        tags: ['policies'],
        summary: 'A replenishment policy for a daily history sent in the body',
        body: PolicyBody,
        response: { 200: PolicyResponse, ...errorResponses(400) },
      },
    },
    async (request) => {
      const body = request.body;
      checkPolicyBody(body);
      return {
        ...policyForBody(body),
        sku: body.sku ?? null,
        leadTimeDays: body.leadTimeDays,
        serviceLevel: body.serviceLevel,
      };
    },
  );
}
