import { errorResponses, type ServiceApp } from '@qm/kit';
import type { Pricing } from '../pricing';
import {
  ElasticityResponse,
  RecommendationQuery,
  RecommendationResponse,
  SimulateBody,
  SimulateResponse,
  SkuParams,
} from '../schemas/pricing';

export function estimateRoutes(app: ServiceApp, deps: { pricing: Pricing }): void {
  app.get(
    '/v1/pricing/:sku/elasticity',
    {
      schema: {
        tags: ['elasticity'],
        summary: "A SKU's price elasticity, per buyer segment too, and whether it is credible",
        params: SkuParams,
        response: { 200: ElasticityResponse, ...errorResponses(400, 404, 409) },
      },
    },
    async (request) => deps.pricing.elasticity(request.params.sku),
  );

  app.get(
    '/v1/pricing/:sku/recommendation',
    {
      schema: {
        tags: ['recommendations'],
        summary: 'The price to propose under the guardrails, and the guardrails that bound it',
        params: SkuParams,
        querystring: RecommendationQuery,
        response: { 200: RecommendationResponse, ...errorResponses(400, 404, 409) },
      },
    },
    async (request) =>
      deps.pricing.recommendation(
        request.params.sku,
        request.query.objective,
        request.id,
        request.query.segment,
      ),
  );

  app.post(
    '/v1/pricing/simulate',
    {
      schema: {
        tags: ['elasticity'],
        summary: 'Expected daily units, revenue and margin at each of the given prices',
        body: SimulateBody,
        response: { 200: SimulateResponse, ...errorResponses(400, 404, 409) },
      },
    },
    async (request) => deps.pricing.simulate(request.body.sku, request.body.prices),
  );
}
