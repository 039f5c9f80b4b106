import * as tf from '@tensorflow/tfjs';
import { createLogger, type ServiceApp } from '@qm/kit';
import { ForecastPool } from '../src/adapters/forecast-pool';
import { buildApp } from '../src/app';
import { GlobalModel, trainGlobal } from '../src/domain/global/model';
import { forward, NeuralModel, type NeuralArtefact } from '../src/domain/global/network';
import { denseLayers, denseNetwork, seededRandom, tfReady } from '@qm/learning';
import { trainNetwork } from '../src/training/network';

const pattern = [5, 7, 6, 8, 9, 0, 1];
const synthetic = Array.from({ length: 20 }, (_, k) => ({
  start: '2011-01-03',
  y: Array.from({ length: 120 }, (_, i) => (k + 1) * (pattern[i % 7] + ((i * (k + 3)) % 3))),
}));
const tiny = {
  hidden: [16],
  learningRate: 0.01,
  batchSize: 32,
  epochs: 15,
  patience: 3,
  validationShare: 0.2,
  originEvery: 3,
  seeds: [5],
};

let neural: NeuralArtefact;

beforeAll(async () => {
  await tfReady();
  expect(tf.getBackend()).toBe('wasm');
  neural = await trainNetwork(synthetic, 14, tiny);
}, 30_000);

describe('neural model', () => {
  it('runs exported weights in plain TypeScript as TensorFlow.js predicts', () => {
    const random = seededRandom(7);
    const net = denseNetwork({ inputs: 5, hidden: [6, 4], outputs: 3, seed: 2 });
    const layers = denseLayers(net);
    expect(layers.map((l) => [l.weights.length, l.bias.length])).toEqual([
      [5, 6],
      [6, 4],
      [4, 3],
    ]);

    const rows = Array.from({ length: 8 }, () => Array.from({ length: 5 }, () => random() * 6 - 3));
    const input = tf.tensor2d(rows);
    const output = net.predict(input) as tf.Tensor;
    const predicted = output.arraySync() as number[][];
    tf.dispose([input, output]);
    net.dispose();

    rows.forEach((row, i) => {
      const mine = forward(layers, row);
      predicted[i].forEach((v, o) => expect(Math.abs(mine[o] - v)).toBeLessThan(1e-5));
    });
  });

  it('gives finite, non-negative forecasts and intervals after training on a small set', () => {
    const model = new NeuralModel(neural);
    const out = model.forecast(synthetic[3].y, '2011-05-03', 14);
    expect(out.variant).toBe('neural');
    expect(out.mean).toHaveLength(14);
    expect(out.mean.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    expect(out.sigma.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    expect(Math.max(...out.mean)).toBeGreaterThan(0);
  });

  it('fills missing features of a short history instead of answering NaN', () => {
    const model = new NeuralModel(neural);
    expect(neural.missing.length).toBeGreaterThan(0);
    const out = model.forecast([3, 0, 4, 5, 2, 0, 6, 3, 1, 0, 4, 5, 2, 7], '2011-05-03', 14);
    expect(out.mean.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
  });

  it('trains to the same weights from the same seed', async () => {
    const again = await trainNetwork(synthetic, 14, tiny);
    expect(again.members).toEqual(neural.members);
  }, 30_000);
});

describe('model "neural" through the API', () => {
  const series = [{ id: 'S', start: '2011-01-03', values: synthetic[2].y }];
  const pools: ForecastPool[] = [];
  const apps: ServiceApp[] = [];

  // The network is trained in the file's beforeAll, which runs before this one.
  beforeAll(() => {
    const gbt = trainGlobal(synthetic, {
      horizon: 14,
      trainedUntil: '2011-05-02',
      gbt: { trees: 5, rate: 0.2, depth: 3, minLeaf: 20, rowSample: 0.8, colSample: 0.8 },
      seeds: [1],
    });
    pools.push(
      new ForecastPool(0, undefined, new GlobalModel({ ...gbt, neural })),
      new ForecastPool(0, undefined),
    );
  });

  const post = async (pool: ForecastPool, model: string) => {
    const app = await buildApp({ log: createLogger('forecasting-test', 'silent'), pool });
    apps.push(app);
    const reply = await app.inject({
      method: 'POST',
      url: '/v1/forecasts',
      payload: { horizon: 14, model, series },
    });
    expect(reply.statusCode).toBe(200);
    return reply.json().forecasts[0];
  };

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await Promise.all(pools.map((pool) => pool.close()));
  });

  it('forecasts with the network when the model file has one', async () => {
    const f = await post(pools[0], 'neural');
    expect(f.model).toBe('neural');
    expect(f.mean).toHaveLength(14);
    expect(f.warnings).toEqual([]);
  });

  it('falls back to ets with a warning when there is no model file', async () => {
    const f = await post(pools[1], 'neural');
    expect(f.model).toMatch(/^ets/);
    expect(f.warnings.join(' ')).toMatch(/neural model is not available/);
  });

  it('averages the boosted trees and the network under auto', async () => {
    const f = await post(pools[0], 'auto');
    expect(f.model).toBe('combination(global+neural)');
  });
});
