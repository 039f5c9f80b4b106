import { Cache, ttlSeconds, type Redis } from '@qm/kit';
import { MAX_HORIZON, type ForecastCache, type SkuForecast } from '../domain/sku-forecasts';

/**
 * Writes a forecast unless the SKU's version key holds a newer demand version, in one step
 * so that no other write comes between the check and the write. KEYS[1] is the version key,
 * KEYS[2] the forecast's key, any further keys are dropped first; ARGV holds the version,
 * the forecast as JSON and the TTL. The version key lives as long as the latest write it
 * guards, so it outlives every forecast cached under it.
 */
const WRITE_UNLESS_NEWER = `
local cached = tonumber(redis.call('GET', KEYS[1]))
if cached and cached > tonumber(ARGV[1]) then return 0 end
if #KEYS > 2 then redis.call('DEL', unpack(KEYS, 3)) end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
return 1
`;

/** Every horizon a SKU forecast may be cached under. */
const HORIZONS = Array.from({ length: MAX_HORIZON }, (_, i) => i + 1);

/** SKU forecasts in Redis, each with the demand version it was computed from. */
export class RedisForecastCache implements ForecastCache {
  private readonly values: Cache;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly ttl: number,
  ) {
    this.values = new Cache(redis, prefix, ttl);
  }

  /** A forecast's key by horizon, or the SKU's version key; unprefixed. */
  private name(sku: string, what: number | 'version'): string {
    return `forecast:${sku}:${what}`;
  }

  async get(sku: string, horizon: number): Promise<SkuForecast | undefined> {
    return this.values.get<SkuForecast>(this.name(sku, horizon));
  }

  async offer(forecast: SkuForecast): Promise<void> {
    await this.write(forecast, []);
  }

  async replace(forecast: SkuForecast): Promise<void> {
    await this.write(forecast, HORIZONS);
  }

  /** Writes the forecast unless a newer one is cached, dropping the horizons in `drop` first. */
  private async write(forecast: SkuForecast, drop: number[]): Promise<void> {
    const key = (what: number | 'version') => this.values.key(this.name(forecast.sku, what));
    const keys = [key('version'), key(forecast.mean.length), ...drop.map(key)];
    await this.redis.eval(
      WRITE_UNLESS_NEWER,
      keys.length,
      ...keys,
      forecast.demandVersion,
      JSON.stringify(forecast),
      ttlSeconds(undefined, this.ttl),
    );
  }
}
