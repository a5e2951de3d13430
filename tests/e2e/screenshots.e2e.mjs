// A screenshot of every widget in light and in dark theme (issue 7, item 7): each mathlens-* element
// on every topic page and on the plain embed pages, after it rendered, with the colour scheme
// emulated (prefers-color-scheme), written to test-output/e2e/widgets/:
//   <tag>-<light|dark>.png              the first element of a tag on the topic pages
//   <tag>-<page>-<n>-<light|dark>.png   further elements of that tag on the topic pages
//   embed-<id or tag-n>-<light|dark>.png     the embed pages' elements (embed-one-… for one.html)
// Each screenshot is decoded and its dominant colour (the widget's background) sampled: the dark
// one must be dark and the light one light, and the host's computed background must agree. The
// `theme` attribute must override the colour scheme both ways.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { luminance, parseCssColor, sampleBackground, sitePages, trackRequests, waitWidgets } from './lib/site-pages.mjs';
import { assert } from './lib/check.mjs';

const SCHEMES = ['light', 'dark'];
/** Relative luminance bounds of the background: dark ≤ 0.05 (#0d1117 is 0.006), light ≥ 0.8. */
const DARK_MAX = 0.05;
const LIGHT_MIN = 0.8;

/** Background of the element as the page computes it (host `background-color`), and its luminance. */
async function hostBackground(handle) {
  const css = await handle.evaluate((el) => getComputedStyle(el).backgroundColor);
  const rgba = parseCssColor(css);
  return { css, luminance: rgba && rgba[3] > 0 ? luminance(rgba) : null };
}

/** Checks that what `png` shows, and the host's computed background, are of `scheme`. */
function expectScheme(scheme, sample, host, what) {
  const hex = `#${sample.color.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
  const desc = `${what}: background ${hex} (luminance ${sample.luminance.toFixed(3)}, ${(100 * sample.share).toFixed(0)}% of pixels), mean luminance ${sample.meanLuminance.toFixed(3)}, host ${host.css}`;
  assert(sample.share > 0.25, `${desc}: no dominant background colour`);
  assert(host.luminance !== null, `${desc}: the host has a transparent background`);
  if (scheme === 'dark') {
    assert(sample.luminance <= DARK_MAX && host.luminance <= DARK_MAX, `${desc}: not dark`);
    assert(sample.meanLuminance < 0.25, `${desc}: too bright on average for a dark theme`);
  } else {
    assert(sample.luminance >= LIGHT_MIN && host.luminance >= LIGHT_MIN, `${desc}: not light`);
    assert(sample.meanLuminance > 0.5, `${desc}: too dark on average for a light theme`);
  }
  return hex;
}

/** Frames for a style change to reach the screen. */
const settle = (page) => page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));

const outName = (page, w, firstOfTag) => {
  if (page.kind === 'embed') return `${page.name}-${w.id || `${w.tag}-${w.index + 1}`}`;
  return firstOfTag ? w.tag : `${w.tag}-${page.name}-${w.index + 1}`;
};

const { pages } = sitePages();
const shotPages = pages.filter((p) => p.kind !== 'home');
const seen = new Set(); // tags already shot on a topic page (checks run in order)

export const checks = shotPages.map((p) => ({
  name: `${p.name} page: every widget in light and dark theme, the dark one dark`,
  async run({ page, baseUrl, outDir }) {
    trackRequests(page);
    const dir = join(outDir, 'widgets');
    mkdirSync(dir, { recursive: true });
    const lines = [];
    const firstOnThisPage = new Map(); // tag → index of the element named <tag>-<scheme>.png
    try {
      for (const scheme of SCHEMES) {
        await page.emulateMedia({ colorScheme: scheme });
        const response = await page.goto(`${baseUrl}${p.path}`);
        assert(response?.ok(), `${p.path}: HTTP ${response?.status()}`);
        const widgets = await waitWidgets(page);
        if (p.kind === 'topic') assert(widgets.length > 0, `${p.path} has no mathlens-* widget`);
        const list = await page.evaluateHandle(() => [...document.querySelectorAll('*')].filter((el) => el.localName.startsWith('mathlens-')));
        const elements = [...(await list.getProperties()).values()].map((h) => h.asElement()).filter(Boolean);
        assert(elements.length === widgets.length, `${elements.length} elements vs ${widgets.length} widgets`);
        for (const w of widgets) {
          assert(w.ready && !w.error, `${w.tag}${w.id ? `#${w.id}` : ''} ${w.error ? `shows an error: ${w.error}` : 'did not render'}`);
          if (p.kind === 'topic' && scheme === SCHEMES[0] && !seen.has(w.tag)) {
            seen.add(w.tag);
            firstOnThisPage.set(w.tag, w.index);
          }
          const name = outName(p, w, firstOnThisPage.get(w.tag) === w.index);
          const el = elements[w.index];
          await el.scrollIntoViewIfNeeded();
          const file = join(dir, `${name}-${scheme}.png`);
          const png = await el.screenshot({ animations: 'disabled' });
          writeFileSync(file, png);
          const hex = expectScheme(scheme, sampleBackground(png), await hostBackground(el), `${name}-${scheme}.png`);
          if (scheme === 'dark') lines.push(`${name} (dark bg ${hex})`);

          // The `theme` attribute wins over the colour scheme, both ways.
          if (w.index === widgets.findIndex((x) => x.tag === w.tag)) {
            const forced = scheme === 'light' ? 'dark' : 'light';
            const before = await el.evaluate((e) => e.getAttribute('theme'));
            await el.evaluate((e, t) => e.setAttribute('theme', t), forced);
            await settle(page);
            try {
              const shot = await el.screenshot({ animations: 'disabled' });
              expectScheme(forced, sampleBackground(shot), await hostBackground(el), `${name} with theme="${forced}" under ${scheme} scheme`);
            } finally {
              await el.evaluate((e, b) => (b === null ? e.removeAttribute('theme') : e.setAttribute('theme', b)), before);
            }
          }
        }
        if (widgets.length === 0) lines.push('no widgets');
      }
    } finally {
      await page.emulateMedia({ colorScheme: 'light' });
    }
    return `test-output/e2e/widgets/: ${lines.join(', ')}`;
  },
}));
