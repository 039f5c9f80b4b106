import { createServiceApp, type Logger, type ReadinessCheck, type ServiceApp } from '@qm/kit';
import type { Registry } from 'prom-client';
import { fraudDesk, type FraudDeskDeps } from './domain/fraud-desk';
import { rulesRoutes } from './routes/rules';
import { scoreRoutes } from './routes/score';

export interface FraudAppDeps {
  desk: FraudDeskDeps;
  logger: Logger;
  bodyLimit?: number;
  readiness?: Record<string, ReadinessCheck>;
  /** The registry `/metrics` serves, holding the service's own metrics too. */
  metrics?: Registry;
}

/** The fraud service's HTTP app, from its dependencies. */
export async function buildApp(deps: FraudAppDeps): Promise<ServiceApp> {
  const app = await createServiceApp({
    name: 'fraud',
    description: 'Real-time order scoring with reasons, rules and feedback',
    logger: deps.logger,
    bodyLimit: deps.bodyLimit,
    readiness: { model: () => deps.desk.models.check(), ...deps.readiness },
    metrics: deps.metrics,
    tags: [
      { name: 'fraud', description: 'Scores, feedback and the model' },
      { name: 'fraud-rules', description: 'Block and allow lists, hard limits' },
    ],
  });
  const desk = fraudDesk(deps.desk);
  scoreRoutes(app, desk);
  rulesRoutes(app, desk);
  return app;
}
