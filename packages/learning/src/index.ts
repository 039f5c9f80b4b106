export { mulberry32, seededRandom, shuffled } from './random';
export { tfReady } from './tensorflow';
