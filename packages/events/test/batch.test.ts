import type { Batch, EachBatchPayload, KafkaMessage, Message } from 'kafkajs';
import { createLogger } from '@qm/kit';
import { processBatch, type BatchContext } from '../src/batch';
import { ConsumerFailedError } from '../src/errors';
import { ConsumerStatsRecorder } from '../src/stats';
import type { ConsumerSpec, IncomingEvent } from '../src/types';

const log = createLogger('test', 'silent');
const TOPIC = 'qm.test.v1';

function message(offset: number, value: string | null, headers = {}): KafkaMessage {
  return {
    key: Buffer.from(`k${offset}`),
    value: value === null ? null : Buffer.from(value),
    timestamp: '0',
    attributes: 0,
    offset: String(offset),
    headers,
  };
}

/** A payload over fixed messages that records what the runner resolves and commits. */
function fakePayload(messages: KafkaMessage[], running = () => true) {
  const resolved: string[] = [];
  const batch = {
    topic: TOPIC,
    partition: 2,
    highWatermark: String(Number(messages[messages.length - 1].offset) + 1),
    messages,
  } as unknown as Batch;
  const payload = {
    batch,
    resolveOffset: (offset: string) => resolved.push(offset),
    heartbeat: jest.fn(async () => undefined),
    commitOffsetsIfNecessary: jest.fn(async () => undefined),
    uncommittedOffsets: () => ({ topics: [] }),
    isRunning: running,
    isStale: () => false,
    pause: () => () => undefined,
  } as unknown as EachBatchPayload;
  return { payload, resolved };
}

/** Decodes JSON `{"n": number}`; a non-number `n` is invalid. */
function context(overrides: Partial<ConsumerSpec<{ n: number }>> = {}, chunkSize = 100) {
  const handled: IncomingEvent<{ n: number }>[][] = [];
  const sent: { topic: string; messages: Message[] }[] = [];
  const spec: ConsumerSpec<{ n: number }> = {
    groupId: 'test.group',
    topic: TOPIC,
    decode: (value) => JSON.parse(value.toString()) as { n: number },
    validate: (e) => (typeof e.n === 'number' ? undefined : 'n is not a number'),
    handle: async (events) => {
      handled.push(events);
    },
    ...overrides,
  };
  const ctx: BatchContext<{ n: number }> = {
    spec,
    log,
    sendRaw: async (topic, messages) => {
      sent.push({ topic, messages });
    },
    stats: new ConsumerStatsRecorder({}, log),
    chunkSize,
    retry: { retries: 3, minDelayMs: 1, maxDelayMs: 2 },
  };
  return { ctx, handled, sent };
}

describe('processBatch', () => {
  it('dead-letters an undecodable message with its bytes and headers and goes on', async () => {
    const { ctx, handled, sent } = context();
    const { payload, resolved } = fakePayload([
      message(10, '{"n":1}'),
      message(11, '{"n":', { 'x-request-id': 'r-1' }),
      message(12, '{"n":3}'),
    ]);

    await processBatch(ctx, payload);

    expect(handled.flat().map((e) => e.value.n)).toEqual([1, 3]);
    expect(sent).toHaveLength(1);
    expect(sent[0].topic).toBe(`${TOPIC}.dlq`);
    const dead = sent[0].messages[0];
    expect(dead.value?.toString()).toBe('{"n":');
    expect(dead.headers).toMatchObject({
      'x-request-id': 'r-1',
      'x-dlq-source-topic': TOPIC,
      'x-dlq-source-partition': '2',
      'x-dlq-source-offset': '11',
      'x-dlq-consumer-group': 'test.group',
    });
    expect(String(dead.headers?.['x-dlq-reason'])).toMatch(/^decode failed/);
    expect(resolved).toEqual(['12']);
  });

  it("tells onLag the partition's lag behind the batch's end after each slice", async () => {
    const lags: [number, number][] = [];
    const { ctx } = context({ onLag: (partition, lag) => void lags.push([partition, lag]) }, 2);
    const { payload } = fakePayload([0, 1, 2, 3, 4].map((n) => message(n, `{"n":${n}}`)));

    await processBatch(ctx, payload);

    expect(lags).toEqual([
      [2, 3],
      [2, 1],
      [2, 0],
    ]);
  });

  it('dead-letters an event that fails validation, naming the reason', async () => {
    const { ctx, sent } = context();
    const { payload } = fakePayload([message(0, '{"n":"x"}')]);

    await processBatch(ctx, payload);

    expect(sent[0].messages[0].headers?.['x-dlq-reason']).toBe('invalid: n is not a number');
  });

  it('passes a tombstone to onTombstone between the events around it, in order', async () => {
    const order: string[] = [];
    const { ctx } = context({
      handle: async (events) => {
        order.push(...events.map((e) => `event ${e.value.n}`));
      },
      onTombstone: async (key) => {
        order.push(`tombstone ${key}`);
      },
    });
    const { payload, resolved } = fakePayload([
      message(0, '{"n":1}'),
      message(1, null),
      message(2, '{"n":2}'),
    ]);

    await processBatch(ctx, payload);

    expect(order).toEqual(['event 1', 'tombstone k1', 'event 2']);
    expect(resolved).toEqual(['2']);
  });

  it('skips a tombstone when the spec has no onTombstone', async () => {
    const { ctx, handled } = context();
    const { payload, resolved } = fakePayload([message(0, null), message(1, '{"n":1}')]);

    await processBatch(ctx, payload);

    expect(handled.flat()).toHaveLength(1);
    expect(resolved).toEqual(['1']);
  });

  it('retries a transient handler error and then commits', async () => {
    let calls = 0;
    const { ctx } = context({
      handle: async () => {
        calls += 1;
        if (calls < 3)
          throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      },
    });
    const { payload, resolved } = fakePayload([message(0, '{"n":1}')]);

    await processBatch(ctx, payload);

    expect(calls).toBe(3);
    expect(resolved).toEqual(['0']);
    expect(payload.commitOffsetsIfNecessary).toHaveBeenCalled();
  });

  it('fails without resolving the offset when the handler error is not retriable', async () => {
    const { ctx } = context({
      handle: async () => {
        throw new Error('constraint violated');
      },
    });
    const { payload, resolved } = fakePayload([message(0, '{"n":1}')]);

    await expect(processBatch(ctx, payload)).rejects.toBeInstanceOf(ConsumerFailedError);
    expect(resolved).toEqual([]);
    expect(payload.commitOffsetsIfNecessary).not.toHaveBeenCalled();
  });

  it('dead-letters the one event whose data the store refuses and applies the others', async () => {
    const stored: number[] = [];
    const { ctx, sent } = context({
      handle: async (events) => {
        if (events.some((e) => e.value.n === 13)) {
          throw Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), {
            code: '22021',
          });
        }
        stored.push(...events.map((e) => e.value.n));
      },
    });
    const messages = [1, 2, 13, 4, 5].map((n, i) => message(i, JSON.stringify({ n })));
    const { payload, resolved } = fakePayload(messages);

    await processBatch(ctx, payload);

    expect(stored.sort()).toEqual([1, 2, 4, 5]);
    expect(sent).toHaveLength(1);
    expect(sent[0].messages).toHaveLength(1);
    expect(sent[0].messages[0].value?.toString()).toBe('{"n":13}');
    expect(String(sent[0].messages[0].headers?.['x-dlq-reason'])).toMatch(/0x00/);
    expect(resolved).toEqual(['4']);
  });

  it('dead-letters the event whose number Redis refuses, as it does a refused row', async () => {
    const { ctx, sent } = context({
      handle: async (events) => {
        if (events.some((e) => e.value.n === 13)) {
          // What ioredis raises when a script is given NaN or Infinity.
          const reply = new Error('ERR value is NaN or Infinity');
          reply.name = 'ReplyError';
          throw reply;
        }
      },
    });
    const messages = [1, 13, 3].map((n, i) => message(i, JSON.stringify({ n })));
    const { payload, resolved } = fakePayload(messages);

    await processBatch(ctx, payload);

    expect(sent[0].messages.map((m) => m.value?.toString())).toEqual(['{"n":13}']);
    expect(resolved).toEqual(['2']);
  });

  it('stops on any other Redis error reply instead of dead-lettering', async () => {
    const { ctx, sent } = context({
      handle: async () => {
        const reply = new Error('NOSCRIPT No matching script');
        reply.name = 'ReplyError';
        throw reply;
      },
    });
    const { payload } = fakePayload([message(0, '{"n":1}')]);

    await expect(processBatch(ctx, payload)).rejects.toBeInstanceOf(ConsumerFailedError);
    expect(sent).toEqual([]);
  });

  it('retries a transient error past a round of retries while it holds the partition', async () => {
    let calls = 0;
    const { ctx, handled } = context({
      handle: async (events) => {
        calls += 1;
        if (calls <= 10) throw Object.assign(new Error('busy'), { retriable: true });
        handled.push(events);
      },
    });
    const { payload, resolved } = fakePayload([message(0, '{"n":1}')]);

    await processBatch(ctx, payload);

    expect(calls).toBe(11);
    expect(handled).toHaveLength(1);
    expect(resolved).toEqual(['0']);
  });

  it('stops retrying a transient error once the consumer stops, committing nothing', async () => {
    let calls = 0;
    const { ctx } = context({
      handle: async () => {
        calls += 1;
        throw Object.assign(new Error('busy'), { retriable: true });
      },
    });
    const { payload, resolved } = fakePayload([message(0, '{"n":1}')], () => calls < 6);

    const failure = processBatch(ctx, payload);

    await expect(failure).rejects.toMatchObject({ name: 'ConsumerFailedError', retriable: false });
    expect(calls).toBe(8);
    expect(resolved).toEqual([]);
  });

  it('passes a rebalance seen by a heartbeat on to kafkajs instead of failing', async () => {
    const { ctx } = context({
      handle: async () => {
        throw Object.assign(new Error('pool is draining'), { retriable: true });
      },
    });
    const { payload, resolved } = fakePayload([message(0, '{"n":1}')]);
    const rebalance = Object.assign(new Error('The group is rebalancing'), {
      name: 'KafkaJSProtocolError',
      type: 'REBALANCE_IN_PROGRESS',
    });
    (payload.heartbeat as jest.Mock).mockRejectedValue(rebalance);

    await expect(processBatch(ctx, payload)).rejects.toBe(rebalance);
    expect(resolved).toEqual([]);
  });

  it('commits a long batch slice by slice and stops between slices when asked', async () => {
    const handledSlices: number[] = [];
    let running = true;
    const { ctx } = context(
      {
        handle: async (events) => {
          handledSlices.push(events.length);
          running = false;
        },
      },
      2,
    );
    const messages = [0, 1, 2, 3, 4].map((i) => message(i, `{"n":${i}}`));
    const { payload, resolved } = fakePayload(messages, () => running);

    await processBatch(ctx, payload);

    expect(handledSlices).toEqual([2]);
    expect(resolved).toEqual(['1']);
  });
});
