/**
 * The base class of every mathlens element: an open shadow root with shared styles, attribute →
 * state → one render per animation frame, language resolution (own `lang` or nearest ancestor's,
 * followed live), a visible error box (role="alert"), a loading line, and cleanup of every listener,
 * observer, timer and frame when the element leaves the document.
 * @module
 */
import { common, fill, resolveLang, type Lang } from './i18n.js';
import { sheet, themeCss } from './theme.js';
import { h, setText } from './dom.js';
import { init, type MathLens } from '../../index.js';

export abstract class MathLensElement extends HTMLElement {
  /** Subclasses: `static observedAttributes = [...MathLensElement.observedAttributes, 'my-attr']`. */
  static observedAttributes = ['lang', 'heading-level'];

  protected readonly shadow: ShadowRoot;
  /** The library, once loaded (one wasm instance per page, shared by every widget). */
  protected ml: MathLens | null = null;
  /** Why loading the library failed, if it did. */
  protected loadError: string | null = null;
  private loading = false;
  /** Where the subclass builds its content; hidden while an error or the loading line shows. */
  protected readonly content: HTMLDivElement;
  private readonly errorBox: HTMLDivElement;
  private readonly status: HTMLDivElement;
  private readonly cleanups = new Set<() => void>();
  private frame = 0;
  private rendered: Lang | null = null;
  /** The subclass's last error messages (showError), shown together with the base's own. */
  private widgetMessages: string[] | null = null;
  /** A malformed `heading-level` (the one attribute the base class reads besides `lang`). */
  private headingError: ((lang: Lang) => string) | null = null;
  /** Whether the error box currently lists the heading-level error. */
  private headingErrorShown = false;

  constructor(...styles: CSSStyleSheet[]) {
    super();
    this.shadow = this.attachShadow({ mode: 'open' });
    this.shadow.adoptedStyleSheets = [sheet(themeCss), ...styles];
    this.errorBox = h('div', { class: 'error', attrs: { role: 'alert', part: 'error', hidden: true } });
    this.status = h('div', { class: 'status', attrs: { role: 'status', hidden: true } });
    // Hidden until the first render decides between content, the loading line and an error: the
    // unfilled skeleton never flashes, and "content visible" always means "computed".
    this.content = h('div', { class: 'content', attrs: { hidden: true } });
    this.shadow.append(h('div', { class: 'mathlens', attrs: { part: 'container' } }, this.errorBox, this.status, this.content));
  }

  /** The resolved language: own `lang`, else the nearest ancestor's, else English. */
  get language(): Lang {
    return resolveLang(this);
  }

  connectedCallback(): void {
    // Follow `lang` changes anywhere above us (a page-level language switch).
    const observer = new MutationObserver(() => {
      if (this.language !== this.rendered) this.requestRender();
    });
    observer.observe(this.ownerDocument.documentElement, { attributes: true, attributeFilter: ['lang'], subtree: true });
    this.cleanups.add(() => observer.disconnect());
    this.connected();
    this.requestRender();
  }

  disconnectedCallback(): void {
    for (const c of this.cleanups) c();
    this.cleanups.clear();
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.disconnected();
  }

  attributeChangedCallback(name: string, oldValue: string | null, value: string | null): void {
    if (oldValue === value) return;
    if (name === 'heading-level') this.headingError = headingLevelError(value);
    else if (name !== 'lang') this.attributeChanged(name, value);
    this.requestRender();
  }

  /**
   * The widget's current state as attribute values that reproduce it, for shareable links (the demo
   * writes them into the URL hash and sets them back on load). By default: its observed attributes
   * as they are; widgets whose state moves beyond their attributes (dragging, sliders) override it.
   */
  shareState(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const name of (this.constructor as typeof MathLensElement).observedAttributes) {
      const v = this.getAttribute(name);
      if (name !== 'lang' && v !== null) out[name] = v;
    }
    return out;
  }

  /**
   * Loads the library once for this element (init() itself is memoised per page), then calls
   * `ready` and renders; a failure is kept in `loadError` for the subclass to show.
   */
  protected loadApi(ready?: (ml: MathLens) => void): void {
    if (this.ml || this.loading) return;
    this.loading = true;
    init().then(
      (ml) => {
        this.ml = ml;
        this.loading = false;
        ready?.(ml);
        this.renderNow();
      },
      (e: unknown) => {
        this.loadError = e instanceof Error ? e.message : String(e);
        this.loading = false;
        this.requestRender();
      },
    );
  }

  /**
   * Shows the loading line or the load failure while the library is not ready and returns false;
   * once it is, hides the status line and returns true. Call at the start of render().
   */
  protected showLoadState(lang: Lang): this is this & { ml: MathLens } {
    if (this.loadError) {
      this.showError(lang, [fill(common[lang].loadFailed, { reason: this.loadError })]);
      return false;
    }
    if (!this.ml) {
      this.showError(lang, null);
      this.showStatus(common[lang].loading);
      return false;
    }
    this.showStatus(null);
    return true;
  }

  /** Hooks for subclasses. */
  protected connected(): void {}
  protected disconnected(): void {}
  protected attributeChanged(_name: string, _value: string | null): void {}
  /** Draws the current state; `langChanged` says whether labels must be re-rendered. */
  protected abstract render(lang: Lang, langChanged: boolean): void;

  /** Coalesces any number of state changes into one render in the next animation frame. */
  protected requestRender(): void {
    if (this.frame || !this.isConnected) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.renderNow();
    });
  }

  /** Renders synchronously (e.g. right after the wasm module loaded). */
  protected renderNow(): void {
    if (!this.isConnected) return;
    const lang = this.language;
    const changed = lang !== this.rendered;
    this.rendered = lang;
    this.render(lang, changed);
    this.applyHeadingLevel();
    // A heading-level error appears (or goes) even when render() did not touch the error box.
    if (this.headingErrorShown !== !!this.headingError) this.showError(lang, this.widgetMessages);
  }

  /**
   * The widget's section titles are <h3>. A page that places the widget right under its <h1> (or
   * deeper than an <h2>) sets `heading-level="2"` (2–6; anything else is an attribute error) so that the
   * document outline has no gap: the titles then carry aria-level, which assistive technology and
   * accessibility checkers read as the heading level.
   */
  private applyHeadingLevel(): void {
    const raw = this.getAttribute('heading-level')?.trim();
    const level = raw && !this.headingError ? raw : null;
    for (const el of this.shadow.querySelectorAll('h3')) {
      if (level) el.setAttribute('aria-level', level);
      else el.removeAttribute('aria-level');
    }
  }

  /** addEventListener that is undone on disconnect (for window, document, media queries…). */
  protected listen(target: EventTarget, type: string, fn: EventListenerOrEventListenerObject, options?: AddEventListenerOptions): () => void {
    target.addEventListener(type, fn, options);
    const off = () => {
      target.removeEventListener(type, fn, options);
      this.cleanups.delete(off);
    };
    this.cleanups.add(off);
    return off;
  }

  /** setTimeout that is cancelled on disconnect; returns the cancel function. */
  protected timer(fn: () => void, ms: number): () => void {
    const id = setTimeout(() => {
      this.cleanups.delete(cancel);
      fn();
    }, ms);
    const cancel = () => {
      clearTimeout(id);
      this.cleanups.delete(cancel);
    };
    this.cleanups.add(cancel);
    return cancel;
  }

  /** Shows the error box with a title and messages (as text) instead of the content; null clears it. */
  protected showError(lang: Lang, widgetMessages: string[] | null): void {
    this.widgetMessages = widgetMessages;
    const messages = [...(widgetMessages ?? []), ...(this.headingError ? [this.headingError(lang)] : [])];
    this.headingErrorShown = !!this.headingError;
    const on = messages.length > 0;
    this.errorBox.hidden = !on;
    if (on) {
      this.status.hidden = true;
      this.errorBox.replaceChildren(
        h('p', { class: 'error-title', text: common[lang].errorTitle }),
        h('ul', {}, ...messages.map((m) => h('li', { text: m }))),
      );
    } else if (this.errorBox.firstChild) this.errorBox.replaceChildren();
    this.syncContent();
  }

  /** Shows a one-line status (e.g. loading) instead of the content; null hides it. */
  protected showStatus(text: string | null): void {
    this.status.hidden = text === null;
    if (text !== null) setText(this.status, text);
    this.syncContent();
  }

  private syncContent(): void {
    this.content.hidden = !this.errorBox.hidden || !this.status.hidden;
  }
}

/** null for a valid (or absent) `heading-level`, else the message of the attribute error. */
function headingLevelError(value: string | null): ((lang: Lang) => string) | null {
  if (value === null || /^\s*[2-6]\s*$/.test(value)) return null;
  return (lang) => fill(common[lang].attribute, { name: 'heading-level', value, reason: fill(common[lang].integerRange, { min: 2, max: 6 }) });
}
