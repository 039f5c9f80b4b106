import Router, { type HTTPMethod } from 'find-my-way';
import type { OpenApiDoc } from './openapi';

const METHODS = new Set(['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS']);

/**
 * Matches a concrete path to its documented template (`/v1/forecasts/{sku}`), so metrics
 * are per route without one series per id.
 */
export function routeMatcher(
  docs: (OpenApiDoc | undefined)[],
): (method: string, path: string) => string | undefined {
  const router = Router({ maxParamLength: 1000 });
  const entries = docs.flatMap((doc) => Object.entries(doc?.paths ?? {}));
  for (const [template, item] of entries) {
    const pattern = template.replace(/\{([^}]+)\}/g, ':$1');
    for (const method of Object.keys(item)) {
      const upper = method.toUpperCase();
      if (!METHODS.has(upper) || router.hasRoute(upper as HTTPMethod, pattern)) continue;
      router.on(upper as HTTPMethod, pattern, () => undefined, { template });
    }
  }
  return (method, path) => {
    const found = router.find(method as HTTPMethod, path);
    return (found?.store as { template?: string } | undefined)?.template;
  };
}
