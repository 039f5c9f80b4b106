import { fromBinary, toBinary, type DescMessage, type MessageShape } from '@bufbuild/protobuf';

export * from './gen/quartermaster/events/v1/sales_pb';
export * from './gen/quartermaster/events/v1/clickstream_pb';
export * from './gen/quartermaster/events/v1/catalog_pb';
export * from './gen/quartermaster/events/v1/outputs_pb';
export { create } from '@bufbuild/protobuf';
export {
  timestampDate,
  timestampFromDate,
  timestampFromMs,
  timestampMs,
} from '@bufbuild/protobuf/wkt';
export { deadLetterTopic, topicName, Topics, type TopicKey } from './topics';
export { clickEventProblem, productProblem, saleLineProblem } from './problems';

/** Encodes a message to its wire bytes as a Buffer, ready for Kafka. */
export function encode<D extends DescMessage>(schema: D, message: MessageShape<D>): Buffer {
  const bytes = toBinary(schema, message);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Decodes wire bytes; throws on a truncated or malformed payload. */
export function decode<D extends DescMessage>(schema: D, bytes: Uint8Array): MessageShape<D> {
  return fromBinary(schema, bytes);
}

/** The key of field 1 with the length-delimited wire type: how each batched message starts. */
const BATCH_FIELD_TAG = (1 << 3) | 2;

/**
 * Encodes many messages at once through a batch message whose only field is `repeated` field
 * 1 of their type (`SaleLineBatch`, `ClickEventBatch`), and returns each message's bytes as a
 * slice of the one buffer written: the same bytes `encode` gives each message, without the
 * buffers a writer allocates per message.
 */
export function encodeMany<D extends DescMessage>(schema: D, batch: MessageShape<D>): Buffer[] {
  const [field, ...others] = schema.fields;
  const isBatch =
    others.length === 0 &&
    field?.number === 1 &&
    field.fieldKind === 'list' &&
    field.listKind === 'message';
  if (!isBatch) throw new Error(`${schema.typeName} is not a batch`);
  const bytes = encode(schema, batch);
  const parts: Buffer[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (bytes[at++] !== BATCH_FIELD_TAG) throw new Error(`unexpected field in ${schema.typeName}`);
    let length = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[at++];
      length += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) break;
    }
    parts.push(bytes.subarray(at, at + length));
    at += length;
  }
  return parts;
}
