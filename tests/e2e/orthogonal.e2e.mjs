// E2E checks of the demo page for post 3 and <mathlens-orthogonal> (run by tests/e2e/run.mjs).
// Reference numbers: spec/MATH.md §3 (d) — the widget's default attributes are the 3-D example
// a = (1,2,2)/3, b = (2,−1,2)/3, whose minimal rotation is (1/117)·[[88,77,−4],[−53,56,−88],[−56,68,77]].
import { assert } from './lib/check.mjs';

const W = '#orthogonal-widget';
const ROT = [[88, 77, -4], [-53, 56, -88], [-56, 68, 77]].map((r) => r.map((x) => x / 117));
const HH = [[0.8, 0.6, 0], [0.6, -0.8, 0], [0, 0, 1]];
const SIMPLE = [[-4, 3, 12], [3, -12, 4], [12, 4, 3]].map((r) => r.map((x) => x / 13));

/** Everything visible in a widget's shadow root. */
function readWidget(page, selector = W) {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel);
    const root = el?.shadowRoot;
    if (!root) return null;
    const rows = {};
    for (const r of root.querySelectorAll('.row[data-key]'))
      rows[r.dataset.key] = { label: r.querySelector('dt')?.textContent ?? '', value: r.querySelector('.value')?.textContent ?? '', note: r.querySelector('.note')?.textContent ?? '' };
    const cells = [...root.querySelectorAll('.matrix [role="cell"]')].map((c) => c.textContent);
    const error = root.querySelector('.error');
    const content = root.querySelector('.content');
    const checked = [...root.querySelectorAll('input:checked')].map((i) => i.dataset.choice);
    return {
      rows,
      cells,
      checked,
      warnings: [...root.querySelectorAll('.warnings li')].map((li) => li.textContent),
      readouts: [...root.querySelectorAll('.readout')].map((x) => x.textContent),
      labels: [...root.querySelectorAll('.choice span')].map((x) => x.textContent),
      hint: root.querySelector('.hint')?.textContent ?? '',
      error: error && !error.hidden ? error.textContent : null,
      errorRole: error?.getAttribute('role'),
      errorBox: error && !error.hidden ? error.getBoundingClientRect().toJSON() : null,
      contentHidden: content?.hidden ?? true,
      report: el.report ? { det: el.report.determinant, orth: el.report.orthogonalityError, res: el.report.residual, dim: el.report.dim } : null,
    };
  }, selector);
}

const parseCell = (t) => Number(t.replace(/\u2212/g, '-'));

/** Whether the displayed 6-decimal cells show the matrix `want`. */
function showsMatrix(cells, want) {
  const flat = want.flat();
  return cells.length === flat.length && cells.every((c, k) => Math.abs(parseCell(c) - flat[k]) <= 0.5e-6 + 1e-12);
}

async function waitReady(page, selector = W) {
  await page.waitForFunction((sel) => {
    const root = document.querySelector(sel)?.shadowRoot;
    return (root?.querySelectorAll('.matrix [role="cell"]').length ?? 0) > 0 && root.querySelector('.row[data-key="det"] .value')?.textContent !== '—';
  }, selector);
}

async function waitCells(page, before, selector = W) {
  await page.waitForFunction(
    ([sel, old]) => {
      const cells = [...(document.querySelector(sel)?.shadowRoot?.querySelectorAll('.matrix [role="cell"]') ?? [])].map((c) => c.textContent);
      return cells.length > 0 && cells.join('|') !== old;
    },
    [selector, before.join('|')],
  );
  return readWidget(page, selector);
}

const center = (b) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 });

/** The checks the widget shows must be at round-off level, and det must be the expected sign. */
function checksOk(r, det) {
  const small = (t) => {
    const m = /^([\d.]+)(?: × 10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+))?$/.exec(t.trim());
    if (!m) return t.trim() === '0';
    const sup = { '⁰': '0', '¹': '1', '²': '2', '³': '3', '⁴': '4', '⁵': '5', '⁶': '6', '⁷': '7', '⁸': '8', '⁹': '9', '⁻': '-' };
    const e = m[2] ? Number([...m[2]].map((c) => sup[c]).join('')) : 0;
    return Number(m[1]) * 10 ** e < 1e-14;
  };
  return small(r.rows.orth.value) && small(r.rows.residual.value) && Math.abs(parseCell(r.rows.det.value) - det) < 1e-10;
}

export const checks = [
  {
    name: 'the page is listed, loads under the CSP, and computes the post’s 5-D check',
    async run({ page, baseUrl }) {
      await page.addInitScript(() => {
        window.__csp = [];
        document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
      });
      const response = await page.goto(`${baseUrl}?lang=en`);
      assert(response?.ok(), `HTTP ${response?.status()}`);
      const toc = await page.evaluate(() => [...document.querySelectorAll('#toc-list a')].map((a) => a.getAttribute('href')));
      assert(toc.includes('./orthogonal.html'), `toc ${JSON.stringify(toc)}`);
      await Promise.all([page.waitForURL(/orthogonal\.html/), page.click('#toc-list a[href="./orthogonal.html"]')]);
      await waitReady(page);
      const info = await page.evaluate(() => ({
        title: document.title,
        current: document.querySelector('#topic-nav a[aria-current="page"]')?.getAttribute('href'),
        defined: !!customElements.get('mathlens-orthogonal'),
        csp: window.__csp,
        ratios: [...document.querySelectorAll('#post-ratio td')].map((td) => td.textContent),
        summary: document.getElementById('post-summary')?.textContent ?? '',
      }));
      assert(/orthogonal matrix/i.test(info.title), `title ${info.title}`);
      assert(info.current === './orthogonal.html', `nav ${info.current}`);
      assert(info.defined, 'mathlens-orthogonal is not defined');
      assert(info.csp.length === 0, `CSP violations: ${info.csp.join(', ')}`);
      // T_S a = (‖a‖/‖b‖) b, ‖a‖/‖b‖ = √(55/255) = 0.464420364013 (the post's numpy check).
      assert(info.ratios.length === 5 && info.ratios.every((t) => t === '0.464420364013'), `ratios ${info.ratios}`);
      assert(/√\(55\/255\) = 0\.464420364012824/.test(info.summary), `summary ${info.summary}`);
      return `${info.ratios.join(', ')}; ${info.summary}`;
    },
  },
  {
    name: 'default attributes show the exact 3-D rotation of spec §3 and its checks; the other constructions',
    async run({ page }) {
      const r = await readWidget(page);
      assert(r.error === null, `error ${r.error}`);
      assert(showsMatrix(r.cells, ROT), `rotation cells ${r.cells}`);
      assert(r.cells[0] === '0.752137', `T11 ${r.cells[0]}`);
      assert(checksOk(r, 1), `checks ${JSON.stringify(r.rows)}`);
      assert(/expected \+1/.test(r.rows.det.note), `det note ${r.rows.det.note}`);
      assert(r.rows.angle.value.startsWith('63.6122'), `angle ${r.rows.angle.value}`); // acos(4/9)
      assert(r.report && r.report.dim === 3 && Math.abs(r.report.det - 1) < 1e-14, `report property ${JSON.stringify(r.report)}`);
      assert(r.checked.includes('construction-rotation') && r.checked.includes('dimension-3'), `checked ${r.checked}`);
      assert(r.readouts[0] === '(0.333, 0.667, 0.667)', `readout a ${r.readouts[0]}`);

      await page.locator(`${W} [data-choice="construction-householder"]`).check();
      const h = await waitCells(page, r.cells);
      assert(showsMatrix(h.cells, HH), `householder cells ${h.cells}`);
      assert(checksOk(h, -1) && /expected −1/.test(h.rows.det.note), `householder checks ${JSON.stringify(h.rows)}`);

      await page.locator(`${W} [data-choice="construction-simplest"]`).check();
      const s = await waitCells(page, h.cells);
      assert(showsMatrix(s.cells, SIMPLE), `simplest cells ${s.cells}`);
      assert(checksOk(s, 1), `simplest checks ${JSON.stringify(s.rows)}`); // det +1: d odd
      const attr = await page.evaluate((sel) => document.querySelector(sel).construction, W);
      assert(attr === 'simplest', `construction property ${attr}`);

      await page.locator(`${W} [data-choice="construction-rotation"]`).check();
      await waitCells(page, s.cells);
      return `T_rot row 1: ${r.cells.slice(0, 3).join(' ')}; T_H row 1: ${h.cells.slice(0, 3).join(' ')}; T_S row 1: ${s.cells.slice(0, 3).join(' ')}`;
    },
  },
  {
    name: 'screenshots (page and widget, English)',
    async run({ page, shot }) {
      await page.evaluate(() => document.fonts.ready);
      await shot('orthogonal-page-en', { fullPage: true });
      await page.locator(W).screenshot({ path: 'test-output/e2e/orthogonal-widget-en.png' });
      const info = await page.evaluate((sel) => {
        const root = document.querySelector(sel).shadowRoot;
        const katex = [...root.querySelectorAll('.katex')];
        return { katex: katex.length, errors: root.querySelectorAll('.katex-error').length, plane: root.querySelector('.plane')?.getAttribute('d')?.length ?? 0 };
      }, W);
      assert(info.katex >= 3 && info.errors === 0, `katex ${JSON.stringify(info)}`);
      assert(info.plane > 100, 'the rotation plane is not drawn');
      return 'test-output/e2e/orthogonal-page-en.png, orthogonal-widget-en.png';
    },
  },
  {
    name: 'dragging b, the keyboard, and turning the 3-D view',
    async run({ page }) {
      await page.evaluate((sel) => {
        window.__changes = 0;
        document.querySelector(sel).addEventListener('change', () => window.__changes++);
      }, W);
      const before = await readWidget(page);
      const handle = page.locator(`${W} [data-handle="b"]`);
      await handle.scrollIntoViewIfNeeded();
      const p = center(await handle.boundingBox());
      await page.mouse.move(p.x, p.y);
      await page.mouse.down();
      await page.mouse.move(p.x - 40, p.y + 25, { steps: 8 });
      await page.mouse.up();
      const dragged = await waitCells(page, before.cells);
      assert(dragged.readouts[1] !== before.readouts[1], 'b did not move');
      assert(checksOk(dragged, 1), `after the drag: ${JSON.stringify(dragged.rows)}`);
      const changes = await page.evaluate(() => window.__changes);
      assert(changes >= 2, `${changes} change events`);

      // Keyboard: arrows on the focused tip of a.
      await page.locator(`${W} [data-handle="a"]`).focus();
      const label = await page.locator(`${W} [data-handle="a"]`).getAttribute('aria-label');
      assert(label === 'Direction of a', `aria-label ${label}`);
      await page.keyboard.press('ArrowRight');
      const k1 = await waitCells(page, dragged.cells);
      await page.keyboard.press('Shift+ArrowUp');
      const k2 = await waitCells(page, k1.cells);
      assert(k2.readouts[0] !== dragged.readouts[0], 'a did not move with the keyboard');
      const vt = await page.locator(`${W} [data-handle="a"]`).getAttribute('aria-valuetext');
      assert(/azimuth .*elevation/.test(vt ?? ''), `aria-valuetext ${vt}`);

      // Turning the view moves the drawing, not the numbers.
      const arrowA = () => page.evaluate((sel) => document.querySelector(sel).shadowRoot.querySelector('.vec-a line').getAttribute('x2'), W);
      const x0 = await arrowA();
      const box = await page.locator(`${W} svg.plot`).boundingBox();
      await page.mouse.move(box.x + 20, box.y + box.height - 20);
      await page.mouse.down();
      await page.mouse.move(box.x + 120, box.y + box.height - 40, { steps: 6 });
      await page.mouse.up();
      await page.waitForFunction(([sel, old]) => document.querySelector(sel).shadowRoot.querySelector('.vec-a line').getAttribute('x2') !== old, [W, x0]);
      const afterView = await readWidget(page);
      assert(afterView.cells.join('|') === k2.cells.join('|'), 'turning the view changed T');
      // and with the keyboard on the plot
      await page.locator(`${W} svg.plot`).focus();
      const x1 = await arrowA();
      await page.keyboard.press('ArrowLeft');
      await page.waitForFunction(([sel, old]) => document.querySelector(sel).shadowRoot.querySelector('.vec-a line').getAttribute('x2') !== old, [W, x1]);
      await page.locator(W).screenshot({ path: 'test-output/e2e/orthogonal-widget-dragged.png' });
      return `b ${before.readouts[1]} → ${dragged.readouts[1]}; a → ${k2.readouts[0]}; ${changes} change events`;
    },
  },
  {
    name: 'b = −a and b = a: the documented choices, with notes; 2-D mode',
    async run({ page }) {
      await page.click('[data-preset="minus"]');
      await page.waitForFunction((sel) => document.querySelector(sel).shadowRoot.querySelectorAll('.warnings li').length > 0, W);
      const m = await readWidget(page);
      assert(showsMatrix(m.cells, [[-1, 0, 0], [0, 0, -1], [0, -1, 0]]), `b = −a cells ${m.cells}`);
      assert(checksOk(m, 1), `b = −a checks ${JSON.stringify(m.rows)}`);
      assert(/x-axis/.test(m.warnings[0]), `note ${m.warnings}`);
      assert((await page.locator('#preset-note').innerText()).includes('[[−1, 0, 0]'), 'preset note');

      await page.click('[data-preset="same"]');
      await page.waitForFunction((sel) => document.querySelector(sel).construction === 'householder', W);
      const s = await waitCells(page, m.cells);
      assert(checksOk(s, -1), `b = a householder ${JSON.stringify(s.rows)}`);
      assert(/any mirror containing a/.test(s.warnings[0] ?? ''), `note ${s.warnings}`);
      await page.locator(W).screenshot({ path: 'test-output/e2e/orthogonal-widget-b-equals-a.png' });

      await page.click('[data-preset="near"]');
      await page.waitForFunction((sel) => /within/.test(document.querySelector(sel).shadowRoot.querySelector('.warnings li')?.textContent ?? ''), W);
      const n = await readWidget(page);
      assert(checksOk(n, 1), `near −a: ${JSON.stringify(n.rows)}`);

      // 2-D: the widget's own switch; then the 2-D preset's exact numbers.
      await page.locator(`${W} [data-choice="dimension-2"]`).check();
      await page.waitForFunction((sel) => document.querySelector(sel).shadowRoot.querySelectorAll('.matrix [role="cell"]').length === 4, W);
      await page.click('[data-preset="plane"]');
      await page.waitForFunction((sel) => document.querySelector(sel).shadowRoot.querySelector('.matrix [role="cell"]')?.textContent === '0.600000', W);
      const p = await readWidget(page);
      assert(showsMatrix(p.cells, [[0.6, -0.8], [0.8, 0.6]]), `2-D rotation ${p.cells}`);
      assert(/Drag the tip of a or b/.test(p.hint), `hint ${p.hint}`);
      await page.locator(`${W} [data-choice="construction-householder"]`).check();
      const ph = await waitCells(page, p.cells);
      assert(showsMatrix(ph.cells, [[0.6, 0.8], [0.8, -0.6]]), `2-D householder ${ph.cells}`);
      await page.locator(W).screenshot({ path: 'test-output/e2e/orthogonal-widget-2d.png' });
      // Drag in 2-D: b follows the pointer's angle.
      const hb = center(await page.locator(`${W} [data-handle="b"]`).boundingBox());
      await page.mouse.move(hb.x, hb.y);
      await page.mouse.down();
      await page.mouse.move(hb.x - 60, hb.y + 10, { steps: 5 });
      await page.mouse.up();
      const pd = await waitCells(page, ph.cells);
      assert(checksOk(pd, -1), `2-D drag ${JSON.stringify(pd.rows)}`);
      await page.click('[data-preset="worked"]');
      await page.waitForFunction((sel) => document.querySelector(sel).shadowRoot.querySelector('.matrix [role="cell"]')?.textContent === '0.752137', W);
      return `b=−a: ${m.cells.join(' ')}; 2-D householder: ${ph.cells.join(' ')}`;
    },
  },
  {
    name: 'Chinese: page switch and lang="zh"',
    async run({ page, shot }) {
      await page.click('[data-set-lang="zh"]');
      await page.waitForFunction((sel) => document.querySelector(sel).shadowRoot.querySelector('.row[data-key="det"] dt')?.textContent === '行列式 det T', W);
      const zh = await readWidget(page);
      assert(zh.labels.includes('最小旋转') && zh.labels.includes('Householder 反射'), `labels ${zh.labels}`);
      assert(zh.rows.orth.label.includes('正交性误差'), `label ${zh.rows.orth.label}`);
      assert(/应为 \+1/.test(zh.rows.det.note), `note ${zh.rows.det.note}`);
      await shot('orthogonal-page-zh', { fullPage: true });
      await page.locator(W).screenshot({ path: 'test-output/e2e/orthogonal-widget-zh.png' });
      await page.click('[data-set-lang="en"]');
      await page.waitForFunction((sel) => document.querySelector(sel).shadowRoot.querySelector('.row[data-key="det"] dt')?.textContent === 'Determinant det T', W);
      await page.evaluate(() => {
        const w = document.createElement('mathlens-orthogonal');
        w.id = 'zh-widget';
        w.setAttribute('lang', 'zh');
        w.setAttribute('a', '1 0');
        w.setAttribute('b', '0.6 0.8');
        w.setAttribute('construction', 'simplest');
        document.querySelector('#orthogonal').append(w);
      });
      await waitReady(page, '#zh-widget');
      const own = await readWidget(page, '#zh-widget');
      assert(own.rows.det.label === '行列式 det T', `lang="zh" label ${own.rows.det.label}`);
      assert(showsMatrix(own.cells, [[0.6, 0.8], [0.8, -0.6]]), `lang="zh" cells ${own.cells}`);
      const aria = await page.locator('#zh-widget [data-handle="b"]').getAttribute('aria-label');
      assert(aria === 'b 的方向', `aria-label ${aria}`);
      await page.evaluate(() => document.querySelector('#zh-widget').remove());
      return `${zh.labels.join(' / ')}`;
    },
  },
  {
    name: 'invalid attributes show a visible error in that widget only; fixing clears it',
    async run({ page }) {
      await page.evaluate(() => {
        const add = (id, attrs) => {
          const w = document.createElement('mathlens-orthogonal');
          w.id = id;
          for (const [k, v] of Object.entries(attrs)) w.setAttribute(k, v);
          document.querySelector('#orthogonal').append(w);
        };
        add('bad-zero', { a: '0 0 0' });
        add('bad-text', { b: '1 two 3', construction: 'rotate', a: '1 2 3 4' });
        add('bad-dims', { a: '1 2', b: '1 2 3', lang: 'zh' });
      });
      const wait = (sel) =>
        page.waitForFunction((s) => {
          const e = document.querySelector(s)?.shadowRoot?.querySelector('.error');
          return e && !e.hidden && e.textContent.length > 0;
        }, sel);
      await Promise.all(['#bad-zero', '#bad-text', '#bad-dims'].map(wait));
      const zero = await readWidget(page, '#bad-zero');
      const text = await readWidget(page, '#bad-text');
      const dims = await readWidget(page, '#bad-dims');
      for (const [name, r] of Object.entries({ zero, text, dims })) {
        assert(r.errorRole === 'alert', `${name}: role ${r.errorRole}`);
        assert(r.errorBox && r.errorBox.width > 100 && r.errorBox.height > 20, `${name}: box ${JSON.stringify(r.errorBox)}`);
        assert(r.contentHidden, `${name}: content shown`);
      }
      assert(zero.error.includes('orthogonal.report: a is the zero vector'), `zero: ${zero.error}`);
      assert(text.error.includes('b="1 two 3"') && text.error.includes('“two” is not a number'), `text b: ${text.error}`);
      assert(text.error.includes('construction="rotate"') && text.error.includes('expected rotation, householder or simplest'), `text construction: ${text.error}`);
      assert(text.error.includes('a="1 2 3 4"') && text.error.includes('expected 2 or 3 numbers'), `text a: ${text.error}`);
      assert(dims.error.includes('a and b have different lengths (2 and 3)') && dims.error.includes('无法'), `dims: ${dims.error}`);
      await page.locator('#bad-text').screenshot({ path: 'test-output/e2e/orthogonal-widget-error.png' });
      // The main widget still works.
      const r0 = await readWidget(page);
      await page.locator(`${W} [data-handle="b"]`).focus();
      await page.keyboard.press('ArrowDown');
      await waitCells(page, r0.cells);
      // Fixing the attribute clears the error.
      await page.evaluate(() => document.querySelector('#bad-zero').setAttribute('a', '1 2 2'));
      await waitReady(page, '#bad-zero');
      const fixed = await readWidget(page, '#bad-zero');
      assert(fixed.error === null && showsMatrix(fixed.cells, ROT), `after fix: ${fixed.error} ${fixed.cells}`);
      await page.evaluate(() => ['#bad-zero', '#bad-text', '#bad-dims'].forEach((s) => document.querySelector(s).remove()));
      return `"${text.error.slice(0, 120)}…"`;
    },
  },
  {
    name: 'd = 10⁶ apply on the page; 360 px layout; removal cleans up',
    async run({ page, shot }) {
      await page.click('#million');
      await page.waitForFunction(() => /d = 1,000,000/.test(document.getElementById('million-result')?.textContent ?? ''), null, { timeout: 20000 });
      const out = await page.locator('#million-result').innerText();
      // The input is random: rounding may cancel exactly, and the page then prints 0.
      const m = /\| = ([\d.]+(?:e[+−-]?\d+)?); ‖T â − b̂‖ = ([\d.]+(?:e[+−-]?\d+)?)/.exec(out);
      const num = (s) => Number(s.replace('−', '-'));
      assert(m && num(m[1]) < 1e-12 && num(m[2]) < 1e-12, `million: ${out}`);

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
      await shot('orthogonal-page-360', { fullPage: true });
      await page.locator(W).screenshot({ path: 'test-output/e2e/orthogonal-widget-360.png' });
      await page.setViewportSize({ width: 1280, height: 900 });
      assert(info.scroll <= 360, `page is ${info.scroll} px wide`);
      assert(info.host.right <= 360, `widget right edge ${info.host.right}`);
      assert(info.panel.top >= info.plot.bottom - 1, 'panel not below the plot');
      assert(info.plot.width > 250, `plot width ${info.plot.width}`);

      const counts = await page.evaluate(async () => {
        const c = { add: 0, remove: 0, observe: 0, disconnect: 0 };
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
        const w = document.createElement('mathlens-orthogonal');
        document.body.append(w);
        await new Promise((r) => w.addEventListener('change', r, { once: true }));
        w.remove();
        await new Promise((r) => setTimeout(r, 200));
        MO.observe = obs;
        MO.disconnect = disc;
        targets.forEach((t, i) => ([t.addEventListener, t.removeEventListener] = saved[i]));
        return c;
      });
      assert(counts.observe === counts.disconnect && counts.add === counts.remove, `not cleaned up: ${JSON.stringify(counts)}`);
      return `${out}; widget ${Math.round(info.host.width)} px at 360`;
    },
  },
];
