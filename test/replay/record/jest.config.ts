import type { Config } from 'jest';

/** `npm run replay:record` only: the recorder rewrites test/replay/histories/, so no other jest run may pick it up. */
const config: Config = {
  rootDir: '../../..',
  testMatch: ['<rootDir>/test/replay/record/record-histories.ts'],
  transform: { '^.+\\.ts$': '@swc/jest' },
  testEnvironment: 'node',
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
  testTimeout: 120_000,
};

export default config;
