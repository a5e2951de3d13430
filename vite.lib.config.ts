import { defineConfig, type Plugin } from 'vite';
import { fileURLToPath } from 'node:url';
import { readdirSync } from 'node:fs';

/**
 * Builds the widgets for the npm package and for one-tag embedding.
 *
 *   MATHLENS_LIB=widgets  → dist/widgets/<name>.js (+ dist/widgets/index.js): ES modules for bundlers.
 *     The typed API is NOT bundled: widgets import it as `mathlens` (the package itself), so an app
 *     that uses both the API and the widgets gets one wasm instance. katex and uplot stay external
 *     dependencies.
 *   MATHLENS_LIB=embed    → dist/embed/mathlens-widgets.js + assets: one self-contained ES module for
 *     a `<script type="module" src=…>` tag (web/src/embed.ts). It defines each element when the page
 *     first uses it, so the widgets' code, KaTeX (with its fonts), uPlot, the API and the .wasm are
 *     separate files in assets/, fetched as needed.
 */
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const API = here('./web/src/index.ts');
const kind = process.env.MATHLENS_LIB === 'embed' ? 'embed' : 'widgets';

/** Resolves the widgets' relative imports of the API to the package name, as an external. */
function apiAsPackage(): Plugin {
  return {
    name: 'mathlens-api-external',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (!importer || source === 'mathlens') return source === 'mathlens' ? { id: 'mathlens', external: true } : null;
      const r = await this.resolve(source, importer, { ...options, skipSelf: true });
      return r && r.id === API ? { id: 'mathlens', external: true } : null;
    },
  };
}

/**
 * Vite writes a prebuilt worker's address as `new Worker(new URL(/* @vite-ignore *\/ new URL("w.js",
 * import.meta.url).href, "" + import.meta.url), …)`, which an app's bundler takes for a plain asset:
 * it copies the worker unbundled and its `import … from 'mathlens'` fails. Rewritten to the standard
 * `new Worker(new URL('./w.js', import.meta.url), …)` that Vite, webpack 5 and others bundle as a
 * worker — with the app's own `mathlens`, hence the same .wasm as the page.
 */
function bundlableWorkers(): Plugin {
  const prebuilt = /new Worker\(new URL\(\s*\/\* @vite-ignore \*\/\s*new URL\("([^"]+)", import\.meta\.url\)\.href,\s*"" \+ import\.meta\.url\s*\)/g;
  return {
    name: 'mathlens-bundlable-workers',
    generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk' || !chunk.code.includes('new Worker(')) continue;
        const before = (chunk.code.match(/new Worker\(/g) ?? []).length;
        let rewritten = 0;
        chunk.code = chunk.code.replace(prebuilt, (_m, path: string) => {
          rewritten++;
          return `new Worker(new URL(${JSON.stringify(path.startsWith('.') ? path : `./${path}`)}, import.meta.url)`;
        });
        if (rewritten !== before)
          this.error(`${chunk.fileName}: ${before - rewritten} new Worker(…) not in the form this plugin rewrites; Vite's output changed`);
      }
    },
  };
}

const widgetEntries = Object.fromEntries(
  readdirSync(here('./web/src/widgets'))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.worker.ts'))
    .map((f) => [`widgets/${f.replace(/\.ts$/, '')}`, here(`./web/src/widgets/${f}`)]),
);

// An app-mode build with entry points rather than Vite's library mode: library mode inlines every
// asset as base64 (KaTeX's fonts would add 1.5 MB); app mode emits them as files referenced by
// `new URL(…, import.meta.url)`, so they resolve next to the module wherever it is served.
export default defineConfig({
  base: './',
  publicDir: false,
  plugins: kind === 'widgets' ? [apiAsPackage(), bundlableWorkers()] : [],
  build: {
    target: 'es2022',
    outDir: here(kind === 'embed' ? './dist/embed' : './dist'),
    emptyOutDir: kind === 'embed',
    copyPublicDir: false,
    minify: kind === 'embed',
    sourcemap: false,
    assetsInlineLimit: 0,
    modulePreload: false,
    rollupOptions: {
      input: kind === 'embed' ? { 'mathlens-widgets': here('./web/src/embed.ts') } : widgetEntries,
      preserveEntrySignatures: 'strict',
      // Only the packages' JS is external; their CSS (imported with ?inline) is inlined as strings.
      external: kind === 'embed' ? [] : ['katex', 'uplot', 'mathlens'],
      output: {
        format: 'es',
        entryFileNames: '[name].js',
        chunkFileNames: kind === 'embed' ? 'assets/[name]-[hash].js' : 'widgets/chunks/[name]-[hash].js',
        assetFileNames: kind === 'embed' ? 'assets/[name]-[hash][extname]' : 'widgets/assets/[name]-[hash][extname]',
      },
    },
  },
  // Workers (attention timing, repetition analysis) import the API the same way as the widgets: as
  // the package, external. The app's bundler then builds each worker with the app's own copy of
  // `mathlens`, whose .wasm is the same file the main thread loads (one download, not two).
  worker:
    kind === 'widgets'
      ? {
          format: 'es',
          plugins: () => [apiAsPackage()],
          rollupOptions: {
            external: ['katex', 'uplot', 'mathlens'],
            output: { entryFileNames: 'widgets/workers/[name]-[hash].js', chunkFileNames: 'widgets/workers/[name]-[hash].js' },
          },
        }
      : { format: 'es' },
});
