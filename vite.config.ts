import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';
import { readdirSync, readFileSync } from 'node:fs';
import type { Plugin } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// The demo site: `npx vite` (dev), `npx vite build` → build/site, `npx vite preview`.
/** Every page shares one head block, one header and one footer: `<!-- mathlens:header … -->` → web/demo/partials/header.html. */
function partials(): Plugin {
  return {
    name: 'mathlens-partials',
    transformIndexHtml: (html) =>
      html.replace(/[ \t]*<!-- mathlens:(head|header|footer)\b[^>]*-->\n?/g, (_, name: string) =>
        readFileSync(here(`./web/demo/partials/${name}.html`), 'utf8'),
      ),
  };
}

export default defineConfig({
  plugins: [partials()],
  root: here('./web/demo'),
  base: './',
  // web/demo/public/: sw.js (offline support), copied as is to the site's root.
  publicDir: here('./web/demo/public'),
  resolve: {
    alias: { mathlens: here('./web/src/index.ts') },
  },
  build: {
    outDir: here('./build/site'),
    emptyOutDir: true,
    target: 'es2022',
    // Every web/demo/*.html is a page of the site (index + one per post).
    rollupOptions: {
      input: Object.fromEntries(
        readdirSync(here('./web/demo'))
          .filter((f) => f.endsWith('.html'))
          .map((f) => [f.replace(/\.html$/, ''), here(`./web/demo/${f}`)]),
      ),
    },
  },
  worker: { format: 'es' },
  server: { host: '127.0.0.1', fs: { allow: [here('.')] } },
  preview: { host: '127.0.0.1' },
});
