import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `pnpm --filter @splice/editor dev` proxies /api (and the OAuth callback) to a running `splice serve`
// (SPLICE_SERVER_URL, default http://127.0.0.1:8787, the port of `splice serve` and `splice start`); `build` writes dist/, which the server mounts at `/`.
const server = process.env.SPLICE_SERVER_URL ?? 'http://127.0.0.1:8787';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  worker: { format: 'es' },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 4000 },
  server: {
    host: '127.0.0.1',
    proxy: { '/api': server, '/oauth': server, '/hooks': server },
  },
});
