// Accessibility (issue 7, item 7): axe-core on the home page, every page of the built site (one per
// topic of web/demo/topics.ts) and the plain embed pages (build/site/embed/*.html), in light and in
// dark colour scheme, after the widgets rendered — axe descends into their open shadow roots — plus
// a widget in its error state. A check fails on any violation
// of impact "moderate", "serious" or "critical"; minor ones are counted in the check's line. Every
// result goes to test-output/e2e/a11y/<page>-<scheme>.json (violations with their nodes) for review.
// axe is injected with page.evaluate (the pages' CSP would block page.addScriptTag).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { sitePages, trackRequests, waitWidgets } from './lib/site-pages.mjs';
import { assert } from './lib/check.mjs';

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');
const AXE_VERSION = require('axe-core/package.json').version;
let axeSource; // read on first use

const SCHEMES = ['light', 'dark'];
const FAILING = new Set(['moderate', 'serious', 'critical']);

/**
 * Runs axe on the current document, or only on the element matching `selector` (shadow roots
 * included); violations in a plain, printable form.
 */
async function runAxe(page, selector = null) {
  axeSource ??= readFileSync(AXE_PATH, 'utf8');
  await page.evaluate(axeSource);
  return page.evaluate(async (sel) => {
    const result = await window.axe.run(sel ? { include: [sel] } : document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({
        // A target inside a shadow root is a list of selectors (host, then inside the root).
        target: n.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : t)).join(', '),
        html: n.html.slice(0, 300),
        summary: n.failureSummary,
      })),
    }));
  }, selector);
}

const describe = (v) => `${v.impact} ${v.id} (${v.help}) ×${v.nodes.length}: ${v.nodes.slice(0, 3).map((n) => n.target).join(' | ')}`;

async function checkPage({ page, baseUrl, outDir }, { name, path }) {
  const dir = join(outDir, 'a11y');
  mkdirSync(dir, { recursive: true });
  const failures = [];
  const counts = [];
  trackRequests(page);
  try {
    for (const scheme of SCHEMES) {
      await page.emulateMedia({ colorScheme: scheme });
      const response = await page.goto(`${baseUrl}${path}`);
      assert(response?.ok(), `${path}: HTTP ${response?.status()}`);
      const widgets = await waitWidgets(page);
      for (const w of widgets) {
        assert(w.defined, `${path}: ${w.tag} is not defined`);
        assert(w.ready, `${path}: ${w.tag}${w.id ? `#${w.id}` : ''} did not finish rendering`);
      }
      const violations = await runAxe(page);
      writeFileSync(join(dir, `${name}-${scheme}.json`), JSON.stringify({ url: path, scheme, axe: AXE_VERSION, widgets: widgets.map((w) => w.tag), violations }, null, 2) + '\n');
      const bad = violations.filter((v) => FAILING.has(v.impact));
      for (const v of bad) failures.push(`[${scheme}] ${describe(v)}`);
      const n = (impact) => violations.filter((v) => v.impact === impact).reduce((s, v) => s + v.nodes.length, 0);
      const other = violations.filter((v) => !FAILING.has(v.impact)).map((v) => `${v.id}×${v.nodes.length}`);
      counts.push(`${scheme}: ${widgets.length} widgets, moderate ${n('moderate')}, minor ${n('minor')}${other.length ? ` (${other.join(', ')})` : ''}`);
    }
  } finally {
    await page.emulateMedia({ colorScheme: 'light' });
  }
  assert(failures.length === 0, `${failures.length} serious/critical: ${failures.join(' ;; ')}`);
  return counts.join('; ');
}

const { pages, missing } = sitePages();

export const checks = [
  {
    name: 'every topic of topics.ts has a page in the built site',
    async run() {
      assert(missing.length === 0, `no build/site/<id>.html for ${missing.join(', ')} (rebuild the site)`);
      assert(pages.some((p) => p.path === 'embed/index.html'), 'build/site/embed/index.html is missing: build with `bash scripts/build.sh`');
      return `${pages.length} pages: ${pages.map((p) => p.name).join(', ')}; axe-core ${AXE_VERSION}`;
    },
  },
  ...pages.map((p) => ({
    name: `axe: ${p.name} page (light and dark), no moderate, serious or critical violations`,
    run: (ctx) => checkPage(ctx, p),
  })),
  {
    // The error box is shared by every widget (ui/base.ts, ui/theme.ts): checked once, on a widget
    // added to the embed page with an invalid covariance, in both schemes.
    name: 'axe: a widget showing an error (light and dark), no moderate, serious or critical violations',
    async run({ page, baseUrl }) {
      trackRequests(page);
      const found = [];
      try {
        for (const scheme of SCHEMES) {
          await page.emulateMedia({ colorScheme: scheme });
          const response = await page.goto(`${baseUrl}embed/one.html`);
          assert(response?.ok(), `embed/one.html: HTTP ${response?.status()} (build with \`bash scripts/build.sh\`)`);
          await waitWidgets(page);
          await page.evaluate(() => {
            const el = document.createElement('mathlens-gaussian');
            el.id = 'broken';
            el.setAttribute('p-cov', '1 2; 2 1'); // indefinite
            document.querySelector('main').append(el);
          });
          await page.waitForFunction(() => {
            const box = document.getElementById('broken')?.shadowRoot?.querySelector('[role="alert"]');
            return !!box && !box.hidden && box.textContent.length > 0;
          });
          const violations = await runAxe(page, '#broken');
          for (const v of violations) found.push({ scheme, v });
        }
      } finally {
        await page.emulateMedia({ colorScheme: 'light' });
      }
      const bad = found.filter(({ v }) => FAILING.has(v.impact));
      assert(bad.length === 0, bad.map(({ scheme, v }) => `[${scheme}] ${describe(v)}`).join(' ;; '));
      return found.length ? `minor/moderate: ${found.map(({ scheme, v }) => `${scheme} ${v.id}`).join(', ')}` : 'no violations in the error state';
    },
  },
];
