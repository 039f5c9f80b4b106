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

/** Encodes a message to its wire bytes as a Buffer, ready for Kafka. */
export function encode<D extends DescMessage>(schema: D, message: MessageShape<D>): Buffer {
  const bytes = toBinary(schema, message);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Decodes wire bytes; throws on a truncated or malformed payload. */
export function decode<D extends DescMessage>(schema: D, bytes: Uint8Array): MessageShape<D> {
  return fromBinary(schema, bytes);
}
