/**
 * Build of the web console (Cổng 1022). Vite 8 transforms TSX itself through Oxc:
 * no React plugin is needed. Build with `npx vite build console` from the repository root.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  // The API's types and labels, shared with the server (src/wire).
  resolve: { alias: { '@wire': fileURLToPath(new URL('../src/wire', import.meta.url)) } },
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 700,
  },
  server: {
    // `npx vite console` during development: the gateway runs on :3000.
    proxy: {
      '/api': 'http://localhost:3000',
      '/socket.io': { target: 'http://localhost:3000', ws: true },
    },
  },
});
