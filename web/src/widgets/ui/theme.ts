/**
 * Theming by CSS custom properties. Each token `t` is used inside a widget as `var(--t)`; a page
 * overrides it with `--mathlens-t` (custom properties inherit into shadow roots), e.g.
 * `mathlens-gaussian { --mathlens-p: teal; --mathlens-font: Georgia, serif }`. Light and dark
 * defaults follow `prefers-color-scheme`; the attribute `theme="light|dark"` forces one.
 * @module
 */

/** token → [light, dark] default. */
const TOKENS: Record<string, [string, string]> = {
  fg: ['#1f2328', '#e6edf3'],
  bg: ['#ffffff', '#0d1117'],
  surface: ['#f6f8fa', '#161b22'],
  muted: ['#59636e', '#9198a1'],
  border: ['#d1d9e0', '#3d444d'],
  accent: ['#0969da', '#4493f8'],
  p: ['#0969da', '#4493f8'],
  q: ['#cf222e', '#f47067'],
  grid: ['#eaeef2', '#21262d'],
  axis: ['#8c959f', '#656c76'],
  focus: ['#bf8700', '#e3b341'],
  'error-fg': ['#82071e', '#ffa198'],
  'error-bg': ['#ffebe9', '#2d1214'],
  'error-border': ['#ff8182', '#8e1519'],
};

const defaults = (k: 0 | 1) =>
  Object.entries(TOKENS)
    .map(([t, v]) => `--_${t}: ${v[k]};`)
    .join(' ');

/** The shared base style of every widget: tokens, box, error box, focus ring, visually-hidden text. */
export const themeCss = `
:host { ${Object.keys(TOKENS)
  .map((t) => `--${t}: var(--mathlens-${t}, var(--_${t}));`)
  .join(' ')}
  --radius: var(--mathlens-radius, 10px);
  --font: var(--mathlens-font, system-ui, -apple-system, "Segoe UI", Roboto, "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif);
  ${defaults(0)} color-scheme: light;
  display: block; box-sizing: border-box; max-width: 100%;
  font-family: var(--font); font-size: var(--mathlens-font-size, 15px); line-height: 1.45;
  color: var(--fg); background: var(--bg);
  border: 1px solid var(--border); border-radius: var(--radius);
  container-type: inline-size;
}
@media (prefers-color-scheme: dark) { :host { ${defaults(1)} color-scheme: dark; } }
:host([theme="light"]) { ${defaults(0)} color-scheme: light; }
:host([theme="dark"]) { ${defaults(1)} color-scheme: dark; }
:host([hidden]) { display: none; }
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
.mathlens { padding: 12px; }
.status { color: var(--muted); padding: 24px 8px; text-align: center; }
.error { border: 1px solid var(--error-border); background: var(--error-bg); color: var(--error-fg);
  border-radius: calc(var(--radius) - 4px); padding: 10px 12px; }
.error-title { font-weight: 600; margin: 0 0 4px; }
.error ul { margin: 0; padding-left: 1.2em; }
.error li { overflow-wrap: anywhere; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
:focus-visible { outline: 2px solid var(--focus); outline-offset: 2px; }
`;

const sheets = new Map<string, CSSStyleSheet>();

/** One constructable stylesheet per CSS text, shared by all instances (made on first use). */
export function sheet(css: string): CSSStyleSheet {
  let s = sheets.get(css);
  if (!s) {
    s = new CSSStyleSheet();
    s.replaceSync(css);
    sheets.set(css, s);
  }
  return s;
}
