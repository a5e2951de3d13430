import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// The demo site: `npx vite` (dev), `npx vite build` → build/site, `npx vite preview`.
export default defineConfig({
  root: here('./web/demo'),
  base: './',
  publicDir: false,
  resolve: {
    alias: { mathlens: here('./web/src/index.ts') },
  },
  build: {
    outDir: here('./build/site'),
    emptyOutDir: true,
    target: 'es2022',
  },
  worker: { format: 'es' },
  server: { host: '127.0.0.1', fs: { allow: [here('.')] } },
  preview: { host: '127.0.0.1' },
});
