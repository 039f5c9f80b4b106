import type { Message } from 'kafkajs';
import { createPublisher } from '../src/publisher';

describe('createPublisher', () => {
  it('sends keyed messages with the request id in the x-request-id header', async () => {
    const sent: { topic: string; messages: Message[] }[] = [];
    const publisher = createPublisher(async (topic, messages) => {
      sent.push({ topic, messages });
    });

    await publisher.publish(
      'qm.sales.v1',
      [
        { key: 'SKU1', value: Buffer.from([1]), headers: { a: 'b' } },
        { key: 'SKU2', value: null },
      ],
      { requestId: 'req-9' },
    );

    expect(sent).toEqual([
      {
        topic: 'qm.sales.v1',
        messages: [
          { key: 'SKU1', value: Buffer.from([1]), headers: { a: 'b', 'x-request-id': 'req-9' } },
          { key: 'SKU2', value: null, headers: { 'x-request-id': 'req-9' } },
        ],
      },
    ]);
  });
});
