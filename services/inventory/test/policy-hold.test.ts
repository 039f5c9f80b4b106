import type { IncomingEvent } from '@qm/events';
import type { SaleLine } from '@qm/contracts';
import { salesConsumer } from '../src/adapters/consumers';
import { PolicyHold } from '../src/domain/policy-hold';
import type { BatchOptions, Inventory } from '../src/inventory';

const MINUTE = 60_000;

describe('PolicyHold', () => {
  it('holds policies while the sales consumer is more than the hold lag behind', () => {
    const hold = new PolicyHold({ holdLag: 1_000 });
    expect(hold.holding(0)).toBe(false);

    hold.recordLag(0, 600, 0);
    hold.recordLag(1, 600, 0);
    expect(hold.holding(0)).toBe(true);

    hold.recordLag(1, 400, 1);
    expect(hold.holding(1)).toBe(false);
  });

  it("stops holding once a partition's lag has not been told for a minute", () => {
    const hold = new PolicyHold({ holdLag: 1_000 });
    hold.recordLag(3, 50_000, 0);

    expect(hold.holding(MINUTE - 1)).toBe(true);
    expect(hold.holding(MINUTE)).toBe(false);
  });

  it('releases put-off policies once caught up, or at the longest hold while behind', () => {
    const hold = new PolicyHold({ holdLag: 1_000, maxHoldMs: 10 * MINUTE, lagTtlMs: Infinity });
    const firstMark = new Date(0);
    expect(hold.releasing(firstMark, 1)).toBe(true);

    hold.recordLag(0, 5_000, 0);
    expect(hold.releasing(firstMark, 10 * MINUTE - 1)).toBe(false);
    expect(hold.releasing(null, 20 * MINUTE)).toBe(false);
    expect(hold.releasing(firstMark, 10 * MINUTE)).toBe(true);

    hold.recordLag(0, 0, 1);
    expect(hold.releasing(new Date(1), 2)).toBe(true);
  });
});

describe('the inventory.sales consumer', () => {
  function consumerOf(hold: PolicyHold) {
    const calls: (BatchOptions | undefined)[] = [];
    const inventory = {
      applyMovements: async (_m: unknown, _r?: string, options?: BatchOptions) => {
        calls.push(options);
        return { applied: 0, duplicates: 0 };
      },
    } as unknown as Inventory;
    return { calls, spec: salesConsumer('sales', inventory, { hold }) };
  }
  const line = {
    value: { eventId: 'e', sku: 'A', quantity: 1, kind: 1 },
  } as unknown as IncomingEvent<SaleLine>;

  it('puts policies off while the lag it is told holds them, and not once caught up', async () => {
    const hold = new PolicyHold({ holdLag: 10 });
    const { calls, spec } = consumerOf(hold);

    await spec.handle([line]);
    spec.onLag?.(0, 11);
    await spec.handle([line]);
    spec.onLag?.(0, 10);
    await spec.handle([line]);

    expect(calls.map((c) => c?.deferPolicies)).toEqual([false, true, false]);
  });
});
