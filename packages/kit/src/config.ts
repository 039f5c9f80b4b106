import { envSchema } from 'env-schema';
import { Type, type Static, type TObject, type TProperties } from '@sinclair/typebox';

/** Settings every service reads. Names are the environment variables. */
export const BaseConfig = {
  QM_HTTP_HOST: Type.String({ default: '127.0.0.1' }),
  QM_HTTP_PORT: Type.Integer({ minimum: 0, maximum: 65535 }),
  QM_LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
  QM_BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, default: 1_048_576 }),
  QM_DATABASE_URL: Type.String({ default: 'postgres://postgres@127.0.0.1:5432/quartermaster' }),
  QM_REDIS_URL: Type.String({ default: 'redis://127.0.0.1:6379' }),
  QM_REDIS_PREFIX: Type.String({ default: 'qm:' }),
  QM_KAFKA_BROKERS: Type.String({ default: '127.0.0.1:9092' }),
  QM_KAFKA_TOPIC_PREFIX: Type.String({ default: '' }),
  QM_CACHE_TTL_SECONDS: Type.Integer({ minimum: 1, default: 300 }),
};

/** Raised at boot when the environment does not satisfy the schema; lists every bad key. */
export class ConfigError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

interface AjvLikeError {
  instancePath?: string;
  message?: string;
  params?: { missingProperty?: string };
}

function describe(errors: AjvLikeError[]): string[] {
  return errors.map((e) => {
    const key = e.params?.missingProperty ?? e.instancePath?.replace(/^\//, '') ?? '?';
    return `${key}: ${e.message ?? 'is not valid'}`;
  });
}

/**
 * Reads and validates the environment once. Defaults are applied and numbers coerced;
 * every problem is reported at once in a {@link ConfigError}.
 */
export function loadConfig<P extends TProperties>(
  properties: P,
  env: Record<string, string | undefined> = process.env,
): Static<TObject<P>> {
  const schema = Type.Object(properties);
  try {
    return envSchema<Static<TObject<P>>>({
      schema,
      data: env,
      dotenv: false,
      ajv: {
        customOptions(ajv) {
          ajv.opts.allErrors = true;
          return ajv;
        },
      },
    });
  } catch (error) {
    const errors = (error as { errors?: AjvLikeError[] }).errors;
    if (Array.isArray(errors)) throw new ConfigError(describe(errors));
    throw error;
  }
}

/** Splits a comma-separated list, dropping blanks. */
export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
