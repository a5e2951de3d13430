/**
 * Building DOM without HTML strings: every piece of text goes in as textContent.
 * @module
 */

export interface ElementOptions {
  class?: string;
  text?: string;
  attrs?: Record<string, string | number | boolean>;
}

/** h('p', { class: 'note', text: userText }, child1, child2) */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: ElementOptions = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (options.class) el.className = options.class;
  if (options.text !== undefined) el.textContent = options.text;
  for (const [k, v] of Object.entries(options.attrs ?? {})) {
    if (v === false) continue;
    el.setAttribute(k, v === true ? '' : String(v));
  }
  el.append(...children);
  return el;
}

/** Sets textContent only when it changed (cheap to call every frame). */
export function setText(el: Element, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}
