import { errorResponses, type ServiceApp } from '@qm/kit';
import type { PolicyCache } from '../adapters/policy-cache';
import type { Inventory } from '../inventory';
import { SettingsPatch, SettingsResponse, SkuParams } from '../schemas/inventory';

export function settingsRoutes(
  app: ServiceApp,
  deps: { inventory: Inventory; policyCache?: PolicyCache },
): void {
  app.get(
    '/v1/inventory/settings/:sku',
    {
      schema: {
        tags: ['settings'],
        summary: "A SKU's replenishment settings (the defaults until some are set)",
        params: SkuParams,
        response: { 200: SettingsResponse, ...errorResponses(400) },
      },
    },
    async (request) => ({
      sku: request.params.sku,
      ...(await deps.inventory.settingsOf(request.params.sku)),
    }),
  );

  app.put(
    '/v1/inventory/settings/:sku',
    {
      schema: {
        tags: ['settings'],
        summary: "Sets a SKU's settings; fields left out keep their current value",
        params: SkuParams,
        body: SettingsPatch,
        response: { 200: SettingsResponse, ...errorResponses(400) },
      },
    },
    async (request) => {
      const { sku } = request.params;
      const settings = await deps.inventory.putSettings(sku, request.body);
      await deps.policyCache?.forget(sku);
      return { sku, ...settings };
    },
  );
}
