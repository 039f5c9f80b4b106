import { readConfig } from '../src/config';

/** The gateway's default upstream timeout (gateway/src/config.ts). */
const GATEWAY_UPSTREAM_TIMEOUT_MS = 30_000;

describe('customer-service config', () => {
  it('gives up on a recording well before the gateway gives up on the request', () => {
    const config = readConfig({});
    const longest = config.QM_SUPPORT_ASR_QUEUE_WAIT_MS + config.QM_SUPPORT_ASR_TIMEOUT_MS;
    expect(longest).toBeLessThanOrEqual(GATEWAY_UPSTREAM_TIMEOUT_MS - 5000);
  });

  it('runs two recognisers at once by default, with a short queue', () => {
    const config = readConfig({});
    expect(config.QM_SUPPORT_ASR_CONCURRENCY).toBe(2);
    expect(config.QM_SUPPORT_ASR_QUEUE).toBeGreaterThan(0);
  });
});
