import { createServiceApp, type Cache, type ServiceApp, type ServiceAppDeps } from '@qm/kit';
import { createPolicyCache } from './adapters/policy-cache';
import type { Inventory } from './inventory';
import { movementRoutes } from './routes/movements';
import { policyRoutes } from './routes/policies';
import { settingsRoutes } from './routes/settings';
import { signalRoutes } from './routes/signals';
import { stockRoutes } from './routes/stock';

export interface AppDeps extends ServiceAppDeps {
  inventory: Inventory;
  cache?: Cache;
}

/** The inventory service's HTTP app, from its dependencies. */
export async function buildApp(deps: AppDeps): Promise<ServiceApp> {
  const app = await createServiceApp({
    metrics: deps.metrics,
    name: 'inventory',
    description: 'Stock ledger, replenishment policies and restock signals',
    logger: deps.log,
    bodyLimit: deps.bodyLimit,
    readiness: deps.readiness,
    tags: [
      { name: 'restock signals', description: 'What to order, for warehouse systems' },
      { name: 'policies', description: 'Reorder point, order-up-to and order quantity' },
      { name: 'stock', description: 'The stock ledger' },
      { name: 'settings', description: 'Per-SKU lead time, service level and order rules' },
    ],
  });
  const policyCache = deps.cache && createPolicyCache(deps.cache, deps.log);
  signalRoutes(app, deps);
  policyRoutes(app, { ...deps, policyCache });
  stockRoutes(app, deps);
  movementRoutes(app, deps);
  settingsRoutes(app, { ...deps, policyCache });
  return app;
}
