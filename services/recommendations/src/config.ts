import { Type } from '@sinclair/typebox';
import { BaseConfig, loadConfig } from '@qm/kit';

/** The service's settings, read once from the environment. */
export function readConfig(env: Record<string, string | undefined> = process.env) {
  return loadConfig(
    {
      ...BaseConfig,
      QM_HTTP_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8082 }),
      QM_RECS_RETRAIN_MINUTES: Type.Integer({ minimum: 1, default: 60 }),
      QM_RECS_REBUILD_QUIET_SECONDS: Type.Integer({ minimum: 1, default: 15 }),
      QM_RECS_RECENT_EVENTS: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
      QM_RECS_HISTORY_DAYS: Type.Integer({ minimum: 1, default: 730 }),
    },
    env,
  );
}

export type Config = ReturnType<typeof readConfig>;
