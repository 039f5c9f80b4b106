import * as tf from '@tensorflow/tfjs';
import { networkMargin } from '../src/model/network';
import { rocAuc } from '../src/model/metrics';
import { seededRandom, tfReady } from '@qm/learning';
import { buildNetwork, exportNetwork, fitNetwork } from '../src/training/network';

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

beforeAll(async () => {
  await tfReady();
  expect(tf.getBackend()).toBe('wasm');
}, 20_000);

describe('network candidate', () => {
  it('scores exported weights in plain TypeScript as TensorFlow.js predicts', () => {
    const random = seededRandom(5);
    const d = 6;
    const net = buildNetwork(d, { hidden: [5, 4], dropout: 0.2, seed: 3 });
    const means = Array.from({ length: d }, () => random() * 4 - 2);
    const scales = Array.from({ length: d }, () => 0.5 + random() * 2);
    const model = exportNetwork(net, means, scales);
    expect(model.layers.map((l) => l.weights.length)).toEqual([6, 5, 4]);

    const rows = Array.from({ length: 8 }, () =>
      Float64Array.from({ length: d }, () => random() * 10 - 5),
    );
    const standardised = rows.map((row) => Array.from(row, (v, j) => (v - means[j]) / scales[j]));
    const input = tf.tensor2d(standardised);
    const output = net.predict(input) as tf.Tensor;
    const predicted = Array.from(output.dataSync());
    tf.dispose([input, output]);
    net.dispose();

    rows.forEach((row, i) => {
      expect(Math.abs(sigmoid(networkMargin(model, row)) - predicted[i])).toBeLessThan(1e-5);
    });
  });

  it('learns a separable set to an AUC above 0.9 on fresh rows', async () => {
    const random = seededRandom(21);
    const make = (n: number) => {
      const x: Float64Array[] = [];
      const y = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const row = Float64Array.from({ length: 4 }, () => random() * 2 - 1);
        x.push(row);
        // Fraud inside a band: no straight line separates it, the hidden layers must.
        y[i] = Math.abs(row[0] + row[1]) < 0.4 ? 1 : 0;
      }
      return { x, y };
    };
    const train = make(1500);
    const test = make(500);
    const { model, bestEpoch } = await fitNetwork(train.x, train.y, { epochs: 30, seed: 4 });
    expect(bestEpoch).toBeGreaterThan(0);

    const scores = test.x.map((row) => networkMargin(model, row));
    expect(rocAuc(scores, test.y)).toBeGreaterThan(0.9);
  }, 20_000);

  it('gives each feature the score it loses when put back to its training mean', () => {
    const net = buildNetwork(3, { hidden: [4], seed: 8 });
    const model = exportNetwork(net, [1, 2, 3], [1, 1, 1]);
    net.dispose();
    const row = Float64Array.from([4, 2, -1]);
    const contributions = new Float64Array(3);
    const score = networkMargin(model, row, contributions);

    expect(contributions[1]).toBe(0);
    for (const j of [0, 2]) {
      const atMean = Float64Array.from(row);
      atMean[j] = model.means[j];
      expect(contributions[j]).toBeCloseTo(score - networkMargin(model, atMean), 10);
    }
  });
});
