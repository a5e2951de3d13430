// Sizes and load time of what users download (issue 7, item 5), printed by `npm run bench`:
//   (1) core: the wasm + its Emscripten JS + the API JS that `import { init } from 'mathlens'` loads
//       in a browser (dist/index.js and everything it imports, all modules together), gzip -9
//       per file as a server would send them. Target ≤ 200 KB, checked on what an app ships: the
//       API JS bundled and minified (rolldown, as Vite does), the wasm and Emscripten JS as they are.
//       The unminified package files are listed too.
//   (2) the one-tag embed bundle (dist/embed: the entry, its chunks and workers, the .wasm), gzip;
//       KaTeX's fonts listed apart (woff2, already compressed, fetched only when a formula uses one).
//   (3) the widgets for bundlers, per widget: dist/widgets/<name>.js with the chunks it imports
//       (katex, uplot and the API are the app's own dependencies and not counted).
//   (4) load time: web/embed/one.html (one <mathlens-gaussian> through the embed bundle) served by
//       the e2e static server under the embed CSP, opened N times in headless Chromium, each in a
//       fresh browser context (cold HTTP cache): time from navigation start to the widget showing
//       its first computed value, polled with requestAnimationFrame inside the page, and the first
//       (contentful) paint. Target: median < 1000 ms. Also what that page fetched (gzip): the embed
//       entry loads each widget's code only when the page uses the widget.
// Writes bench-output/size.json.
//
//   node scripts/bench/size.mjs [--loads 10] [--no-browser]
// Environment: CHROMIUM (default /usr/bin/chromium).
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT_DIR = join(ROOT, 'bench-output');
const DIST = join(ROOT, 'dist');
const CORE_TARGET_KB = 200;
const LOAD_TARGET_MS = 1000;

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
};
const LOADS = Math.max(1, Number(option('--loads', '10')) || 10);
const WITH_BROWSER = !argv.includes('--no-browser');
const log = (msg) => process.stderr.write(`[bench:size] ${msg}\n`);

// ---- sizes -------------------------------------------------------------------------------------
const gzipCache = new Map();
/** Length of `bytes` after gzip -9 -n (zlib level 9 when gzip is missing). */
function gzipBytes(bytes) {
  const g = spawnSync('gzip', ['-9', '-c', '-n'], { input: bytes, maxBuffer: 256 * 2 ** 20 });
  return !g.error && g.status === 0 ? g.stdout.length : gzipSync(bytes, { level: 9 }).length;
}

/** { file, raw, gzip } with gzip -9 -n (zlib level 9 when gzip is missing). */
function size(file) {
  if (gzipCache.has(file)) return gzipCache.get(file);
  const bytes = readFileSync(file);
  const s = { file: relative(ROOT, file), raw: bytes.length, gzip: gzipBytes(bytes) };
  gzipCache.set(file, s);
  return s;
}

/**
 * The files an ES module loads: static imports/re-exports, dynamic imports, workers and
 * `new URL('…', import.meta.url)` assets (the .wasm); relative specifiers only (bare ones are the
 * app's dependencies). Fonts are collected apart. Returns { files: [...], fonts: [...] }.
 */
function graph(entry) {
  const files = new Set();
  const fonts = new Set();
  const todo = [entry];
  // Quotes may be ', " or ` (minifiers write template literals).
  const patterns = [
    /\b(?:import|export)\b[^'"`;]*?\bfrom\s*["'`](\.{1,2}\/[^"'`]+)["'`]/g, // import … from './x.js'
    /\bimport\s*["'`](\.{1,2}\/[^"'`]+)["'`]/g, // import './x.js'
    /\bimport\s*\(\s*["'`](\.{1,2}\/[^"'`]+)["'`]\s*\)/g, // import('./x.js')
    /\bnew\s+URL\s*\(\s*["'`]([^"'`:$]+)["'`]\s*,\s*import\.meta\.url\s*\)/g, // new URL('x.wasm', import.meta.url)
  ];
  while (todo.length) {
    const file = todo.pop();
    if (files.has(file)) continue;
    files.add(file);
    if (!/\.m?js$/.test(file)) continue;
    const src = readFileSync(file, 'utf8');
    for (const re of patterns)
      for (const m of src.matchAll(re)) {
        const target = resolve(dirname(file), m[1].startsWith('.') ? m[1] : `./${m[1]}`);
        if (/\.(woff2?|ttf)$/.test(target)) fonts.add(target);
        else if (existsSync(target) && !files.has(target)) todo.push(target);
      }
  }
  return { files: [...files], fonts: [...fonts] };
}

const sum = (list, key) => list.reduce((s, x) => s + x[key], 0);
const kb = (b) => `${(b / 1024).toFixed(1)} KB`;

function need(file, hint) {
  if (!existsSync(file)) throw new Error(`${relative(ROOT, file)} is missing: ${hint}`);
  return file;
}

// (1) core
need(join(DIST, 'index.js'), 'build the package (npm run bench builds dist/, or bash scripts/build.sh)');
need(join(DIST, 'wasm/mathlens.wasm'), 'build the package');
const coreFiles = graph(join(DIST, 'index.js')).files.map(size);
const core = {
  files: coreFiles,
  wasm: coreFiles.filter((f) => f.file.endsWith('.wasm')),
  emscriptenJs: coreFiles.filter((f) => f.file.endsWith('wasm/mathlens.mjs')),
  apiJs: coreFiles.filter((f) => f.file.endsWith('.js')), // dist/*.js, dist/core/*.js (not the .mjs)
  raw: sum(coreFiles, 'raw'),
  gzip: sum(coreFiles, 'gzip'),
};
if (!core.wasm.length) throw new Error('dist/index.js does not reach dist/wasm/mathlens.wasm through its imports');
// The API JS as an app's production build ships it: the package's dist/*.js is tsc output (readable,
// with comments), and every bundler minifies it. Bundled and minified here with rolldown, the
// bundler Vite uses; the Emscripten JS (already minified by emcc) and the .wasm are counted as they are.
async function minifiedApi() {
  const { rolldown } = await import('rolldown');
  const bundle = await rolldown({ input: join(DIST, 'index.js'), external: [/wasm\/mathlens\.mjs$/], logLevel: 'silent' });
  const { output } = await bundle.generate({ format: 'esm', minify: true });
  await bundle.close();
  const code = Buffer.from(output.filter((c) => c.type === 'chunk').map((c) => c.code).join('\n'));
  return { file: 'dist/index.js + imports, bundled and minified (rolldown)', raw: code.length, gzip: gzipBytes(code) };
}
const apiMin = await minifiedApi();
core.shipped = { raw: sum(core.wasm, 'raw') + sum(core.emscriptenJs, 'raw') + apiMin.raw, gzip: sum(core.wasm, 'gzip') + sum(core.emscriptenJs, 'gzip') + apiMin.gzip };
const otherEntries = ['node.js', 'cli.js'].map((f) => join(DIST, f)).filter(existsSync).map(size);
const srcWasm = join(ROOT, 'web/src/wasm/mathlens.wasm');
const staleCore = existsSync(srcWasm) && !readFileSync(srcWasm).equals(readFileSync(join(DIST, 'wasm/mathlens.wasm')));

// (2) embed
const EMBED = join(DIST, 'embed');
let embed = null;
if (existsSync(join(EMBED, 'mathlens-widgets.js'))) {
  const g = graph(join(EMBED, 'mathlens-widgets.js'));
  const assets = readdirSync(join(EMBED, 'assets')).map((f) => join(EMBED, 'assets', f));
  // Chunks and workers Vite emitted that the regexes did not reach (counted anyway: they ship).
  const extraJs = assets.filter((f) => /\.m?js$/.test(f) && !g.files.includes(f));
  const files = [...g.files, ...extraJs].map(size);
  const woff2 = assets.filter((f) => f.endsWith('.woff2')).map(size);
  const wasmInEmbed = files.find((f) => f.file.endsWith('.wasm'));
  embed = {
    files,
    js: files.filter((f) => !f.file.endsWith('.wasm')),
    wasm: wasmInEmbed,
    raw: sum(files, 'raw'),
    gzip: sum(files, 'gzip'),
    fontsWoff2: { count: woff2.length, raw: sum(woff2, 'raw') },
    stale: !!wasmInEmbed && existsSync(srcWasm) && !readFileSync(join(ROOT, wasmInEmbed.file)).equals(readFileSync(srcWasm)),
  };
}

// (3) widgets for bundlers
const WIDGETS = join(DIST, 'widgets');
const widgets = existsSync(WIDGETS)
  ? readdirSync(WIDGETS)
      .filter((f) => f.endsWith('.js') && f !== 'index.js')
      .sort()
      .map((f) => {
        const files = graph(join(WIDGETS, f)).files.map(size);
        return { name: f.replace(/\.js$/, ''), files, raw: sum(files, 'raw'), gzip: sum(files, 'gzip') };
      })
  : [];
const allWidgets = existsSync(join(WIDGETS, 'index.js')) ? graph(join(WIDGETS, 'index.js')).files.map(size) : [];

// ---- load time ---------------------------------------------------------------------------------
/** In the page before any script: records when the widget first shows a computed value. */
function probe() {
  window.__ml = { valueAt: null, text: null, paint: {} };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__ml.paint[e.name] = e.startTime;
  }).observe({ type: 'paint', buffered: true });
  const tick = () => {
    const el = document.querySelector('mathlens-gaussian');
    const root = el && el.shadowRoot;
    const content = root && root.querySelector('.content');
    const v = content && !content.hidden ? root.querySelector('.row[data-key="klPQ"] .value') : null;
    if (v && /\d/.test(v.textContent || '')) {
      window.__ml.valueAt = performance.now(); // relative to the navigation start (timeOrigin)
      window.__ml.text = v.textContent;
      return;
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

async function measureLoads() {
  const { serve } = await import('../../tests/e2e/lib/browser.mjs');
  const { chromium } = await import('playwright-core');
  // Stage exactly what the package ships as its embed bundle, plus the one-widget page, under /embed/
  // (the static server sends the embed CSP there: script-src 'self' 'wasm-unsafe-eval').
  const stage = mkdtempSync(join(os.tmpdir(), 'mathlens-size-'));
  cpSync(EMBED, join(stage, 'embed'), { recursive: true });
  cpSync(join(ROOT, 'web/embed/one.html'), join(stage, 'embed/one.html'));
  const server = await serve(stage);
  const url = `http://127.0.0.1:${server.address().port}/embed/one.html`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const runs = [];
  let fetched = null;
  try {
    for (let i = 0; i <= LOADS; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' }); // fresh: cold cache
      const page = await context.newPage();
      const problems = [];
      page.on('pageerror', (e) => problems.push(e.message));
      page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
      await page.addInitScript(probe);
      await page.goto(url, { waitUntil: 'load' });
      await page.waitForFunction(() => window.__ml.valueAt !== null, null, { timeout: 15000 });
      const r = await page.evaluate(() => {
        const nav = performance.getEntriesByType('navigation')[0];
        const paint = window.__ml.paint; // from the PerformanceObserver installed before any script
        const wasm = performance.getEntriesByType('resource').find((e) => e.name.endsWith('.wasm'));
        const transfer = performance.getEntriesByType('resource').reduce((s, e) => s + (e.encodedBodySize || 0), nav.encodedBodySize || 0);
        return {
          paths: performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname),
          valueMs: window.__ml.valueAt,
          text: window.__ml.text,
          firstPaintMs: paint['first-paint'] ?? null,
          firstContentfulPaintMs: paint['first-contentful-paint'] ?? null,
          domContentLoadedMs: nav.domContentLoadedEventEnd,
          loadMs: nav.loadEventEnd,
          wasmDoneMs: wasm ? wasm.responseEnd : null,
          bytes: transfer,
        };
      });
      await context.close();
      if (problems.length) throw new Error(`one.html: ${problems.join(' | ')}`);
      if (r.text !== '1.60283') throw new Error(`one.html shows KL(p‖q) = "${r.text}", expected 1.60283`);
      if (i === 0) {
        log(`warm-up load (not counted): value at ${r.valueMs.toFixed(0)} ms`);
        // What this page downloaded, gzip -9 per file as a server would send it (fonts apart: woff2).
        const files = r.paths.map((p) => join(stage, decodeURIComponent(p))).filter((f) => existsSync(f));
        const of = (re, key) => sum(files.filter((f) => re.test(f)).map(size), key);
        fetched = { js: of(/\.m?js$/, 'gzip'), wasm: of(/\.wasm$/, 'gzip'), fonts: of(/\.woff2?$/, 'raw'), count: files.length };
      } else runs.push(r);
    }
  } finally {
    await browser.close();
    server.close();
    rmSync(stage, { recursive: true, force: true });
  }
  const stats = (key) => {
    const v = runs.map((r) => r[key]).filter((x) => typeof x === 'number').sort((a, b) => a - b);
    if (!v.length) return null;
    const m = v.length;
    return { best: v[0], median: m % 2 ? v[(m - 1) / 2] : 0.5 * (v[m / 2 - 1] + v[m / 2]), worst: v[m - 1], n: m };
  };
  return {
    url: 'embed/one.html (web/embed/one.html + dist/embed)',
    loads: runs.length,
    value: stats('valueMs'),
    firstPaint: stats('firstPaintMs'),
    firstContentfulPaint: stats('firstContentfulPaintMs'),
    domContentLoaded: stats('domContentLoadedMs'),
    load: stats('loadMs'),
    wasmLoaded: stats('wasmDoneMs'),
    transferBytes: runs[0]?.bytes,
    fetched,
    runs: runs.map(({ paths, ...r }) => r),
  };
}

let loadTime = null;
let loadSkip = null;
if (!WITH_BROWSER) loadSkip = 'disabled (--no-browser)';
else if (!embed) loadSkip = 'dist/embed is missing (bash scripts/build.sh builds it)';
else if (!existsSync(process.env.CHROMIUM ?? '/usr/bin/chromium')) loadSkip = 'chromium not found';
else {
  log(`${LOADS} fresh loads of one.html in headless Chromium (+1 warm-up)`);
  loadTime = await measureLoads();
}

// ---- report ------------------------------------------------------------------------------------
const targets = [
  {
    name: `core wasm + JS ≤ ${CORE_TARGET_KB} KB gzip (all modules together)`,
    status: core.shipped.gzip <= CORE_TARGET_KB * 1024 ? 'PASS' : 'MISS',
    detail: `${kb(core.shipped.gzip)} as an app ships it (wasm ${kb(sum(core.wasm, 'gzip'))}, Emscripten JS ${kb(sum(core.emscriptenJs, 'gzip'))}, ` +
      `API JS minified ${kb(apiMin.gzip)}); unminified package files ${kb(core.gzip)}` +
      (staleCore ? '; WARNING: dist/wasm differs from web/src/wasm (stale package)' : ''),
  },
  {
    name: `a page with one widget shows its first computed value in < ${LOAD_TARGET_MS} ms (median of fresh loads)`,
    status: !loadTime ? 'SKIP' : loadTime.value.median < LOAD_TARGET_MS ? 'PASS' : 'MISS',
    detail: !loadTime ? loadSkip
      : `median ${loadTime.value.median.toFixed(0)} ms, best ${loadTime.value.best.toFixed(0)} ms, worst ${loadTime.value.worst.toFixed(0)} ms over ${loadTime.loads} loads; ` +
        `first paint median ${loadTime.firstPaint?.median.toFixed(0) ?? '–'} ms`,
  },
];

const row = (name, s, note = '') => [name, String(s.raw), kb(s.raw), String(s.gzip), kb(s.gzip), note];
const rows = [];
for (const f of core.files) rows.push(row(f.file, f));
rows.push(row('= core (what `import { init } from "mathlens"` loads)', core, 'package files as published'));
rows.push(row(apiMin.file, apiMin));
rows.push(row('= core as an app ships it (wasm + Emscripten JS + minified API)', core.shipped, 'the target'));
for (const f of otherEntries) rows.push(row(f.file, f, 'Node entry / CLI, not loaded in browsers'));
if (embed) {
  for (const f of embed.files) rows.push(row(f.file, f));
  rows.push(row('= embed bundle (JS + wasm)', embed, embed.stale ? 'STALE: its wasm differs from web/src/wasm' : ''));
  rows.push([`  + KaTeX fonts (${embed.fontsWoff2.count} woff2, fetched on use)`, String(embed.fontsWoff2.raw), kb(embed.fontsWoff2.raw), '–', '–', 'already compressed']);
}
for (const w of widgets) {
  const wasm = w.files.filter((f) => f.file.endsWith('.wasm'));
  const note = wasm.length ? `incl. a worker with its own copy of the wasm (${wasm.map((f) => f.file).join(', ')})` : 'excl. katex, uplot, mathlens';
  rows.push(row(`dist/widgets/${w.name}.js + chunks`, w, note));
}
if (allWidgets.length)
  rows.push(row('= dist/widgets/index.js (every widget) + chunks', { raw: sum(allWidgets, 'raw'), gzip: sum(allWidgets, 'gzip') },
    allWidgets.some((f) => f.file.endsWith('.wasm')) ? 'incl. the workers and their wasm copy; excl. katex, uplot, mathlens' : 'excl. katex, uplot, mathlens'));

const header = ['file', 'bytes', '', 'gzip -9', '', 'note'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => cells.map((c, i) => (i === 0 || i === 5 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();

const out = [''];
out.push(`size: what users download — gzip -9 per file; ${os.cpus()[0]?.model}, Node ${process.version}`);
out.push('');
out.push(line(header));
out.push(line(widths.map((w) => '-'.repeat(w))));
for (const r of rows) out.push(line(r));
if (loadTime) {
  const s = (x) => (x ? `${x.best.toFixed(0)} / ${x.median.toFixed(0)} / ${x.worst.toFixed(0)}` : '–');
  out.push('');
  out.push(`load time of ${loadTime.url}, ${loadTime.loads} fresh contexts (cold cache), ms from navigation start, best / median / worst:`);
  out.push(`  first paint             ${s(loadTime.firstPaint)}`);
  out.push(`  first contentful paint  ${s(loadTime.firstContentfulPaint)}`);
  out.push(`  DOMContentLoaded        ${s(loadTime.domContentLoaded)}`);
  out.push(`  .wasm received          ${s(loadTime.wasmLoaded)}`);
  out.push(`  load event              ${s(loadTime.load)}`);
  out.push(`  first computed value    ${s(loadTime.value)}   (KL(p‖q) = 1.60283 shown)`);
  out.push(`  transferred: ${kb(loadTime.transferBytes)} (first load; the static server sends no gzip, and the fonts a formula needs are included)`);
  if (loadTime.fetched)
    out.push(`  gzip -9 of what it fetched: JS ${kb(loadTime.fetched.js)} + wasm ${kb(loadTime.fetched.wasm)}` +
      (loadTime.fetched.fonts ? ` (+ ${kb(loadTime.fetched.fonts)} of woff2 fonts)` : '') + ', ' +
      `${loadTime.fetched.count} files; the whole embed bundle is ${kb(embed.gzip)} (each widget's code loads when a page uses it)`);
}
out.push('');
out.push('targets:');
for (const t of targets) out.push(`  ${t.status.padEnd(4)}  ${t.name}: ${t.detail}`);
out.push('');
out.push(`(JSON: ${relative(ROOT, join(OUT_DIR, 'size.json'))})`);
console.log(out.join('\n'));

mkdirSync(OUT_DIR, { recursive: true });
writeFileSync(join(OUT_DIR, 'size.json'), JSON.stringify({
  meta: { date: new Date().toISOString(), node: process.version, cpu: os.cpus()[0]?.model, cores: os.cpus().length, gzip: 'gzip -9 -n per file' },
  core: { raw: core.raw, gzip: core.gzip, files: core.files, stalePackage: staleCore, apiMinified: apiMin, shipped: core.shipped },
  otherEntries,
  embed,
  widgets,
  allWidgets: allWidgets.length ? { raw: sum(allWidgets, 'raw'), gzip: sum(allWidgets, 'gzip'), files: allWidgets } : null,
  loadTime: loadTime ?? { skipped: loadSkip },
  targets,
}, null, 2) + '\n');

