import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'media-session',
    environment: 'node',
    include: ['test/**/*.test.ts'],
  },
});
