import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'providers/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/offline-guard.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Browser tests each start Chromium; two cores take two files at a time at most.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
