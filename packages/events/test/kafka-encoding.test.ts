/**
 * kafkajs is patched (patches/kafkajs@2.2.4.patch) to group a send's messages per partition in
 * linear time and to write varints and records without a buffer per field. These tests read
 * what the patched encoder writes back through kafkajs' own decoders.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const Encoder = require('kafkajs/src/protocol/encoder');
const Decoder = require('kafkajs/src/protocol/decoder');
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0');
const decodeRecordBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder');
const Record = require('kafkajs/src/protocol/recordBatch/record/v0');
const groupMessagesPerPartition = require('kafkajs/src/producer/groupMessagesPerPartition');
/* eslint-enable @typescript-eslint/no-require-imports */

interface DecodedRecord {
  key: Buffer | null;
  value: Buffer | null;
  offset: string;
  headers: Record<string, Buffer>;
}

const VARINT_EDGES = [
  0,
  1,
  -1,
  63,
  -64,
  64,
  -65,
  127,
  128,
  8191,
  8192,
  2 ** 20,
  -(2 ** 20),
  2 ** 30 - 1,
  -(2 ** 30),
];
const LONG_EDGES = [2 ** 30, -(2 ** 30) - 1, 2 ** 31, 2 ** 40, -(2 ** 40), Number.MAX_SAFE_INTEGER];

describe('patched kafkajs encoding', () => {
  it('writes varints that decode to the same numbers, small and large', () => {
    for (const value of [...VARINT_EDGES, ...LONG_EDGES]) {
      const encoder = new Encoder().writeVarLong(value);
      expect(encoder.size()).toBe(Encoder.sizeOfVarLong(value));
      expect(new Decoder(encoder.buffer).readVarLong().toString()).toBe(String(value));
    }
    for (const value of VARINT_EDGES) {
      const encoder = new Encoder().writeVarInt(value);
      expect(encoder.size()).toBe(Encoder.sizeOfVarInt(value));
      expect(new Decoder(encoder.buffer).readVarInt()).toBe(value);
    }
  });

  it('encodes a record batch that decodes to the messages in order', async () => {
    const messages = [
      { key: 'sku-1', value: Buffer.from('short') },
      { key: '', value: Buffer.alloc(0) },
      { key: 'x'.repeat(200), value: Buffer.alloc(70_000, 7), headers: { 'x-request-id': 'r1' } },
      { key: 'sku-2', value: null },
      ...Array.from({ length: 300 }, (_, i) => ({ key: `k${i}`, value: Buffer.from(`v${i}`) })),
    ];
    const records = messages.map((m, i) => Record({ ...m, offsetDelta: i, timestampDelta: i }));
    const batch = await RecordBatch({ records, lastOffsetDelta: records.length - 1 });

    const decoded = await decodeRecordBatch(new Decoder(batch.buffer));
    const out = decoded.records as DecodedRecord[];
    expect(out).toHaveLength(messages.length);
    out.forEach((record, i) => {
      const message = messages[i];
      expect(record.offset).toBe(String(i));
      expect(record.key?.toString()).toBe(message.key);
      if (message.value === null) expect(record.value).toBeNull();
      else expect(Buffer.compare(record.value as Buffer, message.value)).toBe(0);
    });
    expect(out[2].headers['x-request-id'].toString()).toBe('r1');
  });

  it('groups messages per partition keeping their order within each', () => {
    const messages = Array.from({ length: 5000 }, (_, i) => ({ key: String(i % 7), value: i }));
    const grouped = groupMessagesPerPartition({
      topic: 't',
      partitionMetadata: [{ partitionId: 0 }, { partitionId: 1 }, { partitionId: 2 }],
      messages,
      partitioner: ({ message }: { message: { key: string } }) => Number(message.key) % 3,
    }) as Record<string, { key: string; value: number }[]>;

    expect(Object.keys(grouped).sort()).toEqual(['0', '1', '2']);
    for (const [partition, list] of Object.entries(grouped)) {
      const expected = messages.filter((m) => String(Number(m.key) % 3) === partition);
      expect(list).toEqual(expected);
    }
  });
});
