import { defineProject } from 'vitest/config';

// Browser end-to-end tests: real server + Chromium. Run: npm run test:e2e -w client
export default defineProject({
  test: {
    name: 'client-e2e',
    root: new URL('..', import.meta.url).pathname,
    environment: 'node',
    include: ['e2e/**/*.e2e.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
