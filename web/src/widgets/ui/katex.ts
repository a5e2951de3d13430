/**
 * KaTeX inside shadow roots. The KaTeX stylesheet is adopted by each shadow root, but @font-face
 * rules are ignored there, so they are added once to the document instead.
 * @module
 */
import katex from 'katex';
import katexCss from 'katex/dist/katex.min.css?inline';
import { sheet } from './theme.js';

const FONT_FACE = /@font-face\s*\{[^}]*\}/g;
const FONTS_ID = 'mathlens-katex-fonts';

/** KaTeX's CSS without its @font-face rules, as a shared constructable stylesheet. */
export function katexSheet(): CSSStyleSheet {
  return sheet(katexCss.replace(FONT_FACE, ''));
}

/** Adds KaTeX's @font-face rules to `doc` once. */
export function ensureKatexFonts(doc: Document = document): void {
  if (doc.getElementById(FONTS_ID)) return;
  const style = doc.createElement('style');
  style.id = FONTS_ID;
  style.textContent = (katexCss.match(FONT_FACE) ?? []).join('\n');
  doc.head.append(style);
}

/** Typesets `tex` (our own constant TeX, never user input) into `el`. */
export function renderTex(el: HTMLElement, tex: string, displayMode = false): void {
  katex.render(tex, el, { throwOnError: false, output: 'htmlAndMathml', displayMode });
}
