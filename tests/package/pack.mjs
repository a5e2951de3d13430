#!/usr/bin/env node
// The packaging test (issue 7): what a stranger does with the package. `npm pack` → a fresh
// temporary project installs the tarball (and vite) → (1) a Node 20 ESM script, (2) a Vite app
// build that uses the API and the widgets, opened in headless Chromium, (3) a plain HTML page
// that loads the package's one-tag embed bundle from node_modules, served without a bundler under
// `script-src 'self' 'wasm-unsafe-eval'`. Needs a built dist/ (scripts/build.sh).
// Output: one line per check, then "N passed, M failed".
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, serve } from '../e2e/lib/browser.mjs';

const repo = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
const vite = pkg.devDependencies.vite;
const work = mkdtempSync(join(tmpdir(), 'mathlens-pack-'));
const app = join(work, 'app');
const keep = process.env.KEEP_PACK_DIR === '1';
let passed = 0;
let failed = 0;

const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

async function check(name, f) {
  const t0 = Date.now();
  try {
    const detail = await f();
    passed++;
    console.log(`PASS ${name}${detail ? ` — ${detail}` : ''} (${Date.now() - t0} ms)`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name} — ${(e?.stderr || e?.stack || e).toString().trim().split('\n').slice(0, 8).join(' | ')}`);
  }
}

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

const P = '{ mean: [1, 2], cov: [[2, 0.5], [0.5, 1]] }';
const Q = '{ mean: [0, 0], cov: [[1, 0], [0, 3]] }';

async function openPage(root, path, wait) {
  const server = await serve(root, { csp: "script-src 'self' 'wasm-unsafe-eval'" });
  const profile = mkdtempSync(join(tmpdir(), 'mathlens-pack-chromium-'));
  const context = await launchChromium(profile);
  try {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(`http://127.0.0.1:${server.address().port}/${path}`);
    const result = await page.waitForFunction(wait, null, { timeout: 20000 }).then((h) => h.jsonValue());
    assert(errors.length === 0, `page errors: ${errors.join(' | ')}`);
    return result;
  } finally {
    await context.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

try {
  let tarball;
  await check('npm pack makes a tarball with the API, widgets, embed bundle, wasm and types', () => {
    const out = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], repo));
    tarball = join(work, out[0].filename);
    const files = out[0].files.map((f) => f.path);
    for (const f of ['dist/index.js', 'dist/node.js', 'dist/index.d.ts', 'dist/wasm/mathlens.wasm', 'dist/widgets/index.js',
      'dist/widgets/index.d.ts', 'dist/embed/mathlens-widgets.js', 'README.md', 'package.json'])
      assert(files.includes(f), `${f} missing from the tarball`);
    assert(!files.some((f) => f.startsWith('cpp/') || f.startsWith('tests/') || f.startsWith('node_modules/')), 'sources leaked into the tarball');
    return `${out[0].filename}: ${files.length} files, ${(out[0].size / 1024).toFixed(0)} KB packed`;
  });

  await check(`a fresh project installs the tarball (and vite ${vite})`, () => {
    mkdirSync(app, { recursive: true });
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarball, `vite@${vite}`], app);
    return 'installed';
  });

  await check('Node 20 ESM: import { init } from "mathlens" computes, and errors are MathLensError', () => {
    writeFileSync(
      join(app, 'node-smoke.mjs'),
      `import { init, MathLensError } from 'mathlens';
const ml = await init();
const kl = ml.gaussian.kl(${P}, ${Q});
let err = '';
try { ml.gaussian.kl(${P}, { mean: [0, 0], cov: [[1, 2], [2, 1]] }); } catch (e) { err = (e instanceof MathLensError) + ' ' + e.message; }
console.log(JSON.stringify({ kl, err, resolved: import.meta.resolve('mathlens') }));`,
    );
    const out = JSON.parse(run('node', ['node-smoke.mjs'], app));
    assert(Math.abs(out.kl - 1.6028315836996772) < 1e-14, `kl = ${out.kl}`);
    assert(out.err === 'true gaussian.kl: cov of q is not positive definite (Cholesky failed)', out.err);
    assert(out.resolved.endsWith('/node_modules/mathlens/dist/node.js'), out.resolved);
    return `kl = ${out.kl}`;
  });

  await check('npx mathlens runs the command line from the installed package', () => {
    writeFileSync(join(app, 'p.json'), JSON.stringify({ mean: [1, 2], cov: [[2, 0.5], [0.5, 1]] }));
    writeFileSync(join(app, 'q.json'), JSON.stringify({ mean: [0, 0], cov: [[1, 0], [0, 3]] }));
    const out = run('npx', ['--no-install', 'mathlens', 'gaussian', 'p.json', 'q.json'], app);
    assert(/^KL\(p‖q\)\s+1\.6028315837$/m.test(out), out);
    return out.split('\n')[1].replace(/\s+/g, ' ');
  });

  await check('a Vite app build that uses the API, a widget and a widget worker works in Chromium, with one .wasm', async () => {
    writeFileSync(
      join(app, 'index.html'),
      `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="./main.js"></script></head>
<body><p id="out">…</p><p id="worker">…</p><mathlens-gaussian id="w"></mathlens-gaussian></body></html>`,
    );
    // The repetition widget's worker client runs ml.repetition in a module Worker: the worker imports
    // the package like the page does, so the app's build must bundle it with the same .wasm.
    writeFileSync(
      join(app, 'main.js'),
      `import { init } from 'mathlens';
import 'mathlens/widgets/gaussian';
import { RepetitionWorkerClient } from 'mathlens/widgets/repetition';
const ml = await init();
document.getElementById('out').textContent = 'kl=' + ml.gaussian.kl(${P}, ${Q});
const client = new RepetitionWorkerClient();
client.call('rate', [[[0.5, 0.3, 0.1], [0.2, 0.2, 0.5], [0.4, 0.4, 0.1]]])
  .then((r) => (document.getElementById('worker').textContent = 'rate=' + r))
  .catch((e) => (document.getElementById('worker').textContent = 'error: ' + e.message));`,
    );
    run('npx', ['vite', 'build', '--logLevel', 'warn'], app);
    const wasmFiles = run('find', ['dist', '-name', '*.wasm'], app).trim().split('\n').filter(Boolean);
    assert(wasmFiles.length === 1, `the app build holds ${wasmFiles.length} .wasm files (${wasmFiles.join(', ')}), expected one shared by the page and the worker`);
    const result = await openPage(join(app, 'dist'), 'index.html', () => {
      const out = document.getElementById('out')?.textContent ?? '';
      const worker = document.getElementById('worker')?.textContent ?? '';
      const root = document.getElementById('w')?.shadowRoot;
      const computed = root?.querySelector('.content')?.hidden === false; // content shows only computed values
      const w = computed ? root.querySelector('.row[data-key="klPQ"] .value')?.textContent : null;
      return out.startsWith('kl=') && w && worker !== '…' ? { out, w, worker } : null;
    });
    assert(result.out === 'kl=1.6028315836996774' || result.out === 'kl=1.6028315836996772', result.out);
    assert(result.w === '1.60283', `widget shows ${result.w}`);
    assert(/^rate=0\.51272038882196/.test(result.worker), `worker: ${result.worker}`);
    return `${result.out}, widget KL = ${result.w}, worker ${result.worker}, one .wasm (${wasmFiles[0]})`;
  });

  await check('a plain HTML page loads the embed bundle from node_modules (no bundler, strict CSP)', async () => {
    const site = join(work, 'plain');
    cpSync(join(app, 'node_modules/mathlens/dist/embed'), join(site, 'mathlens'), { recursive: true });
    writeFileSync(
      join(site, 'index.html'),
      `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">
<script type="module" src="./mathlens/mathlens-widgets.js"></script></head>
<body><mathlens-gaussian id="w" lang="zh"></mathlens-gaussian></body></html>`,
    );
    const result = await openPage(site, 'index.html', () => {
      const root = document.getElementById('w')?.shadowRoot;
      if (!root || root.querySelector('.content')?.hidden !== false) return null; // not computed yet
      const v = root.querySelector('.row[data-key="klPQ"] .value')?.textContent;
      const label = root?.querySelector('.row[data-key="bd"] dt')?.textContent;
      return v ? { v, label } : null;
    });
    assert(result.v === '1.60283', `widget shows ${result.v}`);
    assert(result.label?.includes('巴氏距离'), `label ${result.label}`);
    return `KL = ${result.v}, ${result.label}`;
  });
} finally {
  if (!keep) rmSync(work, { recursive: true, force: true });
  else console.log(`kept ${work}`);
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
