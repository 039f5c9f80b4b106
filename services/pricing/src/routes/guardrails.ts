import { errorResponses, type ServiceApp } from '@qm/kit';
import type { Pricing } from '../pricing';
import {
  CategoryParams,
  CompetitorPricesBody,
  CompetitorPricesResponse,
  GuardrailsBody,
  GuardrailsResponse,
  SkuParams,
} from '../schemas/pricing';

export function guardrailRoutes(app: ServiceApp, deps: { pricing: Pricing }): void {
  app.put(
    '/v1/pricing/:sku/guardrails',
    {
      schema: {
        tags: ['guardrails'],
        summary: "Replaces a SKU's guardrails; fields left out fall back to its category's",
        params: SkuParams,
        body: GuardrailsBody,
        response: { 200: GuardrailsResponse, ...errorResponses(400) },
      },
    },
    async (request) => deps.pricing.setGuardrails('sku', request.params.sku, request.body),
  );

  app.put(
    '/v1/pricing/categories/:category/guardrails',
    {
      schema: {
        tags: ['guardrails'],
        summary: "Replaces a category's guardrails; fields left out fall back to the defaults",
        params: CategoryParams,
        body: GuardrailsBody,
        response: { 200: GuardrailsResponse, ...errorResponses(400) },
      },
    },
    async (request) =>
      deps.pricing.setGuardrails('category', request.params.category, request.body),
  );

  app.post(
    '/v1/pricing/competitor-prices',
    {
      schema: {
        tags: ['guardrails'],
        summary: 'Records competitor prices (the newest per SKU and competitor is kept)',
        body: CompetitorPricesBody,
        response: { 200: CompetitorPricesResponse, ...errorResponses(400) },
      },
    },
    async (request) => deps.pricing.competitorPrices(request.body.prices),
  );
}
