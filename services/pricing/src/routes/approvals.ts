import { errorResponses, type ServiceApp } from '@qm/kit';
import type { Pricing } from '../pricing';
import {
  ApproveBody,
  ApproveResponse,
  HistoryResponse,
  RecommendationParams,
  SkuParams,
} from '../schemas/pricing';

export function approvalRoutes(app: ServiceApp, deps: { pricing: Pricing }): void {
  app.post(
    '/v1/pricing/recommendations/:id/approve',
    {
      schema: {
        tags: ['recommendations'],
        summary: 'Applies a recommendation: one price-change event and an audit row, once',
        description:
          'Answers 409 RECOMMENDATION_NOT_CURRENT when the price or the guardrails changed ' +
          'since the recommendation was made, or a newer one answers the same question; ' +
          '409 NO_PRICE_CHANGE when the recommended price is the current price.',
        params: RecommendationParams,
        body: ApproveBody,
        response: { 200: ApproveResponse, ...errorResponses(400, 404, 409) },
      },
    },
    async (request) => deps.pricing.approve(request.params.id, request.body.approvedBy, request.id),
  );

  app.get(
    '/v1/pricing/:sku/price-changes',
    {
      schema: {
        tags: ['recommendations'],
        summary: "The audit trail of a SKU's approved price changes, newest first",
        params: SkuParams,
        response: { 200: HistoryResponse, ...errorResponses(400) },
      },
    },
    async (request) => deps.pricing.history(request.params.sku),
  );
}
