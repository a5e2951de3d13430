// E2E checks of the repetition page and <mathlens-repetition> (run by tests/e2e/run.mjs).
// Reference numbers: spec/MATH.md §6 (d), the 3-token example the matrix widget starts with.
import { assert, parseDisplayed, showsValue } from './lib/check.mjs';

const W = '#repetition-widget';
const T = '#text-widget';
const EXACT = {
  rate: 0.512720388821962,
  rho: 0.340198837339473,
  upper: 1.5468243613015855,
  lower: 0.419271424807312, // per-node, the best rigorous bound here
  heuristic: 0.3296757831039277,
  top2: 1.1409523809523812,
};

/** Parses a displayed number ("1.60283", "−0.5", "1.2 × 10⁻⁵", "∞") and the size of its last digit. */
function readWidget(page, selector = W) {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel);
    const root = el?.shadowRoot;
    if (!root) return null;
    const rows = {};
    for (const r of root.querySelectorAll('.row[data-key]'))
      rows[r.dataset.key] = {
        label: r.querySelector('dt')?.textContent ?? '',
        value: r.querySelector('.value')?.textContent ?? '',
        note: r.querySelector('.note:not([hidden])')?.textContent ?? '',
        hidden: r.hidden,
      };
    const error = root.querySelector('.error');
    const content = root.querySelector('.content');
    return {
      rows,
      stale: root.querySelector('.mc')?.classList.contains('stale') ?? true,
      error: error && !error.hidden ? error.textContent : null,
      errorRole: error?.getAttribute('role'),
      errorBox: error && !error.hidden ? error.getBoundingClientRect().toJSON() : null,
      contentHidden: content?.hidden ?? true,
      editor: [...root.querySelectorAll('table.editor tr')].slice(1).map((tr) => [...tr.querySelectorAll('input')].map((i) => Number(i.value))),
      decoded: [...root.querySelectorAll('table.decoded tr')].slice(1).map((tr) => [...tr.querySelectorAll('td')].map((t) => Number(t.textContent))),
      chart: !!root.querySelector('.chart canvas'),
      stats: root.querySelector('.text-pane .stats[role="status"]')?.textContent ?? '',
      prone: [...root.querySelectorAll('.prone tr')].slice(1).map((tr) => [...tr.querySelectorAll('td')].map((t) => t.textContent)),
      tabs: [...root.querySelectorAll('.tabs button')].map((b) => [b.textContent, b.getAttribute('aria-pressed')]),
    };
  }, selector);
}

async function waitReady(page, selector = W) {
  await page.waitForFunction((sel) => {
    const root = document.querySelector(sel)?.shadowRoot;
    const v = root?.querySelector('.row[data-key="rate"] .value')?.textContent;
    const mc = root?.querySelector('.mc');
    return !!v && v !== '—' && !!mc && !mc.classList.contains('stale');
  }, selector);
  return readWidget(page, selector);
}

async function waitChanged(page, before, selector = W) {
  await page.waitForFunction(
    ([sel, old]) => {
      const root = document.querySelector(sel)?.shadowRoot;
      const v = root?.querySelector('.row[data-key="rate"] .value')?.textContent;
      const mc = root?.querySelector('.mc');
      return !!v && v !== old && !!mc && !mc.classList.contains('stale');
    },
    [selector, before],
  );
  return readWidget(page, selector);
}

/** The Monte Carlo row says "x ± se" and its note "closed form R_K = y; difference z standard errors". */
function mcAgrees(r) {
  const m = /^([\d.]+) ± ([\d.]+(?: × 10[⁻⁰-⁹]+)?)$/.exec(r.rows.mc.value.replace(/\u2212/g, '-'));
  const z = /difference (-?[\d.]+) standard errors|相差 (-?[\d.]+) 个标准误/.exec(r.rows.mc.note.replace(/\u2212/g, '-'));
  return { ok: !!m && !!z && Math.abs(Number(z[1] ?? z[2])) < 4, text: `${r.rows.mc.value} (${r.rows.mc.note})` };
}

export const checks = [
  {
    name: 'the repetition page is listed, loads under the CSP and shows the spec §6 numbers',
    async run({ page, baseUrl }) {
      await page.addInitScript(() => {
        window.__csp = [];
        document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
      });
      await page.goto(`${baseUrl}?lang=en`);
      const toc = await page.evaluate(() => [...document.querySelectorAll('#toc-list a')].map((a) => a.getAttribute('href')));
      assert(toc.includes('./repetition.html'), `toc ${JSON.stringify(toc)}`);
      await Promise.all([page.waitForURL(/repetition\.html$/), page.click('#toc-list a[href="./repetition.html"]')]);
      const r = await waitReady(page);
      const info = await page.evaluate(() => ({
        current: document.querySelector('#topic-nav a[aria-current="page"]')?.getAttribute('href'),
        defined: !!customElements.get('mathlens-repetition'),
        csp: window.__csp,
      }));
      assert(info.current === './repetition.html', `nav ${info.current}`);
      assert(info.defined, 'mathlens-repetition is not defined');
      assert(info.csp.length === 0, `CSP violations: ${info.csp.join(', ')}`);
      assert(showsValue(r.rows.rate.value, EXACT.rate), `R shows ${r.rows.rate.value}`);
      assert(showsValue(r.rows.rho.value, EXACT.rho), `rho shows ${r.rows.rho.value}`);
      assert(showsValue(r.rows.upper.value, EXACT.upper), `upper shows ${r.rows.upper.value}`);
      assert(showsValue(r.rows.lower.value, EXACT.lower), `lower shows ${r.rows.lower.value}`);
      assert(showsValue(r.rows.heuristic.value, EXACT.heuristic), `heuristic shows ${r.rows.heuristic.value}`);
      assert(/rigorous/.test(r.rows.lower.label) && /heuristic/.test(r.rows.heuristic.label), `labels ${r.rows.lower.label} / ${r.rows.heuristic.label}`);
      assert(r.rows.arp.value.startsWith('0.40042 ≤ 0.42074'), `ARP row ${r.rows.arp.value}`);
      const mc = mcAgrees(r);
      assert(mc.ok, `Monte Carlo ${mc.text}`);
      assert(r.chart, 'no chart canvas');
      // Editor: full rows with EOS, each summing to 1.
      assert(r.editor.length === 3 && r.editor.every((row) => row.length === 4), `editor ${JSON.stringify(r.editor)}`);
      assert(r.editor.every((row) => Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-9), `rows ${JSON.stringify(r.editor)}`);
      return `R = ${r.rows.rate.value}, ρ = ${r.rows.rho.value}, bracket [${r.rows.lower.value}, ${r.rows.upper.value}], MC ${r.rows.mc.value}`;
    },
  },
  {
    name: 'KaTeX formulas render inside the shadow root',
    async run({ page }) {
      await page.evaluate(() => document.fonts.ready);
      const info = await page.evaluate((sel) => {
        const root = document.querySelector(sel).shadowRoot;
        const k = [...root.querySelectorAll('.katex')];
        return { count: k.length, zero: k.filter((x) => !(x.getBoundingClientRect().width > 0)).length, errors: root.querySelectorAll('.katex-error').length };
      }, W);
      assert(info.count >= 6 && info.zero === 0 && info.errors === 0, JSON.stringify(info));
      return `${info.count} formulas`;
    },
  },
  {
    name: 'full-page screenshot (English)',
    async run({ page, shot }) {
      await shot('repetition-en', { fullPage: true });
      await page.locator(W).screenshot({ path: 'test-output/e2e/repetition-widget-en.png' });
      return 'test-output/e2e/repetition-en.png, repetition-widget-en.png';
    },
  },
  {
    name: 'sliders and the keyboard: top-k 2 gives the spec value, greedy gives ∞ with its cycle, temperature moves R',
    async run({ page }) {
      const r0 = await readWidget(page);
      const k = page.locator(`${W} input[data-control="top-k"]`);
      await k.focus();
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      const r1 = await waitChanged(page, r0.rows.rate.value);
      assert(showsValue(r1.rows.rate.value, EXACT.top2), `top-2 R shows ${r1.rows.rate.value}`);
      assert(mcAgrees(r1).ok, `top-2 Monte Carlo ${mcAgrees(r1).text}`);
      // Decoded table: row w2 keeps 0.5 and the first 0.2, renormalised.
      assert(Math.abs(r1.decoded[1][0] - 0.29) < 0.006 && r1.decoded[1][1] === 0 && Math.abs(r1.decoded[1][2] - 0.71) < 0.006, `decoded ${JSON.stringify(r1.decoded)}`);
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('ArrowLeft');
      const r2 = await waitChanged(page, r1.rows.rate.value);
      assert(showsValue(r2.rows.rate.value, EXACT.rate), `back to ${r2.rows.rate.value}`);
      await page.locator(`${W} input[data-control="greedy"]`).check();
      const r3 = await waitChanged(page, r2.rows.rate.value);
      assert(r3.rows.rate.value === '∞', `greedy R ${r3.rows.rate.value}`);
      assert(r3.rows.rate.note.includes('w1 → w1'), `cycle note ${r3.rows.rate.note}`);
      await page.locator(`${W} input[data-control="greedy"]`).uncheck();
      const r4 = await waitChanged(page, r3.rows.rate.value);
      const t = page.locator(`${W} input[data-control="temperature"]`);
      await t.focus();
      for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowRight'); // log10 t = 0.1: t ≈ 1.26
      const r5 = await waitChanged(page, r4.rows.rate.value);
      const d = parseDisplayed(r5.rows.rate.value);
      assert(d && d.value < EXACT.rate, `hotter: R ${r5.rows.rate.value} should be below ${EXACT.rate}`);
      for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowLeft');
      await waitChanged(page, r5.rows.rate.value);
      return `R ${r0.rows.rate.value} → top-2 ${r1.rows.rate.value} → greedy ${r3.rows.rate.value} (${r3.rows.rate.note.slice(0, 40)}…) → t≈1.26 ${r5.rows.rate.value}`;
    },
  },
  {
    name: 'editing a cell keeps the row stochastic and changes R; tokens can be added and removed',
    async run({ page }) {
      const r0 = await waitReady(page);
      const cell = page.locator(`${W} table.editor input[data-i="0"][data-j="0"]`);
      await cell.fill('0.8');
      await cell.press('Enter');
      const r1 = await waitChanged(page, r0.rows.rate.value);
      const row = r1.editor[0];
      assert(Math.abs(row[0] - 0.8) < 1e-9 && Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 0.002, `row 0 ${JSON.stringify(row)}`);
      assert(Math.abs(row[1] - 0.12) < 0.001 && Math.abs(row[3] - 0.04) < 0.001, `rescaled row ${JSON.stringify(row)}`);
      const d = parseDisplayed(r1.rows.rate.value);
      assert(d && d.value > EXACT.rate, `a sharper row raises R: ${r1.rows.rate.value}`);
      await page.locator(`${W} button[data-action="add"]`).click();
      const r2 = await waitChanged(page, r1.rows.rate.value);
      assert(r2.editor.length === 4 && r2.editor[0].length === 5, `4 tokens: ${JSON.stringify(r2.editor)}`);
      await page.locator(`${W} button[data-action="remove"]`).click();
      const r3 = await waitChanged(page, r2.rows.rate.value);
      assert(r3.editor.length === 3, `back to 3 tokens: ${r3.editor.length}`);
      await page.click('[data-preset="worked"]');
      await page.waitForFunction((sel) => document.querySelector(sel).shadowRoot.querySelector('.row[data-key="rate"] .value').textContent === '0.512720', W);
      return `R ${r0.rows.rate.value} → ${r1.rows.rate.value} with row 0 = ${row.map((x) => x.toFixed(3)).join(' ')}`;
    },
  },
  {
    name: 'text mode: a worker builds and analyses the bigram model, with progress; words repeat less than characters',
    async run({ page, shot }) {
      await page.locator(T).scrollIntoViewIfNeeded();
      await page.waitForFunction((sel) => {
        const root = document.querySelector(sel)?.shadowRoot;
        return (root?.querySelectorAll('.prone tr').length ?? 0) > 2 && !root.querySelector('.mc').classList.contains('stale');
      }, T, { timeout: 30000 });
      const r = await readWidget(page, T);
      assert(/distinct tokens/.test(r.stats) && /Intl\.Segmenter/.test(r.stats), `stats ${r.stats}`);
      assert(r.prone.length >= 5, `prone ${JSON.stringify(r.prone)}`);
      const rc = parseDisplayed(r.rows.rate.value);
      assert(rc && Number.isFinite(rc.value) && rc.value > 0, `char R ${r.rows.rate.value}`);
      // The comparison table under it.
      await page.waitForFunction(() => [...document.querySelectorAll('#compare td')].every((td) => td.textContent !== '…'), null, { timeout: 30000 });
      const table = await page.evaluate(() =>
        Object.fromEntries([...document.querySelectorAll('#compare tr[data-level]')].map((tr) => [tr.dataset.level, [...tr.querySelectorAll('td')].map((t) => t.textContent)])),
      );
      const [charR, wordR] = [Number(table.char[1]), Number(table.word[1])];
      assert(wordR < charR, `words ${wordR} vs characters ${charR}`);
      assert(table.char[4] !== '—', `greedy loops ${table.char[4]}`);
      // Switch the widget to words: its R changes to the table's word value.
      await page.locator(`${T} select`).first().selectOption('word');
      await page.waitForFunction(
        ([sel, old]) => {
          const root = document.querySelector(sel)?.shadowRoot;
          const v = root?.querySelector('.row[data-key="rate"] .value')?.textContent;
          return v && v !== old && !root.querySelector('.mc').classList.contains('stale') && root.querySelector('.progress > div').style.width === '100%';
        },
        [T, r.rows.rate.value],
        { timeout: 30000 },
      );
      const w = await readWidget(page, T);
      const rw = parseDisplayed(w.rows.rate.value);
      assert(rw && Math.abs(rw.value - wordR) / wordR < 1e-3, `word R ${w.rows.rate.value} vs table ${wordR}`);
      await page.locator(T).screenshot({ path: 'test-output/e2e/repetition-text-widget.png' });
      void shot;
      return `characters R = ${charR}, words R = ${wordR}; ${r.stats}; most prone: ${r.prone.slice(0, 3).map((p) => `${p[0]}→${p[1]}`).join(', ')}`;
    },
  },
  {
    name: 'n = 2000 in a worker: progress, a finished analysis, the page stays responsive',
    async run({ page }) {
      await page.evaluate(() => {
        window.__ticks = 0;
        const tick = () => {
          window.__ticks++;
          window.__raf = requestAnimationFrame(tick);
        };
        window.__raf = requestAnimationFrame(tick);
        window.__progress = [];
        const status = document.getElementById('scale-status');
        new MutationObserver(() => window.__progress.push(status.textContent)).observe(status, { childList: true, characterData: true, subtree: true });
      });
      const t0 = Date.now();
      await page.click('#scale-run');
      await page.waitForFunction(() => document.getElementById('scale-result')?.dataset.n === '2000' && !document.getElementById('scale-result').hidden, null, {
        timeout: 40000,
      });
      const seconds = (Date.now() - t0) / 1000;
      const info = await page.evaluate(() => {
        cancelAnimationFrame(window.__raf);
        const get = (k) => document.querySelector(`#scale-result [data-k="${k}"]`).textContent;
        return { rate: get('rate'), rho: get('rho'), bracket: get('bracket'), time: get('time'), ticks: window.__ticks, progress: window.__progress };
      });
      assert(Number(info.rate) > 0 && Number.isFinite(Number(info.rate)), `R ${info.rate}`);
      const [lo, hi] = info.bracket.slice(1, -1).split(', ').map(Number);
      assert(lo <= Number(info.rate) && Number(info.rate) <= hi, `bracket ${info.bracket} vs R ${info.rate}`);
      assert(info.progress.filter((p) => /%/.test(p)).length >= 5, `progress messages ${JSON.stringify(info.progress.slice(0, 8))}`);
      assert(info.ticks > seconds * 10, `${info.ticks} animation frames in ${seconds} s: the main thread was blocked`);
      return `n = 2000: R = ${info.rate}, ρ = ${info.rho}, bracket ${info.bracket}, ${info.time} in the worker (${info.progress.length} progress updates, ${info.ticks} frames)`;
    },
  },
  {
    name: 'Chinese: the page switch and lang="zh" give Chinese labels',
    async run({ page, shot }) {
      await page.click('[data-set-lang="zh"]');
      await page.waitForFunction((sel) => document.querySelector(sel).shadowRoot.querySelector('.row[data-key="rate"] dt')?.textContent.includes('重复率'), W);
      const zh = await readWidget(page);
      assert(zh.rows.rho.label.includes('谱半径'), `label ${zh.rows.rho.label}`);
      assert(zh.rows.lower.label.includes('严格'), `label ${zh.rows.lower.label}`);
      assert(zh.rows.heuristic.label.includes('启发式'), `label ${zh.rows.heuristic.label}`);
      assert(zh.tabs[0][0] === '转移矩阵', `tabs ${JSON.stringify(zh.tabs)}`);
      await shot('repetition-zh', { fullPage: true });
      await page.locator(W).screenshot({ path: 'test-output/e2e/repetition-widget-zh.png' });
      await page.click('[data-set-lang="en"]');
      await page.waitForFunction((sel) => document.querySelector(sel).shadowRoot.querySelector('.row[data-key="rate"] dt')?.textContent.startsWith('Repetition rate'), W);
      await page.evaluate(() => {
        const w = document.createElement('mathlens-repetition');
        w.id = 'zh-widget';
        w.setAttribute('lang', 'zh');
        w.setAttribute('matrix', '0.5 0.3 0.1; 0.2 0.2 0.5; 0.4 0.4 0.1');
        w.setAttribute('top-k', '2');
        document.querySelector('#repetition').append(w);
      });
      const own = await waitReady(page, '#zh-widget');
      assert(own.rows.rate.label.includes('重复率'), `own label ${own.rows.rate.label}`);
      assert(showsValue(own.rows.rate.value, EXACT.top2), `top-k="2" attribute: ${own.rows.rate.value}`);
      await page.evaluate(() => document.querySelector('#zh-widget').remove());
      return `${zh.rows.rate.label} / ${zh.rows.rho.label} / ${zh.rows.heuristic.label.trim()}`;
    },
  },
  {
    name: 'invalid attributes show a visible error inside that widget; the others keep working',
    async run({ page }) {
      await page.evaluate(() => {
        const add = (id, attrs) => {
          const w = document.createElement('mathlens-repetition');
          w.id = id;
          for (const [k, v] of Object.entries(attrs)) w.setAttribute(k, v);
          document.querySelector('#repetition').append(w);
        };
        add('bad-sum', { matrix: '0.5 0.7 0; 0.2 0.2 0.2; 0.1 0.1 0.1' });
        add('bad-neg', { matrix: '0.5 -0.1 0; 0.2 0.2 0.2; 0.1 0.1 0.1' });
        add('bad-text', { matrix: '1 2', temperature: 'hot', 'top-p': '2', mode: 'sideways' });
        add('bad-nan', { matrix: '0.5 NaN 0; 0.2 0.2 0.2; 0.1 0.1 0.1', lang: 'zh' });
      });
      const wait = (sel) =>
        page.waitForFunction((s) => {
          const e = document.querySelector(s)?.shadowRoot?.querySelector('.error');
          return e && !e.hidden && e.textContent.length > 0;
        }, sel);
      await Promise.all(['#bad-sum', '#bad-neg', '#bad-text', '#bad-nan'].map(wait));
      const [sum, neg, text, nan] = await Promise.all(['#bad-sum', '#bad-neg', '#bad-text', '#bad-nan'].map((s) => readWidget(page, s)));
      for (const [name, r] of Object.entries({ sum, neg, text, nan })) {
        assert(r.errorRole === 'alert', `${name}: role ${r.errorRole}`);
        assert(r.errorBox && r.errorBox.width > 100 && r.errorBox.height > 20, `${name}: box ${JSON.stringify(r.errorBox)}`);
        assert(r.contentHidden, `${name}: content shown`);
      }
      assert(sum.error.includes('repetition.analyze: P row 0 sums to 1.2 > 1 (tolerance 1e-09)'), `bad-sum: ${sum.error}`);
      assert(neg.error.includes('repetition.analyze: P has a negative entry (-0.1) at (0, 1)'), `bad-neg: ${neg.error}`);
      assert(text.error.includes('matrix="1 2"') && text.error.includes('3 to 8 rows'), `bad-text matrix: ${text.error}`);
      assert(text.error.includes('temperature="hot"') && text.error.includes('“hot” is not a number'), `bad-text temperature: ${text.error}`);
      assert(text.error.includes('top-p="2"') && text.error.includes('from 0.01 to 1'), `bad-text top-p: ${text.error}`);
      assert(text.error.includes('mode="sideways"'), `bad-text mode: ${text.error}`);
      assert(nan.error.includes('“NaN”不是数字') && nan.error.includes('无法'), `bad-nan: ${nan.error}`);
      await page.locator('#bad-text').screenshot({ path: 'test-output/e2e/repetition-widget-error.png' });
      // The page's main widget still works.
      const r0 = await readWidget(page);
      await page.locator(`${W} input[data-control="top-k"]`).focus();
      await page.keyboard.press('ArrowRight');
      await waitChanged(page, r0.rows.rate.value);
      await page.keyboard.press('ArrowLeft');
      // Fixing an attribute clears the error.
      await page.evaluate(() => document.querySelector('#bad-sum').setAttribute('matrix', '0.5 0.3 0.1; 0.2 0.2 0.5; 0.4 0.4 0.1'));
      const fixed = await waitReady(page, '#bad-sum');
      assert(fixed.error === null && showsValue(fixed.rows.rate.value, EXACT.rate), `after fix: ${fixed.error} ${fixed.rows.rate.value}`);
      await page.evaluate(() => ['#bad-sum', '#bad-neg', '#bad-text', '#bad-nan'].forEach((s) => document.querySelector(s).remove()));
      return `"${sum.error.slice(0, 100)}…"`;
    },
  },
  {
    name: 'at 360 px nothing overflows the page; removing widgets cleans up their listeners and workers',
    async run({ page, shot }) {
      await page.setViewportSize({ width: 360, height: 800 });
      await page.waitForTimeout(300);
      const info = await page.evaluate((sel) => ({
        scroll: document.documentElement.scrollWidth,
        host: document.querySelector(sel).getBoundingClientRect().toJSON(),
      }), W);
      await shot('repetition-360', { fullPage: true });
      await page.locator(W).screenshot({ path: 'test-output/e2e/repetition-widget-360.png' });
      await page.setViewportSize({ width: 1280, height: 900 });
      assert(info.scroll <= 360, `page is ${info.scroll} px wide`);
      assert(info.host.right <= 360, `widget right edge ${info.host.right}`);
      const counts = await page.evaluate(async () => {
        const c = { observe: 0, disconnect: 0, add: 0, remove: 0, workers: 0, terminated: 0 };
        const MO = MutationObserver.prototype;
        const [obs, disc] = [MO.observe, MO.disconnect];
        MO.observe = function (...a) { c.observe++; return obs.apply(this, a); };
        MO.disconnect = function (...a) { c.disconnect++; return disc.apply(this, a); };
        const RealWorker = window.Worker;
        const term = RealWorker.prototype.terminate;
        window.Worker = class extends RealWorker { constructor(...a) { super(...a); c.workers++; } };
        RealWorker.prototype.terminate = function () { c.terminated++; return term.call(this); };
        const w = document.createElement('mathlens-repetition');
        w.setAttribute('mode', 'text');
        w.textContent = '北京大学很大。北京大学很美。';
        document.body.append(w);
        await new Promise((r) => w.addEventListener('change', r, { once: true }));
        w.remove();
        await new Promise((r) => setTimeout(r, 300));
        MO.observe = obs;
        MO.disconnect = disc;
        window.Worker = RealWorker;
        RealWorker.prototype.terminate = term;
        return c;
      });
      assert(counts.observe === counts.disconnect, `observers not cleaned up: ${JSON.stringify(counts)}`);
      assert(counts.workers === 1 && counts.terminated === 1, `worker not terminated: ${JSON.stringify(counts)}`);
      return `page ${info.scroll} px, widget ${Math.round(info.host.width)} px; ${JSON.stringify(counts)}`;
    },
  },
];
