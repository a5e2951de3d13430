// Helpers of the accessibility and widget-screenshot checks (a11y.e2e.mjs, screenshots.e2e.mjs):
// the pages of the built site, waiting until every mathlens-* widget on a page has rendered, and a
// small PNG decoder to sample what a screenshot really shows.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const SITE = join(REPO, 'build/site');

/** Topic ids registered in web/demo/topics.ts (`id: '…'` entries). */
export function registeredTopics() {
  const src = readFileSync(join(REPO, 'web/demo/topics.ts'), 'utf8');
  return [...src.matchAll(/^\s*id:\s*'([a-z0-9-]+)'/gm)].map((m) => m[1]);
}

const htmlFiles = (dir) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.html')).sort() : []);

/**
 * The pages of the built site: the home page, every topic page (build/site/*.html, one per topic of
 * topics.ts) and the plain embed pages (build/site/embed/*.html). Each page: { name, path, kind }
 * with kind 'home' | 'topic' | 'embed'. `missing` lists registered topics without a built page.
 */
export function sitePages() {
  const built = htmlFiles(SITE).filter((f) => f !== 'index.html');
  const topics = registeredTopics();
  return {
    pages: [
      { name: 'home', path: 'index.html?lang=en', kind: 'home' },
      ...built.map((f) => ({ name: f.replace(/\.html$/, ''), path: `${f}?lang=en`, kind: 'topic' })),
      ...htmlFiles(join(SITE, 'embed')).map((f) => ({
        name: f === 'index.html' ? 'embed' : `embed-${f.replace(/\.html$/, '')}`,
        path: `embed/${f}`,
        kind: 'embed',
      })),
    ],
    missing: topics.filter((t) => !built.includes(`${t}.html`)),
  };
}

/**
 * In the page: every mathlens-* element with its state, or (`summary` true) whether all are ready —
 * ready meaning its error box shows, or its content rendered with nothing pending (no loading line,
 * nothing aria-busy). Self-contained: Playwright sends its source to the page.
 */
function widgetState(summary) {
  const list = [...document.querySelectorAll('*')]
    .filter((el) => el.localName.startsWith('mathlens-'))
    .map((el, index) => {
      const root = el.shadowRoot;
      const error = root?.querySelector('[role="alert"]');
      const content = root?.querySelector('.content');
      const status = root?.querySelector('.status');
      const errorShown = !!error && !error.hidden;
      const rendered = !!content && !content.hidden && content.getBoundingClientRect().height > 50;
      const busy = !!root?.querySelector('[aria-busy="true"]');
      return {
        tag: el.localName,
        id: el.id,
        index,
        defined: !!customElements.get(el.localName),
        error: errorShown ? error.textContent : null,
        rendered,
        ready: errorShown || (rendered && !busy && (!status || status.hidden)),
      };
    });
  return summary ? list.every((w) => w.ready) : list;
}

/**
 * Waits until every mathlens-* widget on the page is ready (see widgetState), then for the fonts,
 * two frames and the requests in flight (counted if trackRequests(page) ran before the navigation). Resolves to the inventory of the widgets; a slow widget does not throw here (the
 * caller asserts on `ready`).
 */
const inflight = new WeakMap(); // page → Set of requests not yet finished

/** Starts counting the page's requests in flight (idempotent; call before navigating). */
export function trackRequests(page) {
  if (inflight.has(page)) return;
  const open = new Set();
  inflight.set(page, open);
  page.on('request', (r) => open.add(r));
  page.on('requestfinished', (r) => open.delete(r));
  page.on('requestfailed', (r) => open.delete(r));
}

/** Resolves when no request of the page is in flight (a worker's .wasm, late fonts), or after `timeout`. */
export async function networkSettled(page, timeout = 10000) {
  const open = inflight.get(page);
  const end = Date.now() + timeout;
  while (open && open.size > 0 && Date.now() < end) await new Promise((ok) => setTimeout(ok, 25));
}

export async function waitWidgets(page, timeout = 20000) {
  // A function, not an expression string: Playwright evals a string predicate on every poll, which
  // the pages' CSP (no 'unsafe-eval') forbids; a function is evaluated once.
  await page.waitForFunction(widgetState, true, { timeout }).catch((e) => {
    if (!/Timeout/i.test(String(e?.message))) throw e;
  });
  await page.evaluate(() => document.fonts.ready.then(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)))));
  // Leaving the page with a request in flight would abort it, which the runner reports as a failure.
  await networkSettled(page);
  return page.evaluate(widgetState, false);
}

/** Relative luminance (WCAG) of an sRGB colour given as 0–255 channels. */
export function luminance([r, g, b]) {
  const lin = (c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** Parses a CSS `rgb()`/`rgba()` colour into [r, g, b, a]. */
export function parseCssColor(text) {
  const m = /rgba?\(([\d.]+),?\s*([\d.]+),?\s*([\d.]+)(?:\s*[,/]\s*([\d.]+))?\)/.exec(text);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])] : null;
}

/**
 * Decodes an 8-bit, non-interlaced PNG (what Chromium's screenshots are: RGB or RGBA) into
 * { width, height, channels, pixels }.
 */
export function decodePng(buf) {
  if (buf.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
  let off = 8;
  let width = 0, height = 0, bitDepth = 0, colorType = 0, interlace = 0;
  const idat = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('latin1', off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      bitDepth = data[8];
      colorType = data[9];
      interlace = data[12];
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    off += 12 + len;
  }
  const channels = { 2: 3, 6: 4 }[colorType];
  if (bitDepth !== 8 || !channels || interlace) throw new Error(`unsupported PNG (depth ${bitDepth}, colour type ${colorType}, interlace ${interlace})`);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = pixels.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? pixels.subarray((y - 1) * stride, y * stride) : null;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? out[x - channels] : 0;
      const b = prev ? prev[x] : 0;
      const c = prev && x >= channels ? prev[x - channels] : 0;
      let v = line[x];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      out[x] = v & 255;
    }
  }
  return { width, height, channels, pixels };
}

/**
 * What a screenshot shows: the most frequent colour (the background, quantised to 8 levels per
 * channel and averaged), its share of the pixels, and the mean luminance of all pixels.
 */
export function sampleBackground(png) {
  const { width, height, channels, pixels } = decodePng(png);
  const bins = new Map();
  let lumSum = 0;
  const n = width * height;
  for (let i = 0; i < n; i++) {
    const r = pixels[i * channels], g = pixels[i * channels + 1], b = pixels[i * channels + 2];
    lumSum += luminance([r, g, b]);
    const key = ((r >> 5) << 6) | ((g >> 5) << 3) | (b >> 5);
    const bin = bins.get(key) ?? { count: 0, r: 0, g: 0, b: 0 };
    bin.count++;
    bin.r += r;
    bin.g += g;
    bin.b += b;
    bins.set(key, bin);
  }
  let top = null;
  for (const bin of bins.values()) if (!top || bin.count > top.count) top = bin;
  const color = [top.r, top.g, top.b].map((v) => Math.round(v / top.count));
  return { width, height, color, share: top.count / n, luminance: luminance(color), meanLuminance: lumSum / n };
}
