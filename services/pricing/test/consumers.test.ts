import type { Pool } from '@qm/kit';
import { recordingBus } from '@qm/tests';
import { startConsumers } from '../src/adapters/consumers';
import type { Experiments } from '../src/experiments';

describe('pricing consumers', () => {
  it("join groups under the deployment's prefix, as their topics are", async () => {
    const bus = recordingBus('p1.');

    await startConsumers(bus, { pool: {} as Pool, experiments: {} as Experiments });

    expect(bus.specs.map((s) => [s.groupId, s.topic])).toEqual([
      ['p1.pricing.sales', 'p1.qm.sales.v1'],
      ['p1.pricing.products', 'p1.qm.products.v1'],
      ['p1.pricing.clickstream', 'p1.qm.clickstream.v1'],
    ]);
  });
});
