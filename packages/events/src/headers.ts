import type { IHeaders } from 'kafkajs';

/** Header names this package writes. */
export const Headers = {
  requestId: 'x-request-id',
  dlqReason: 'x-dlq-reason',
  dlqSourceTopic: 'x-dlq-source-topic',
  dlqSourcePartition: 'x-dlq-source-partition',
  dlqSourceOffset: 'x-dlq-source-offset',
  dlqConsumerGroup: 'x-dlq-consumer-group',
} as const;

/** Kafka headers as strings; a repeated header keeps its last value. */
export function headersToRecord(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers === undefined) return out;
  for (const [name, raw] of Object.entries(headers)) {
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value !== undefined) out[name] = value.toString();
  }
  return out;
}
