// E2E checks of the demo site's Gaussian section and <mathlens-gaussian> (run by tests/e2e/run.mjs).
// Reference numbers: spec/MATH.md §2 (d), the 2-D case that the widget's default attributes encode.
import { assert, parseDisplayed, showsValue } from './lib/check.mjs';

const W = '#gaussian-widget';
const EXACT = {
  klPQ: 1.6028315836996772,
  klQP: 2.7305017496336568,
  bd: 0.4220947610097875,
  bc: Math.exp(-0.4220947610097875),
  hellinger: Math.sqrt(0.34432809568224554),
  w2: Math.sqrt(5.808852870442883),
  w2sq: 5.808852870442883,
  w2prod: 5.808852870442883,
};

/** Parses a displayed number ("1.60283", "−0.5", "1.2 × 10⁻⁵") and the size of its last digit. */
/** Whether `text` is `exact` rounded to the displayed digits. */
/** Everything visible in a widget's shadow root: rows, Monte Carlo, readouts, error box. */
function readWidget(page, selector = W) {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel);
    const root = el?.shadowRoot;
    if (!root) return null;
    const rows = {};
    for (const r of root.querySelectorAll('.row[data-key]'))
      rows[r.dataset.key] = { label: r.querySelector('dt')?.textContent ?? '', value: r.querySelector('.value')?.textContent ?? '' };
    const error = root.querySelector('.error');
    const content = root.querySelector('.content');
    return {
      rows,
      stale: root.querySelector('.mc')?.classList.contains('stale') ?? true,
      readouts: [...root.querySelectorAll('.readout')].map((x) => x.textContent),
      error: error && !error.hidden ? error.textContent : null,
      errorRole: error?.getAttribute('role'),
      errorBox: error && !error.hidden ? error.getBoundingClientRect().toJSON() : null,
      contentHidden: content?.hidden ?? true,
      status: root.querySelector('.status:not([hidden])')?.textContent ?? null,
    };
  }, selector);
}

async function waitReady(page, selector = W) {
  await page.waitForFunction((sel) => {
    const root = document.querySelector(sel)?.shadowRoot;
    const v = root?.querySelector('.row[data-key="klPQ"] .value')?.textContent;
    const mc = root?.querySelector('.mc');
    return !!v && v !== '—' && !!mc && !mc.classList.contains('stale');
  }, selector);
}

async function waitChanged(page, before, selector = W) {
  await page.waitForFunction(
    ([sel, old]) => {
      const root = document.querySelector(sel)?.shadowRoot;
      const v = root?.querySelector('.row[data-key="klPQ"] .value')?.textContent;
      const mc = root?.querySelector('.mc');
      return v !== old && !!mc && !mc.classList.contains('stale');
    },
    [selector, before],
  );
  return readWidget(page, selector);
}

const center = (b) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 });

export const checks = [
  {
    name: 'the home page lists the landed posts and links to the Gaussian page, which loads under the CSP',
    async run({ page, baseUrl }) {
      await page.addInitScript(() => {
        window.__csp = [];
        document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
      });
      // The home page lists exactly the posts that have landed …
      const response = await page.goto(`${baseUrl}?lang=en`);
      assert(response?.ok(), `HTTP ${response?.status()}`);
      const home = await page.evaluate(() => ({
        title: document.title,
        h1: document.querySelector('h1')?.innerText.trim(),
        toc: [...document.querySelectorAll('#toc-list a')].map((a) => a.getAttribute('href')),
        nav: [...document.querySelectorAll('#topic-nav a')].map((a) => a.getAttribute('href')),
      }));
      assert(home.title.startsWith('mathlens'), `title ${home.title}`);
      assert(/Scientific Spaces/.test(home.h1 ?? ''), `h1 ${home.h1}`);
      assert(home.toc.includes('./gaussian.html'), `toc ${JSON.stringify(home.toc)}`);
      assert(home.nav.includes('./gaussian.html'), `nav ${JSON.stringify(home.nav)}`);
      // … and its link leads to the Gaussian page.
      await Promise.all([page.waitForURL(/gaussian\.html$/), page.click('#toc-list a[href="./gaussian.html"]')]);
      await waitReady(page);
      const info = await page.evaluate(() => ({
        title: document.title,
        lang: document.documentElement.lang,
        current: document.querySelector('#topic-nav a[aria-current="page"]')?.getAttribute('href'),
        sections: [...document.querySelectorAll('main > section[id]')].map((s) => s.id),
        meta: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content'),
        defined: !!customElements.get('mathlens-gaussian'),
        csp: window.__csp,
      }));
      assert(/mathlens/.test(info.title), `title ${info.title}`);
      assert(info.lang === 'en', `lang ${info.lang}`);
      assert(info.current === './gaussian.html', `current nav entry ${info.current}`);
      assert(JSON.stringify(info.sections) === '["gaussian"]', `sections ${JSON.stringify(info.sections)}`);
      assert(info.meta?.includes("'wasm-unsafe-eval'"), 'CSP meta tag missing');
      assert(info.defined, 'mathlens-gaussian is not defined');
      assert(info.csp.length === 0, `CSP violations: ${info.csp.join(', ')}`);
      return `title "${info.title}"`;
    },
  },
  {
    name: 'default attributes show the closed forms of spec §2 and a Monte Carlo estimate',
    async run({ page }) {
      const r = await readWidget(page);
      for (const [key, exact] of Object.entries(EXACT))
        assert(showsValue(r.rows[key]?.value ?? '', exact), `${key}: shows "${r.rows[key]?.value}", expected ${exact}`);
      const mc = /^([\d.]+) ± ([\d.]+)$/.exec(r.rows.mc.value);
      assert(mc, `Monte Carlo row "${r.rows.mc.value}"`);
      const [est, se] = [Number(mc[1]), Number(mc[2])];
      assert(se > 0 && se < 0.05 && Math.abs(est - EXACT.klPQ) < 4 * se, `Monte Carlo ${est} ± ${se} vs ${EXACT.klPQ}`);
      assert(/20,000/.test(r.rows.mc.label), `Monte Carlo label "${r.rows.mc.label}"`);
      assert(r.readouts[0].includes('μ = (1, 2)') && r.readouts[0].includes('Σ = [2 0.5; 0.5 1]'), `readout p ${r.readouts[0]}`);
      assert(r.readouts[1].includes('μ = (0, 0)') && r.readouts[1].includes('Σ = [1 0; 0 3]'), `readout q ${r.readouts[1]}`);
      const detail = await page.evaluate((sel) => {
        const c = document.querySelector(sel).comparison;
        return c && { kl: c.klPQ, w2: c.wasserstein2Squared };
      }, W);
      assert(detail && Math.abs(detail.kl - EXACT.klPQ) < 1e-12, 'comparison property');
      return `KL(p‖q) = ${r.rows.klPQ.value}, KL(q‖p) = ${r.rows.klQP.value}, BD = ${r.rows.bd.value}, H = ${r.rows.hellinger.value}, W2 = ${r.rows.w2.value}, MC = ${r.rows.mc.value}`;
    },
  },
  {
    name: 'formulas are typeset by KaTeX inside the shadow root, with KaTeX fonts',
    async run({ page }) {
      await page.evaluate(() => document.fonts.ready);
      const info = await page.evaluate((sel) => {
        const root = document.querySelector(sel).shadowRoot;
        const katex = [...root.querySelectorAll('.katex')];
        const sizes = katex.map((k) => k.getBoundingClientRect()).map((b) => [b.width, b.height]);
        const formula = root.querySelector('.row[data-key="klPQ"] .formula .katex-html');
        return {
          count: katex.length,
          zero: sizes.filter(([w, h]) => !(w > 0 && h > 0)).length,
          errors: root.querySelectorAll('.katex-error').length,
          family: formula ? getComputedStyle(formula.closest('.katex')).fontFamily : '',
          mathFamily: getComputedStyle(root.querySelector('.katex .mathnormal')).fontFamily,
          formulaSize: formula?.getBoundingClientRect().toJSON(),
          mainLoaded: document.fonts.check('16px KaTeX_Main'),
          loaded: [...document.fonts].filter((f) => f.family.includes('KaTeX') && f.status === 'loaded').map((f) => f.family),
        };
      }, W);
      assert(info.count >= 10, `only ${info.count} .katex elements`);
      assert(info.zero === 0, `${info.zero} .katex elements have zero size`);
      assert(info.errors === 0, `${info.errors} KaTeX errors`);
      assert(/^KaTeX_Main/.test(info.family), `font-family ${info.family}`);
      assert(/^KaTeX_Math/.test(info.mathFamily), `math font-family ${info.mathFamily}`);
      assert(info.mainLoaded && info.loaded.includes('KaTeX_Main') && info.loaded.includes('KaTeX_Math'), `fonts loaded: ${info.loaded}`);
      assert(info.formulaSize.width > 200 && info.formulaSize.height > 10, `KL formula box ${JSON.stringify(info.formulaSize)}`);
      return `${info.count} formulas, fonts ${[...new Set(info.loaded)].join(', ')}`;
    },
  },
  {
    name: 'full-page screenshot (English)',
    async run({ page, shot }) {
      await shot('demo-en', { fullPage: true });
      const w = page.locator(W);
      await w.screenshot({ path: 'test-output/e2e/gaussian-widget-en.png' });
      return 'test-output/e2e/demo-en.png, gaussian-widget-en.png';
    },
  },
  {
    name: 'dragging a mean handle and an axis handle with the mouse changes the numbers',
    async run({ page, shot }) {
      await page.evaluate((sel) => {
        window.__changes = 0;
        window.__frames = 0;
        const tick = () => {
          window.__frames++;
          window.__raf = requestAnimationFrame(tick);
        };
        window.__raf = requestAnimationFrame(tick);
        document.querySelector(sel).addEventListener('change', () => window.__changes++);
      }, W);
      const before = await readWidget(page);
      const handle = page.locator(`${W} [data-handle="p-mean"]`);
      await handle.scrollIntoViewIfNeeded();
      const b = center(await handle.boundingBox());
      await page.mouse.move(b.x, b.y);
      await page.mouse.down();
      await page.mouse.move(b.x + 50, b.y + 35, { steps: 10 });
      const mid = await readWidget(page);
      const at = center(await handle.boundingBox());
      await page.mouse.up();
      assert(Math.hypot(at.x - b.x - 50, at.y - b.y - 35) < 3, `handle at ${JSON.stringify(at)}, pointer at ${b.x + 50},${b.y + 35}`);
      assert(mid.rows.klPQ.value !== before.rows.klPQ.value, 'KL did not change during the drag');
      const after = await waitChanged(page, before.rows.klPQ.value);
      assert(after.rows.w2.value !== before.rows.w2.value, 'W2 did not change');
      assert(after.rows.mc.value !== before.rows.mc.value, 'Monte Carlo did not update after the drag');
      assert(after.readouts[0] !== before.readouts[0], 'readout of p did not change');
      const [changes, frames] = await page.evaluate(() => {
        cancelAnimationFrame(window.__raf);
        return [window.__changes, window.__frames];
      });
      assert(changes >= 2, `${changes} change events`);
      assert(changes <= frames + 1, `${changes} recomputations in ${frames} animation frames (should coalesce to one per frame)`);

      const axis = page.locator(`${W} [data-handle="p-axis1"]`);
      const a = center(await axis.boundingBox());
      await page.mouse.move(a.x, a.y);
      await page.mouse.down();
      await page.mouse.move(a.x - 20, a.y - 45, { steps: 8 });
      await page.mouse.up();
      const after2 = await waitChanged(page, after.rows.klPQ.value);
      assert(after2.readouts[0] !== after.readouts[0], 'covariance of p did not change');
      await page.locator(W).screenshot({ path: 'test-output/e2e/gaussian-widget-dragged.png' });
      void shot;
      return `KL(p‖q) ${before.rows.klPQ.value} → ${after.rows.klPQ.value} → ${after2.rows.klPQ.value}; ${changes} recomputations in ${frames} frames; p: ${after2.readouts[0]}`;
    },
  },
  {
    name: 'arrow keys on focused handles move the mean, rotate and stretch an axis',
    async run({ page }) {
      const mean = page.locator(`${W} [data-handle="q-mean"]`);
      await mean.focus();
      const focused = await page.evaluate((sel) => document.querySelector(sel).shadowRoot.activeElement?.dataset.handle, W);
      assert(focused === 'q-mean', `focused ${focused}`);
      const label = await mean.getAttribute('aria-label');
      assert(label === 'Mean of q', `aria-label ${label}`);
      const r0 = await readWidget(page);
      await page.keyboard.press('ArrowRight');
      const r1 = await waitChanged(page, r0.rows.klPQ.value);
      assert(r1.readouts[1] !== r0.readouts[1], 'mean of q did not move');
      await page.keyboard.press('Shift+ArrowUp');
      const r2 = await waitChanged(page, r1.rows.klPQ.value);

      const axis = page.locator(`${W} [data-handle="q-axis1"]`);
      await axis.focus();
      await page.keyboard.press('ArrowLeft');
      const r3 = await waitChanged(page, r2.rows.klPQ.value);
      await page.keyboard.press('ArrowUp');
      const r4 = await waitChanged(page, r3.rows.klPQ.value);
      await page.keyboard.press('Shift+ArrowDown');
      const r5 = await waitChanged(page, r4.rows.klPQ.value);
      const text = await axis.getAttribute('aria-valuetext');
      assert(/length .*angle/.test(text ?? ''), `aria-valuetext ${text}`);
      return `KL(p‖q) ${[r0, r1, r2, r3, r4, r5].map((r) => r.rows.klPQ.value).join(' → ')}; q: ${r5.readouts[1]}`;
    },
  },
  {
    name: 'Chinese: the page switch and lang="zh" give Chinese labels',
    async run({ page, shot }) {
      await page.click('[data-set-lang="zh"]');
      await page.waitForFunction((sel) => {
        const dt = document.querySelector(sel).shadowRoot.querySelector('.row[data-key="bd"] dt');
        return dt?.textContent?.includes('巴氏距离');
      }, W);
      const zh = await readWidget(page);
      assert(zh.rows.klPQ.label.includes('KL 散度'), `label ${zh.rows.klPQ.label}`);
      assert(zh.rows.bc.label.includes('巴氏系数'), `label ${zh.rows.bc.label}`);
      assert(zh.rows.hellinger.label.includes('Hellinger 距离'), `label ${zh.rows.hellinger.label}`);
      assert(zh.rows.w2.label.includes('W 距离'), `label ${zh.rows.w2.label}`);
      assert(zh.rows.mc.label.includes('蒙特卡洛'), `label ${zh.rows.mc.label}`);
      const h1 = await page.locator('h1').innerText();
      assert(/巴氏距离/.test(h1), `h1 ${h1}`);
      assert((await page.evaluate(() => document.documentElement.lang)) === 'zh-CN', 'html lang');
      await shot('demo-zh', { fullPage: true });
      await page.locator(W).screenshot({ path: 'test-output/e2e/gaussian-widget-zh.png' });

      await page.click('[data-set-lang="en"]');
      await page.waitForFunction((sel) => {
        const dt = document.querySelector(sel).shadowRoot.querySelector('.row[data-key="bd"] dt');
        return dt?.textContent === 'Bhattacharyya distance';
      }, W);
      // An explicit lang="zh" wins over the English page.
      await page.evaluate(() => {
        const w = document.createElement('mathlens-gaussian');
        w.id = 'zh-widget';
        w.setAttribute('lang', 'zh');
        w.setAttribute('samples', '5000');
        w.setAttribute('seed', '7');
        document.querySelector('#gaussian').append(w);
      });
      await waitReady(page, '#zh-widget');
      const own = await readWidget(page, '#zh-widget');
      assert(own.rows.bd.label.includes('巴氏距离'), `lang="zh" widget label ${own.rows.bd.label}`);
      assert(showsValue(own.rows.klPQ.value, EXACT.klPQ), `lang="zh" widget KL ${own.rows.klPQ.value}`);
      assert(own.rows.mc.label.includes('5,000 个样本'), `samples="5000": ${own.rows.mc.label}`);
      const aria = await page.locator('#zh-widget [data-handle="p-axis2"]').getAttribute('aria-label');
      assert(aria === 'p 的第二主轴', `aria-label ${aria}`);
      await page.evaluate(() => document.querySelector('#zh-widget').remove());
      return `${zh.rows.klPQ.label} / ${zh.rows.bd.label} / ${zh.rows.mc.label}`;
    },
  },
  {
    name: 'invalid attributes show a visible error inside that widget; the other widget keeps working',
    async run({ page }) {
      await page.evaluate(() => {
        const add = (id, attrs) => {
          const w = document.createElement('mathlens-gaussian');
          w.id = id;
          for (const [k, v] of Object.entries(attrs)) w.setAttribute(k, v);
          document.querySelector('#gaussian').append(w);
        };
        add('bad-pd', { 'p-cov': '1 2; 2 1' });
        add('bad-text', { 'q-mean': 'abc', 'p-cov': '1 0', samples: '1.5' });
        add('bad-sym', { 'q-cov': '1 0.5; 0.4 1', lang: 'zh' });
      });
      const wait = (sel) =>
        page.waitForFunction((s) => {
          const e = document.querySelector(s)?.shadowRoot?.querySelector('.error');
          return e && !e.hidden && e.textContent.length > 0;
        }, sel);
      await Promise.all(['#bad-pd', '#bad-text', '#bad-sym'].map(wait));
      const pd = await readWidget(page, '#bad-pd');
      const text = await readWidget(page, '#bad-text');
      const sym = await readWidget(page, '#bad-sym');
      for (const [name, r] of Object.entries({ pd, text, sym })) {
        assert(r.errorRole === 'alert', `${name}: role ${r.errorRole}`);
        assert(r.errorBox && r.errorBox.width > 100 && r.errorBox.height > 20, `${name}: error box ${JSON.stringify(r.errorBox)}`);
        assert(r.contentHidden, `${name}: content still shown`);
      }
      assert(/cov of p is not positive (semi)?definite/.test(pd.error), `bad-pd: ${pd.error}`);
      assert(pd.error.includes('cannot show'), `bad-pd title: ${pd.error}`);
      assert(text.error.includes('q-mean="abc"') && text.error.includes('“abc” is not a number'), `bad-text: ${text.error}`);
      assert(text.error.includes('p-cov="1 0"') && text.error.includes('expected 2 rows'), `bad-text p-cov: ${text.error}`);
      assert(text.error.includes('samples="1.5"') && text.error.includes('expected a whole number from 2 to 1000000'), `bad-text samples: ${text.error}`);
      assert(sym.error.includes('not symmetric') && sym.error.includes('无法'), `bad-sym: ${sym.error}`);
      assert(await page.locator('#bad-pd').getByRole('alert').isVisible(), 'alert not visible');
      await page.locator('#bad-text').screenshot({ path: 'test-output/e2e/gaussian-widget-error.png' });

      // The page's main widget still works.
      const r0 = await readWidget(page);
      await page.locator(`${W} [data-handle="p-mean"]`).focus();
      await page.keyboard.press('ArrowDown');
      await waitChanged(page, r0.rows.klPQ.value);

      // Fixing the attribute clears the error.
      await page.evaluate(() => document.querySelector('#bad-pd').setAttribute('p-cov', '2 0.5; 0.5 1'));
      await waitReady(page, '#bad-pd');
      const fixed = await readWidget(page, '#bad-pd');
      assert(fixed.error === null && showsValue(fixed.rows.klPQ.value, EXACT.klPQ), `after fix: ${fixed.error} ${fixed.rows.klPQ.value}`);
      await page.evaluate(() => ['#bad-pd', '#bad-text', '#bad-sym'].forEach((s) => document.querySelector(s).remove()));
      return `"${pd.error.slice(0, 110)}…"`;
    },
  },
  {
    name: 'at 360 px the numbers stack under the plot without horizontal overflow',
    async run({ page, shot }) {
      await page.setViewportSize({ width: 360, height: 780 });
      await page.waitForTimeout(200);
      const info = await page.evaluate((sel) => {
        const root = document.querySelector(sel).shadowRoot;
        return {
          scroll: document.documentElement.scrollWidth,
          host: document.querySelector(sel).getBoundingClientRect().toJSON(),
          plot: root.querySelector('svg.plot').getBoundingClientRect().toJSON(),
          panel: root.querySelector('.panel').getBoundingClientRect().toJSON(),
        };
      }, W);
      await shot('demo-360', { fullPage: true });
      await page.locator(W).screenshot({ path: 'test-output/e2e/gaussian-widget-360.png' });
      await page.setViewportSize({ width: 1280, height: 900 });
      assert(info.scroll <= 360, `page is ${info.scroll} px wide`);
      assert(info.host.right <= 360, `widget right edge ${info.host.right}`);
      assert(info.panel.top >= info.plot.bottom - 1, `panel top ${info.panel.top} vs plot bottom ${info.plot.bottom}`);
      assert(info.plot.width > 250, `plot width ${info.plot.width}`);
      return `widget ${Math.round(info.host.width)} px, plot ${Math.round(info.plot.width)} px, panel below`;
    },
  },
  {
    name: 'dark colour scheme switches the theme variables',
    async run({ page }) {
      const bg = () => page.evaluate((sel) => getComputedStyle(document.querySelector(sel)).backgroundColor, W);
      const light = await bg();
      await page.emulateMedia({ colorScheme: 'dark' });
      const dark = await bg();
      await page.locator(W).screenshot({ path: 'test-output/e2e/gaussian-widget-dark.png' });
      await page.emulateMedia({ colorScheme: 'light' });
      const lum = (c) => {
        const [r, g, b] = c.match(/\d+/g).map(Number);
        return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
      };
      assert(lum(light) > 0.8 && lum(dark) < 0.2, `backgrounds ${light} / ${dark}`);
      return `${light} → ${dark}`;
    },
  },
  {
    name: 'presets set the p and q properties; removing a widget mid-drag cleans up',
    async run({ page }) {
      await page.click('[data-preset="equal"]');
      await page.waitForFunction((sel) => {
        const v = document.querySelector(sel).shadowRoot.querySelector('.row[data-key="klPQ"] .value').textContent;
        return v === '3.14286';
      }, W);
      const eq = await readWidget(page);
      assert(eq.rows.bd.value === '0.785714', `equal covariances: BD ${eq.rows.bd.value}`);
      const note = await page.locator('#preset-note').innerText();
      assert(note.includes('22/7'), `preset note ${note}`);

      const counts = await page.evaluate(async () => {
        const c = { observe: 0, disconnect: 0, add: 0, remove: 0 };
        const MO = MutationObserver.prototype;
        const [obs, disc] = [MO.observe, MO.disconnect];
        MO.observe = function (...a) { c.observe++; return obs.apply(this, a); };
        MO.disconnect = function (...a) { c.disconnect++; return disc.apply(this, a); };
        const targets = [window, document];
        const saved = targets.map((t) => [t.addEventListener, t.removeEventListener]);
        for (const t of targets) {
          const [add, rem] = [t.addEventListener, t.removeEventListener];
          t.addEventListener = function (...a) { c.add++; return add.apply(this, a); };
          t.removeEventListener = function (...a) { c.remove++; return rem.apply(this, a); };
        }
        const w = document.createElement('mathlens-gaussian');
        document.body.append(w);
        await new Promise((r) => w.addEventListener('change', r, { once: true }));
        w.remove();
        await new Promise((r) => setTimeout(r, 300));
        MO.observe = obs;
        MO.disconnect = disc;
        targets.forEach((t, i) => ([t.addEventListener, t.removeEventListener] = saved[i]));
        return c;
      });
      assert(counts.observe === counts.disconnect && counts.add === counts.remove, `not cleaned up: ${JSON.stringify(counts)}`);

      // Remove the main widget in the middle of a drag, then put it back.
      const handle = page.locator(`${W} [data-handle="q-mean"]`);
      const b = center(await handle.boundingBox());
      await page.mouse.move(b.x, b.y);
      await page.mouse.down();
      await page.mouse.move(b.x + 20, b.y + 10, { steps: 3 });
      const parentId = await page.evaluate((sel) => {
        const w = document.querySelector(sel);
        window.__detached = w;
        w.remove();
        return 'ok';
      }, W);
      await page.mouse.move(b.x + 40, b.y + 20, { steps: 3 });
      await page.mouse.up();
      await page.waitForTimeout(250);
      await page.evaluate(() => document.querySelector('#preset-note').after(window.__detached));
      await page.click('[data-preset="worked"]');
      await page.waitForFunction((sel) => {
        const root = document.querySelector(sel).shadowRoot;
        return root.querySelector('.row[data-key="klPQ"] .value').textContent === '1.60283' && !root.querySelector('.mc').classList.contains('stale');
      }, W);
      void parentId;
      return `observers ${counts.observe}/${counts.disconnect}, window/document listeners ${counts.add}/${counts.remove}`;
    },
  },
];
