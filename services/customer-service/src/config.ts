import { Type } from '@sinclair/typebox';
import { BaseConfig, loadConfig } from '@qm/kit';
import type { TurnLimits } from './adapters/turns';

const REFUND_POLICY =
  'Refunds go back to the original payment method within 5 to 10 working days after the ' +
  'returned items reach our warehouse. Items can be returned within 30 days of delivery.';
const CANCELLATION_POLICY =
  'An order can be cancelled free of charge until it leaves the warehouse; after that it ' +
  'can be returned within 30 days of delivery for a full refund.';

export const ConfigSchema = {
  ...BaseConfig,
  QM_HTTP_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8085 }),
  QM_DATA_DIR: Type.Optional(Type.String()),
  /** Where the trained intent model lives; relative paths start at the repository root. */
  QM_SUPPORT_MODEL_PATH: Type.String({ default: '.qm/models/support/intent.json' }),
  QM_SUPPORT_CONVERSATION_TTL_SECONDS: Type.Integer({ minimum: 60, default: 1800 }),
  /** Longest wait of a message for the earlier ones of its conversation, then 503. */
  QM_SUPPORT_TURN_WAIT_MS: Type.Integer({ minimum: 10, default: 3000 }),
  /** Longest a message holds its conversation before the next one is let through. */
  QM_SUPPORT_TURN_LEASE_MS: Type.Integer({ minimum: 100, default: 5000 }),
  QM_SUPPORT_REFUND_POLICY: Type.String({ default: REFUND_POLICY }),
  QM_SUPPORT_CANCELLATION_POLICY: Type.String({ default: CANCELLATION_POLICY }),
  /** Sentiment score (from -1 to 1) at or below which a person takes over. */
  QM_SUPPORT_ESCALATE_SENTIMENT: Type.Number({ minimum: -1, maximum: 0, default: -0.8 }),
  QM_SUPPORT_VOICE_LIMIT_BYTES: Type.Integer({ minimum: 1024, default: 2_097_152 }),
  /** The recogniser's command; `pocketsphinx_continuous` from Debian's pocketsphinx. */
  QM_SUPPORT_ASR_COMMAND: Type.String({ default: 'pocketsphinx_continuous' }),
  QM_SUPPORT_ASR_DICT: Type.String({
    default: '/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict',
  }),
  /** The recogniser's language model of shopper phrasing, built at training. */
  QM_SUPPORT_SPEECH_LM_PATH: Type.String({ default: '.qm/models/support/speech.lm' }),
  /**
   * Longest recognition. With the longest wait for a recogniser it stays well under the
   * gateway's 30 s upstream timeout, so the shopper gets this service's own error.
   */
  QM_SUPPORT_ASR_TIMEOUT_MS: Type.Integer({ minimum: 1000, default: 20_000 }),
  /** Recogniser processes at once (one core each), then a short queue, then 503. */
  QM_SUPPORT_ASR_CONCURRENCY: Type.Integer({ minimum: 1, default: 2 }),
  QM_SUPPORT_ASR_QUEUE: Type.Integer({ minimum: 0, default: 4 }),
  QM_SUPPORT_ASR_QUEUE_WAIT_MS: Type.Integer({ minimum: 0, default: 5000 }),
  /** Longest recording accepted, in seconds of audio as its WAV header gives them. */
  QM_SUPPORT_VOICE_MAX_SECONDS: Type.Number({ exclusiveMinimum: 0, default: 60 }),
};

export function readConfig(env?: Record<string, string | undefined>) {
  return loadConfig(ConfigSchema, env);
}

export type Config = ReturnType<typeof readConfig>;

/** How long a message waits for the earlier ones of its conversation, and may hold it. */
export function turnLimits(config: Config): TurnLimits {
  return { waitMs: config.QM_SUPPORT_TURN_WAIT_MS, leaseMs: config.QM_SUPPORT_TURN_LEASE_MS };
}
