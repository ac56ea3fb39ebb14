import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The API server (NestJS) listens on :3000 in development; override with MINIMEET_API_URL.
const apiTarget = process.env.MINIMEET_API_URL ?? 'http://localhost:3000';

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: {
      '/api': { target: apiTarget, changeOrigin: true },
      '/socket.io': { target: apiTarget, ws: true, changeOrigin: true },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
  },
});
