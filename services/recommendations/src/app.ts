import { createServiceApp, type Logger, type ReadinessCheck, type ServiceApp } from '@qm/kit';
import { type Recommendations } from './recommendations';
import { recommendationRoutes } from './routes/recommendations';

export interface AppDeps {
  recommendations: Recommendations;
  log: Logger;
  bodyLimit?: number;
  readiness?: Record<string, ReadinessCheck>;
}

/** The recommendations HTTP app over its dependencies. */
export async function buildApp(deps: AppDeps): Promise<ServiceApp> {
  const app = await createServiceApp({
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
