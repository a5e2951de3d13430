#!/usr/bin/env node
// E2E runner: serves the built demo (build/site, made by `npx vite build`) with a tiny static server that
// sends the site's Content-Security-Policy as a header, drives Debian chromium through playwright-core,
// runs every tests/e2e/*.e2e.mjs, and fails a check on any console error, page error or failed request.
// Each *.e2e.mjs exports `checks = [{ name, run(ctx) }]`; checks of one file share one page, in order.
// Output: one line per check, then "N passed, M failed"; exit code 0 only if all passed.
// Usage: node tests/e2e/run.mjs [filter]   (filter: substring of '<file>: <check name>', e.g. 'rope')
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launchChromium, serve } from './lib/browser.mjs';
export { CSP, EMBED_CSP } from './lib/browser.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const site = join(repo, 'build/site');
const outDir = join(repo, 'test-output/e2e');
const filter = process.argv[2] ?? '';
const CHECK_TIMEOUT_MS = 45000;

function withTimeout(promise, ms, what) {
  let t;
  return Promise.race([
    promise,
    new Promise((_, no) => (t = setTimeout(() => no(new Error(`${what}: timed out after ${ms} ms`)), ms))),
  ]).finally(() => clearTimeout(t));
}

async function main() {
  if (!existsSync(join(site, 'index.html'))) {
    console.log(`FAIL setup: ${site}/index.html is missing; run \`npx vite build\` first`);
    console.log('0 passed, 1 failed');
    return 1;
  }
  mkdirSync(outDir, { recursive: true });
  for (const f of readdirSync(outDir)) if (f.startsWith('FAILED-')) rmSync(join(outDir, f)); // stale failure shots
  const server = await serve(site);
  const baseUrl = `http://127.0.0.1:${server.address().port}/`;
  const profile = mkdtempSync(join(tmpdir(), 'mathlens-e2e-'));
  const context = await launchChromium(profile);
  let passed = 0;
  let failed = 0;
  try {
    const files = readdirSync(here).filter((f) => f.endsWith('.e2e.mjs')).sort();
    for (const file of files) {
      const { checks } = await import(pathToFileURL(join(here, file)).href);
      const page = await context.newPage();
      page.setDefaultTimeout(15000);
      const errors = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
      });
      page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
      page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
      page.on('response', (r) => {
        if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`);
      });
      const shot = (name, options = {}) => page.screenshot({ path: join(outDir, `${name}.png`), ...options });
      const ctx = { page, context, baseUrl, outDir, shot };
      for (const check of checks) {
        const name = `${file.replace('.e2e.mjs', '')}: ${check.name}`;
        if (filter && !name.includes(filter)) continue;
        const before = errors.length;
        const t0 = Date.now();
        try {
          const detail = await withTimeout(Promise.resolve().then(() => check.run(ctx)), CHECK_TIMEOUT_MS, name);
          await page.waitForTimeout(50); // let late console errors of this check arrive
          if (errors.length > before) throw new Error(errors.slice(before).join(' | '));
          passed++;
          console.log(`PASS ${name}${detail ? ` — ${detail}` : ''} (${Date.now() - t0} ms)`);
        } catch (e) {
          failed++;
          console.log(`FAIL ${name} — ${String(e?.message ?? e).split('\n')[0]}`);
          await shot(`FAILED-${check.name.replace(/\W+/g, '-')}`, { fullPage: true }).catch(() => {});
        }
      }
      await page.close();
    }
  } finally {
    await context.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.log(`FAIL runner — ${e?.stack ?? e}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
