// E2E checks of the RoPE page and <mathlens-rope> (run by tests/e2e/run.mjs).
// Reference numbers: spec/MATH.md §4 (d) — with q = (0.1, …, 0.8), k = (−0.1, 0.05, 0.2, −0.03, 0.07,
// 0.11, −0.2, 0.04), d = 8, m = 5, n = 2: R_5 q starts (0.22015107347895035, −0.0391599903736686) and
// ⟨R_5 q, R_2 k⟩ = 0.016991833351582643; decay d = 128: f(256) = 6.5430973230; 2-D with v, w:
// ⟨R_{1,2} v, R_{4,−1} w⟩ = v^T R_{3,−3} w = 0.017498921908046.
import { assert, parseDisplayed, showsValue } from './lib/check.mjs';

const W = '#rope-widget';
const Q = '0.1 0.2 0.3 0.4 0.5 0.6 0.7 0.8';
const K = '-0.1 0.05 0.2 -0.03 0.07 0.11 -0.2 0.04';
const V = Q;
const WV = '0.05 -0.1 0.025 0.2 -0.05 0.1 0.15 -0.2';

/** Parses a displayed number ("1.60283", "−0.5", "1.2 × 10⁻⁵") and the size of its last digit. */
/** Everything visible in a widget's shadow root. */
function readWidget(page, selector = W) {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel);
    const root = el?.shadowRoot;
    if (!root) return null;
    const text = (q) => root.querySelector(q)?.textContent ?? '';
    const rows = {};
    for (const r of root.querySelectorAll('.row[data-key]'))
      rows[r.dataset.key] = { label: r.querySelector('dt')?.textContent ?? '', value: r.querySelector('.value')?.textContent ?? '', tag: r.querySelector('.tag')?.textContent ?? '' };
    const error = root.querySelector('.error');
    const content = root.querySelector('.content');
    const res = el.result;
    return {
      rows,
      titles: [...root.querySelectorAll('h3')].map((x) => x.textContent),
      lines: [...root.querySelectorAll('p.line')].map((x) => x.textContent),
      decayAt: text('[data-key="decay-at"]'),
      neighbours: [...root.querySelectorAll('section[data-panel="scores"] p.line')].map((x) => x.textContent),
      pressed: [...root.querySelectorAll('[data-encoding][aria-pressed="true"]')].map((b) => b.dataset.encoding),
      sliders: Object.fromEntries([...root.querySelectorAll('input[type=range]')].map((i) => [i.dataset.control, i.value])),
      perm: text('[data-key="permutation"]'),
      weights: text('[data-key="weights"]'),
      error: error && !error.hidden ? error.textContent : null,
      errorRole: error?.getAttribute('role'),
      errorBox: error && !error.hidden ? error.getBoundingClientRect().toJSON() : null,
      contentHidden: content?.hidden ?? true,
      katex: root.querySelectorAll('.katex').length,
      katexErrors: root.querySelectorAll('.katex-error').length,
      result: res && {
        d: res.d,
        m: res.m,
        n: res.n,
        pair: res.pair,
        qRotated: res.qRotated,
        score: res.scoreInterleaved,
        half: res.scoreHalf,
        perm: res.scoreHalfPermuted,
        decayLen: res.decay.length,
        decay256: res.decay[256],
        agree: res.conversion.agree,
        encoding: res.encoding,
      },
    };
  }, selector);
}

async function waitReady(page, selector = W) {
  await page.waitForFunction((sel) => {
    const el = document.querySelector(sel);
    const root = el?.shadowRoot;
    return !!el?.result && root.querySelector('.row[data-key="scoreInterleaved"] dd')?.textContent && root.querySelector('.u-over');
  }, selector);
}

/** Waits until the widget's result changes (compared by a key) and returns the new reading. */
async function waitResult(page, before, selector = W) {
  await page.waitForFunction(
    ([sel, old]) => {
      const r = document.querySelector(sel)?.result;
      return !!r && JSON.stringify([r.m, r.n, r.pair, r.d, r.encoding, r.scoreInterleaved]) !== old;
    },
    [selector, before],
  );
  return readWidget(page, selector);
}
const keyOf = (r) => JSON.stringify([r.result.m, r.result.n, r.result.pair, r.result.d, r.result.encoding, r.result.score]);

export const checks = [
  {
    name: 'the home page links to the RoPE page, which loads under the CSP and shows the widget',
    async run({ page, baseUrl }) {
      await page.addInitScript(() => {
        window.__csp = [];
        document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
      });
      const response = await page.goto(`${baseUrl}?lang=en`);
      assert(response?.ok(), `HTTP ${response?.status()}`);
      const toc = await page.evaluate(() => [...document.querySelectorAll('#toc-list a')].map((a) => a.getAttribute('href')));
      assert(toc.includes('./rope.html'), `toc ${JSON.stringify(toc)}`);
      await Promise.all([page.waitForURL(/rope\.html$/), page.click('#toc-list a[href="./rope.html"]')]);
      await waitReady(page);
      const info = await page.evaluate(() => ({
        title: document.title,
        current: document.querySelector('#topic-nav a[aria-current="page"]')?.getAttribute('href'),
        defined: !!customElements.get('mathlens-rope'),
        csp: window.__csp,
        h1: document.querySelector('h1')?.innerText,
      }));
      assert(info.defined, 'mathlens-rope is not defined');
      assert(info.current === './rope.html', `nav ${info.current}`);
      assert(/Rotary position embedding/.test(info.h1), `h1 ${info.h1}`);
      assert(info.csp.length === 0, `CSP violations: ${info.csp.join(', ')}`);
      const r = await readWidget(page);
      assert(r.result.d === 64 && r.result.m === 5 && r.result.n === 2, `defaults ${JSON.stringify(r.result)}`);
      assert(r.titles.length === 4, `panels ${r.titles}`);
      assert(r.katex >= 6 && r.katexErrors === 0, `katex ${r.katex} (${r.katexErrors} errors)`);
      assert(r.result.agree, 'converted weights do not agree');
      assert(r.result.decayLen === 257, `decay length ${r.result.decayLen}`);
      return `"${info.title}", ${r.katex} formulas`;
    },
  },
  {
    name: "the widget computes the spec's numbers: R_5 q, ⟨R_5 q, R_2 k⟩, f(256), the 2-D score",
    async run({ page }) {
      await page.evaluate(
        ([q, k]) => {
          const w = document.createElement('mathlens-rope');
          w.id = 'spec-widget';
          for (const [a, v] of Object.entries({ d: '8', positions: '5 2', q, k })) w.setAttribute(a, v);
          document.querySelector('#rope').append(w);
        },
        [Q, K],
      );
      await waitReady(page, '#spec-widget');
      const r = await readWidget(page, '#spec-widget');
      const exact = 0.016991833351582643;
      assert(Math.abs(r.result.score - exact) < 1e-16, `result score ${r.result.score}`);
      assert(showsValue(r.rows.scoreInterleaved.value, exact), `shown ${r.rows.scoreInterleaved.value}`);
      assert(Math.abs(r.result.qRotated[0] - 0.22015107347895035) < 2e-16 && Math.abs(r.result.qRotated[1] + 0.0391599903736686) < 2e-16, `R_5 q pair 0 ${r.result.qRotated}`);
      assert(showsValue(r.rows.scoreHalfPermuted.value, exact), `half after P ${r.rows.scoreHalfPermuted.value}`);
      assert(!showsValue(r.rows.scoreHalf.value, exact) && /differs/.test(r.rows.scoreHalf.tag), `half without P ${r.rows.scoreHalf.value} ${r.rows.scoreHalf.tag}`);
      assert(r.perm.includes('P = (0, 2, 4, 6, 1, 3, 5, 7)'), `permutation ${r.perm}`);
      // d = 128 decay: f(256) with |m − n| = 256.
      await page.evaluate(() => {
        const w = document.querySelector('#spec-widget');
        w.removeAttribute('q');
        w.removeAttribute('k');
        w.setAttribute('d', '128');
        w.setAttribute('positions', '256 0');
      });
      await page.waitForFunction(() => document.querySelector('#spec-widget').result?.d === 128);
      const r2 = await readWidget(page, '#spec-widget');
      assert(Math.abs(r2.result.decay256 - 6.543097323) < 1e-9, `f(256) = ${r2.result.decay256}`);
      assert(/f\(256\) = 6\.54310/.test(r2.decayAt), `decay readout ${r2.decayAt}`);
      // The 2-D example: q = v, k = w; move the map cursor to (Δx, Δy) = (3, −3) with the keyboard.
      await page.evaluate(
        ([v, w]) => {
          const el = document.querySelector('#spec-widget');
          el.setAttribute('d', '8');
          el.setAttribute('q', v);
          el.setAttribute('k', w);
          el.setAttribute('grid', '4');
        },
        [V, WV],
      );
      await page.waitForFunction(() => document.querySelector('#spec-widget').result?.d === 8);
      const map = page.locator('#spec-widget [data-map="scores"]');
      await map.focus();
      for (const key of ['ArrowDown', 'ArrowDown', 'ArrowLeft', 'ArrowLeft', 'ArrowLeft']) await page.keyboard.press(key); // from (1, 0)
      const cell = await page.evaluate(() => document.querySelector('#spec-widget').shadowRoot.querySelector('section[data-panel="scores"] p.line').textContent);
      const m = /Δx = 3, Δy = −3: (\S+)/.exec(cell);
      assert(m && showsValue(m[1], 0.017498921908046), `2-D cell ${cell}`);
      await page.locator('#spec-widget').screenshot({ path: 'test-output/e2e/rope-widget-spec.png' });
      await page.evaluate(() => document.querySelector('#spec-widget').remove());
      return `⟨R₅q, R₂k⟩ = ${r.rows.scoreInterleaved.value}, f(256) = ${r2.result.decay256.toFixed(10)}, ${cell}`;
    },
  },
  {
    name: 'full-page and widget screenshots (English)',
    async run({ page, shot }) {
      await page.evaluate(() => document.fonts.ready);
      await shot('rope-page-en', { fullPage: true });
      await page.locator(W).screenshot({ path: 'test-output/e2e/rope-widget-en.png' });
      return 'test-output/e2e/rope-page-en.png, rope-widget-en.png';
    },
  },
  {
    name: 'sliders (keyboard), the encoding toggle and the map react; one recomputation per frame',
    async run({ page }) {
      await page.evaluate((sel) => {
        window.__changes = 0;
        document.querySelector(sel).addEventListener('change', () => window.__changes++);
      }, W);
      const r0 = await readWidget(page);
      const m = page.locator(`${W} input[data-control="m"]`);
      await m.focus();
      await page.keyboard.press('ArrowRight');
      const r1 = await waitResult(page, keyOf(r0));
      assert(r1.result.m === 6 && r1.sliders.m === '6', `m after ArrowRight: ${r1.result.m}`);
      assert(r1.rows.scoreInterleaved.value !== r0.rows.scoreInterleaved.value, 'score did not change');
      assert(/\|m − n\| = 4/.test(r1.decayAt), `decay marker ${r1.decayAt}`);
      const pair = page.locator(`${W} input[data-control="pair"]`);
      await pair.focus();
      await page.keyboard.press('End'); // the slowest pair
      await page.waitForFunction((sel) => document.querySelector(sel).result?.pair === 31, W);
      const r2 = await readWidget(page);
      assert(r2.lines.some((l) => /θᵢ = 0\.000133352,/.test(l)), `θ_31 line ${r2.lines[0]}`);
      // toggle to the flattened encoding
      await page.locator(`${W} [data-encoding="flattened"]`).click();
      await page.waitForFunction((sel) => document.querySelector(sel).result?.encoding === 'flattened', W);
      const r3 = await readWidget(page);
      assert(r3.pressed.join() === 'flattened', `pressed ${r3.pressed}`);
      assert(r3.neighbours.some((l) => /different: \(1, 0\) is offset w = 16/.test(l)), `neighbours ${r3.neighbours}`);
      await page.locator(W).screenshot({ path: 'test-output/e2e/rope-widget-flattened.png' });
      await page.locator(`${W} [data-encoding="rope2d"]`).click();
      await page.waitForFunction((sel) => document.querySelector(sel).result?.encoding === 'rope2d', W);
      // pointer over the map moves the readout
      const box = await page.locator(`${W} [data-map="scores"]`).boundingBox();
      await page.mouse.move(box.x + 2, box.y + 2);
      const corner = await readWidget(page);
      assert(corner.neighbours.some((l) => /Δx = −12, Δy = −12/.test(l)), `corner readout ${corner.neighbours[0]}`);
      const changes = await page.evaluate(() => window.__changes);
      assert(changes === 4, `${changes} change events for 4 state changes`);
      return `m 5 → 6: ${r0.rows.scoreInterleaved.value} → ${r1.rows.scoreInterleaved.value}; ${r3.neighbours[1]}`;
    },
  },
  {
    name: 'Chinese: the page switch and lang="zh" give Chinese labels',
    async run({ page, shot }) {
      await page.click('[data-set-lang="zh"]');
      await page.waitForFunction((sel) => document.querySelector(sel).shadowRoot.querySelector('h3')?.textContent === '一对维度在旋转', W);
      const zh = await readWidget(page);
      assert(zh.titles.join('|') === '一对维度在旋转|远程衰减|二维注意力分数 qᵀR k|两种配对，同一个旋转', `titles ${zh.titles}`);
      assert(zh.rows.scoreHalf.label.includes('前后半配对'), `label ${zh.rows.scoreHalf.label}`);
      assert((await page.evaluate(() => document.documentElement.lang)) === 'zh-CN', 'html lang');
      await shot('rope-page-zh', { fullPage: true });
      await page.locator(W).screenshot({ path: 'test-output/e2e/rope-widget-zh.png' });
      await page.click('[data-set-lang="en"]');
      await page.waitForFunction((sel) => document.querySelector(sel).shadowRoot.querySelector('h3')?.textContent === 'One pair of dimensions rotates', W);
      // An explicit lang="zh" wins over the English page.
      await page.evaluate(() => {
        const w = document.createElement('mathlens-rope');
        w.id = 'zh-widget';
        w.setAttribute('lang', 'zh');
        w.setAttribute('d', '16');
        document.querySelector('#rope').append(w);
      });
      await waitReady(page, '#zh-widget');
      const own = await readWidget(page, '#zh-widget');
      assert(own.titles[0] === '一对维度在旋转', `lang="zh" widget ${own.titles[0]}`);
      assert(own.result.d === 16, 'd = 16');
      await page.evaluate(() => document.querySelector('#zh-widget').remove());
      return zh.titles.join(' / ');
    },
  },
  {
    name: 'invalid attributes show a visible error inside that widget; the other widget keeps working',
    async run({ page }) {
      const bad = {
        'bad-odd': { d: '7' },
        'bad-2d': { d: '6' },
        'bad-base': { base: '1' },
        'bad-text': { positions: 'a b', encoding: 'flat', grid: '0' },
        'bad-pair': { d: '8', pair: '9', lang: 'zh' },
        'bad-q': { d: '8', q: '1 2 3' },
      };
      await page.evaluate((cases) => {
        for (const [id, attrs] of Object.entries(cases)) {
          const w = document.createElement('mathlens-rope');
          w.id = id;
          for (const [k, v] of Object.entries(attrs)) w.setAttribute(k, v);
          document.querySelector('#rope').append(w);
        }
      }, bad);
      await Promise.all(
        Object.keys(bad).map((id) =>
          page.waitForFunction((s) => {
            const e = document.querySelector(s)?.shadowRoot?.querySelector('.error');
            return e && !e.hidden && e.textContent.length > 0;
          }, `#${id}`),
        ),
      );
      const got = {};
      for (const id of Object.keys(bad)) {
        const r = await readWidget(page, `#${id}`);
        assert(r.errorRole === 'alert' && r.contentHidden, `${id}: role ${r.errorRole}, content hidden ${r.contentHidden}`);
        assert(r.errorBox && r.errorBox.width > 100 && r.errorBox.height > 20, `${id}: box ${JSON.stringify(r.errorBox)}`);
        assert(r.result === null, `${id}: result should be null`);
        got[id] = r.error;
      }
      assert(got['bad-odd'].includes('rope.frequencies: dim must be an even integer from 2 to 1048576, got 7'), got['bad-odd']);
      assert(got['bad-2d'].includes('rope.scores2d: the head dimension must be a multiple of 4 for 2-D RoPE (two halves of even size), got 6'), got['bad-2d']);
      assert(got['bad-base'].includes('base must be a finite number greater than 1, got 1'), got['bad-base']);
      assert(got['bad-text'].includes('positions="a b"') && got['bad-text'].includes('“a” is not a number'), got['bad-text']);
      assert(got['bad-text'].includes('encoding="flat"') && got['bad-text'].includes('expected “rope2d” or “flattened”'), got['bad-text']);
      assert(got['bad-text'].includes('grid="0"') && got['bad-text'].includes('expected a whole number from 1 to 32'), got['bad-text']);
      assert(got['bad-pair'].includes('pair="9"') && got['bad-pair'].includes('应为 0 到 3'), got['bad-pair']);
      assert(got['bad-q'].includes('q="1 2 3"') && got['bad-q'].includes('expected d = 8 numbers, got 3'), got['bad-q']);
      await page.locator('#bad-text').screenshot({ path: 'test-output/e2e/rope-widget-error.png' });
      // The page's widget still works.
      const r0 = await readWidget(page);
      await page.locator(`${W} input[data-control="n"]`).focus();
      await page.keyboard.press('ArrowRight');
      await waitResult(page, keyOf(r0));
      // Fixing the attribute clears the error.
      await page.evaluate(() => document.querySelector('#bad-odd').setAttribute('d', '8'));
      await waitReady(page, '#bad-odd');
      const fixed = await readWidget(page, '#bad-odd');
      assert(fixed.error === null && fixed.result.d === 8, `after fix: ${fixed.error}`);
      await page.evaluate((ids) => ids.forEach((id) => document.getElementById(id).remove()), Object.keys(bad));
      return Object.values(got).map((e) => `"${e.slice(43, 120)}…"`).join(' | ');
    },
  },
  {
    name: "the page's live checks: weight conversion, the 4×4 family, reversibility, context scaling",
    async run({ page }) {
      await page.waitForFunction(() => document.querySelector('#conversion-out')?.textContent.includes('agree'));
      const conv = await page.locator('#conversion-out').innerText();
      assert(/converted weights with half pairing: largest relative difference .* — they agree/.test(conv), conv);
      assert(/unconverted: largest relative difference \d/.test(conv), conv);
      const fam0 = await page.locator('#family-out').innerText();
      assert(/max \|\[B₁, B₂\]\| = 0 \(they commute\)/.test(fam0), fam0);
      await page.fill('#fam-eps', '0.1');
      await page.waitForFunction(() => document.querySelector('#family-out').textContent.includes('do not commute'));
      const fam1 = await page.locator('#family-out').innerText();
      assert(/max \|\[B₁, B₂\]\| = 0\.100/.test(fam1), fam1);
      await page.fill('#fam-eps', '0');
      const rev = await page.locator('#reverse-out').innerText();
      assert(rev.includes('(150, -40): read back (150.00000, −40.000000)'), rev);
      assert(/out of range: the reading is aliased/.test(rev), rev);
      await page.selectOption('#scaling-preset', 'dynamic');
      await page.waitForFunction(() => document.querySelector('#scaling-warnings').textContent.includes('dynamic NTK scales the base'));
      const warn = await page.locator('#scaling-warnings').innerText();
      assert(warn.includes('57× the original'), warn);
      await page.selectOption('#scaling-preset', 'yarn');
      await page.waitForFunction(() => document.querySelector('#scaling-out').textContent.includes('beyond their trained angles: 0 of 64'));
      const rows = await page.locator('#scaling-table tr').count();
      assert(rows === 13, `${rows} table rows`);
      return `${conv.split('\n')[1]} | ${fam1.slice(0, 60)}…`;
    },
  },
  {
    name: 'at 360 px the panels stack without horizontal overflow',
    async run({ page, shot }) {
      await page.setViewportSize({ width: 360, height: 780 });
      await page.waitForTimeout(300);
      const info = await page.evaluate((sel) => {
        const el = document.querySelector(sel);
        const root = el.shadowRoot;
        const panels = [...root.querySelectorAll('section.card')].map((s) => s.getBoundingClientRect().toJSON());
        return {
          scroll: document.documentElement.scrollWidth,
          host: el.getBoundingClientRect().toJSON(),
          panels,
          chart: root.querySelector('.u-wrap')?.getBoundingClientRect().toJSON(),
        };
      }, W);
      await shot('rope-page-360', { fullPage: true });
      await page.locator(W).screenshot({ path: 'test-output/e2e/rope-widget-360.png' });
      await page.setViewportSize({ width: 1280, height: 900 });
      assert(info.scroll <= 360, `page is ${info.scroll} px wide`);
      assert(info.host.right <= 360, `widget right edge ${info.host.right}`);
      for (let i = 1; i < info.panels.length; i++) assert(info.panels[i].top >= info.panels[i - 1].bottom - 1, `panel ${i} not below ${i - 1}`);
      assert(info.panels.every((p) => p.right <= 360), 'a panel overflows');
      assert(info.chart && info.chart.right <= 360, `chart ${JSON.stringify(info.chart)}`);
      return `widget ${Math.round(info.host.width)} px, ${info.panels.length} stacked panels`;
    },
  },
  {
    name: 'removing the widget cleans up (no errors, observers gone); presets set attributes',
    async run({ page }) {
      await page.click('[data-preset="worked"]');
      await page.waitForFunction((sel) => document.querySelector(sel).result?.d === 8, W);
      const note = await page.locator('#preset-note').innerText();
      assert(note.includes('0.0169918'), `preset note ${note}`);
      await page.click('[data-preset="llama"]');
      await page.waitForFunction((sel) => document.querySelector(sel).result?.d === 128, W);
      const result = await page.evaluate(async (sel) => {
        const el = document.querySelector(sel);
        const parent = el.parentNode;
        const next = el.nextSibling;
        el.remove();
        await new Promise((r) => setTimeout(r, 100));
        el.setAttribute('positions', '9 1'); // no render while detached
        parent.insertBefore(el, next);
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        return el.result?.m;
      }, W);
      assert(result === 9, `after re-insertion m = ${result}`);
      return 'removed and re-inserted';
    },
  },
];
