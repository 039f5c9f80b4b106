import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { create, encode, SaleKind, SaleLineSchema, timestampFromDate } from '@qm/contracts';
import type { ConsumerHandle } from '@qm/events';
import { DemandRepository, type DemandEvent } from '../src/adapters/demand-repository';
import { salesConsumer } from '../src/adapters/sales-consumer';
import { RefreshScheduler } from '../src/domain/debounce';
import { openServiceTestStack, waitFor, type ServiceTestStack } from '@qm/tests';

/** Stores demand as usual, a little slower, so the backlog takes seconds to load. */
class SlowDemandRepository extends DemandRepository {
  override async apply(events: DemandEvent[]): Promise<string[]> {
    await sleep(50);
    return super.apply(events);
  }
}

const SKUS = Array.from({ length: 10 }, (_, i) => `SKU-${i}`);
const ROUNDS = 40;

/** Every SKU sells once a round; one key keeps all lines on one partition, in order. */
function backlog() {
  return Array.from({ length: ROUNDS }, (_, round) =>
    SKUS.map((sku) => {
      const occurredAt = timestampFromDate(new Date(Date.UTC(2011, 5, 1 + round, 10)));
      const line = create(SaleLineSchema, {
        eventId: `${sku}-${round}`,
        currency: 'GBP',
        orderId: `o-${sku}-${round}`,
        sku,
        quantity: 1,
        kind: SaleKind.SALE,
        occurredAt,
      });
      return { key: 'backlog', value: encode(SaleLineSchema, line) };
    }),
  ).flat();
}

let stack: ServiceTestStack;
let consumer: ConsumerHandle | undefined;

beforeAll(async () => {
  stack = await openServiceTestStack('forecast-backlog', join(__dirname, '..', 'migrations'));
}, 60_000);

afterAll(async () => {
  await consumer?.stop();
  await stack?.teardown();
}, 60_000);

describe('refreshes during a backlog', () => {
  it('refreshes each SKU of a backlog once, after the consumer has caught up', async () => {
    await stack.bus.publisher.publish(stack.bus.topic('sales'), backlog());
    const refreshes = new Map<string, number>();
    // The load takes 40 slices of 50 ms and more: longer than a SKU's longest wait.
    const scheduler = new RefreshScheduler(
      { quietMs: 1000, maxWaitMs: 1000, holdLag: 5 },
      async (skus) => skus.forEach((sku) => refreshes.set(sku, (refreshes.get(sku) ?? 0) + 1)),
      () => undefined,
    );
    let lag: number | undefined;
    const watched = {
      touch: (skus: string[]) => scheduler.touch(skus),
      recordLag: (partition: number, behind: number) => {
        scheduler.recordLag(partition, behind);
        lag = behind;
      },
    };
    const repo = new SlowDemandRepository(stack.pool, stack.schema);
    const spec = salesConsumer(stack.bus.topic('sales'), repo, watched, `${stack.prefix}.`);
    consumer = await stack.bus.runConsumer({ ...spec, maxBatchSize: SKUS.length });

    await waitFor('the backlog consumed', () => (lag === 0 ? true : undefined));
    await scheduler.drain();

    expect(Object.fromEntries(refreshes)).toEqual(Object.fromEntries(SKUS.map((s) => [s, 1])));
  }, 60_000);
});
