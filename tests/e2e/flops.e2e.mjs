// E2E checks of the cost-model page and <mathlens-flops> (run by tests/e2e/run.mjs).
// Reference numbers: spec/MATH.md §1 (d) — BERT-base: 1536, 4608, 1024 and the per-n table.
import { assert } from './lib/check.mjs';

const W = '#flops-widget';

/** What a flops widget shows: rows of the table, crossovers, summary, controls, errors. */
function readWidget(page, selector = W) {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel);
    const root = el?.shadowRoot;
    if (!root) return null;
    const rows = {};
    for (const tr of root.querySelectorAll('.terms tr[data-key]'))
      rows[tr.dataset.key] = { name: tr.querySelector('.name')?.textContent ?? '', value: tr.querySelector('.count')?.textContent ?? '', share: tr.querySelector('.share-col')?.textContent ?? '' };
    const crossovers = {};
    for (const li of root.querySelectorAll('.crossovers li[data-key]'))
      crossovers[li.dataset.key] = { label: li.querySelector('span')?.textContent ?? '', when: li.querySelector('.when')?.textContent ?? '', button: li.querySelector('button')?.textContent ?? null };
    const error = root.querySelector('.error');
    const content = root.querySelector('.content');
    const inline = root.querySelector('.inline-error');
    return {
      rows,
      crossovers,
      summary: root.querySelector('.summary')?.textContent ?? '',
      n: root.querySelector('.nlabel strong')?.textContent ?? '',
      slider: root.querySelector('input[type="range"]')?.value,
      preset: root.querySelector('#f-preset')?.value,
      embed: root.querySelector('pre.embed')?.textContent ?? '',
      markers: [...root.querySelectorAll('svg .marker-label')].map((t) => t.textContent),
      areas: root.querySelectorAll('svg path.area').length,
      labelN: root.querySelector('.nlabel span')?.textContent ?? '',
      error: error && !error.hidden ? error.textContent : null,
      errorRole: error?.getAttribute('role'),
      errorBox: error && !error.hidden ? error.getBoundingClientRect().toJSON() : null,
      inline: inline && !inline.hidden ? inline.textContent : null,
      contentHidden: content?.hidden ?? true,
      status: root.querySelector('.status:not([hidden])')?.textContent ?? null,
    };
  }, selector);
}

async function waitReady(page, selector = W) {
  await page.waitForFunction((sel) => {
    const root = document.querySelector(sel)?.shadowRoot;
    return !!root?.querySelector('.terms tr[data-key="total"] .count')?.textContent && root.querySelectorAll('svg path.area').length === 3;
  }, selector);
}

/** Waits until the total row differs from `before`; returns the new reading. */
async function waitTotalChange(page, before, selector = W) {
  await page.waitForFunction(
    ([sel, old]) => {
      const v = document.querySelector(sel)?.shadowRoot?.querySelector('.terms tr[data-key="total"] .count')?.textContent;
      return !!v && v !== old;
    },
    [selector, before],
  );
  return readWidget(page, selector);
}

const inShadow = (sel) => `${W} >> ${sel}`;

export const checks = [
  {
    name: 'the page loads under the CSP, is in the navigation, and the widget shows the post’s numbers for BERT-base',
    async run({ page, baseUrl, shot }) {
      await page.addInitScript(() => {
        window.__csp = [];
        document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
      });
      const response = await page.goto(`${baseUrl}flops.html?lang=en`);
      assert(response?.ok(), `HTTP ${response?.status()}`);
      await waitReady(page);
      const info = await page.evaluate(() => ({
        current: document.querySelector('#topic-nav a[aria-current="page"]')?.getAttribute('href'),
        defined: !!customElements.get('mathlens-flops'),
        csp: window.__csp,
        h1: document.querySelector('h1')?.innerText.trim(),
      }));
      assert(info.current === './flops.html', `nav ${info.current}`);
      assert(info.defined, 'mathlens-flops is not defined');
      assert(info.csp.length === 0, `CSP violations: ${info.csp.join(', ')}`);
      assert(/Linear Transformer/.test(info.h1 ?? ''), `h1 ${info.h1}`);
      const r = await readWidget(page);
      assert(r.preset === 'bert-base', `preset ${r.preset}`);
      assert(r.n === '512', `n ${r.n}`);
      // MATH.md §1 (d), n = 512: C_SA = 1,610,612,736, C_FFN = 2,415,919,104, total 4,026,531,840
      assert(r.rows.total.value === '4,026,531,840', `total ${r.rows.total.value}`);
      assert(r.rows.ffn.value === '2,415,919,104', `ffn ${r.rows.ffn.value}`);
      assert(r.rows['group-attention'].value === '402,653,184', `core ${r.rows['group-attention'].value}`);
      assert(r.rows.scores.value === '201,326,592' && r.rows.scores.name === 'Scores QKᵀ', `scores ${JSON.stringify(r.rows.scores)}`);
      assert(r.rows.model.value === '48,318,382,080', `model ${r.rows.model.value}`);
      assert(r.crossovers.attentionFfn.when === 'from n = 1,537 on', `attentionFfn ${r.crossovers.attentionFfn.when}`);
      assert(r.crossovers.quadraticLinear.when === 'from n = 4,609 on', `quadraticLinear ${r.crossovers.quadraticLinear.when}`);
      assert(r.crossovers.linearCore.when === 'from n = 1,025 on', `linearCore ${r.crossovers.linearCore.when}`);
      assert(r.crossovers.linearCore.label === 'Linear attention with 4× head size has the cheaper core', r.crossovers.linearCore.label);
      assert(r.summary.includes('the n² part 10.0%') && r.summary.includes('for n > 1,536') && r.summary.includes('for n > 4,608'), `summary ${r.summary}`);
      assert(r.markers.join('|') === 'SA = FFN 1,536|n² = linear 4,608|linear ×4 1,024', `markers ${r.markers.join('|')}`);
      assert(r.embed === '<mathlens-flops preset="bert-base" n="512"></mathlens-flops>', `embed ${r.embed}`);
      // The page restates the conclusion with the widget's model, and the per-n table of the spec.
      const live = await page.evaluate(() => ({
        x1: document.querySelector('.l-en [data-live="x1"]')?.textContent,
        x2: document.querySelector('.l-en [data-live="x2"]')?.textContent,
        lin1: document.querySelector('.l-en [data-live="lin1"]')?.textContent,
        lin4: document.querySelector('.l-en [data-live="lin4"]')?.textContent,
        qctx: document.querySelector('.l-en [data-live="qctx"]')?.textContent,
        rows: [...document.querySelectorAll('#per-n tbody tr')].map((tr) => [...tr.children].map((td) => td.textContent)),
      }));
      assert(live.x1 === '1,536' && live.x2 === '4,608', `conclusion ${live.x1} / ${live.x2}`);
      assert(live.lin1 === 'n > 64' && live.lin4 === 'n > 1,024', `linear ${live.lin1} / ${live.lin4}`);
      assert(live.qctx === '10.0%', `quadratic share at 512: ${live.qctx}`);
      const want = [
        ['128', '327,155,712', '603,979,776', '931,135,488', '0.541667', '0.027027'],
        ['512', '1,610,612,736', '2,415,919,104', '4,026,531,840', '0.666667', '0.100000'],
        ['1,536', '7,247,757,312', '7,247,757,312', '14,495,514,624', '1.000000', '0.250000'],
        ['4,608', '43,486,543,872', '21,743,271,936', '65,229,815,808', '2.000000', '0.500000'],
        ['8,192', '122,406,567,936', '38,654,705,664', '161,061,273,600', '3.166667', '0.640000'],
      ];
      assert(JSON.stringify(live.rows) === JSON.stringify(want), `per-n table ${JSON.stringify(live.rows)}`);
      await shot('flops-page-en', { fullPage: true });
      await page.locator(W).screenshot({ path: 'test-output/e2e/flops-widget.png' });
      return `total ${r.rows.total.value}, crossovers ${r.markers.join(', ')}`;
    },
  },
  {
    name: 'formulas are typeset by KaTeX inside the shadow root',
    async run({ page }) {
      await page.evaluate(() => document.fonts.ready);
      const info = await page.evaluate((sel) => {
        const root = document.querySelector(sel).shadowRoot;
        const katex = [...root.querySelectorAll('.katex')];
        return {
          count: katex.length,
          zero: katex.filter((k) => {
            const b = k.getBoundingClientRect();
            return !(b.width > 0 && b.height > 0);
          }).length,
          errors: root.querySelectorAll('.katex-error').length,
          family: getComputedStyle(root.querySelector('.katex .mathnormal')).fontFamily,
          crossTex: root.querySelector('.crossovers li[data-key="attentionFfn"] .katex-mathml annotation')?.textContent,
        };
      }, W);
      assert(info.count >= 15, `only ${info.count} .katex elements`);
      assert(info.zero === 0, `${info.zero} .katex elements have zero size`);
      assert(info.errors === 0, `${info.errors} KaTeX errors`);
      assert(/^KaTeX_Math/.test(info.family), `font ${info.family}`);
      assert(info.crossTex === 'n^{*}=2H=1{,}536', `crossover formula ${info.crossTex}`);
      return `${info.count} formulas`;
    },
  },
  {
    name: 'reacts to the keyboard, the number field, the crossover buttons, the chart, the model menu and the MACs/FLOPs switch',
    async run({ page }) {
      let r = await readWidget(page);
      // keyboard on the log slider
      const slider = page.locator(inShadow('input[type="range"]'));
      await slider.focus();
      await page.keyboard.press('ArrowRight');
      r = await waitTotalChange(page, r.rows.total.value);
      assert(r.n === '516', `one step right of 512: n = ${r.n}`); // 64·2^(301/100) = 515.6
      await page.keyboard.press('End');
      r = await waitTotalChange(page, r.rows.total.value);
      assert(r.n === '131,072', `End: n = ${r.n}`);
      // exact n in the number field: at 4608 the n² part is exactly half of the layer
      const nField = page.locator(inShadow('#f-n'));
      await nField.fill('4608');
      await nField.press('Enter');
      r = await waitTotalChange(page, r.rows.total.value);
      assert(r.rows.total.value === '65,229,815,808', `n = 4608: total ${r.rows.total.value}`);
      assert(r.summary.includes('the n² part 50.0%'), `summary ${r.summary}`);
      // the crossover's button jumps to it: attention = FFN at 1536
      await page.locator(inShadow('.crossovers li[data-key="attentionFfn"] button')).click();
      r = await waitTotalChange(page, r.rows.total.value);
      assert(r.n === '1,536' && r.rows.total.value === '14,495,514,624', `n ${r.n}, total ${r.rows.total.value}`);
      const shares = await page.evaluate((sel) => {
        const c = document.querySelector(sel).result;
        return { attention: c.macs.attention, ffn: c.macs.ffn };
      }, W);
      assert(shares.attention === shares.ffn && shares.ffn === 7247757312, `C_SA ${shares.attention} vs C_FFN ${shares.ffn}`);
      // a click in the chart picks n (left edge: 64)
      const box = await page.locator(inShadow('svg.plot')).boundingBox();
      await page.mouse.click(box.x + 46 * (box.width / 640), box.y + box.height / 2);
      r = await waitTotalChange(page, r.rows.total.value);
      assert(Number(r.n.replace(/,/g, '')) < 80, `clicked near the left edge: n = ${r.n}`);
      // MACs → FLOPs doubles every count
      await page.locator(inShadow('#f-n')).fill('512');
      await page.locator(inShadow('#f-n')).press('Enter');
      r = await waitTotalChange(page, r.rows.total.value);
      await page.locator(inShadow('.seg button:nth-child(2)')).click();
      r = await waitTotalChange(page, r.rows.total.value);
      assert(r.rows.total.value === '8,053,063,680', `FLOPs total ${r.rows.total.value}`);
      assert(r.embed.includes('convention="flops"'), `embed ${r.embed}`);
      await page.locator(inShadow('.seg button:nth-child(1)')).click();
      r = await waitTotalChange(page, r.rows.total.value);
      // the model menu: LLaMA-2-7B (gated FFN, causal) moves n to its context length
      await page.locator(inShadow('#f-preset')).selectOption('llama-2-7b');
      r = await waitTotalChange(page, r.rows.total.value);
      assert(r.n === '4,096', `LLaMA n ${r.n}`);
      assert(r.crossovers.attentionFfn.when === 'from n = 16,640 on', `LLaMA attention = FFN: ${r.crossovers.attentionFfn.when}`);
      const live = await page.evaluate(() => document.querySelector('.l-en [data-live="x1"]')?.textContent);
      assert(live === '16,639', `page conclusion for LLaMA: ${live}`);
      // a custom size: hidden 1024 with 16 heads (the post's "large"): thresholds 2048 and 6144
      await page.locator(inShadow('#f-preset')).selectOption('bert-large');
      r = await waitTotalChange(page, r.rows.total.value);
      assert(r.crossovers.attentionFfn.when === 'from n = 2,049 on' && r.crossovers.quadraticLinear.when === 'from n = 6,145 on', JSON.stringify(r.crossovers));
      // the Nyström variant: its own terms and the numeric crossover
      await page.locator(inShadow('#f-variant')).selectOption('nystrom');
      r = await waitTotalChange(page, r.rows.total.value);
      assert(r.rows.nystromPinv && r.crossovers.nystromCore, `Nyström terms ${Object.keys(r.rows).join(',')}`);
      assert(r.embed.includes('variant="nystrom"'), r.embed);
      await page.locator(inShadow('#f-variant')).selectOption('standard');
      await page.locator(inShadow('#f-preset')).selectOption('bert-base');
      await page.locator(inShadow('#f-n')).fill('512');
      await page.locator(inShadow('#f-n')).press('Enter');
      await page.waitForFunction((sel) => document.querySelector(sel).shadowRoot.querySelector('.terms tr[data-key="total"] .count').textContent === '4,026,531,840', W);
      // an out-of-range number is refused inline; the widget keeps its last state
      await page.locator(inShadow('#f-heads')).fill('0');
      await page.locator(inShadow('#f-heads')).press('Enter');
      await page.waitForFunction((sel) => !document.querySelector(sel).shadowRoot.querySelector('.inline-error').hidden, W);
      r = await readWidget(page);
      assert(r.inline === 'Heads h: expected a whole number from 1 to 65536' && !r.contentHidden, `inline ${r.inline}`);
      // heads = 10 does not divide 768: the core's message, inline, controls still there
      await page.locator(inShadow('#f-heads')).fill('10');
      await page.locator(inShadow('#f-heads')).press('Enter');
      await page.waitForFunction((sel) => document.querySelector(sel).shadowRoot.querySelector('.inline-error').textContent.includes('not divisible'), W);
      r = await readWidget(page);
      assert(r.inline.includes('flops.layer: hidden (768) is not divisible by heads (10)') && !r.contentHidden, `inline ${r.inline}`);
      await page.locator(inShadow('#f-heads')).fill('12');
      await page.locator(inShadow('#f-heads')).press('Enter');
      await page.waitForFunction((sel) => document.querySelector(sel).shadowRoot.querySelector('.inline-error').hidden, W);
      r = await readWidget(page);
      assert(r.rows.total.value === '4,026,531,840' && r.preset === 'custom', `back to 12 heads: ${r.rows.total.value} ${r.preset}`);
      assert(r.embed.includes('preset="custom" hidden-size="768" heads="12"'), r.embed);
      return 'slider, field, buttons, chart, menu, convention, variant, inline errors';
    },
  },
  {
    name: 'English and Chinese, following the page and an own lang attribute',
    async run({ page, shot }) {
      await page.click('[data-set-lang="zh"]');
      await page.waitForFunction((sel) => document.querySelector(sel).shadowRoot.querySelector('.nlabel span')?.textContent === '序列长度 n', W);
      const zh = await readWidget(page);
      assert(zh.rows.scores.name === '注意力分数 QKᵀ', `zh term ${zh.rows.scores.name}`);
      assert(zh.crossovers.attentionFfn.when === '从 n = 1,537 起', `zh crossover ${zh.crossovers.attentionFfn.when}`);
      assert(zh.summary.includes('当 n > 1,536 时'), `zh summary ${zh.summary}`);
      const live = await page.evaluate(() => document.querySelector('.l-zh [data-live="x2"]')?.textContent);
      assert(live === '4,608', `zh page ${live}`);
      await shot('flops-page-zh', { fullPage: true });
      await page.locator(W).screenshot({ path: 'test-output/e2e/flops-widget-zh.png' });
      await page.click('[data-set-lang="en"]');
      await page.waitForFunction((sel) => document.querySelector(sel).shadowRoot.querySelector('.nlabel span')?.textContent === 'Sequence length n', W);
      await page.evaluate(() => {
        const w = document.createElement('mathlens-flops');
        w.id = 'zh-flops';
        w.setAttribute('lang', 'zh');
        w.setAttribute('preset', 'gpt2-small');
        w.setAttribute('convention', 'flops');
        document.querySelector('#flops').append(w);
      });
      await waitReady(page, '#zh-flops');
      const own = await readWidget(page, '#zh-flops');
      assert(own.labelN === '序列长度 n', `own lang: ${own.labelN}`);
      // GPT-2 small is causal: attention exceeds the FFN for n > 4H − 1 = 3071
      assert(own.crossovers.attentionFfn.when === '从 n = 3,072 起', `GPT-2 ${own.crossovers.attentionFfn.when}`);
      assert(own.n === '1,024', `GPT-2 context ${own.n}`);
      await page.evaluate(() => document.querySelector('#zh-flops').remove());
      return `${zh.labelN} / ${zh.crossovers.attentionFfn.when}`;
    },
  },
  {
    name: 'invalid attributes show a visible error inside that widget; the other widget keeps working',
    async run({ page }) {
      await page.evaluate(() => {
        const add = (id, attrs) => {
          const w = document.createElement('mathlens-flops');
          w.id = id;
          for (const [k, v] of Object.entries(attrs)) w.setAttribute(k, v);
          document.querySelector('#flops').append(w);
        };
        add('bad-text', { preset: 'gpt5', n: 'abc', variant: 'fast', gated: 'maybe' });
        add('bad-core', { preset: 'custom', 'hidden-size': '768', heads: '10' });
        add('bad-ny', { preset: 'gpt2-small', variant: 'nystrom', landmarks: '4096' });
      });
      const wait = (sel) =>
        page.waitForFunction((s) => {
          const e = document.querySelector(s)?.shadowRoot?.querySelector('.error');
          return e && !e.hidden && e.textContent.length > 0;
        }, sel);
      await Promise.all(['#bad-text', '#bad-core', '#bad-ny'].map(wait));
      const text = await readWidget(page, '#bad-text');
      const core = await readWidget(page, '#bad-core');
      const ny = await readWidget(page, '#bad-ny');
      for (const [name, r] of Object.entries({ text, core, ny })) {
        assert(r.errorRole === 'alert', `${name}: role ${r.errorRole}`);
        assert(r.errorBox && r.errorBox.width > 100 && r.errorBox.height > 20, `${name}: error box ${JSON.stringify(r.errorBox)}`);
        assert(r.contentHidden, `${name}: content still shown`);
      }
      assert(text.error.includes('preset="gpt5"') && text.error.includes('expected one of bert-base'), `preset: ${text.error}`);
      assert(text.error.includes('n="abc"') && text.error.includes('expected a whole number from 1 to 1048576'), `n: ${text.error}`);
      assert(text.error.includes('variant="fast"') && text.error.includes('gated="maybe"'), `variant/gated: ${text.error}`);
      assert(core.error.includes('flops.layer: hidden (768) is not divisible by heads (10)'), `core: ${core.error}`);
      assert(ny.error.includes('flops.layer: landmarks (4096) must not exceed n (1024)'), `nystrom: ${ny.error}`);
      await page.locator('#bad-text').screenshot({ path: 'test-output/e2e/flops-widget-error.png' });
      // the page's widget still works
      const before = await readWidget(page);
      await page.locator(inShadow('input[type="range"]')).focus();
      await page.keyboard.press('ArrowLeft');
      await waitTotalChange(page, before.rows.total.value);
      // fixing the attribute clears the error
      await page.evaluate(() => document.querySelector('#bad-core').setAttribute('heads', '12'));
      await waitReady(page, '#bad-core');
      const fixed = await readWidget(page, '#bad-core');
      assert(fixed.error === null && fixed.rows.total.value === '4,026,531,840', `after fix: ${fixed.error} ${fixed.rows.total?.value}`);
      await page.evaluate(() => ['#bad-text', '#bad-core', '#bad-ny'].forEach((s) => document.querySelector(s).remove()));
      return `"${core.error.slice(0, 100)}…"`;
    },
  },
  {
    name: 'at 360 px nothing overflows and the chart still fits',
    async run({ page, shot }) {
      await page.setViewportSize({ width: 360, height: 780 });
      await page.waitForTimeout(300);
      const info = await page.evaluate((sel) => {
        const root = document.querySelector(sel).shadowRoot;
        return {
          scroll: document.documentElement.scrollWidth,
          host: document.querySelector(sel).getBoundingClientRect().toJSON(),
          svg: root.querySelector('svg.plot').getBoundingClientRect().toJSON(),
          viewBox: root.querySelector('svg.plot').getAttribute('viewBox'),
          table: root.querySelector('.terms').getBoundingClientRect().toJSON(),
        };
      }, W);
      await shot('flops-page-360', { fullPage: true });
      await page.locator(W).screenshot({ path: 'test-output/e2e/flops-widget-360.png' });
      await page.setViewportSize({ width: 1280, height: 900 });
      assert(info.scroll <= 360, `page is ${info.scroll} px wide`);
      assert(info.host.right <= 360, `widget right edge ${info.host.right}`);
      assert(info.svg.right <= info.host.right && info.table.right <= info.host.right + 0.5, `svg ${info.svg.right}, table ${info.table.right}`);
      assert(/^0 0 3\d\d /.test(info.viewBox), `chart drawn for the narrow width: viewBox ${info.viewBox}`);
      return `widget ${Math.round(info.host.width)} px, chart ${info.viewBox}`;
    },
  },
  {
    name: 'a shareable link (URL hash) restores the configuration',
    async run({ page, baseUrl }) {
      await page.goto(`${baseUrl}flops.html?lang=en`);
      await waitReady(page);
      let r = await readWidget(page);
      await page.locator(inShadow('#f-preset')).selectOption('gpt2-xl');
      r = await waitTotalChange(page, r.rows.total.value);
      await page.locator(inShadow('#f-variant')).selectOption('performer');
      r = await waitTotalChange(page, r.rows.total.value);
      await page.locator(inShadow('#f-n')).fill('3000');
      await page.locator(inShadow('#f-n')).press('Enter');
      r = await waitTotalChange(page, r.rows.total.value);
      await page.waitForFunction(() => location.hash.includes('flops-widget.n=3000'));
      const hash = await page.evaluate(() => location.hash);
      assert(hash.includes('flops-widget.preset=gpt2-xl') && hash.includes('flops-widget.variant=performer'), `hash ${hash}`);
      await page.goto(`${baseUrl}flops.html?lang=en${hash}`);
      await page.waitForFunction((sel) => document.querySelector(sel)?.shadowRoot?.querySelector('.nlabel strong')?.textContent === '3,000', W);
      await waitReady(page);
      const back = await readWidget(page);
      assert(back.preset === 'gpt2-xl' && back.rows.total.value === r.rows.total.value && back.crossovers.performerCore, `restored ${back.preset} ${back.rows.total.value} vs ${r.rows.total.value}`);
      await page.goto(`${baseUrl}flops.html?lang=en`);
      await waitReady(page);
      return `${hash.length} characters of link`;
    },
  },
  {
    name: 'removing a widget disconnects its observers and listeners',
    async run({ page }) {
      const counts = await page.evaluate(async () => {
        const c = { observe: 0, disconnect: 0, rObserve: 0, rDisconnect: 0, add: 0, remove: 0 };
        const MO = MutationObserver.prototype;
        const RO = ResizeObserver.prototype;
        const saved = [MO.observe, MO.disconnect, RO.observe, RO.disconnect];
        MO.observe = function (...a) { c.observe++; return saved[0].apply(this, a); };
        MO.disconnect = function (...a) { c.disconnect++; return saved[1].apply(this, a); };
        RO.observe = function (...a) { c.rObserve++; return saved[2].apply(this, a); };
        RO.disconnect = function (...a) { c.rDisconnect++; return saved[3].apply(this, a); };
        const targets = [window, document];
        const savedT = targets.map((t) => [t.addEventListener, t.removeEventListener]);
        for (const t of targets) {
          const [add, rem] = [t.addEventListener, t.removeEventListener];
          t.addEventListener = function (...a) { c.add++; return add.apply(this, a); };
          t.removeEventListener = function (...a) { c.remove++; return rem.apply(this, a); };
        }
        const w = document.createElement('mathlens-flops');
        document.body.append(w);
        await new Promise((r) => w.addEventListener('change', r, { once: true }));
        w.remove();
        await new Promise((r) => setTimeout(r, 200));
        [MO.observe, MO.disconnect, RO.observe, RO.disconnect] = saved;
        targets.forEach((t, i) => ([t.addEventListener, t.removeEventListener] = savedT[i]));
        return c;
      });
      assert(counts.observe === counts.disconnect && counts.rObserve === counts.rDisconnect && counts.add === counts.remove, `not cleaned up: ${JSON.stringify(counts)}`);
      return JSON.stringify(counts);
    },
  },
];
