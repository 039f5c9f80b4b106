export { buildApp, type AppDeps } from './app';
export { createInventory, type Inventory, type MovementInput } from './inventory';
export { createStore, type Store } from './adapters/store';
export { computePolicy, DEFAULT_SETTINGS, type Policy, type SkuSettings } from './domain/policy';
export { loadInventoryConfig, type Config } from './config';
