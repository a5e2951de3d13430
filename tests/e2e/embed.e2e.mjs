// The one-tag embedding (issue 7): a plain static HTML page (web/embed/index.html, no Vite, no
// bundler) with one <script type="module"> of dist/embed/mathlens-widgets.js, served by the
// runner's node:http server with `Content-Security-Policy: script-src 'self' 'wasm-unsafe-eval'`.
// Every widget on it must render and compute, and all of them must share one wasm instance.
import { assert } from './lib/check.mjs';

/** Every mathlens-* element on the page: tag, id, visible error text, and whether it has content. */
const inventory = () =>
  [...document.querySelectorAll('*')]
    .filter((el) => el.localName.startsWith('mathlens-'))
    .map((el) => {
      const root = el.shadowRoot;
      const error = root?.querySelector('[role="alert"]');
      const content = root?.querySelector('.content');
      return {
        tag: el.localName,
        id: el.id,
        defined: !!customElements.get(el.localName),
        error: error && !error.hidden ? error.textContent : null,
        rendered: !!content && !content.hidden && content.getBoundingClientRect().height > 50,
        text: content?.textContent ?? '',
      };
    });

/**
 * In the page before any script: counts wasm instantiations in window.__wasmInstances. Init scripts
 * accumulate on the shared page, so the first one installed wraps WebAssembly, once.
 */
function countWasmInstances() {
  if (window.__wasmCounting) return;
  window.__wasmCounting = true;
  window.__wasmInstances = 0;
  for (const name of ['instantiate', 'instantiateStreaming']) {
    const original = WebAssembly[name];
    WebAssembly[name] = function (...args) {
      window.__wasmInstances++;
      return original.apply(this, args);
    };
  }
}

export const checks = [
  {
    name: 'a plain page with one script tag renders every widget under a strict CSP, sharing one wasm instance',
    async run({ page, baseUrl, shot }) {
      await page.addInitScript(() => {
        window.__csp = [];
        document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
      });
      await page.addInitScript(countWasmInstances);
      const response = await page.goto(`${baseUrl}embed/index.html`);
      assert(response?.ok(), `HTTP ${response?.status()}`);
      assert(response.headers()['content-security-policy'] === "script-src 'self' 'wasm-unsafe-eval'", 'CSP header');
      // Ready when every widget shows content or an error (the waiting itself never fails the check;
      // the assertions below say what is missing).
      await page
        .waitForFunction(
          () => {
            const els = [...document.querySelectorAll('*')].filter((el) => el.localName.startsWith('mathlens-'));
            return (
              els.length > 0 &&
              els.every((el) => {
                const root = el.shadowRoot;
                const error = root?.querySelector('[role="alert"]');
                const content = root?.querySelector('.content');
                return (error && !error.hidden) || (content && !content.hidden && content.getBoundingClientRect().height > 50);
              })
            );
          },
          null,
          { timeout: 20000 },
        )
        .catch(() => {});
      const widgets = await page.evaluate(inventory);
      assert(widgets.length >= 2, `only ${widgets.length} widgets on the page`);
      for (const w of widgets) {
        assert(w.defined, `${w.tag} is not defined`);
        assert(!w.error, `${w.tag}#${w.id} shows an error: ${w.error}`);
        assert(w.rendered, `${w.tag}#${w.id} did not render`);
      }
      const g = widgets.find((w) => w.id === 'w-gaussian');
      assert(g && g.text.includes('1.60283'), 'the Gaussian widget does not show KL(p‖q) = 1.60283');
      const zh = widgets.find((w) => w.id === 'w-gaussian-zh');
      assert(zh && zh.text.includes('巴氏距离'), 'the lang="zh" widget is not in Chinese');
      const state = await page.evaluate(() => ({ csp: window.__csp, instances: window.__wasmInstances }));
      assert(state.csp.length === 0, `CSP violations: ${state.csp.join(', ')}`);
      assert(state.instances === 1, `${state.instances} wasm instantiations for ${widgets.length} widgets`);
      await shot('embed-page', { fullPage: true });
      return `${widgets.length} widgets (${[...new Set(widgets.map((w) => w.tag))].join(', ')}), 1 wasm instance`;
    },
  },
  {
    name: 'a page loads only the widgets it uses, and defines one added later by a script',
    async run({ page, baseUrl }) {
      // The widgets' chunks are named after their modules (assets/<name>-<hash>.js); workers are
      // assets/<name>.worker-<hash>.js.
      const WIDGETS = ['attention', 'flops', 'gaussian', 'matexp', 'orthogonal', 'repetition', 'rope'];
      const requested = [];
      page.on('request', (r) => requested.push(new URL(r.url()).pathname));
      const widgetChunks = () =>
        WIDGETS.filter((w) => requested.some((p) => new RegExp(`/assets/${w}(\\.worker)?-[^/]*\\.js$`).test(p)));
      await page.addInitScript(countWasmInstances);
      const response = await page.goto(`${baseUrl}embed/one.html`);
      assert(response?.ok(), `HTTP ${response?.status()}`);
      const shows = (tag, text) =>
        page.waitForFunction(
          ([t, x]) => {
            const content = document.querySelector(t)?.shadowRoot?.querySelector('.content');
            return !!content && !content.hidden && content.textContent.includes(x);
          },
          [tag, text],
          { timeout: 20000 },
        );
      await shows('mathlens-gaussian', '1.60283');
      const first = widgetChunks();
      assert(first.length === 1 && first[0] === 'gaussian', `one <mathlens-gaussian> loaded the code of: ${first.join(', ')}`);
      assert(!(await page.evaluate(() => !!customElements.get('mathlens-flops'))), 'mathlens-flops is defined although unused');
      // A widget inserted after load (as a comment section or a framework would) is defined and computes.
      await page.evaluate(() => {
        const el = document.createElement('mathlens-flops');
        el.setAttribute('preset', 'bert-base');
        document.querySelector('main').append(el);
      });
      await shows('mathlens-flops', 'BERT');
      const after = widgetChunks();
      assert(after.join(',') === 'flops,gaussian', `after adding <mathlens-flops>, loaded: ${after.join(', ')}`);
      const instances = await page.evaluate(() => window.__wasmInstances);
      assert(instances === 1, `${instances} wasm instantiations for two widgets`);
      // define() loads elements by hand (for shadow roots the page's observer does not see) and
      // rejects unknown names with a message.
      const manual = await page.evaluate(async () => {
        const embed = await import('./mathlens-widgets.js');
        const before = !!customElements.get('mathlens-rope');
        await embed.define('mathlens-rope');
        const error = await embed.define('mathlens-nope').then(() => '(resolved)', (e) => e.message);
        return { before, after: !!customElements.get('mathlens-rope'), error };
      });
      assert(!manual.before && manual.after, `define('mathlens-rope'): defined before ${manual.before}, after ${manual.after}`);
      assert(
        manual.error === 'embed.define: unknown element "mathlens-nope" (expected one of mathlens-attention, mathlens-flops, mathlens-gaussian, mathlens-matexp, mathlens-orthogonal, mathlens-repetition, mathlens-rope)',
        `define('mathlens-nope'): ${manual.error}`,
      );
      return `one.html fetched the gaussian widget only; an added <mathlens-flops> fetched flops and computed; define() loads by hand; 1 wasm instance`;
    },
  },
];
