import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two cores: sandbox tests are heavy, keep at most two files running at once.
    maxWorkers: 2,
    globalSetup: ['test/global-setup.ts'],
  },
});
