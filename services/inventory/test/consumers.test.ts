import { recordingBus } from '@qm/tests';
import { startConsumers } from '../src/adapters/consumers';
import type { Inventory } from '../src/inventory';

describe('inventory consumers', () => {
  it("join groups under the deployment's prefix, as their topics are", async () => {
    const bus = recordingBus('p1.');

    await startConsumers(bus, {} as Inventory);

    expect(bus.specs.map((s) => [s.groupId, s.topic])).toEqual([
      ['p1.inventory.sales', 'p1.qm.sales.v1'],
      ['p1.inventory.movements', 'p1.qm.inventory-movements.v1'],
      ['p1.inventory.forecasts', 'p1.qm.forecasts.v1'],
    ]);
  });
});
