/**
 * KaTeX inside shadow roots. The KaTeX stylesheet is adopted by each shadow root, but @font-face
 * rules are ignored there, so they are added once to the document instead.
 * @module
 */
import katex from 'katex';
import katexCss from 'katex/dist/katex.min.css?inline';
import { sheet } from './theme.js';

const FONTS_ID = 'mathlens-katex-fonts';

/**
 * Splits a stylesheet into its @font-face rules and the rest. (The CSS text is passed as an argument on
 * purpose: Vite 8.3.8's minifier inlines the `?inline` import — a concatenation with `new URL(...)` —
 * into `katexCss.match(...)` without parentheses, which breaks a direct method call on the import.)
 */
function splitFontFaces(css: string): { fontFaces: string; rest: string } {
  const re = /@font-face\s*\{[^}]*\}/g;
  const faces: string[] = [];
  for (let m = re.exec(css); m; m = re.exec(css)) faces.push(m[0]);
  return { fontFaces: faces.join('\n'), rest: css.replace(re, '') };
}

let parts: { fontFaces: string; rest: string } | undefined;
const katexParts = () => (parts ??= splitFontFaces(katexCss));

/** KaTeX's CSS without its @font-face rules, as a shared constructable stylesheet. */
export function katexSheet(): CSSStyleSheet {
  return sheet(katexParts().rest);
}

/** Adds KaTeX's @font-face rules to `doc` once. */
export function ensureKatexFonts(doc: Document = document): void {
  if (doc.getElementById(FONTS_ID)) return;
  const style = doc.createElement('style');
  style.id = FONTS_ID;
  style.textContent = katexParts().fontFaces;
  doc.head.append(style);
}

/** Typesets `tex` (our own constant TeX, never user input) into `el`. */
export function renderTex(el: HTMLElement, tex: string, displayMode = false): void {
  katex.render(tex, el, { throwOnError: false, output: 'htmlAndMathml', displayMode });
}
