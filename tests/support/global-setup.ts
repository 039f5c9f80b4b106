import { Type } from '@sinclair/typebox';
import { loadConfig } from '@qm/kit';
import type { ContainerStack } from './containers';

const TestConfig = {
  // `1` runs the integration tests against containers instead of the local stack.
  QM_TESTCONTAINERS: Type.Union([Type.Literal('0'), Type.Literal('1')], { default: '0' }),
};

declare global {
  var qmContainerStack: ContainerStack | undefined;
}

/**
 * Jest global setup of the integration tests. With `QM_TESTCONTAINERS=1` it starts the
 * stack in containers and hands the URLs to the test workers through their environment;
 * otherwise the tests use the local stack that `deploy/test.sh` brought up.
 */
export default async function globalSetup(): Promise<void> {
  if (loadConfig(TestConfig).QM_TESTCONTAINERS !== '1') return;
  // Loaded only here: the container clients need a newer Node.js than the local path does.
  const { startContainers } = await import('./containers');
  const stack = await startContainers();
  Object.assign(process.env, stack.urls);
  globalThis.qmContainerStack = stack;
}
