import { defineErrors } from '@qm/kit';

export const GatewayErrors = defineErrors({
  MISSING_API_KEY: [401, 'an API key is required (x-api-key or Authorization: Bearer)'],
  INVALID_API_KEY: [401, 'the API key is not valid'],
  KEY_REVOKED: [401, 'the API key has been revoked'],
  KEY_EXPIRED: [401, 'the API key has expired'],
  MISSING_SCOPE: [403, 'the API key lacks the scope this call needs'],
  ORIGIN_NOT_ALLOWED: [403, 'the API key may not be used from this origin'],
  KEY_NOT_FOUND: [404, 'no such API key'],
  RATE_LIMITED: [429, 'too many requests for this API key'],
  BAD_PATH: [400, 'the path is not valid'],
  SERVICE_UNAVAILABLE: [503, 'the service is unavailable'],
  UPSTREAM_TIMEOUT: [504, 'the service did not answer in time'],
  OVERLOADED: [503, 'the gateway is overloaded'],
});
