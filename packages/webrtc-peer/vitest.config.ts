import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'webrtc-peer',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
