export { seededRandom, shuffled } from './random';
export { tfReady } from './tensorflow';
