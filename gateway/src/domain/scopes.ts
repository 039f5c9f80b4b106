/** Every scope a key can hold. `admin` satisfies any other scope. */
export const SCOPES = [
  'events:write',
  'recommendations:read',
  'inventory:read',
  'inventory:write',
  'forecasts:read',
  'pricing:read',
  'pricing:write',
  'support:write',
  'fraud:score',
  'fraud:admin',
  'admin',
] as const;

export type Scope = (typeof SCOPES)[number];

/** What a request needs: nothing, any valid key, or a key holding one scope. */
export type Access = { kind: 'public' } | { kind: 'key' } | { kind: 'scope'; scope: Scope };

const PUBLIC: Access = { kind: 'public' };
const need = (scope: Scope): Access => ({ kind: 'scope', scope });

const READS = new Set(['GET', 'HEAD']);
const PUBLIC_PATHS = new Set(['/healthz', '/readyz', '/metrics', '/openapi.json']);
const SERVICE_PROBE = /^\/v1\/[a-z-]+\/(healthz|readyz)$/;

/**
 * The scope table. Calls that compute without changing state need only the read scope
 * (`POST /v1/forecasts`, `POST /v1/pricing/simulate`, `POST /v1/inventory/policies`,
 * `POST /v1/recommendations/session`); anything else that writes needs the write scope.
 */
export function requiredAccess(method: string, path: string): Access {
  if (PUBLIC_PATHS.has(path) || SERVICE_PROBE.test(path)) return PUBLIC;
  if (path === '/docs' || path.startsWith('/docs/')) return PUBLIC;
  if (method === 'OPTIONS') return PUBLIC;

  const [, version, area] = path.split('/');
  if (version !== 'v1') return { kind: 'key' };
  const read = READS.has(method);

  switch (area) {
    case 'forecasts':
      return need('forecasts:read');
    case 'recommendations':
      return need('recommendations:read');
    case 'inventory':
      if (read || (method === 'POST' && path === '/v1/inventory/policies')) {
        return need('inventory:read');
      }
      return need('inventory:write');
    case 'pricing':
      if (read || (method === 'POST' && path === '/v1/pricing/simulate')) {
        return need('pricing:read');
      }
      return need('pricing:write');
    case 'support':
      return need('support:write');
    case 'fraud':
      return path === '/v1/fraud/score' ? need('fraud:score') : need('fraud:admin');
    case 'events':
      return need('events:write');
    case 'admin':
    case 'ops':
      return need('admin');
    default:
      return { kind: 'key' };
  }
}

/** Whether the granted scopes cover the one required. */
export function hasScope(granted: readonly string[], required: Scope): boolean {
  return granted.includes(required) || granted.includes('admin');
}
