import { createServiceApp, type ServiceApp, type ServiceAppDeps } from '@qm/kit';
import { type Recommendations } from './recommendations';
import { recommendationRoutes } from './routes/recommendations';

export interface AppDeps extends ServiceAppDeps {
  recommendations: Recommendations;
}

/** The recommendations HTTP app over its dependencies. */
export async function buildApp(deps: AppDeps): Promise<ServiceApp> {
  const app = await createServiceApp({
    metrics: deps.metrics,
    name: 'recommendations',
    description: 'Recommendations for users, items, baskets and anonymous sessions',
    logger: deps.log,
    bodyLimit: deps.bodyLimit,
    readiness: deps.readiness,
    tags: [{ name: 'recommendations', description: 'Recommendation lists' }],
  });
  recommendationRoutes(app, deps.recommendations);
  return app;
}
