import { recordingBus } from '@qm/tests';
import { startConsumers } from '../src/adapters/consumers';
import type { Recommendations } from '../src/recommendations';

describe('recommendations consumers', () => {
  it("join groups under the deployment's prefix, as their topics are", async () => {
    const bus = recordingBus('p1.');

    await startConsumers(bus, {} as Recommendations);

    expect(bus.specs.map((s) => [s.groupId, s.topic])).toEqual([
      ['p1.recommendations.sales', 'p1.qm.sales.v1'],
      ['p1.recommendations.clickstream', 'p1.qm.clickstream.v1'],
      ['p1.recommendations.products', 'p1.qm.products.v1'],
    ]);
  });
});
