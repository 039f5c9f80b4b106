import * as tf from '@tensorflow/tfjs';

/** A dense layer's weights as plain arrays, which the services run without TensorFlow.js. */
export interface PlainDenseLayer {
  /** `weights[i][o]`: input `i` to output `o`, the layout TensorFlow.js uses for a kernel. */
  weights: number[][];
  bias: number[];
  activation: 'relu' | 'linear';
}

/** The shape and seeds of a network of dense layers. */
export interface DenseNetworkShape {
  inputs: number;
  /** Units of each ReLU hidden layer, in order. */
  hidden: number[];
  outputs: number;
  /** Hidden layer `k` is initialised from `seed + k`, the output layer from `seed + 99`. */
  seed: number;
  /** Dropout after each hidden layer (seeded `seed + 100 + k`); none when 0 or absent. */
  dropout?: number;
  /** The output layer's activation; linear when absent. */
  outputActivation?: 'sigmoid';
}

/**
 * Builds ReLU hidden layers (He initialised) and an output layer (Glorot initialised). The
 * seeds are part of the trained models' figures: changing them changes every model.
 */
export function denseNetwork(shape: DenseNetworkShape): tf.Sequential {
  const { inputs, hidden, outputs, seed, dropout = 0, outputActivation } = shape;
  const model = tf.sequential();
  hidden.forEach((units, k) => {
    model.add(
      tf.layers.dense({
        units,
        activation: 'relu',
        ...(k === 0 ? { inputShape: [inputs] } : {}),
        kernelInitializer: tf.initializers.heNormal({ seed: seed + k }),
      }),
    );
    if (dropout > 0) model.add(tf.layers.dropout({ rate: dropout, seed: seed + 100 + k }));
  });
  model.add(
    tf.layers.dense({
      units: outputs,
      ...(outputActivation ? { activation: outputActivation } : {}),
      ...(hidden.length === 0 ? { inputShape: [inputs] } : {}),
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 99 }),
    }),
  );
  return model;
}

/**
 * The dense layers' weights as plain arrays, ReLU between them and the last one linear: an
 * output activation such as a sigmoid is left to the caller, so that layer gives log-odds.
 */
export function denseLayers(model: tf.LayersModel): PlainDenseLayer[] {
  const dense = model.layers.filter((layer) => layer.getClassName() === 'Dense');
  return dense.map((layer, k) => {
    const [kernel, bias] = layer.getWeights();
    return {
      weights: kernel.arraySync() as number[][],
      bias: bias.arraySync() as number[],
      activation: k < dense.length - 1 ? 'relu' : 'linear',
    };
  });
}
