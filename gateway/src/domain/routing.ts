/** The six services behind the gateway, by the first path segment after `/v1/`. */
export type Area = 'forecasts' | 'recommendations' | 'inventory' | 'pricing' | 'support' | 'fraud';

export interface AreaRoute {
  area: Area;
  /** The service's name, used in errors, logs and metrics. */
  service: string;
  /** Largest request body forwarded to this service, in bytes. */
  bodyLimit: number;
}

const KiB = 1024;
const MiB = 1024 * KiB;

/**
 * Body limits follow what each service accepts: forecasts take up to 1,000 series per call,
 * support takes voice recordings; scoring and recommendation calls are small.
 */
export const AREAS: readonly AreaRoute[] = [
  { area: 'forecasts', service: 'forecasting', bodyLimit: 8 * MiB },
  { area: 'recommendations', service: 'recommendations', bodyLimit: 256 * KiB },
  { area: 'inventory', service: 'inventory', bodyLimit: 4 * MiB },
  { area: 'pricing', service: 'pricing', bodyLimit: 1 * MiB },
  { area: 'support', service: 'customer-service', bodyLimit: 16 * MiB },
  { area: 'fraud', service: 'fraud', bodyLimit: 64 * KiB },
];

/** Service base URLs by area, e.g. `{ forecasts: 'http://127.0.0.1:8081' }`. */
export type Upstreams = Record<Area, string>;

/** The area of a `/v1/<area>/...` path, if it is one the gateway forwards. */
export function areaOf(path: string): AreaRoute | undefined {
  if (!path.startsWith('/v1/')) return undefined;
  const end = path.indexOf('/', 4);
  const name = end === -1 ? path.slice(4) : path.slice(4, end);
  return AREAS.find((a) => a.area === name);
}
