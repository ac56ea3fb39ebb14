import { defineConfig } from 'vitest/config';

// One run over every workspace's tests; each project has its own vitest.config.ts.
export default defineConfig({
  test: {
    projects: ['packages/media-session', 'packages/webrtc-peer', 'server', 'scripts', 'client'],
    // 2 cores: media and server-process tests fight for CPU when run in parallel.
    fileParallelism: false,
  },
});
