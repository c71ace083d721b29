import type { Config } from 'jest';

const transform = { '^.+\\.ts$': '@swc/jest' };

/** Two projects: "unit" needs no servers; "integration" runs against one real Temporal dev server per jest run. */
const config: Config = {
  projects: [
    {
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
      transform,
      testEnvironment: 'node',
    },
    {
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      transform,
      testEnvironment: 'node',
      globalSetup: '<rootDir>/test/helpers/global-setup.ts',
      globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
      slowTestThreshold: 30,
    },
  ],
  testTimeout: 120_000,
};

export default config;
