/**
 * Shareable links: the state of every widget with an id is kept in the URL hash as
 * `#<id>.<attribute>=<value>&…` (updated with replaceState as the user drags, so the history does
 * not fill up) and set back as attributes when the page loads. The widgets treat these values like
 * any attribute: parsed, validated, and shown as an inline error when wrong — never as HTML.
 */
import type { MathLensElement } from '../src/widgets/ui/base.js';

const widgets = () =>
  [...document.querySelectorAll<HTMLElement>('[id]')].filter(
    (el): el is MathLensElement => el.localName.startsWith('mathlens-') && typeof (el as MathLensElement).shareState === 'function',
  );

function observed(el: Element): string[] {
  return ((el.constructor as { observedAttributes?: string[] }).observedAttributes ?? []).filter((a) => a !== 'lang');
}

/** Applies `#id.attr=value&…` to the page's widgets. */
export function restoreFromHash(hash = location.hash): void {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  for (const [key, value] of params) {
    const dot = key.indexOf('.');
    if (dot < 1) continue;
    const el = document.getElementById(key.slice(0, dot));
    const attr = key.slice(dot + 1);
    if (el && el.localName.startsWith('mathlens-') && observed(el).includes(attr)) el.setAttribute(attr, value);
  }
}

function writeHash(): void {
  const params = new URLSearchParams();
  for (const el of widgets()) for (const [k, v] of Object.entries(el.shareState())) params.set(`${el.id}.${k}`, v);
  const next = `#${params.toString()}`;
  if (next !== location.hash) history.replaceState(null, '', `${location.pathname}${location.search}${next}`);
}

let timer = 0;
/** Keeps the hash in step with the widgets (debounced), and follows hash changes made by hand. */
export function enableShareableLinks(): void {
  // Custom elements upgrade asynchronously; restore once they are defined.
  const pending = [...new Set([...document.querySelectorAll('*')].map((el) => el.localName).filter((t) => t.startsWith('mathlens-')))];
  Promise.all(pending.map((t) => customElements.whenDefined(t))).then(() => restoreFromHash());
  document.addEventListener('change', (e) => {
    if (!(e.target instanceof HTMLElement) || !e.target.localName.startsWith('mathlens-')) return;
    clearTimeout(timer);
    timer = window.setTimeout(writeHash, 300);
  });
  window.addEventListener('hashchange', () => restoreFromHash());
}
