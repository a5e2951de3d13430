// E2E checks of the Nyström page and <mathlens-attention> (run by tests/e2e/run.mjs).
// Reference numbers: spec/MATH.md §5 (d), the post's 6 × 6 example, and softmax rows computed here.
import { assert, parseDisplayed, showsValue } from './lib/check.mjs';

const W = '#attention-widget';
const Q = [[1, 0], [0, 1], [1, 1], [-1, 0], [0, -1], [2, 1]];
const K = [[1, 1], [2, 0], [0, -1], [-1, 2], [1, -2], [0, 0]];
const NYSTROM = [
  [0.14715233491316937, 1.0975761361416283], [1.4811179806451271, -0.4782767439270194],
  [0.8013237686497208, 0.19772096822705917], [1.4926501711994768, -0.3181915765372021],
  [-1.2261659305926393, 3.075533187596998], [0.7138924604227139, 0.24363942493645457],
];
const EXACT = [
  [0.1471523349131694, 1.0975761361416285], [1.4455304765454884, -0.4056262203005159],
  [0.6928823735509163, 0.3453743357128424], [1.2410264874498365, 0.003701983604961226],
  [-0.28010067126783583, 2.081599083468573], [0.281268107452887, 0.736257222329799],
];

/** Parses a displayed number ("0.1234", "−0.5", "1.2 × 10⁻⁵") and the size of its last digit. */
/** Everything visible in a widget's shadow root. */
function readWidget(page, selector = W) {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel);
    const root = el?.shadowRoot;
    if (!root) return null;
    const rows = {};
    for (const r of root.querySelectorAll('.row[data-key]'))
      rows[r.dataset.key] = { label: r.querySelector('dt')?.textContent ?? '', value: r.querySelector('dd')?.textContent ?? '', hidden: r.hidden };
    const error = root.querySelector('.error');
    const canvases = [...root.querySelectorAll('.map canvas')].map((c) => ({ w: c.width, h: c.height, shown: c.getBoundingClientRect().width }));
    return {
      rows,
      canvases,
      captions: [...root.querySelectorAll('figcaption')].map((f) => f.textContent),
      readout: root.querySelector('.readout')?.textContent ?? '',
      warnings: [...root.querySelectorAll('.warnings li')].map((li) => li.textContent),
      error: error && !error.hidden ? error.textContent : null,
      errorRole: error?.getAttribute('role'),
      errorBox: error && !error.hidden ? error.getBoundingClientRect().toJSON() : null,
      contentHidden: root.querySelector('.content')?.hidden ?? true,
      sweepBusy: root.querySelector('.sweep-chart')?.getAttribute('aria-busy'),
      sweepCanvas: !!root.querySelector('.sweep-chart canvas'),
      sweepLegend: [...root.querySelectorAll('.sweep-chart .u-legend th, .sweep-chart .u-legend .u-label')].map((x) => x.textContent),
      methodPressed: root.querySelector('.methods [aria-pressed="true"]')?.dataset.method,
    };
  }, selector);
}

async function waitReady(page, selector = W) {
  await page.waitForFunction((sel) => {
    const root = document.querySelector(sel)?.shadowRoot;
    const v = root?.querySelector('.row[data-key="outRel"] dd')?.textContent;
    const content = root?.querySelector('.content');
    return !!v && v !== '—' && content && !content.hidden && root.querySelector('.sweep-chart')?.getAttribute('aria-busy') === 'false';
  }, selector, { timeout: 30000 });
}

async function waitChanged(page, before, selector = W) {
  await page.waitForFunction(
    ([sel, old]) => {
      const v = document.querySelector(sel)?.shadowRoot?.querySelector('.row[data-key="outRel"] dd')?.textContent;
      return !!v && v !== '—' && v !== old;
    },
    [selector, before],
  );
  return readWidget(page, selector);
}

/** Softmax of row i of QKᵀ (no scaling): the exact attention row of the worked example. */
function softmaxRow(i) {
  const logits = K.map((k) => Q[i][0] * k[0] + Q[i][1] * k[1]);
  const mx = Math.max(...logits);
  const e = logits.map((x) => Math.exp(x - mx));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

const frobenius = (a, b) => Math.sqrt(a.flat().reduce((s, x, i) => s + (x - b.flat()[i]) ** 2, 0));

export const checks = [
  {
    name: 'the page loads under the CSP, listed in the navigation; the widget renders three n×n heatmaps',
    async run({ page, baseUrl }) {
      await page.addInitScript(() => {
        window.__csp = [];
        document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
      });
      const response = await page.goto(`${baseUrl}attention.html?lang=en`);
      assert(response?.ok(), `HTTP ${response?.status()}`);
      await waitReady(page);
      const info = await page.evaluate(() => ({
        current: document.querySelector('#topic-nav a[aria-current="page"]')?.getAttribute('href'),
        defined: !!customElements.get('mathlens-attention'),
        csp: window.__csp,
        h1: document.querySelector('h1')?.innerText,
      }));
      assert(info.current === './attention.html', `nav ${info.current}`);
      assert(info.defined, 'mathlens-attention is not defined');
      assert(info.csp.length === 0, `CSP violations: ${info.csp.join(', ')}`);
      const r = await readWidget(page);
      assert(r.canvases.length === 3 && r.canvases.every((c) => c.w === 128 && c.h === 128 && c.shown > 100), `canvases ${JSON.stringify(r.canvases)}`);
      assert(r.captions[1].includes('Nyström'), `caption ${r.captions[1]}`);
      assert(r.methodPressed === 'nystrom', `pressed ${r.methodPressed}`);
      for (const key of ['outRel', 'matRel', 'matMax', 'rowSum', 'pinvRes']) assert(parseDisplayed(r.rows[key]?.value ?? '') !== null, `${key}: "${r.rows[key]?.value}"`);
      assert(r.sweepCanvas, 'error-vs-m chart missing');
      return `${info.h1.split('\n')[0]}; output error ${r.rows.outRel.value}, matrix error ${r.rows.matRel.value}`;
    },
  },
  {
    name: 'the post’s 6×6 example: output error and entries as computed from MATH.md §5',
    async run({ page }) {
      await page.evaluate((sel) => {
        const w = document.querySelector(sel);
        w.setAttribute('q', '1 0; 0 1; 1 1; -1 0; 0 -1; 2 1');
        w.setAttribute('k', '1 1; 2 0; 0 -1; -1 2; 1 -2; 0 0');
        w.setAttribute('v', '1 0; 0 1; 1 1; 2 -1; -1 3; 0.5 0.5');
        w.setAttribute('scale', 'none');
        w.setAttribute('landmarks', '3');
        w.setAttribute('pinv', 'svd');
      }, W);
      await page.waitForFunction((sel) => document.querySelector(sel).shadowRoot.querySelector('.map canvas').width === 6, W);
      await waitReady(page);
      const r = await readWidget(page);
      const relErr = frobenius(NYSTROM, EXACT) / Math.sqrt(EXACT.flat().reduce((s, x) => s + x * x, 0));
      const maxErr = Math.max(...NYSTROM.flat().map((x, i) => Math.abs(x - EXACT.flat()[i])));
      assert(showsValue(r.rows.outRel.value, relErr), `output error shows ${r.rows.outRel.value}, expected ${relErr}`);
      assert(showsValue(r.rows.cond.value, 22.4460547295745), `condition shows ${r.rows.cond.value}`);
      assert(r.warnings.length === 0, `warnings ${r.warnings}`);
      // The readout at (0, 0): exact = softmax row 0, and the approximation equals it (q₀ = q̃₂).
      const p00 = softmaxRow(0)[0];
      const m = /exact ([^,]+), approximate ([^,]+), difference (.+)$/.exec(r.readout);
      assert(m && showsValue(m[1], p00) && showsValue(m[2], p00), `readout "${r.readout}", expected ${p00}`);
      const detail = await page.evaluate((sel) => {
        const v = document.querySelector(sel).result;
        return { out: Array.from(v.approx.output.data), exact: Array.from(v.exact.output.data) };
      }, W);
      assert(Math.max(...detail.out.map((x, i) => Math.abs(x - NYSTROM.flat()[i]))) < 1e-14, 'result property: Nyström output');
      assert(Math.max(...detail.exact.map((x, i) => Math.abs(x - EXACT.flat()[i]))) < 1e-15, 'result property: exact output');
      // Six iterations instead of the exact inverse: the spec's row 0 and a warning.
      await page.evaluate((sel) => document.querySelector(sel).setAttribute('pinv', 'iterative'), W);
      const it = await waitChanged(page, r.rows.outRel.value);
      assert(it.warnings.length === 1 && it.warnings[0].startsWith('the iterative pseudo-inverse has not converged after 6 iterations'), `warnings ${it.warnings}`);
      const six = await page.evaluate((sel) => Array.from(document.querySelector(sel).result.approx.output.data.slice(0, 2)), W);
      assert(Math.abs(six[0] - 0.1616176249193817) < 1e-14 && Math.abs(six[1] - 1.0746339201473112) < 1e-14, `row 0 with 6 iterations ${six}`);
      return `output error ${r.rows.outRel.value} (expected ${relErr.toPrecision(6)}), max ${maxErr.toPrecision(4)}; readout "${r.readout}"`;
    },
  },
  {
    name: 'reacts to input: method buttons, the landmarks field, the presets; attributes follow the controls',
    async run({ page }) {
      await page.click('[data-preset="clustered"]');
      await page.waitForFunction((sel) => document.querySelector(sel).shadowRoot.querySelector('.map canvas').width === 128, W);
      await waitReady(page);
      const r0 = await readWidget(page);
      await page.locator(`${W} .methods button[data-method="performer"]`).click();
      const r1 = await waitChanged(page, r0.rows.outRel.value);
      assert(r1.methodPressed === 'performer' && r1.captions[1].includes('Performer'), `caption ${r1.captions[1]}`);
      assert(r1.rows.pinvRes.hidden, 'pseudo-inverse row still shown for the Performer');
      assert((await page.getAttribute(W, 'method')) === 'performer', 'method attribute not written');
      await page.locator(`${W} .methods button[data-method="nystrom"]`).click();
      const r2 = await waitChanged(page, r1.rows.outRel.value);
      const field = page.locator(`${W} input[data-attr="landmarks"]`);
      await field.fill('8');
      await field.press('Enter');
      await field.blur();
      const r3 = await waitChanged(page, r2.rows.outRel.value);
      assert((await page.getAttribute(W, 'landmarks')) === '8', 'landmarks attribute not written');
      await page.locator(`${W} select[data-attr="pinv"]`).selectOption('svd');
      // One landmark per cluster: 6 iterations have already converged, so the error stays the same;
      // wait for the condition number, which only the SVD reports.
      await page.waitForFunction((sel) => !document.querySelector(sel).shadowRoot.querySelector('.row[data-key="cond"]').hidden, W);
      const r4 = await readWidget(page);
      assert(r4.rows.outRel.value === r3.rows.outRel.value, `m = 8: iterative ${r3.rows.outRel.value} vs svd ${r4.rows.outRel.value}`);
      assert(!r4.rows.cond.hidden && showsValue(r4.rows.cond.value, 1.42712419846467), `condition of A with one landmark per cluster: ${r4.rows.cond.value}`);
      // The preset notes' numbers: 16 landmarks, 6 iterations vs the exact pseudo-inverse; m = n.
      await page.click('[data-preset="exactpinv"]');
      const r6 = await waitChanged(page, r4.rows.outRel.value);
      const e16 = parseDisplayed(r2.rows.outRel.value).value;
      const e16svd = parseDisplayed(r6.rows.outRel.value).value;
      assert(Math.abs(e16 - 0.219) < 0.005 && Math.abs(e16svd - 0.355) < 0.005, `6 iterations ${e16}, exact pseudo-inverse ${e16svd}`);
      assert(Math.abs(parseDisplayed(r6.rows.cond.value).value - 194) < 1, `condition ${r6.rows.cond.value}`);
      const note = await page.locator('#preset-note').innerText();
      assert(note.includes('0.22 to 0.36') && note.includes('≈ 194'), `note ${note}`);
      await page.click('[data-preset="mn"]');
      const r7 = await waitChanged(page, r6.rows.outRel.value);
      assert(parseDisplayed(r7.rows.outRel.value).value < 1e-10, `m = n: output error ${r7.rows.outRel.value}`);
      await page.click('[data-preset="random"]');
      const r5 = await waitChanged(page, r7.rows.outRel.value);
      return `output error: Nyström m=16 ${r0.rows.outRel.value} → Performer ${r1.rows.outRel.value} → m=8 ${r3.rows.outRel.value} → m=8 svd ${r4.rows.outRel.value} → m=16 svd ${r6.rows.outRel.value} → m=n ${r7.rows.outRel.value} → random inputs ${r5.rows.outRel.value}`;
    },
  },
  {
    name: 'keyboard: arrow keys move the cursor over the heatmaps and the readout follows',
    async run({ page }) {
      await page.click('[data-preset="clustered"]');
      await waitReady(page);
      const map = page.locator(`${W} .map[data-map="approx"]`);
      await map.focus();
      const focused = await page.evaluate((sel) => document.querySelector(sel).shadowRoot.activeElement?.dataset.map, W);
      assert(focused === 'approx', `focused ${focused}`);
      await page.keyboard.press('Home');
      for (const key of ['ArrowRight', 'ArrowRight', 'ArrowRight', 'Shift+ArrowDown', 'ArrowDown']) await page.keyboard.press(key);
      await page.waitForFunction((sel) => /^row 9, column 3:/.test(document.querySelector(sel).shadowRoot.querySelector('.readout').textContent), W);
      const r = await readWidget(page);
      const value = await page.evaluate((sel) => {
        const v = document.querySelector(sel).result;
        const m = v.exact.matrix;
        return { p: m.data[9 * m.cols + 3], a: v.approx.matrix.data[9 * m.cols + 3] };
      }, W);
      const m = /exact ([^,]+), approximate ([^,]+),/.exec(r.readout);
      assert(m && showsValue(m[1], value.p) && showsValue(m[2], value.a), `readout "${r.readout}" vs ${JSON.stringify(value)}`);
      const label = await map.getAttribute('aria-label');
      assert(/Nyström approximation/.test(label ?? ''), `aria-label ${label}`);
      return r.readout;
    },
  },
  {
    name: 'timing run in a Web Worker: progress, the page stays responsive, GMAC/s and the crossovers',
    async run({ page }) {
      await page.evaluate((sel) => document.querySelector(sel).setAttribute('timing-max-n', '1024'), W);
      await page.evaluate(() => {
        window.__frames = 0;
        window.__maxGap = 0;
        let last = performance.now();
        const tick = (t) => {
          window.__frames++;
          window.__maxGap = Math.max(window.__maxGap, t - last);
          last = t;
          window.__raf = requestAnimationFrame(tick);
        };
        window.__raf = requestAnimationFrame(tick);
      });
      await page.locator(`${W} button[data-action="run"]`).click();
      // Progress shows while it runs.
      await page.waitForFunction((sel) => {
        const root = document.querySelector(sel).shadowRoot;
        return !root.querySelector('progress').hidden && /Measuring/.test(root.querySelector('.timing-bar [role="status"]').textContent);
      }, W);
      const during = await page.evaluate((sel) => document.querySelector(sel).shadowRoot.querySelector('.timing-bar [role="status"]').textContent, W);
      await page.waitForFunction((sel) => document.querySelector(sel).shadowRoot.querySelector('.timing-bar [role="status"]').textContent === 'Done.', W, { timeout: 40000 });
      const [frames, maxGap] = await page.evaluate(() => {
        cancelAnimationFrame(window.__raf);
        return [window.__frames, window.__maxGap];
      });
      const info = await page.evaluate((sel) => {
        const root = document.querySelector(sel).shadowRoot;
        return {
          rows: [...root.querySelectorAll('table.rates tbody tr')].map((tr) => [...tr.children].map((td) => td.textContent)),
          crossover: root.querySelector('.crossover').textContent,
          canvas: !!root.querySelector('.timing-chart canvas'),
        };
      }, W);
      assert(info.rows.length === 4, `table rows ${JSON.stringify(info.rows)}`);
      for (const row of info.rows) assert(/^[\d.]+ GMAC\/s$/.test(row[4]) && row[1] === '1024', `row ${row}`);
      assert(/Nyström becomes cheaper than exact attention at n ≈ 303 by the multiply-add count/.test(info.crossover), `crossover "${info.crossover}"`);
      assert(info.canvas, 'timing chart missing');
      assert(frames > 10 && maxGap < 500, `main thread blocked: ${frames} frames, longest gap ${maxGap.toFixed(0)} ms`);
      await page.locator(W).screenshot({ path: 'test-output/e2e/attention-widget-timing.png' });
      return `"${during}" … ${info.rows.map((r) => `${r[0]} ${r[4]}`).join(', ')}; ${info.crossover} (${frames} frames, longest gap ${maxGap.toFixed(0)} ms)`;
    },
  },
  {
    name: 'Chinese: the page switch and lang="zh" give Chinese labels',
    async run({ page, shot }) {
      await page.click('[data-set-lang="zh"]');
      await page.waitForFunction((sel) => document.querySelector(sel).shadowRoot.querySelector('figcaption').textContent === '精确注意力 P', W);
      const zh = await readWidget(page);
      assert(zh.rows.outRel.label.startsWith('输出误差'), `label ${zh.rows.outRel.label}`);
      assert(/^第 \d+ 行第 \d+ 列：精确/.test(zh.readout), `readout ${zh.readout}`);
      const run = await page.locator(`${W} button[data-action="run"]`).textContent();
      assert(run === '开始测量', `button ${run}`);
      const crossover = await page.evaluate((sel) => document.querySelector(sel).shadowRoot.querySelector('.crossover').textContent, W);
      assert(/^按乘法次数/.test(crossover), `crossover ${crossover}`);
      assert(zh.warnings.length === 1 && zh.warnings[0].startsWith('迭代求伪逆 6 次后仍未收敛（Moore–Penrose 残差 '), `warning ${zh.warnings}`);
      await shot('attention-zh', { fullPage: true });
      await page.locator(W).screenshot({ path: 'test-output/e2e/attention-widget-zh.png' });
      await page.click('[data-set-lang="en"]');
      await page.waitForFunction((sel) => document.querySelector(sel).shadowRoot.querySelector('figcaption').textContent === 'Exact attention P', W);
      await page.evaluate(() => {
        const w = document.createElement('mathlens-attention');
        w.id = 'zh-widget';
        w.setAttribute('lang', 'zh');
        w.setAttribute('n', '32');
        w.setAttribute('method', 'linear');
        document.querySelector('#attention').append(w);
      });
      await waitReady(page, '#zh-widget');
      const own = await readWidget(page, '#zh-widget');
      assert(own.captions[1] === '线性注意力 近似 P̃', `caption ${own.captions[1]}`);
      assert(own.canvases[0].w === 32, `n = 32: ${own.canvases[0].w}`);
      await page.evaluate(() => document.querySelector('#zh-widget').remove());
      return `${zh.captions.join(' / ')}; ${own.captions[1]}`;
    },
  },
  {
    name: 'invalid attributes show a visible error inside that widget; the other widget keeps working',
    async run({ page }) {
      await page.evaluate(() => {
        const add = (id, attrs) => {
          const w = document.createElement('mathlens-attention');
          w.id = id;
          for (const [k, v] of Object.entries(attrs)) w.setAttribute(k, v);
          document.querySelector('#attention').append(w);
        };
        add('bad-text', { n: '2000', method: 'flash', landmarks: 'x', scale: '-1' });
        add('bad-shape', { q: '1 2; 3 4', k: '1 2 3; 4 5 6', v: '1; 2' });
        add('bad-m', { n: '16', landmarks: '20', lang: 'zh' });
        add('bad-nan', { q: '1 2; 3 4', k: '1 2; 3 4', v: '1; 2;', scale: 'none', landmarks: '9' });
      });
      const wait = (sel) =>
        page.waitForFunction((s) => {
          const e = document.querySelector(s)?.shadowRoot?.querySelector('.error');
          return e && !e.hidden && e.textContent.length > 0;
        }, sel);
      await Promise.all(['#bad-text', '#bad-shape', '#bad-m', '#bad-nan'].map(wait));
      const text = await readWidget(page, '#bad-text');
      const shape = await readWidget(page, '#bad-shape');
      const m = await readWidget(page, '#bad-m');
      const nan = await readWidget(page, '#bad-nan');
      for (const [name, r] of Object.entries({ text, shape, m, nan })) {
        assert(r.errorRole === 'alert', `${name}: role ${r.errorRole}`);
        assert(r.errorBox && r.errorBox.width > 100 && r.errorBox.height > 20, `${name}: error box ${JSON.stringify(r.errorBox)}`);
        assert(r.contentHidden, `${name}: content still shown`);
      }
      assert(text.error.includes('n="2000"') && text.error.includes('expected a whole number from 4 to 512'), `bad-text n: ${text.error}`);
      assert(text.error.includes('method="flash"') && text.error.includes('expected one of nystrom, performer, linear'), `bad-text method: ${text.error}`);
      assert(text.error.includes('landmarks="x"') && text.error.includes('scale="-1"') && text.error.includes('expected sqrt, none or a positive number'), `bad-text: ${text.error}`);
      assert(shape.error.includes('attention.exact: q and k have different numbers of columns (2 and 3)'), `bad-shape: ${shape.error}`);
      assert(m.error.includes('attention.nystrom: landmarks (20) exceeds the sequence length (n = 16)') && m.error.includes('无法'), `bad-m: ${m.error}`);
      assert(nan.error.includes('attention.nystrom: landmarks (9) exceeds the sequence length (n = 2)'), `bad-nan: ${nan.error}`);
      await page.locator('#bad-text').screenshot({ path: 'test-output/e2e/attention-widget-error.png' });
      // The page's widget still works.
      const r0 = await readWidget(page);
      await page.locator(`${W} .methods button[data-method="linear"]`).click();
      await waitChanged(page, r0.rows.outRel.value);
      // Fixing an attribute clears the error.
      await page.evaluate(() => document.querySelector('#bad-m').setAttribute('landmarks', '4'));
      await waitReady(page, '#bad-m');
      const fixed = await readWidget(page, '#bad-m');
      assert(fixed.error === null, `after fix: ${fixed.error}`);
      await page.evaluate(() => ['#bad-text', '#bad-shape', '#bad-m', '#bad-nan'].forEach((s) => document.querySelector(s).remove()));
      return `"${text.error.slice(0, 120)}…"`;
    },
  },
  {
    name: 'at 360 px the heatmaps stack without horizontal overflow',
    async run({ page, shot }) {
      await page.setViewportSize({ width: 360, height: 780 });
      await page.waitForTimeout(300);
      const info = await page.evaluate((sel) => {
        const root = document.querySelector(sel).shadowRoot;
        const maps = [...root.querySelectorAll('.map')].map((m) => m.getBoundingClientRect().toJSON());
        return {
          scroll: document.documentElement.scrollWidth,
          host: document.querySelector(sel).getBoundingClientRect().toJSON(),
          maps,
          chart: root.querySelector('.sweep-chart canvas')?.getBoundingClientRect().toJSON(),
        };
      }, W);
      await shot('attention-360', { fullPage: true });
      await page.locator(W).screenshot({ path: 'test-output/e2e/attention-widget-360.png' });
      await page.setViewportSize({ width: 1280, height: 900 });
      assert(info.scroll <= 360, `page is ${info.scroll} px wide`);
      assert(info.host.right <= 360, `widget right edge ${info.host.right}`);
      assert(info.maps[1].top >= info.maps[0].bottom - 1, 'heatmaps do not stack');
      assert(info.maps[0].width > 250, `map width ${info.maps[0].width}`);
      assert(info.chart && info.chart.right <= 360, `chart ${JSON.stringify(info.chart)}`);
      return `widget ${Math.round(info.host.width)} px, maps ${Math.round(info.maps[0].width)} px stacked`;
    },
  },
  {
    name: 'removing the widget mid-run terminates its worker and removes its listeners',
    async run({ page }) {
      const counts = await page.evaluate(async () => {
        const c = { workers: 0, terminated: 0, observe: 0, disconnect: 0 };
        const W0 = window.Worker;
        const term = W0.prototype.terminate;
        window.Worker = class extends W0 {
          constructor(...a) {
            super(...a);
            c.workers++;
          }
        };
        W0.prototype.terminate = function () {
          c.terminated++;
          return term.call(this);
        };
        const MO = MutationObserver.prototype;
        const [obs, disc] = [MO.observe, MO.disconnect];
        MO.observe = function (...a) { c.observe++; return obs.apply(this, a); };
        MO.disconnect = function (...a) { c.disconnect++; return disc.apply(this, a); };
        const w = document.createElement('mathlens-attention');
        w.setAttribute('n', '64');
        w.setAttribute('timing-max-n', '8192');
        document.body.append(w);
        await new Promise((r) => w.addEventListener('change', r, { once: true }));
        w.shadowRoot.querySelector('button[data-action="run"]').click();
        await new Promise((r) => setTimeout(r, 300));
        const running = !w.shadowRoot.querySelector('progress').hidden;
        w.remove();
        await new Promise((r) => setTimeout(r, 200));
        window.Worker = W0;
        W0.prototype.terminate = term;
        MO.observe = obs;
        MO.disconnect = disc;
        return { ...c, running };
      });
      assert(counts.running, 'the timing run did not start');
      assert(counts.workers >= 1 && counts.terminated === counts.workers, `workers ${counts.workers}, terminated ${counts.terminated}`);
      assert(counts.observe === counts.disconnect, `observers ${counts.observe}/${counts.disconnect}`);
      return JSON.stringify(counts);
    },
  },
];
