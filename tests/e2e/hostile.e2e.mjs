// Issue 8 in the browser (run by tests/e2e/run.mjs): widgets under attack and long sessions.
//  - Every registered mathlens-* element (recorded from customElements.define, so a new widget is
//    covered automatically) gets classic XSS payloads in every observed attribute, and pasted into
//    every input/textarea of its shadow root. Nothing may execute (dialogs, a global canary
//    window.__xss, CSP violation reports) and no element or attribute of a payload may appear in the
//    document or any shadow root. Each payload is shown as text or rejected with a visible
//    role="alert" message, and the page's own Gaussian widget keeps computing.
//  - The same attack with the Content-Security-Policy switched off, so that the page's CSP is not
//    what stops the payloads.
//  - Each widget created and removed 1,000 times leaves no document/window/media-query listeners,
//    observers, intervals, workers, wasm memory or retained elements behind.
import { mkdirSync, writeFileSync } from 'node:fs';
import { assert } from './lib/check.mjs';

const MAIN = '#gaussian-widget';
/** Widgets created and removed in all: shared among the registered types (each gets at least 100).
 *  MATHLENS_E2E_CYCLES raises it, e.g. 7000 for 1,000 of each type (about 4 minutes). */
const CYCLES = Number(process.env.MATHLENS_E2E_CYCLES ?? 1000);
const BATCH = 25;

/** Attributes where any value is valid by design, so neither an error nor the text is expected. */
const ANY_VALUE = {
  'mathlens-repetition': {
    greedy: 'a boolean attribute: present means on, as in HTML',
    text: 'free text for the text model; it is used (as text) only in text mode',
  },
};

/** Classic XSS payloads (OWASP cheat sheet families); each sets the canary window.__xss if it runs. */
export const PAYLOADS = [
  '<script>window.__xss=1</script>',
  '<img src=x onerror="window.__xss=2">',
  '<svg onload="window.__xss=3">',
  '<svg><script>window.__xss=4</script></svg>',
  'javascript:window.__xss=5',
  '"><img src=x onerror=window.__xss=6>',
  "'><svg/onload=window.__xss=7>",
  '</style><img src=x onerror=window.__xss=8>',
  '</textarea><script>window.__xss=9</script>',
  '<iframe src="javascript:parent.__xss=10"></iframe>',
  '<a href="javascript:window.__xss=11">click</a>',
  '<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=12>',
  "{{constructor.constructor('window.__xss=13')()}}",
  '${window.__xss=14}',
  '<details open ontoggle="window.__xss=15">',
  '<body onload=window.__xss=16>',
  '<input autofocus onfocus=window.__xss=17>',
  '<object data="javascript:window.__xss=18"></object>',
  '<embed src="javascript:window.__xss=19">',
  '\\u003cimg src=x onerror=window.__xss=20\\u003e',
  '＜script＞window.__xss=21＜/script＞',
  '<img src=x onerror=&#119;indow.__xss=22>',
  '<svg><animate onbegin="window.__xss=23" attributeName=x dur=1s>',
  "<style>@import 'javascript:window.__xss=24';</style>",
  '1 2; <img src=x onerror=window.__xss=25>',
  '\u202e<img src=x onerror=window.__xss=26>',
  '<marquee onstart=window.__xss=27>',
  '<x contenteditable onfocus=window.__xss=28 autofocus>',
  '`;window.__xss=29;//',
  '<!--<img src="--><img src=x onerror=window.__xss=30//">',
  'data:text/html,<script>window.__xss=31</script>',
  '<template><img src=x onerror=window.__xss=32></template>',
];

/** Installed before any page script: records the widget registry and counts what could leak. */
function instrument() {
  const w = window;
  w.__xss = 0;
  w.__csp = [];
  w.__mlElements = [];
  document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample ?? ''}`));

  const define = customElements.define.bind(customElements);
  customElements.define = (name, cls, options) => {
    if (name.startsWith('mathlens-')) w.__mlElements.push({ name, observed: [...(cls.observedAttributes ?? [])] });
    return define(name, cls, options);
  };

  // Listeners on long-lived targets (window, document, media query lists, visualViewport): a
  // listener left there keeps a removed widget alive. Counted per (type, listener, capture), like
  // the DOM does; listener identities go through a WeakMap so nothing is retained here.
  const ids = new WeakMap();
  let next = 1;
  const live = new WeakMap();
  const counts = { listeners: 0 };
  const longLived = (t) => t === window || t === document || (typeof MediaQueryList !== 'undefined' && t instanceof MediaQueryList) || t === window.visualViewport;
  const key = (type, fn, options) => {
    if (!ids.has(fn)) ids.set(fn, next++);
    const capture = typeof options === 'boolean' ? options : !!options?.capture;
    return `${type}|${ids.get(fn)}|${capture}`;
  };
  const add = EventTarget.prototype.addEventListener;
  const remove = EventTarget.prototype.removeEventListener;
  EventTarget.prototype.addEventListener = function (type, fn, options) {
    if (fn && longLived(this)) {
      const set = live.get(this) ?? new Set();
      live.set(this, set);
      const k = key(type, fn, options);
      if (!set.has(k)) {
        set.add(k);
        counts.listeners++;
        const signal = typeof options === 'object' ? options?.signal : undefined;
        signal?.addEventListener('abort', () => {
          if (set.delete(k)) counts.listeners--;
        });
      }
    }
    return add.call(this, type, fn, options);
  };
  EventTarget.prototype.removeEventListener = function (type, fn, options) {
    if (fn && longLived(this)) {
      const set = live.get(this);
      if (set?.delete(key(type, fn, options))) counts.listeners--;
    }
    return remove.call(this, type, fn, options);
  };

  // Workers: created minus terminated.
  counts.workers = 0;
  counts.workersCreated = 0;
  const NativeWorker = window.Worker;
  window.Worker = class extends NativeWorker {
    constructor(...args) {
      super(...args);
      counts.workers++;
      counts.workersCreated++;
      let done = false;
      const terminate = this.terminate.bind(this);
      this.terminate = () => {
        if (!done) counts.workers--;
        done = true;
        terminate();
      };
    }
  };

  // Observers: observing minus disconnected.
  counts.observers = 0;
  for (const name of ['MutationObserver', 'ResizeObserver', 'IntersectionObserver']) {
    const O = window[name];
    if (!O) continue;
    const active = new WeakSet();
    const observe = O.prototype.observe;
    const disconnect = O.prototype.disconnect;
    O.prototype.observe = function (...args) {
      if (!active.has(this)) {
        active.add(this);
        counts.observers++;
      }
      return observe.apply(this, args);
    };
    O.prototype.disconnect = function () {
      if (active.delete(this)) counts.observers--;
      return disconnect.call(this);
    };
  }

  // Intervals: set minus cleared.
  counts.intervals = 0;
  const intervals = new Set();
  const setI = window.setInterval;
  const clearI = window.clearInterval;
  window.setInterval = function (...args) {
    const id = setI.apply(this, args);
    intervals.add(id);
    counts.intervals = intervals.size;
    return id;
  };
  window.clearInterval = function (id) {
    intervals.delete(id);
    counts.intervals = intervals.size;
    return clearI.call(this, id);
  };
  w.__mlCounts = counts;
}

/** In the page: the memory report of the API the widgets use (init() is memoised, so there is one
 *  wasm instance per page), reached through any widget that holds it. */
function pageMemory() {
  for (const el of document.querySelectorAll('*')) {
    if (!el.tagName.toLowerCase().startsWith('mathlens-')) continue;
    for (const v of Object.values(el)) if (v && typeof v.memory === 'function' && typeof v.buildInfo === 'function') return v.memory();
  }
  return null;
}

const DANGEROUS = ['script', 'img', 'iframe', 'object', 'embed', 'details', 'marquee', 'input', 'template', 'body', 'a', 'animate', 'x', 'mglyph', 'mtext', 'style', 'link', 'meta', 'base', 'form'];

/**
 * Runs in the page (self-contained: Playwright sends its source). A scan counts elements by tag and
 * collects handler attributes (on…) and script URLs in the document and in the shadow trees of the
 * attacked widget (#victim), or in every shadow tree with `everywhere`. The modes:
 *  - 'scan': returns a scan;
 *  - 'diff': what is new compared to `base` (a scan): dangerous elements, handlers, script URLs;
 *  - 'attributes': every attribute in `attrs` set to each payload at once, one frame each;
 *  - 'fields': each payload pasted (paste event, value, input and change events) into every input,
 *    textarea and contenteditable of #victim's shadow trees;
 * the last two return their findings after comparing with a scan taken before.
 */
async function inPage({ mode, attrs = [], payloads = [], base = null, everywhere = false, dangerous }) {
  const frame = () => new Promise((ok) => requestAnimationFrame(() => ok()));
  const scan = (all) => {
    const out = { tags: {}, handlers: [], jsUrls: [] };
    const visit = (root, where) => {
      for (const el of root.querySelectorAll('*')) {
        const tag = el.tagName.toLowerCase();
        out.tags[tag] = (out.tags[tag] ?? 0) + 1;
        for (const a of el.attributes) {
          if (/^on/i.test(a.name)) out.handlers.push(`${where} <${tag} ${a.name}="${a.value.slice(0, 40)}">`);
          if (/^(href|src|data|action|formaction|xlink:href)$/i.test(a.name) && /^\s*(javascript|data:text\/html)/i.test(a.value))
            out.jsUrls.push(`${where} <${tag} ${a.name}="${a.value.slice(0, 40)}">`);
        }
        if (el.shadowRoot && (all || el.id === 'victim' || where !== 'document')) visit(el.shadowRoot, `${where} > ${tag}`);
      }
    };
    visit(document, 'document');
    return out;
  };
  const diff = (before, after) => {
    const problems = [];
    for (const tag of dangerous) {
      const d = (after.tags[tag] ?? 0) - (before.tags[tag] ?? 0);
      if (d > 0) problems.push(`${d} new <${tag}>`);
    }
    if (after.handlers.length) problems.push(`handler attributes: ${after.handlers.slice(0, 3).join(', ')}`);
    if (after.jsUrls.length) problems.push(`script URLs: ${after.jsUrls.slice(0, 3).join(', ')}`);
    return problems;
  };
  if (mode === 'scan') return scan(everywhere);
  if (mode === 'diff') return diff(base, scan(everywhere));
  const victim = document.getElementById('victim');
  const before = scan(false);
  const findings = [];
  if (mode === 'attributes') {
    for (const p of payloads) {
      for (const a of attrs) victim.setAttribute(a, p);
      await frame();
      const d = diff(before, scan(false));
      if (d.length) findings.push(`all attributes = ${JSON.stringify(p)}: ${d.join('; ')}`);
    }
    for (const a of attrs) victim.removeAttribute(a);
    await frame();
    return findings;
  }
  const fieldsOf = (root) => [
    ...root.querySelectorAll('input, textarea, [contenteditable=""], [contenteditable="true"]'),
    ...[...root.querySelectorAll('*')].flatMap((el) => (el.shadowRoot ? fieldsOf(el.shadowRoot) : [])),
  ];
  const skip = new Set(['checkbox', 'radio', 'file', 'hidden', 'button', 'submit', 'reset', 'image', 'color']);
  for (const p of payloads) {
    const fields = fieldsOf(victim.shadowRoot).filter((f) => !skip.has(f.type));
    for (const f of fields) {
      const data = new DataTransfer();
      data.setData('text/plain', p);
      f.focus();
      f.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true, composed: true }));
      if ('value' in f) f.value = p;
      else f.textContent = p;
      f.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true, data: p, inputType: 'insertFromPaste' }));
      f.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
      f.blur();
    }
    await frame();
    const d = diff(before, scan(false));
    if (d.length) findings.push(`fields ← ${JSON.stringify(p)}: ${d.join('; ')}`);
  }
  return findings;
}

/** How many fields a paste can go into (inputs, textareas, contenteditables of #victim's shadow trees). */
function countFields() {
  const skip = new Set(['checkbox', 'radio', 'file', 'hidden', 'button', 'submit', 'reset', 'image', 'color']);
  const fieldsOf = (root) => [
    ...root.querySelectorAll('input, textarea, [contenteditable=""], [contenteditable="true"]'),
    ...[...root.querySelectorAll('*')].flatMap((el) => (el.shadowRoot ? fieldsOf(el.shadowRoot) : [])),
  ];
  return fieldsOf(document.getElementById('victim').shadowRoot).filter((f) => !skip.has(f.type)).length;
}

const frames = (page, n = 2) =>
  page.evaluate((k) => new Promise((ok) => {
    const step = (i) => (i ? requestAnimationFrame(() => step(i - 1)) : ok());
    step(k);
  }), n);

async function mainWidgetWorks(page, label) {
  // p = q ⇒ KL(p‖q) = 0 exactly and W2 = 0: the page's own widget still computes after the attack.
  await page.evaluate((sel) => {
    const el = document.querySelector(sel);
    el.setAttribute('p-mean', '0.5 -1');
    el.setAttribute('p-cov', '1 0; 0 3');
    el.setAttribute('q-mean', '0.5 -1');
    el.setAttribute('q-cov', '1 0; 0 3');
  }, MAIN);
  await page.waitForFunction((sel) => document.querySelector(sel)?.comparison?.klPQ === 0, MAIN);
  await page.evaluate((sel) => {
    const el = document.querySelector(sel);
    for (const a of ['p-mean', 'p-cov', 'q-mean', 'q-cov']) el.removeAttribute(a);
  }, MAIN);
  await page.waitForFunction(
    (sel) => Math.abs((document.querySelector(sel)?.comparison?.klPQ ?? 0) - 1.6028315836996772) < 1e-12,
    MAIN,
  );
  void label;
}

/** Attacks every widget type; returns a summary line. Throws with every finding. */
async function attack(page, phase) {
  const elements = await page.evaluate(() => window.__mlElements);
  assert(elements.length >= 1, 'no mathlens-* element was registered');
  const findings = [];
  const fieldCounts = [];
  let attempts = 0;
  const dialogs = [];
  const onDialog = (d) => {
    dialogs.push(d.message());
    d.dismiss().catch(() => {});
  };
  page.on('dialog', onDialog);
  const firstScan = await page.evaluate(inPage, { mode: 'scan', everywhere: true, dangerous: DANGEROUS });
  try {
    for (const { name, observed } of elements) {
      // A fresh instance with its default attributes, next to the page's own widget.
      await page.evaluate((n) => {
        const zone = document.getElementById('hostile-zone') ?? document.querySelector('main').appendChild(Object.assign(document.createElement('div'), { id: 'hostile-zone' }));
        zone.replaceChildren(Object.assign(document.createElement(n), { id: 'victim' }));
      }, name);
      await frames(page, 3);
      const base = await page.evaluate(inPage, { mode: 'scan', dangerous: DANGEROUS });

      // 1. All observed attributes at once, one payload at a time.
      const attrs = observed.filter((a) => a !== 'lang');
      attempts += attrs.length * PAYLOADS.length;
      for (const f of await page.evaluate(inPage, { mode: 'attributes', attrs, payloads: PAYLOADS, dangerous: DANGEROUS }))
        findings.push(`${phase} <${name}> ${f}`);

      // 2. One attribute at a time (lang too): rejected with a visible alert, or shown as text.
      const payload = PAYLOADS[5];
      for (const attr of observed) {
        attempts++;
        await page.evaluate(([a, p]) => document.getElementById('victim').setAttribute(a, p), [attr, payload]);
        await frames(page, 2);
        const shown = await page.evaluate((p) => {
          const root = document.getElementById('victim').shadowRoot;
          const alert = root.querySelector('[role="alert"]:not([hidden])');
          const box = alert?.getBoundingClientRect();
          return {
            alert: !!alert && !!box && box.width > 0 && box.height > 0 && alert.textContent.length > 0,
            alertText: alert?.textContent ?? '',
            asText: root.textContent.includes(p),
          };
        }, payload);
        if (attr !== 'lang' && !ANY_VALUE[name]?.[attr] && !shown.alert && !shown.asText)
          findings.push(`${phase} <${name} ${attr}=${JSON.stringify(payload)}>: neither a visible role="alert" error nor shown as text (silently ignored)`);
        if (shown.alert && !shown.alertText.includes(attr) && attr !== 'lang')
          findings.push(`${phase} <${name} ${attr}=…>: the error does not name the attribute: ${shown.alertText.slice(0, 120)}`);
        const problems = await page.evaluate(inPage, { mode: 'diff', base, dangerous: DANGEROUS });
        if (problems.length) findings.push(`${phase} <${name} ${attr}=…>: ${problems.join('; ')}`);
        await page.evaluate((a) => document.getElementById('victim').removeAttribute(a), attr);
      }

      // 3. Pasted into every input, textarea and contenteditable of its shadow trees.
      await frames(page, 2);
      const fields = await page.evaluate(countFields);
      attempts += fields * PAYLOADS.length;
      if (fields)
        for (const f of await page.evaluate(inPage, { mode: 'fields', payloads: PAYLOADS, dangerous: DANGEROUS }))
          findings.push(`${phase} <${name}> ${f}`);
      fieldCounts.push(`${name.replace('mathlens-', '')}: ${fields}`);
      await page.evaluate(() => document.getElementById('hostile-zone')?.replaceChildren());
      await mainWidgetWorks(page, name);
    }
    await page.waitForTimeout(300); // late handlers (timers, image errors)
    const everywhere = await page.evaluate(inPage, { mode: 'diff', base: firstScan, everywhere: true, dangerous: DANGEROUS });
    if (everywhere.length) findings.push(`${phase}, the whole page (all shadow roots): ${everywhere.join('; ')}`);
    const state = await page.evaluate(() => ({ xss: window.__xss, csp: window.__csp }));
    if (state.xss) findings.push(`${phase}: the canary window.__xss was set to ${state.xss}`);
    if (state.csp.length) findings.push(`${phase}: CSP violations (something tried to run): ${state.csp.slice(0, 5).join(' | ')}`);
    if (dialogs.length) findings.push(`${phase}: dialogs opened: ${dialogs.join(', ')}`);
  } finally {
    page.off('dialog', onDialog);
  }
  if (findings.length) {
    // The runner prints the first line only: the whole list goes to a file next to the screenshots.
    const file = `test-output/e2e/hostile-findings-${phase.replace(/\W+/g, '-')}.txt`;
    mkdirSync('test-output/e2e', { recursive: true });
    writeFileSync(file, `${findings.join('\n')}\n`);
    throw new Error(`${findings.length} findings (all in ${file}); first: ${findings[0]}`);
  }
  return `${elements.length} widgets (${elements.map((e) => e.name.replace('mathlens-', '')).join(', ')}), ${PAYLOADS.length} payloads, ${attempts} attribute/field injections (fields: ${fieldCounts.join(', ')}): nothing ran, nothing injected`;
}

let instrumented = false;
/** The instrumented Gaussian page (the page's widget is the one that must keep computing). */
async function openPage(page, baseUrl, lang = 'en', force = true) {
  if (!instrumented) {
    await page.addInitScript(instrument);
    instrumented = true;
    force = true;
  }
  if (!force) return;
  const response = await page.goto(`${baseUrl}gaussian.html?lang=${lang}`);
  assert(response?.ok(), `HTTP ${response?.status()}`);
  await page.waitForFunction((sel) => document.querySelector(sel)?.comparison != null, MAIN);
}

async function gc(context, page) {
  const cdp = await context.newCDPSession(page);
  for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage');
  await cdp.detach();
}

/** One check per widget type (so each has its own time limit): its share of the CYCLES widgets
 *  created, rendered and removed; the last check verifies that every registered type had its turn. */
const MAX_TYPES = 12;
const cycled = new Set();
function cycleCheck(index) {
  return {
    name: `widget type #${index + 1}: its share of ${CYCLES} widgets created and removed leaves nothing behind`,
    async run({ page, context, baseUrl }) {
      await openPage(page, baseUrl, 'en', false);
      const elements = await page.evaluate(() => window.__mlElements);
      if (index >= elements.length) return `(${elements.length} widget types are registered)`;
      const { name } = elements[index];
      const count = Math.max(100, Math.ceil(CYCLES / elements.length / BATCH) * BATCH);
      await page.evaluate(() => document.getElementById('hostile-zone')?.replaceChildren());
      // Warm-up: one instance through its whole life, so lazy one-time setup (fonts, workers pools,
      // module scripts) is not counted as a leak.
      const once = async () => {
        await page.evaluate((n) => {
          const zone = document.getElementById('hostile-zone') ?? document.querySelector('main').appendChild(Object.assign(document.createElement('div'), { id: 'hostile-zone' }));
          zone.append(document.createElement(n));
        }, name);
        await frames(page, 3);
        await page.waitForTimeout(200);
        await page.evaluate(() => document.getElementById('hostile-zone').replaceChildren());
      };
      await once();
      await page.waitForTimeout(300);
      await gc(context, page);
      const measure = async () => ({
        ...(await page.evaluate(() => ({ ...window.__mlCounts, nodes: document.getElementsByTagName('*').length }))),
        memory: await page.evaluate(pageMemory),
      });
      const before = await measure();
      assert(before.memory, 'could not reach the API (ml.memory()) through a widget on the page');

      const t0 = Date.now();
      await page.evaluate(
        async ([n, cycles, batch]) => {
          window.__refs = [];
          const zone = document.getElementById('hostile-zone');
          const frame = () => new Promise((ok) => requestAnimationFrame(() => ok()));
          for (let made = 0; made < cycles; made += batch) {
            for (let i = 0; i < batch; i++) {
              const el = document.createElement(n);
              window.__refs.push(new WeakRef(el));
              zone.append(el);
            }
            await frame(); // each instance renders once …
            zone.replaceChildren(); // … and is removed
          }
        },
        [name, count, BATCH],
      );
      const elapsed = Date.now() - t0;
      await page.waitForTimeout(500); // pending timers of the removed widgets run out
      await gc(context, page);
      const after = await measure();
      const alive = await page.evaluate(() => {
        const n = window.__refs.filter((r) => r.deref()).length;
        window.__refs = [];
        return n;
      });
      const problems = [];
      for (const k of ['listeners', 'observers', 'intervals', 'workers'])
        if (after[k] > before[k]) problems.push(`${after[k] - before[k]} ${k} left (${before[k]} → ${after[k]})`);
      if (after.memory.wasmHeapBytes > before.memory.wasmHeapBytes)
        problems.push(`wasm heap grew ${before.memory.wasmHeapBytes} → ${after.memory.wasmHeapBytes}`);
      const kept = after.memory.allocatedBytes - before.memory.allocatedBytes;
      if (kept > 64 * 1024) problems.push(`${kept} bytes still allocated in the wasm heap`);
      if (after.nodes > before.nodes) problems.push(`${after.nodes - before.nodes} DOM nodes left in the document`);
      if (alive > count / 100) problems.push(`${alive} of ${count} removed widgets still alive after GC`);
      if (problems.length) throw new Error(`<${name}>: ${problems.join('; ')}`);
      cycled.add(name);
      return `<${name}> ×${count} in ${(elapsed / 1000).toFixed(1)} s: listeners ${before.listeners}→${after.listeners}, observers ${before.observers}→${after.observers}, intervals ${before.intervals}→${after.intervals}, workers ${before.workers}→${after.workers} (${after.workersCreated - before.workersCreated} created), wasm ${before.memory.allocatedBytes}→${after.memory.allocatedBytes} B allocated of ${after.memory.wasmHeapBytes}, ${alive} alive after GC`;
    },
  };
}

export const checks = [
  {
    name: 'every registered mathlens-* widget withstands XSS payloads in attributes and pasted text (under the site CSP)',
    async run({ page, baseUrl, shot }) {
      await openPage(page, baseUrl, 'en');
      const summary = await attack(page, 'with CSP');
      // A screenshot of a widget showing a rejected payload, for the record.
      mkdirSync('test-output/e2e', { recursive: true });
      await page.evaluate(([p]) => {
        const zone = document.getElementById('hostile-zone');
        const el = document.createElement('mathlens-gaussian');
        el.id = 'victim-shot';
        el.setAttribute('p-mean', p);
        el.setAttribute('q-cov', '<script>window.__xss=1</script>');
        zone.replaceChildren(el);
      }, PAYLOADS);
      await frames(page, 3);
      await page.locator('#victim-shot').screenshot({ path: 'test-output/e2e/hostile-xss-rejected.png' });
      await page.evaluate(() => document.getElementById('hostile-zone').replaceChildren());
      void shot;
      return summary;
    },
  },
  {
    name: 'the same attack with the Content-Security-Policy switched off: still nothing runs',
    async run({ page, context, baseUrl }) {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Page.setBypassCSP', { enabled: true });
      await openPage(page, baseUrl, 'zh');
      const bypassed = await page.evaluate(() => {
        try {
          return new Function('return 1')() === 1; // eval is forbidden by the site's CSP
        } catch {
          return false;
        }
      });
      assert(bypassed, 'the CSP is still enforced (could not switch it off)');
      try {
        return await attack(page, 'without CSP');
      } finally {
        await cdp.send('Page.setBypassCSP', { enabled: false });
        await cdp.detach();
      }
    },
  },
  {
    name: 'malformed attributes: a visible inline error in that widget while the other widget keeps computing',
    async run({ page, baseUrl }) {
      await openPage(page, baseUrl, 'en');
      const elements = await page.evaluate(() => window.__mlElements);
      const results = [];
      for (const { name, observed } of elements) {
        const attrs = observed.filter((a) => a !== 'lang');
        if (!attrs.length) continue;
        await page.evaluate(([n, as]) => {
          const zone = document.getElementById('hostile-zone') ?? document.querySelector('main').appendChild(Object.assign(document.createElement('div'), { id: 'hostile-zone' }));
          const el = document.createElement(n);
          el.id = 'malformed';
          for (const a of as) el.setAttribute(a, '1 2; ; x <b>');
          zone.replaceChildren(el);
        }, [name, attrs]);
        await page.waitForFunction(() => {
          const alert = document.getElementById('malformed')?.shadowRoot?.querySelector('[role="alert"]:not([hidden])');
          return !!alert && alert.getBoundingClientRect().height > 0;
        });
        assert(await page.locator('#malformed').getByRole('alert').isVisible(), `<${name}>: alert not visible`);
        results.push(name.replace('mathlens-', ''));
        await mainWidgetWorks(page, name);
      }
      await page.locator('#malformed').screenshot({ path: 'test-output/e2e/hostile-malformed.png' }).catch(() => {});
      await page.evaluate(() => document.getElementById('hostile-zone').replaceChildren());
      return `inline errors in ${results.join(', ')}; the Gaussian widget kept computing`;
    },
  },
  ...Array.from({ length: MAX_TYPES }, (_, i) => cycleCheck(i)),
  {
    name: 'control: the same measurement catches an element that leaks on purpose',
    async run({ page, context, baseUrl }) {
      await openPage(page, baseUrl, 'en', false);
      await gc(context, page);
      const before = await page.evaluate(() => ({ ...window.__mlCounts }));
      const alive = await page.evaluate(async () => {
        if (!customElements.get('hostile-leak-probe'))
          customElements.define(
            'hostile-leak-probe',
            class extends HTMLElement {
              connectedCallback() {
                const self = this;
                window.addEventListener('resize', () => self.isConnected); // never removed
                new MutationObserver(() => self.isConnected).observe(document.body, { childList: true }); // never disconnected
                setInterval(() => self.isConnected, 60000); // never cleared
              }
            },
          );
        window.__probeRefs = [];
        const zone = document.getElementById('hostile-zone') ?? document.body;
        for (let i = 0; i < 20; i++) {
          const el = document.createElement('hostile-leak-probe');
          window.__probeRefs.push(new WeakRef(el));
          zone.append(el);
          el.remove();
        }
        await new Promise((ok) => requestAnimationFrame(() => ok()));
      });
      void alive;
      await gc(context, page);
      const after = await page.evaluate(() => ({ ...window.__mlCounts, alive: window.__probeRefs.filter((r) => r.deref()).length }));
      for (const k of ['listeners', 'observers', 'intervals'])
        assert(after[k] - before[k] === 20, `${k}: ${before[k]} → ${after[k]}, expected +20`);
      assert(after.alive === 20, `${after.alive} of 20 leaky elements alive after GC, expected 20`);
      return `20 leaky elements: +20 listeners, +20 observers, +20 intervals, 20 still alive — seen`;
    },
  },
  {
    name: `every registered widget type went through the create/remove cycles (${CYCLES} widgets in all)`,
    async run({ page }) {
      const names = (await page.evaluate(() => window.__mlElements)).map((e) => e.name);
      assert(names.length <= MAX_TYPES, `${names.length} widget types but only ${MAX_TYPES} cycle checks: raise MAX_TYPES`);
      const missed = names.filter((n) => !cycled.has(n));
      assert(missed.length === 0, `not cycled (or failed): ${missed.join(', ')}`);
      return `${names.length} types`;
    },
  },
];
