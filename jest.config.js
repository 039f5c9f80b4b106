/** Unit tests (`*.test.ts`) run anywhere; integration tests (`*.int.test.ts`) need the stack. */
const swc = {
  jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
  module: { type: 'commonjs' },
};
const transform = { '^.+\\.(ts|js|mjs)$': ['@swc/jest', swc] };
// A few dependencies ship only ES modules; they are compiled like our own sources.
const esmOnly = ['cookie', 'content-disposition', 'is-any-array', 'ml-[a-z-]+'].join('|');
const transformIgnorePatterns = [`/node_modules/(?!\\.pnpm/(${esmOnly})@|(${esmOnly})/)`];
const roots = ['<rootDir>/services', '<rootDir>/gateway', '<rootDir>/packages', '<rootDir>/tests'];
const ignore = ['/node_modules/', '/dist/'];

module.exports = {
  projects: [
    {
      displayName: 'unit',
      roots,
      transform,
      transformIgnorePatterns,
      testEnvironment: 'node',
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: [...ignore, '\\.int\\.test\\.ts$'],
    },
    {
      displayName: 'integration',
      roots,
      transform,
      transformIgnorePatterns,
      testEnvironment: 'node',
      testMatch: ['**/*.int.test.ts'],
      testPathIgnorePatterns: ignore,
      globalSetup: '<rootDir>/tests/support/global-setup.ts',
      globalTeardown: '<rootDir>/tests/support/global-teardown.ts',
      slowTestThreshold: 30,
      // Waits on Kafka take seconds on a busy machine; a test's own waits time out first.
      testTimeout: 60_000,
    },
  ],
};
