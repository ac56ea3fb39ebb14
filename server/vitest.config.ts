import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'server',
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    // Builds dist/ (incrementally) so the server processes under test run the current sources.
    globalSetup: ['test/global-setup.ts'],
    // Integration tests start real server processes: one file at a time on 2 cores.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
