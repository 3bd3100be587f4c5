/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }],
  },
  // Resolve (and, on a fresh machine, build) the Temporal binaries once, before any test file runs.
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  // Property tests share one seed, fixed unless FC_SEED says otherwise (test/helpers/fast-check.ts).
  setupFiles: ['<rootDir>/test/helpers/fast-check.ts'],
  // Each Temporal test file starts its own server; two cores fit two files at a time.
  maxWorkers: 2,
  testTimeout: 60_000,
};
