export { denseLayers, denseNetwork, type DenseNetworkShape, type PlainDenseLayer } from './dense';
export { mulberry32, seededRandom, shuffled } from './random';
export { tfReady } from './tensorflow';
