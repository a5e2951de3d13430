// E2E checks of the matexp page and <mathlens-matexp> (run by tests/e2e/run.mjs).
// Reference numbers: spec/MATH.md §7 (d) and §8 (d).
import { assert, parseDisplayed } from './lib/check.mjs';

const EX = '#expm-widget';
const RK = '#rank-widget';

/** Parses a displayed number ("1.60283", "−0.5", "1.2 × 10⁻⁵") and the size of its last digit. */
/** Whether `text` is `exact` rounded to the displayed digits. */
function shows(text, exact) {
  const d = parseDisplayed(text);
  return !!d && Math.abs(d.value - exact) <= 0.5 * d.ulp * (1 + 1e-9);
}

/** Everything visible in a matexp widget. */
function read(page, sel) {
  return page.evaluate((s) => {
    const el = document.querySelector(s);
    const root = el?.shadowRoot;
    if (!root) return null;
    const vis = (x) => !!x && !x.closest('[hidden]');
    const error = root.querySelector('.error:not(.inline)');
    const inline = [...root.querySelectorAll('.error.inline')].filter((e) => !e.hidden).map((e) => e.textContent);
    const rows = {};
    for (const r of root.querySelectorAll('.row[data-key]')) rows[r.dataset.key] = { label: r.querySelector('dt')?.textContent ?? '', value: r.querySelector('.value')?.textContent ?? '' };
    return {
      cells: [...root.querySelectorAll('.editor input')].map((i) => i.value),
      exp: [...root.querySelectorAll('.grid.result:not(.e-grid):not(.i-grid) output')].map((o) => o.textContent),
      e: [...root.querySelectorAll('.e-grid output')].map((o) => o.textContent),
      inv: [...root.querySelectorAll('.i-grid output')].map((o) => o.textContent),
      how: root.querySelector('.how')?.textContent ?? '',
      det: root.querySelector('[data-key="det"].v')?.textContent ?? '',
      exptr: root.querySelector('[data-key="exptr"]')?.textContent ?? '',
      logs: root.querySelector('.logs')?.textContent ?? '',
      rows,
      check: root.querySelector('.check')?.textContent ?? '',
      planePoints: [...root.querySelectorAll('svg.plane')].map((p) => p.querySelectorAll('circle.ev').length),
      title: root.querySelector('h3:not([hidden])')?.textContent ?? '',
      titles: [...root.querySelectorAll('section:not([hidden]) h3')].map((h) => h.textContent),
      presets: [...root.querySelectorAll('[data-preset]')].map((b) => b.textContent),
      error: error && !error.hidden ? error.textContent : null,
      errorRole: error?.getAttribute('role'),
      errorBox: error && !error.hidden ? error.getBoundingClientRect().toJSON() : null,
      inline,
      contentHidden: root.querySelector('.content')?.hidden ?? true,
      editorVisible: vis(root.querySelector('.editor')),
      katexErrors: root.querySelectorAll('.katex-error').length,
      katex: root.querySelectorAll('.katex').length,
    };
  }, sel);
}

/**
 * Waits until predicate(shadowRoot, arg) holds for the widget `sel`. The page function is built here in
 * Node and handed to Playwright as a function (run through the DevTools protocol): a string would be
 * eval'd by the page, which its CSP forbids.
 */
async function waitFor(page, sel, predicate, arg) {
  const fn = new Function(
    'p',
    `const root = document.querySelector(p.sel)?.shadowRoot; if (!root) return false; return (${predicate.toString()})(root, p.arg);`,
  );
  await page.waitForFunction(fn, { sel, arg: arg ?? null });
}

const expShown = (root) => {
  const o = root.querySelector('.grid.result output');
  return !!o && o.textContent !== '—';
};

export const checks = [
  {
    name: 'the home page links to the matexp page, which loads both widgets under the CSP',
    async run({ page, baseUrl }) {
      await page.addInitScript(() => {
        window.__csp = [];
        document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
      });
      await page.goto(`${baseUrl}?lang=en`);
      const toc = await page.evaluate(() => [...document.querySelectorAll('#toc-list a')].map((a) => [a.getAttribute('href'), a.textContent]));
      const entry = toc.find(([href]) => href === './matexp.html');
      assert(entry, `toc ${JSON.stringify(toc)}`);
      assert(/det\(exp A\) = exp\(tr A\)/.test(entry[1]) && /always-invertible/.test(entry[1]), `toc entry names both posts: ${entry[1]}`);
      await Promise.all([page.waitForURL(/matexp\.html$/), page.click('#toc-list a[href="./matexp.html"]')]);
      await waitFor(page, EX, expShown);
      await waitFor(page, RK, (root) => root.querySelector('.row[data-key="s"] .value')?.textContent !== '—');
      const info = await page.evaluate(() => ({
        current: document.querySelector('#topic-nav a[aria-current="page"]')?.getAttribute('href'),
        sections: [...document.querySelectorAll('main > section[id]')].map((s) => s.id),
        defined: !!customElements.get('mathlens-matexp'),
        csp: window.__csp,
        sources: [...document.querySelectorAll('.source a')].map((a) => a.getAttribute('href')),
      }));
      assert(info.current === './matexp.html', `nav ${info.current}`);
      assert(['det-exp', 'invertible', 'large'].every((s) => info.sections.includes(s)), `sections ${info.sections}`);
      assert(info.sources.includes('https://kexue.fm/archives/6377') && info.sources.includes('https://kexue.fm/archives/6407'), `sources ${info.sources}`);
      assert(info.defined, 'mathlens-matexp not defined');
      assert(info.csp.length === 0, `CSP violations ${info.csp}`);
      const prose = await page.evaluate(() => document.querySelectorAll('main .katex-error').length);
      assert(prose === 0, `${prose} KaTeX errors in the prose`);
      return `sections ${info.sections.join(', ')}`;
    },
  },
  {
    name: 'expm panel: exp(0.5 J), the presets give the spec numbers, det(exp A) next to exp(tr A)',
    async run({ page, shot }) {
      let r = await read(page, EX);
      assert(r.titles.length === 1 && /matrix exponential/.test(r.titles[0]), `panel="expm" shows only one panel: ${r.titles}`);
      // MATH.md §8d: expm(0.5J) = [[0.8775825618903728, −0.479425538604203], [0.479425538604203, 0.8775825618903728]].
      const want = [0.8775825618903728, -0.479425538604203, 0.479425538604203, 0.8775825618903728];
      assert(want.every((w, k) => shows(r.exp[k], w)), `exp(0.5J) shows ${r.exp}`);
      assert(shows(r.det, 1) && shows(r.exptr, 1), `det ${r.det} exptr ${r.exptr}`);
      assert(r.planePoints.every((n) => n === 2), `eigenvalue points ${r.planePoints}`);
      assert(r.katexErrors === 0 && r.katex >= 4, `katex ${r.katex} errors ${r.katexErrors}`);
      await page.locator(EX).screenshot({ path: 'test-output/e2e/matexp-expm-en.png' });

      // [[1, 2], [3, 4]]: expm and det = e^5.
      await page.locator(`${EX} [data-preset="spec"]`).click();
      await waitFor(page, EX, (root) => root.querySelector('.grid.result output')?.textContent?.startsWith('51.9'));
      r = await read(page, EX);
      const spec = [51.96895619870499, 74.73656456700321, 112.10484685050481, 164.07380304920983];
      assert(spec.every((w, k) => shows(r.exp[k], w)), `expm([[1,2],[3,4]]) shows ${r.exp}`);
      assert(shows(r.det, 148.4131591025766) && shows(r.exptr, 148.4131591025766), `det ${r.det} = exptr ${r.exptr}`);
      assert(/Padé degree 13, 1 squarings/.test(r.how), `how: ${r.how}`);
      assert(/relative difference/.test(r.logs), r.logs);

      // Jordan block: e·[[1, 1], [0, 1]]; the classic example goes through the Schur route.
      await page.locator(`${EX} [data-preset="jordan"]`).click();
      await waitFor(page, EX, (root) => root.querySelector('.grid.result output')?.textContent === '2.71828');
      r = await read(page, EX);
      assert(shows(r.det, 7.38905609893065), `Jordan det ${r.det}`);
      await page.locator(`${EX} [data-preset="classic"]`).click();
      await waitFor(page, EX, (root) => /Schur/.test(root.querySelector('.how')?.textContent ?? ''));
      r = await read(page, EX);
      // exp([[−49, 24], [−64, 31]]) = [[−0.735759, 0.551819], [−1.471518, 1.103638]] (Moler & Van Loan).
      const classic = [-0.7357587581447531, 0.5518190996580977, -1.4715175990882605, 1.1036382407155725];
      assert(classic.every((w, k) => shows(r.exp[k], w)), `classic ${r.exp}`);
      assert(shows(r.det, Math.exp(-18)), `classic det ${r.det}`);

      // 3 × 3: the spec's B, det exp(B) = e^−1.5.
      await page.locator(`${EX} button:has-text("3 × 3")`).click();
      await page.locator(`${EX} [data-preset="spec"]`).click();
      await waitFor(page, EX, (root) => root.querySelectorAll('.editor input').length === 9 && root.querySelector('[data-key="det"].v')?.textContent?.startsWith('0.2231'));
      r = await read(page, EX);
      assert(shows(r.det, 0.22313016014842982), `det exp(B) ${r.det}`);
      assert(r.planePoints.every((n) => n === 3), `3 eigenvalues each: ${r.planePoints}`);
      await shot('matexp-expm-3x3-page');
      return `exp([[1,2],[3,4]])₀₀ = ${spec[0]}, det exp(B) = ${r.det}`;
    },
  },
  {
    name: 'editing a cell with the keyboard recomputes; invalid text is marked and ignored',
    async run({ page }) {
      await page.locator(`${EX} button:has-text("2 × 2")`).click();
      await page.locator(`${EX} [data-preset="rotation"]`).click();
      await waitFor(page, EX, (root) => root.querySelector('.grid.result output')?.textContent === '0.877583');
      const cell = page.locator(`${EX} [data-cell="0-0"]`);
      await cell.focus();
      await page.keyboard.press('Control+A');
      await page.keyboard.type('1');
      await waitFor(page, EX, (root) => root.querySelector('[data-key="exptr"]')?.textContent?.startsWith('2.71828'));
      let r = await read(page, EX);
      assert(shows(r.exptr, Math.E) && shows(r.det, Math.E), `tr = 1: det ${r.det} exptr ${r.exptr}`);
      await page.keyboard.press('Control+A');
      await page.keyboard.type('abc');
      const invalid = await page.evaluate((s) => document.querySelector(s).shadowRoot.querySelector('[data-cell="0-0"]').getAttribute('aria-invalid'), EX);
      assert(invalid === 'true', `aria-invalid ${invalid}`);
      r = await read(page, EX);
      assert(shows(r.exptr, Math.E), `invalid text changed the result: ${r.exptr}`);
      await page.keyboard.press('Tab'); // blur restores the last valid value
      r = await read(page, EX);
      assert(r.cells[0] === '1', `cell after blur ${r.cells[0]}`);
      const tr = await page.evaluate((s) => document.querySelector(s).result.detExp.trace, EX);
      assert(tr === 1, `result.detExp.trace ${tr}`);
      return `trace 1 → det ${r.det}`;
    },
  },
  {
    name: 'rank-one panel: spec numbers from the page presets, dragging and arrow keys, smooth through s = 0',
    async run({ page, shot }) {
      await page.click('[data-rank-preset="worked"]');
      await waitFor(page, RK, (root) => root.querySelector('.row[data-key="s"] .value')?.textContent === '1.5000000');
      let r = await read(page, RK);
      assert(shows(r.rows.phi.value, 2.321126046892043) && shows(r.rows.psi.value, 0.5179132265677134), `φ ${r.rows.phi.value} ψ ${r.rows.psi.value}`);
      assert(shows(r.rows.det.value, 4.481689070338064), `det ${r.rows.det.value}`);
      const e = [2.160563023446022, -2.321126046892043, 2.321126046892043, 2.321126046892043, -3.6422520937840863, 4.642252093784086, 3.4816890703380645, -6.963378140676129, 7.963378140676129];
      const inv = [0.7410433867161432, 0.5179132265677134, -0.5179132265677134, -0.5179132265677134, 2.035826453135427, -1.0358264531354269, -0.7768698398515701, 1.5537396797031402, -0.5537396797031402];
      assert(e.every((w, k) => shows(r.e[k], w)), `exp(x yᵀ) ${r.e}`);
      assert(inv.every((w, k) => shows(r.inv[k], w)), `inverse ${r.inv}`);
      const check = parseDisplayed(r.check.split('= ')[1]);
      assert(check && check.value < 1e-14, `closed form vs expm: ${r.check}`);
      await page.locator(RK).screenshot({ path: 'test-output/e2e/matexp-rank-3d.png' });
      await page.click('[data-rank-preset="orthogonal"]');
      await waitFor(page, RK, (root) => root.querySelector('.row[data-key="s"] .value')?.textContent === '0');
      r = await read(page, RK);
      assert(r.rows.phi.value === '1.000000000' && r.rows.psi.value === '1.000000000' && r.rows.det.value === '1.0000000', `s = 0: ${JSON.stringify(r.rows)}`);
      assert(JSON.stringify(r.e) === JSON.stringify(['1.50000', '0.250000', '1.00000', '1.00000', '1.50000', '2.00000', '−0.500000', '−0.250000', '0']), `s = 0 exp ${r.e}`);

      // Back to the plane; walk y's tip with the keyboard through s = 0: φ and ψ stay finite and monotone.
      await page.click('[data-rank-preset="plane"]');
      await page.evaluate((s) => {
        const w = document.querySelector(s);
        w.x = [1, 0];
        w.y = [0.1, 0.5];
      }, RK);
      await waitFor(page, RK, (root) => root.querySelector('.row[data-key="s"] .value')?.textContent === '0.10000000');
      const handle = page.locator(`${RK} [data-handle="y"]`);
      await handle.focus();
      const phis = [];
      for (let k = 0; k < 4; k++) {
        const before = (await read(page, RK)).rows.s.value;
        await page.keyboard.press('ArrowLeft');
        await waitFor(page, RK, (root, b) => root.querySelector('.row[data-key="s"] .value')?.textContent !== b, before);
        const rr = await read(page, RK);
        phis.push([rr.rows.s.value, rr.rows.phi.value, rr.rows.psi.value]);
      }
      const sPhi = phis.map(([s, p, q]) => [parseDisplayed(s).value, parseDisplayed(p).value, parseDisplayed(q).value]);
      assert(sPhi.some(([s]) => s === 0), `the walk crosses s = 0: ${JSON.stringify(phis)}`);
      for (const [s, p, q] of sPhi) {
        const want = s === 0 ? 1 : Math.expm1(s) / s;
        assert(Math.abs(p - want) < 1e-9 && Math.abs(q - (s === 0 ? 1 : -Math.expm1(-s) / s)) < 1e-9, `φ(${s}) = ${p}, ψ = ${q}`);
      }
      assert(sPhi.every(([, p], i) => i === 0 || p < sPhi[i - 1][1]), `φ decreases as s decreases: ${JSON.stringify(phis)}`);
      const label = await handle.getAttribute('aria-label');
      assert(label === 'Tip of y', `aria-label ${label}`);

      // Drag x's tip with the mouse.
      const before = (await read(page, RK)).rows.s.value;
      const x = page.locator(`${RK} [data-handle="x"]`);
      await x.scrollIntoViewIfNeeded();
      const b = await x.boundingBox();
      await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
      await page.mouse.down();
      await page.mouse.move(b.x + b.width / 2 - 40, b.y + b.height / 2 - 60, { steps: 8 });
      await page.mouse.up();
      await waitFor(page, RK, (root, old) => root.querySelector('.row[data-key="s"] .value')?.textContent !== old, before);
      r = await read(page, RK);
      const xs = await page.evaluate((s) => document.querySelector(s).x, RK);
      assert(xs[0] < 1 && xs[1] > 0, `x after drag ${xs}`);
      await shot('matexp-rank-dragged');
      await page.locator(RK).screenshot({ path: 'test-output/e2e/matexp-rank-en.png' });
      return `s: ${phis.map((p) => p[0]).join(' → ')}; φ: ${phis.map((p) => p[1]).join(' → ')}; after drag s = ${r.rows.s.value}`;
    },
  },
  {
    name: 'the series demo: terms and remainder for ρ < 1, a clear error for ρ ≥ 1',
    async run({ page }) {
      const set = (v) =>
        page.evaluate((value) => {
          const s = document.getElementById('series-rho');
          s.value = value;
          s.dispatchEvent(new Event('input'));
        }, v);
      await set('0.9');
      let out = await page.locator('#series-out').innerText();
      assert(/terms, remainder bound/.test(out), `ρ = 0.9: ${out}`);
      const terms = Number(/\((\d+) terms/.exec(out)[1]);
      assert(terms > 100, `ρ = 0.9 needs many terms: ${terms}`);
      await set('1.1');
      out = await page.locator('#series-out').innerText();
      assert(out.startsWith('matexp.logDetSeries: the series diverges: the spectral radius of M is 1.1'), `ρ = 1.1: ${out}`);
      await set('0.35');
      out = await page.locator('#series-out').innerText();
      const product = await page.locator('#product-out').innerText();
      assert(/0\.54308063481524/.test(product), `product demo ${product}`);
      return `ρ = 0.9: ${terms} terms; ρ = 0.35: ${out.slice(0, 60)}…`;
    },
  },
  {
    name: '512 × 512 in a module Worker with progress, and the identity checked on it',
    async run({ page }) {
      await page.selectOption('#large-n', '512');
      await page.click('#large-run');
      await page.waitForFunction(() => document.getElementById('large-out')?.dataset.state === 'done', null, { timeout: 40000 });
      const out = await page.locator('#large-out').innerText();
      const rel = /relative difference ([^ ]+)/.exec(out)?.[1];
      const d = parseDisplayed(rel?.replace(/\s/g, '').replace('×10', ' × 10'));
      assert(/n = 512: exp\(A\) in [\d.]+ ms/.test(out), out);
      assert(d !== null || /^[\d.e−-]+$/.test(rel ?? ''), `relative difference ${rel}`);
      const value = Number((rel ?? '').replace('−', '-'));
      assert(Number.isFinite(value) && value < 1e-10, `relative difference ${rel}`);
      const workers = await page.evaluate(() => performance.getEntriesByType('resource').filter((e) => /matexp\.worker/.test(e.name)).length);
      assert(workers >= 1, 'no worker script was loaded');
      return out.slice(0, 140);
    },
  },
  {
    name: 'Chinese: the page switch gives Chinese labels in both widgets',
    async run({ page, shot }) {
      await page.click('[data-set-lang="zh"]');
      await waitFor(page, EX, (root) => /矩阵指数/.test(root.querySelector('section:not([hidden]) h3')?.textContent ?? ''));
      const ex = await read(page, EX);
      const rk = await read(page, RK);
      assert(ex.presets.includes('旋转生成元') && ex.presets.includes('Jordan 块'), `presets ${ex.presets}`);
      assert(/总是可逆/.test(rk.titles[0]), `rank title ${rk.titles}`);
      assert(/行列式|det/.test(rk.rows.det.label), `det label ${rk.rows.det.label}`);
      await shot('matexp-zh', { fullPage: true });
      await page.locator(EX).screenshot({ path: 'test-output/e2e/matexp-expm-zh.png' });
      await page.click('[data-set-lang="en"]');
      await waitFor(page, EX, (root) => /matrix exponential/.test(root.querySelector('section:not([hidden]) h3')?.textContent ?? ''));
      // lang="zh" on the element itself wins over the English page.
      await page.evaluate(() => {
        const w = document.createElement('mathlens-matexp');
        w.id = 'zh-widget';
        w.setAttribute('lang', 'zh');
        w.setAttribute('matrix', '1 2; 3 4');
        document.querySelector('#embed').append(w);
      });
      await waitFor(page, '#zh-widget', expShown);
      const own = await read(page, '#zh-widget');
      assert(own.titles.length === 2 && /矩阵指数/.test(own.titles[0]), `own zh ${own.titles}`);
      assert(shows(own.exp[0], 51.96895619870499), `zh widget exp ${own.exp[0]}`);
      await page.evaluate(() => document.querySelector('#zh-widget').remove());
      return `${ex.titles[0]} / ${rk.titles[0]}`;
    },
  },
  {
    name: 'invalid attributes show a visible error; a computation error stays inside its panel; the others keep working',
    async run({ page }) {
      await page.evaluate(() => {
        const add = (id, attrs) => {
          const w = document.createElement('mathlens-matexp');
          w.id = id;
          for (const [k, v] of Object.entries(attrs)) w.setAttribute(k, v);
          document.querySelector('#embed').append(w);
        };
        add('bad-matrix', { matrix: '1 2; 3', x: '1 2 3 4' });
        add('bad-panel', { panel: 'sideways', lang: 'zh' });
        add('overflow', { matrix: '1000 0; 0 1', panel: 'expm' });
      });
      const waitError = (sel) => page.waitForFunction((s) => {
        const e = document.querySelector(s)?.shadowRoot?.querySelector('.error:not(.inline)');
        return e && !e.hidden && e.textContent.length > 0;
      }, sel);
      await Promise.all([waitError('#bad-matrix'), waitError('#bad-panel')]);
      const bad = await read(page, '#bad-matrix');
      const panel = await read(page, '#bad-panel');
      for (const [name, r] of Object.entries({ bad, panel })) {
        assert(r.errorRole === 'alert' && r.contentHidden, `${name}: role ${r.errorRole}, content hidden ${r.contentHidden}`);
        assert(r.errorBox && r.errorBox.width > 100 && r.errorBox.height > 20, `${name}: box ${JSON.stringify(r.errorBox)}`);
      }
      assert(bad.error.includes('matrix="1 2; 3"') && bad.error.includes('row 2 has 1 entries, expected 2'), `bad matrix: ${bad.error}`);
      assert(bad.error.includes('x="1 2 3 4"') && bad.error.includes('expected 2 or 3 numbers'), `bad x: ${bad.error}`);
      assert(panel.error.includes('panel="sideways"') && panel.error.includes('应为 both、expm 或 rank-one'), `bad panel: ${panel.error}`);
      await page.locator('#bad-matrix').screenshot({ path: 'test-output/e2e/matexp-error.png' });

      // exp([[1000, 0], [0, 1]]) overflows: the message shows in the panel, the editor stays usable.
      await waitFor(page, '#overflow', (root) => [...root.querySelectorAll('.error.inline')].some((e) => !e.hidden));
      let ov = await read(page, '#overflow');
      assert(ov.inline[0] === 'matexp.expmInfo: exp(A) overflows double precision (an entry exceeds 1.8e308)', `inline ${ov.inline}`);
      assert(ov.editorVisible && !ov.contentHidden, 'the editor is hidden');
      await page.locator('#overflow [data-cell="0-0"]').fill('2');
      await waitFor(page, '#overflow', expShown);
      ov = await read(page, '#overflow');
      assert(ov.inline.length === 0 && shows(ov.exp[0], Math.exp(2)), `after fix: ${ov.inline} ${ov.exp}`);

      // The page's widgets still work.
      const before = (await read(page, RK)).rows.s.value;
      await page.locator(`${RK} [data-handle="x"]`).focus();
      await page.keyboard.press('Shift+ArrowUp');
      await waitFor(page, RK, (root, old) => root.querySelector('.row[data-key="s"] .value')?.textContent !== old, before);
      // Fixing the attribute clears the error.
      await page.evaluate(() => {
        const w = document.querySelector('#bad-matrix');
        w.setAttribute('matrix', '0 1; -1 0');
        w.setAttribute('x', '1 0');
      });
      await waitFor(page, '#bad-matrix', expShown);
      const fixed = await read(page, '#bad-matrix');
      assert(fixed.error === null, `after fix: ${fixed.error}`);
      await page.evaluate(() => ['#bad-matrix', '#bad-panel', '#overflow'].forEach((s) => document.querySelector(s).remove()));
      return `"${bad.error.slice(0, 100)}…"`;
    },
  },
  {
    name: 'at 360 px nothing overflows horizontally; removing a widget mid-drag cleans up',
    async run({ page, shot }) {
      await page.setViewportSize({ width: 360, height: 780 });
      await page.waitForTimeout(250);
      const info = await page.evaluate((sels) => {
        const out = { scroll: document.documentElement.scrollWidth };
        for (const s of sels) out[s] = document.querySelector(s).getBoundingClientRect().toJSON();
        return out;
      }, [EX, RK]);
      await page.locator(RK).screenshot({ path: 'test-output/e2e/matexp-rank-360.png' });
      await page.locator(EX).screenshot({ path: 'test-output/e2e/matexp-expm-360.png' });
      await shot('matexp-360', { fullPage: true });
      await page.setViewportSize({ width: 1280, height: 900 });
      assert(info.scroll <= 360, `page is ${info.scroll} px wide`);
      assert(info[EX].right <= 360 && info[RK].right <= 360, `widget edges ${info[EX].right} ${info[RK].right}`);

      const counts = await page.evaluate(async () => {
        const c = { observe: 0, disconnect: 0, ro: 0, rodisc: 0 };
        const MO = MutationObserver.prototype;
        const RO = ResizeObserver.prototype;
        const [obs, disc, robs, rdisc] = [MO.observe, MO.disconnect, RO.observe, RO.disconnect];
        MO.observe = function (...a) { c.observe++; return obs.apply(this, a); };
        MO.disconnect = function (...a) { c.disconnect++; return disc.apply(this, a); };
        RO.observe = function (...a) { c.ro++; return robs.apply(this, a); };
        RO.disconnect = function (...a) { c.rodisc++; return rdisc.apply(this, a); };
        const w = document.createElement('mathlens-matexp');
        document.body.append(w);
        await new Promise((r) => w.addEventListener('change', r, { once: true }));
        w.remove();
        await new Promise((r) => setTimeout(r, 200));
        Object.assign(MO, { observe: obs, disconnect: disc });
        Object.assign(RO, { observe: robs, disconnect: rdisc });
        return c;
      });
      assert(counts.observe === counts.disconnect && counts.ro === counts.rodisc, `not cleaned up: ${JSON.stringify(counts)}`);

      // Remove the rank widget in the middle of a drag, put it back: it still computes.
      const x = page.locator(`${RK} [data-handle="x"]`);
      await x.scrollIntoViewIfNeeded();
      const b = await x.boundingBox();
      await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
      await page.mouse.down();
      await page.mouse.move(b.x + 20, b.y + 10, { steps: 3 });
      await page.evaluate((s) => {
        window.__w = document.querySelector(s);
        window.__w.remove();
      }, RK);
      await page.mouse.move(b.x + 40, b.y + 20, { steps: 3 });
      await page.mouse.up();
      await page.evaluate(() => document.querySelector('#rank-preset-note').after(window.__w));
      await page.click('[data-rank-preset="worked"]');
      await waitFor(page, RK, (root) => root.querySelector('.row[data-key="s"] .value')?.textContent === '1.5000000');
      return `observers ${counts.observe}/${counts.disconnect}, resize observers ${counts.ro}/${counts.rodisc}`;
    },
  },
];
