// The API reference (issue 7, item 3): TypeDoc's output in build/site/api (scripts/build.sh runs
// `npx typedoc` after the demo site) is linked from the header of every demo page and documents both
// entry points — `mathlens` (init, MathLensError, every module's Api interface) and
// `mathlens/widgets` (one class per custom element). The pages are fetched, not rendered: TypeDoc's
// theme bootstrap is an inline script that the test server's CSP header (meant for the demo) blocks.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, sitePages, trackRequests, waitWidgets } from './lib/site-pages.mjs';
import { assert } from './lib/check.mjs';

const LINK = '<a class="api-link" href="./api/index.html">…</a> (the header snippet of web/demo/index.html)';

export const checks = [
  {
    name: 'every demo page links to the API reference in its header, and the link resolves',
    async run({ page, baseUrl }) {
      trackRequests(page);
      const { pages } = sitePages();
      const demo = pages.filter((p) => p.kind !== 'embed');
      for (const p of demo) {
        await page.goto(`${baseUrl}${p.path}`);
        await waitWidgets(page); // leaving while the .wasm loads would abort the request
        const link = await page.evaluate(() => {
          const a = document.querySelector('header a.api-link');
          return a && { href: a.href, text: a.textContent.trim(), visible: a.getBoundingClientRect().width > 0 };
        });
        assert(link, `${p.path}: no ${LINK}`);
        assert(link.visible && /API/.test(link.text), `${p.path}: API link not visible ("${link.text}")`);
        const r = await page.request.get(link.href);
        assert(r.ok(), `${p.path}: ${link.href} → HTTP ${r.status()} (build the reference: npx typedoc)`);
      }
      // The Chinese label.
      await page.goto(`${baseUrl}index.html?lang=zh`);
      const zh = await page.evaluate(() => document.querySelector('header a.api-link')?.innerText.trim());
      assert(zh === 'API 文档', `zh label "${zh}"`);
      await page.goto(`${baseUrl}index.html?lang=en`); // leave the stored language as English
      return `${demo.length} pages link to api/index.html`;
    },
  },
  {
    name: 'the reference documents init, MathLensError, every module API and every widget class',
    async run({ page, baseUrl }) {
      const get = async (path) => {
        const r = await page.request.get(`${baseUrl}api/${path}`);
        assert(r.ok(), `api/${path}: HTTP ${r.status()} (is it exported and documented?)`);
        return r.text();
      };
      const index = await get('index.html');
      assert(/<title>mathlens API/.test(index), 'api/index.html title');
      const api = await get('modules/mathlens.html');
      for (const name of ['init', 'MathLensError', 'MathLens', 'InitOptions', 'Matrix', 'MatrixLike'])
        assert(api.includes(`>${name}<`), `module mathlens does not list ${name}`);
      assert(!api.includes('>createApi<'), 'the internal createApi is in the reference');

      // Every module field of `MathLens` (web/src/api.ts) with its Api interface …
      const apiSrc = readFileSync(join(REPO, 'web/src/api.ts'), 'utf8');
      const body = /export interface MathLens \{([\s\S]*?)\n\}/.exec(apiSrc)?.[1] ?? '';
      const fields = [...body.matchAll(/^\s+(\w+): (\w+Api);/gm)].map((m) => ({ field: m[1], type: m[2] }));
      assert(fields.length >= 1, 'no module fields found in web/src/api.ts');
      const lens = await get('interfaces/mathlens.MathLens.html');
      for (const { field, type } of fields) {
        assert(lens.includes(`id="${field.toLowerCase()}"`), `MathLens.${field} is not documented`);
        const page = await get(`interfaces/mathlens.${type}.html`);
        assert(/class="tsd-comment/.test(page), `${type} has no doc comments`);
      }
      // … and every element class exported by web/src/widgets/index.ts.
      const widgetsSrc = readFileSync(join(REPO, 'web/src/widgets/index.ts'), 'utf8');
      const classes = [...widgetsSrc.matchAll(/^export \{([^}]*)\}/gm)]
        .flatMap((m) => m[1].split(','))
        .map((x) => x.trim())
        .filter((x) => /^MathLens\w+$/.test(x));
      assert(classes.length >= 1, 'no element classes exported by web/src/widgets/index.ts');
      const widgets = await get('modules/mathlens_widgets.html');
      for (const c of classes) {
        assert(widgets.includes(`>${c}<`), `module mathlens/widgets does not list ${c}`);
        await get(`classes/mathlens_widgets.${c}.html`);
      }
      return `modules: ${fields.map((f) => `${f.field} (${f.type})`).join(', ')}; widget classes: ${classes.join(', ')}`;
    },
  },
];
