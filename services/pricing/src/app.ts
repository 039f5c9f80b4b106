import { createServiceApp, type ServiceApp, type ServiceAppDeps } from '@qm/kit';
import type { Experiments } from './experiments';
import type { Pricing } from './pricing';
import { approvalRoutes } from './routes/approvals';
import { estimateRoutes } from './routes/estimates';
import { experimentRoutes } from './routes/experiments';
import { guardrailRoutes } from './routes/guardrails';

export interface AppDeps extends ServiceAppDeps {
  pricing: Pricing;
  experiments: Experiments;
}

/** The pricing service's HTTP app, from its dependencies. */
export async function buildApp(deps: AppDeps): Promise<ServiceApp> {
  const app = await createServiceApp({
    metrics: deps.metrics,
    name: 'pricing',
    description: 'Price elasticity, price recommendations under guardrails, price experiments',
    logger: deps.log,
    bodyLimit: deps.bodyLimit,
    readiness: deps.readiness,
    tags: [
      { name: 'elasticity', description: 'How demand moves with price' },
      { name: 'recommendations', description: 'Proposed prices, approval and audit trail' },
      { name: 'guardrails', description: 'Limits on prices, competitor prices' },
      { name: 'experiments', description: 'Price A/B tests' },
    ],
  });
  estimateRoutes(app, deps);
  guardrailRoutes(app, deps);
  approvalRoutes(app, deps);
  experimentRoutes(app, deps);
  return app;
}
