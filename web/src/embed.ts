/**
 * The one-tag embed (`dist/embed/mathlens-widgets.js`): include it once with
 * `<script type="module" src=…>` and write `<mathlens-…>` elements anywhere in the page.
 *
 * Each element is defined when the page first uses it: at load for the elements already in the
 * document, and through a MutationObserver for elements added later (by a framework, a comment
 * section, a script). A post with one calculator downloads that widget's code only; KaTeX, uPlot, the
 * API and the .wasm are shared files, and every widget on a page uses the same wasm instance.
 * Elements inside other custom elements' shadow roots are not seen: load them with {@link define}.
 * @module
 */

/** The tag name of a mathlens element. */
export type WidgetTag =
  | 'mathlens-attention'
  | 'mathlens-flops'
  | 'mathlens-gaussian'
  | 'mathlens-matexp'
  | 'mathlens-orthogonal'
  | 'mathlens-repetition'
  | 'mathlens-rope';

/** Every element of the embed bundle and the module that defines it. */
const MODULES: Record<WidgetTag, () => Promise<unknown>> = {
  'mathlens-attention': () => import('./widgets/attention.js'),
  'mathlens-flops': () => import('./widgets/flops.js'),
  'mathlens-gaussian': () => import('./widgets/gaussian.js'),
  'mathlens-matexp': () => import('./widgets/matexp.js'),
  'mathlens-orthogonal': () => import('./widgets/orthogonal.js'),
  'mathlens-repetition': () => import('./widgets/repetition.js'),
  'mathlens-rope': () => import('./widgets/rope.js'),
};

/** The tag names the embed bundle defines. */
export const tags = Object.keys(MODULES) as WidgetTag[];

const loading = new Map<WidgetTag, Promise<CustomElementConstructor>>();

/**
 * Loads and defines the given elements (all of them when called without arguments); resolves when
 * they are defined. Rarely needed: elements in the document are defined on their own.
 */
export function define(...which: WidgetTag[]): Promise<CustomElementConstructor[]> {
  // A plain Error: importing the API's MathLensError would pull the shared chunk into this entry.
  const unknown = which.find((t) => typeof t !== 'string' || !isTag(t));
  if (unknown !== undefined)
    return Promise.reject(
      new Error(`embed.define: unknown element ${JSON.stringify(String(unknown))} (expected one of ${tags.join(', ')})`),
    );
  return Promise.all((which.length ? which : tags).map(load));
}

function load(tag: WidgetTag): Promise<CustomElementConstructor> {
  let p = loading.get(tag);
  if (!p) {
    p = MODULES[tag]().then(() => customElements.whenDefined(tag));
    loading.set(tag, p);
    p.catch((e: unknown) => {
      loading.delete(tag); // a failed download may be retried by the next element
      console.error(`mathlens: could not load <${tag}>`, e);
    });
  }
  return p;
}

function isTag(name: string): name is WidgetTag {
  return Object.prototype.hasOwnProperty.call(MODULES, name);
}

/** Loads the elements used in `root` (itself included) that are not defined yet. */
function scan(root: Element | Document): void {
  if (root instanceof Element && isTag(root.localName)) void load(root.localName).catch(() => {});
  if (!root.firstElementChild) return;
  for (const tag of tags)
    if (!loading.has(tag) && root.querySelector(tag)) void load(tag).catch(() => {});
}

if (typeof document !== 'undefined') {
  const observer = new MutationObserver((records) => {
    for (const r of records) for (const node of r.addedNodes) if (node instanceof Element) scan(node);
    if (loading.size === tags.length) observer.disconnect(); // every element is (being) defined
  });
  observer.observe(document, { childList: true, subtree: true });
  scan(document);
}
