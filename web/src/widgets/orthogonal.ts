/**
 * `<mathlens-orthogonal>`: unit vectors a and b as draggable arrows, in the plane or in a 3-D view
 * the reader turns by dragging, with the orthogonal matrix T that takes a to b — the minimal
 * rotation, the Householder reflection or the post's (a+b)(a+b)ᵀ/(1+aᵀb) − I — its rotation plane,
 * mirror or axis drawn, and its checks ‖TᵀT − I‖, ‖Ta − b‖ and det T live (kexue.fm/archives/8453,
 * spec/MATH.md §3).
 *
 * ```html
 * <mathlens-orthogonal a="1 2 2" b="2 -1 2" construction="rotation" lang="zh"></mathlens-orthogonal>
 * ```
 * Attributes: `a`, `b` (2 or 3 numbers each, separated by spaces or commas; any non-zero length, they
 * are normalised), `construction` (rotation | householder | simplest; default rotation), `yaw`,
 * `pitch` (the 3-D view, degrees; default 25 and 20), `lang` (en | zh), `theme` (light | dark).
 * Properties `a`, `b` (number arrays), `construction`, `report` (the latest OrthogonalReport); event
 * `change` with the report in `detail`.
 * @module
 */
import { MathLensError, type MathLens, type OrthogonalConstruction, type OrthogonalReport } from '../index.js';
import { MathLensElement } from './ui/base.js';
import { h, setText } from './ui/dom.js';
import { formatCompact, formatNumber } from './ui/format.js';
import { common, defineStrings, fill, type Lang } from './ui/i18n.js';
import { ensureKatexFonts, katexSheet, renderTex } from './ui/katex.js';
import { ParseError, parseNumbers } from './ui/parse.js';
import { clientToSvg, drawGrid, fitView, setAttrs, svg, toScreen, toWorld, type View } from './ui/svg.js';
import { sheet } from './ui/theme.js';

type Vec3 = [number, number, number];
type Name = 'a' | 'b';
const CONSTRUCTIONS: OrthogonalConstruction[] = ['rotation', 'householder', 'simplest'];
const DEFAULTS = { a: '1 2 2', b: '2 -1 2', yaw: 25, pitch: 20 };
const DEFAULT_2D: Record<Name, Vec3> = { a: [1, 0, 0], b: [0.6, 0.8, 0] };
const SIZE = 400;
const SPAN = 2.9; // world units across the plot: the unit sphere with room for labels
const DEG = Math.PI / 180;

const S = defineStrings({
  en: {
    plot2: 'The unit vectors a and b in the plane and what T does: {what}',
    plot3: 'The unit vectors a and b in a 3-D view (drag the background or use the arrow keys here to turn it) and what T does: {what}',
    what_rotation: 'the arc shows the rotation from a to b.',
    what_householder: 'the shaded mirror reflects a onto b.',
    what_simplest: 'T turns a half-way around the axis u onto b (in 2-D: reflects it across the line u).',
    hint2: 'Drag the tip of a or b, or focus a tip (Tab) and use the arrow keys; Shift takes larger steps.',
    hint3: 'Drag a tip over the sphere, or focus it and use the arrow keys (left/right: around the vertical axis, up/down: elevation). Drag the background to turn the view.',
    handle: 'Direction of {v}',
    construction: 'Construction',
    rotation: 'Minimal rotation',
    householder: 'Householder reflection',
    simplest: 'The post’s (a+b)(a+b)ᵀ/(1+aᵀb) − I',
    dimension: 'Dimension',
    dim2: '2-D',
    dim3: '3-D',
    antiparallel: 'b = −a',
    parallel: 'b = a',
    resetView: 'Reset view',
    matrix: 'The matrix T',
    checks: 'Checks of T',
    orth: 'Orthogonality error ‖TᵀT − I‖_F',
    residual: 'Residual ‖T a − b‖',
    det: 'Determinant det T',
    expected: 'expected {d}',
    angle: 'Angle between a and b',
    degenerateRotation: 'b = −a: a and b do not determine a plane; T rotates by 180° in the plane of a and the {axis}-axis (the axis least aligned with a).',
    degenerateSimplest: 'b = −a: the axis u is not determined by a and b; u is taken from the {axis}-axis (the axis least aligned with a).',
    degenerateHouseholder: 'b = a: any mirror containing a will do; this one is orthogonal to the {axis}-axis direction (made orthogonal to a), so det T stays −1.',
    sensitive: 'b is within {dist} of {target}: T is sensitive to a and b here — a change h in b can move T by up to {k}·h.',
    summary: 'T maps a to b with ‖TᵀT − I‖ = {orth}, ‖Ta − b‖ = {res}, det T = {det}; the angle between a and b is {angle}°.',
  },
  zh: {
    plot2: '平面上的单位向量 a、b，以及 T 的作用：{what}',
    plot3: '三维视图中的单位向量 a、b（拖动背景或在此按方向键可旋转视角），以及 T 的作用：{what}',
    what_rotation: '圆弧表示从 a 转到 b 的旋转。',
    what_householder: '阴影所示的镜面把 a 反射到 b。',
    what_simplest: 'T 让 a 绕轴 u 转半圈到达 b（二维时即关于直线 u 作反射）。',
    hint2: '拖动 a 或 b 的箭头尖端；也可以用 Tab 选中尖端后按方向键，按住 Shift 步长更大。',
    hint3: '在球面上拖动箭头尖端，或选中后按方向键（左右：绕竖直轴转，上下：改变仰角）。拖动背景可旋转视角。',
    handle: '{v} 的方向',
    construction: '构造方式',
    rotation: '最小旋转',
    householder: 'Householder 反射',
    simplest: '原文的 (a+b)(a+b)ᵀ/(1+aᵀb) − I',
    dimension: '维数',
    dim2: '二维',
    dim3: '三维',
    antiparallel: 'b = −a',
    parallel: 'b = a',
    resetView: '重置视角',
    matrix: '矩阵 T',
    checks: '对 T 的检验',
    orth: '正交性误差 ‖TᵀT − I‖_F',
    residual: '残差 ‖T a − b‖',
    det: '行列式 det T',
    expected: '应为 {d}',
    angle: 'a 与 b 的夹角',
    degenerateRotation: 'b = −a：a 和 b 确定不了平面；T 在 a 与 {axis} 轴（与 a 最不共线的坐标轴）张成的平面内旋转 180°。',
    degenerateSimplest: 'b = −a：a 和 b 确定不了轴 u；u 取自 {axis} 轴（与 a 最不共线的坐标轴）。',
    degenerateHouseholder: 'b = a：任何包含 a 的镜面都可以；这里的镜面与 {axis} 轴方向（正交化到 a 之后）垂直，因此 det T 仍为 −1。',
    sensitive: 'b 与 {target} 只差 {dist}：此处 T 对 a、b 很敏感——b 改变 h，T 最多可改变 {k}·h。',
    summary: 'T 把 a 映到 b：‖TᵀT − I‖ = {orth}，‖Ta − b‖ = {res}，det T = {det}；a 与 b 的夹角为 {angle}°。',
  },
});
type Key = keyof (typeof S)['en'];

const TEX: Record<OrthogonalConstruction, string> = {
  rotation: String.raw`T=I+2\,b\,a^{\top}-\frac{(a+b)(a+b)^{\top}}{1+a^{\top}b}`,
  householder: String.raw`T=I-2vv^{\top},\quad v=\frac{a-b}{\Vert a-b\Vert}`,
  simplest: String.raw`T=\frac{(a+b)(a+b)^{\top}}{1+a^{\top}b}-I`,
};

const CSS = `
:host { --geo: var(--mathlens-geo, #8250df); --image: var(--mathlens-image, #57606a); }
@media (prefers-color-scheme: dark) { :host { --geo: var(--mathlens-geo, #b083f0); --image: var(--mathlens-image, #8b949e); } }
:host([theme="light"]) { --geo: var(--mathlens-geo, #8250df); --image: var(--mathlens-image, #57606a); }
:host([theme="dark"]) { --geo: var(--mathlens-geo, #b083f0); --image: var(--mathlens-image, #8b949e); }
.toolbar { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; margin-bottom: 10px; }
fieldset { border: 0; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 4px 6px; align-items: center; }
legend { float: left; margin-right: 6px; font-size: 0.9em; color: var(--muted); }
.choice { position: relative; display: inline-flex; }
.choice input { position: absolute; opacity: 0; inset: 0; margin: 0; cursor: pointer; }
.choice span { display: inline-block; padding: 3px 10px; border: 1px solid var(--border); border-radius: 999px; background: var(--surface); font-size: 0.9em; }
.choice input:checked + span { background: var(--geo); border-color: var(--geo); color: var(--bg); }
.choice input:focus-visible + span { outline: 2px solid var(--focus); outline-offset: 2px; }
.buttons { display: flex; flex-wrap: wrap; gap: 6px; }
button { font: inherit; font-size: 0.9em; color: var(--fg); background: var(--surface); border: 1px solid var(--border); border-radius: 6px; padding: 3px 10px; cursor: pointer; }
button[hidden] { display: none; }
.layout { display: grid; gap: 16px; grid-template-columns: minmax(0, 1fr); }
@container (min-width: 700px) { .layout { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); align-items: start; } }
figure { margin: 0; }
svg.plot { display: block; width: 100%; height: auto; aspect-ratio: 1; background: var(--bg); touch-action: none;
  border: 1px solid var(--border); border-radius: calc(var(--radius) - 4px); user-select: none; -webkit-user-select: none; }
svg.plot.d3 { cursor: grab; }
svg.plot.turning { cursor: grabbing; }
.grid-lines line { stroke: var(--grid); stroke-width: 1; }
.axes line { stroke: var(--axis); stroke-width: 1.2; }
.ticks text { fill: var(--muted); font-size: 10.5px; font-family: var(--font); }
.sphere { fill: none; stroke: var(--axis); stroke-width: 1.2; }
.guide { fill: none; stroke: var(--axis); stroke-width: 0.8; stroke-opacity: 0.6; }
.guide.back, .back { stroke-dasharray: 3 4; }
.axis3 { stroke: var(--axis); stroke-width: 1; }
.axis-label { fill: var(--muted); font: italic 13px var(--font); }
.plane { fill: var(--geo); fill-opacity: 0.13; stroke: none; }
.plane-edge { fill: none; stroke: var(--geo); stroke-width: 1.3; stroke-opacity: 0.8; }
.path { fill: none; stroke: var(--geo); stroke-width: 2.4; }
.path.thin { stroke-width: 1.4; stroke-dasharray: 5 4; }
.line-u { stroke: var(--geo); stroke-width: 2; stroke-dasharray: 8 4; }
.geo-label { fill: var(--geo); font: italic 600 14px var(--font); }
.image line { stroke: var(--image); stroke-width: 1.2; }
.image polygon { fill: var(--image); }
.image text { fill: var(--image); font: italic 12px var(--font); }
.vec line { stroke: var(--c); stroke-width: 3; }
.vec polygon { fill: var(--c); }
.vec.back line { stroke-dasharray: 6 4; }
.vec-a { --c: var(--p); } .vec-b { --c: var(--q); }
.name { fill: var(--c); font: italic 700 17px var(--font); }
.ta { fill: none; stroke: var(--fg); stroke-width: 1.6; stroke-dasharray: 3 2; }
.handle { cursor: grab; outline: none; }
.handle .hit { fill: transparent; }
.handle .dot { fill: var(--bg); stroke: var(--c); stroke-width: 2.5; }
.handle:hover .dot { stroke-width: 3.5; }
.handle:focus-visible .dot { stroke: var(--focus); stroke-width: 4; }
figcaption { margin-top: 8px; font-size: 0.9em; color: var(--muted); }
.legend { display: grid; gap: 2px; margin-bottom: 6px; color: var(--fg); }
.legend .g { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 10px; }
.swatch { display: inline-block; width: 0.8em; height: 0.8em; border-radius: 50%; background: var(--c); align-self: center; }
.readout { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.92em; color: var(--muted); overflow-wrap: anywhere; }
.formula { overflow-x: auto; overflow-y: hidden; padding: 4px 0 8px; }
.formula .katex { font-size: 1.08em; }
.matrix-wrap { display: flex; align-items: center; gap: 8px; margin: 4px 0 12px; overflow-x: auto; }
.matrix { display: grid; gap: 2px 14px; padding: 4px 10px; border-left: 2px solid var(--fg); border-right: 2px solid var(--fg);
  border-radius: 4px; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-variant-numeric: tabular-nums; }
.matrix span { text-align: right; white-space: nowrap; }
.mrow { display: contents; }
.matrix-name { font: italic 600 1.1em var(--font); white-space: nowrap; }
dl { margin: 0; display: grid; gap: 6px; }
.row { display: grid; grid-template-columns: minmax(0, 1fr) auto; column-gap: 12px; align-items: baseline;
  padding: 6px 10px; background: var(--surface); border-radius: calc(var(--radius) - 4px); }
dt { font-weight: 600; }
dd { margin: 0; }
.value { font-variant-numeric: tabular-nums; font-weight: 600; text-align: right; white-space: nowrap; }
.note { grid-column: 1 / -1; font-size: 0.85em; color: var(--muted); }
.warnings { margin: 8px 0 0; padding: 0; list-style: none; font-size: 0.88em; color: var(--error-fg); }
.warnings li { margin-top: 4px; }
`;

// ---- small vector helpers ----
const dot3 = (x: Vec3, y: Vec3) => x[0] * y[0] + x[1] * y[1] + x[2] * y[2];
const add3 = (x: Vec3, y: Vec3, s = 1): Vec3 => [x[0] + s * y[0], x[1] + s * y[1], x[2] + s * y[2]];
const scale3 = (x: Vec3, s: number): Vec3 => [x[0] * s, x[1] * s, x[2] * s];
const cross3 = (x: Vec3, y: Vec3): Vec3 => [x[1] * y[2] - x[2] * y[1], x[2] * y[0] - x[0] * y[2], x[0] * y[1] - x[1] * y[0]];
const unit3 = (x: Vec3): Vec3 => {
  const n = Math.hypot(x[0], x[1], x[2]);
  return n > 0 ? scale3(x, 1 / n) : [1, 0, 0];
};
const vec3 = (x: ArrayLike<number>): Vec3 => [x[0], x[1], x.length > 2 ? x[2] : 0];

/** A unit vector orthogonal to v (for drawing a disc in the plane orthogonal to v). */
function perpendicular(v: Vec3): Vec3 {
  const k = Math.abs(v[0]) <= Math.abs(v[1]) && Math.abs(v[0]) <= Math.abs(v[2]) ? 0 : Math.abs(v[1]) <= Math.abs(v[2]) ? 1 : 2;
  const e: Vec3 = [0, 0, 0];
  e[k] = 1;
  return unit3(add3(e, v, -dot3(e, v)));
}

/** Orthographic camera: `right` and `up` span the screen, `toward` points at the viewer. */
interface Camera {
  right: Vec3;
  up: Vec3;
  toward: Vec3;
}
function camera(yaw: number, pitch: number): Camera {
  const [cy, sy, cp, sp] = [Math.cos(yaw * DEG), Math.sin(yaw * DEG), Math.cos(pitch * DEG), Math.sin(pitch * DEG)];
  return { right: [-sy, cy, 0], up: [-sp * cy, -sp * sy, cp], toward: [cp * cy, cp * sy, sp] };
}

interface Arrow {
  g: SVGGElement;
  line: SVGLineElement;
  head: SVGPolygonElement;
  label: SVGTextElement;
}

/** The `<mathlens-orthogonal>` element (see the module documentation for its attributes). */
export class MathLensOrthogonal extends MathLensElement {
  static observedAttributes = [...MathLensElement.observedAttributes, 'a', 'b', 'construction', 'yaw', 'pitch'];

  private vectors: Record<Name, number[]> = { a: [1, 2, 2], b: [2, -1, 2] };
  private kind: OrthogonalConstruction = 'rotation';
  private yaw = DEFAULTS.yaw;
  private pitch = DEFAULTS.pitch;
  private readonly errors = new Map<string, (lang: Lang) => string>();
  private version = 1;
  private computed = 0;
  private result: OrthogonalReport | null = null;
  private computeError: string | null = null;
  private view: View = fitView([-SPAN / 2, -SPAN / 2, SPAN / 2, SPAN / 2], SIZE, 0);
  private drag: { name: Name | 'view'; pointerId: number; side: number; x: number; y: number; el: Element } | null = null;
  private texKind: OrthogonalConstruction | null = null;

  // DOM
  private readonly svgEl: SVGSVGElement;
  private readonly gridG: SVGGElement;
  private readonly sphere: { outline: SVGCircleElement; guides: SVGPathElement[]; axes: SVGLineElement[]; labels: SVGTextElement[] };
  private readonly geo: { fill: SVGPathElement; edgeFront: SVGPathElement; edgeBack: SVGPathElement; pathFront: SVGPathElement;
    pathBack: SVGPathElement; chord: SVGLineElement; line: SVGLineElement; label: SVGTextElement };
  private readonly images: Arrow[] = [];
  private readonly arrows = {} as Record<Name, Arrow>;
  private readonly handles = {} as Record<Name, SVGGElement>;
  private readonly taMarker: SVGCircleElement;
  private readonly radios = new Map<string, HTMLInputElement>();
  private readonly labels = new Map<Key, HTMLElement>();
  private readonly legends: HTMLElement[] = [];
  private readonly buttons: Record<'antiparallel' | 'parallel' | 'resetView', HTMLButtonElement>;
  private readonly readouts = {} as Record<Name, HTMLElement>;
  private readonly hint: HTMLElement;
  private readonly formula: HTMLElement;
  private readonly matrixEl: HTMLElement;
  private readonly values = new Map<string, HTMLElement>();
  private readonly detNote: HTMLElement;
  private readonly warnings: HTMLUListElement;
  private readonly summary: HTMLElement;

  constructor() {
    super(katexSheet(), sheet(CSS));
    // ---- toolbar: construction, dimension, shortcuts ----
    const group = (name: string, key: Key, options: [string, Key][]) => {
      const legend = h('legend');
      this.labels.set(key, legend);
      this.legends.push(legend);
      const fs = h('fieldset', {}, legend);
      for (const [value, label] of options) {
        const input = h('input', { attrs: { type: 'radio', name, value, 'data-choice': `${name}-${value}` } });
        const span = h('span');
        this.labels.set(label, span);
        this.radios.set(`${name}-${value}`, input);
        input.addEventListener('change', () => this.onChoice(name, value));
        fs.append(h('label', { class: 'choice' }, input, span));
      }
      return fs;
    };
    const kinds = group('construction', 'construction', [
      ['rotation', 'rotation'],
      ['householder', 'householder'],
      ['simplest', 'simplest'],
    ]);
    const dims = group('dimension', 'dimension', [
      ['2', 'dim2'],
      ['3', 'dim3'],
    ]);
    const button = (key: 'antiparallel' | 'parallel' | 'resetView', action: () => void) => {
      const b = h('button', { attrs: { type: 'button', 'data-action': key } });
      b.addEventListener('click', action);
      return b;
    };
    this.buttons = {
      antiparallel: button('antiparallel', () => this.setB(this.vectors.a.map((x) => -x))),
      parallel: button('parallel', () => this.setB(this.vectors.a.slice())),
      resetView: button('resetView', () => {
        this.yaw = DEFAULTS.yaw;
        this.pitch = DEFAULTS.pitch;
        this.requestRender();
      }),
    };
    const toolbar = h('div', { class: 'toolbar' }, kinds, dims, h('div', { class: 'buttons' }, ...Object.values(this.buttons)));

    // ---- plot ----
    this.svgEl = svg('svg', { class: 'plot', viewBox: `0 0 ${SIZE} ${SIZE}`, role: 'group', tabindex: 0 });
    this.gridG = svg('g', { class: 'grid' }, this.svgEl);
    const sphereG = svg('g', {}, this.svgEl);
    this.sphere = {
      outline: svg('circle', { class: 'sphere' }, sphereG),
      guides: [0, 1, 2, 3].map((k) => svg('path', { class: k % 2 ? 'guide back' : 'guide' }, sphereG)),
      axes: [0, 1, 2].map(() => svg('line', { class: 'axis3' }, sphereG)),
      labels: ['x', 'y', 'z'].map((t) => {
        const el = svg('text', { class: 'axis-label' }, sphereG);
        el.textContent = t;
        return el;
      }),
    };
    const geoG = svg('g', {}, this.svgEl);
    this.geo = {
      fill: svg('path', { class: 'plane' }, geoG),
      edgeBack: svg('path', { class: 'plane-edge back' }, geoG),
      edgeFront: svg('path', { class: 'plane-edge' }, geoG),
      line: svg('line', { class: 'line-u' }, geoG),
      chord: svg('line', { class: 'path thin' }, geoG),
      pathBack: svg('path', { class: 'path back' }, geoG),
      pathFront: svg('path', { class: 'path' }, geoG),
      label: svg('text', { class: 'geo-label' }, geoG),
    };
    const imageG = svg('g', { class: 'image' }, this.svgEl);
    for (let k = 0; k < 3; k++) this.images.push(this.makeArrow(imageG, `Te${'₁₂₃'[k]}`, ''));
    const vecG = svg('g', {}, this.svgEl);
    for (const name of ['a', 'b'] as Name[]) this.arrows[name] = this.makeArrow(vecG, name, `vec vec-${name}`);
    this.taMarker = svg('circle', { class: 'ta', r: 9 }, vecG);
    const handleG = svg('g', {}, this.svgEl);
    for (const name of ['a', 'b'] as Name[]) {
      const el = svg('g', { class: `handle vec-${name}`, tabindex: 0, role: 'slider', 'data-handle': name, 'aria-valuemin': -180, 'aria-valuemax': 180 }, handleG);
      svg('circle', { class: 'hit', r: 18 }, el);
      svg('circle', { class: 'dot', r: 7 }, el);
      el.addEventListener('keydown', (e) => this.onHandleKey(e, name));
      this.handles[name] = el;
    }
    this.svgEl.addEventListener('pointerdown', (e) => this.onPointerDown(e));
    this.svgEl.addEventListener('pointermove', (e) => this.onPointerMove(e));
    for (const type of ['pointerup', 'pointercancel', 'lostpointercapture'])
      this.svgEl.addEventListener(type, (e) => this.onPointerUp(e as PointerEvent));
    this.svgEl.addEventListener('keydown', (e) => this.onViewKey(e));

    const legend = h('div', { class: 'legend' });
    for (const name of ['a', 'b'] as Name[]) {
      this.readouts[name] = h('span', { class: 'readout' });
      const tex = h('span');
      renderTex(tex, name === 'a' ? String.raw`\hat a` : String.raw`\hat b`);
      legend.append(h('div', { class: `g vec-${name}` }, h('span', { class: 'swatch', attrs: { 'aria-hidden': 'true' } }), tex, this.readouts[name]));
    }
    this.hint = h('p', { class: 'hint' });
    const figure = h('figure', {}, this.svgEl, h('figcaption', {}, legend, this.hint));

    // ---- panel: formula, matrix, checks ----
    this.formula = h('div', { class: 'formula' });
    const matrixName = h('span', { class: 'matrix-name', text: 'T =' });
    this.matrixEl = h('div', { class: 'matrix', attrs: { role: 'table' } });
    const matrixLabel = h('p', { class: 'visually-hidden' });
    this.labels.set('matrix', matrixLabel);
    const checks = h('dl', { class: 'checks' });
    this.labels.set('checks', checks);
    for (const key of ['orth', 'residual', 'det', 'angle'] as Key[]) {
      const dt = h('dt');
      this.labels.set(key, dt);
      const dd = h('dd', { class: 'value', text: '—' });
      this.values.set(key, dd);
      checks.append(h('div', { class: 'row', attrs: { 'data-key': key } }, dt, dd));
    }
    this.detNote = h('dd', { class: 'note' });
    checks.querySelector('[data-key="det"]')!.append(this.detNote);
    this.warnings = h('ul', { class: 'warnings', attrs: { 'aria-live': 'polite' } });
    this.summary = h('p', { class: 'visually-hidden', attrs: { 'aria-live': 'polite' } });
    const panel = h(
      'section',
      { class: 'panel' },
      this.formula,
      matrixLabel,
      h('div', { class: 'matrix-wrap' }, matrixName, this.matrixEl),
      checks,
      this.warnings,
      this.summary,
    );
    this.content.append(toolbar, h('div', { class: 'layout' }, figure, panel));
  }

  // ---- public API ----

  /** a (2 or 3 numbers; any non-zero length). */
  get a(): number[] {
    return this.vectors.a.slice();
  }
  set a(value: ArrayLike<number>) {
    this.setVector('a', value);
  }
  /** b (same length as a). */
  get b(): number[] {
    return this.vectors.b.slice();
  }
  set b(value: ArrayLike<number>) {
    this.setVector('b', value);
  }
  /** 'rotation' | 'householder' | 'simplest'. */
  get construction(): OrthogonalConstruction {
    return this.kind;
  }
  set construction(value: OrthogonalConstruction) {
    if (!CONSTRUCTIONS.includes(value))
      this.errors.set('construction', (lang) => fill(common[lang].property, { name: 'construction', reason: CONSTRUCTION_REASON(lang) }));
    else {
      this.kind = value;
      this.errors.delete('construction');
    }
    this.changed();
  }
  /** a, b (as set or dragged, 6 significant digits), the construction and the 3-D view, as attribute values. */
  override shareState(): Record<string, string> {
    const out = super.shareState();
    const n = (x: number) => String(Number(x.toPrecision(6)));
    out.a = this.vectors.a.map(n).join(' ');
    out.b = this.vectors.b.map(n).join(' ');
    out.construction = this.kind;
    if (this.dim === 3) {
      out.yaw = n(this.yaw);
      out.pitch = n(this.pitch);
    }
    return out;
  }

  /** The latest report (matrix, checks, geometry); null before the first render or on invalid input. */
  get report(): OrthogonalReport | null {
    return this.errors.size || this.computeError ? null : this.result;
  }

  // ---- lifecycle ----

  protected override connected(): void {
    ensureKatexFonts(this.ownerDocument);
    this.loadApi();
  }

  protected override disconnected(): void {
    this.drag = null;
    this.svgEl.classList.remove('turning');
  }

  protected override attributeChanged(name: string, value: string | null): void {
    try {
      if (name === 'a' || name === 'b') this.vectors[name] = parseVector(value ?? DEFAULTS[name]);
      else if (name === 'construction') this.kind = parseConstruction(value ?? 'rotation');
      else if (name === 'yaw' || name === 'pitch') {
        const x = value === null ? DEFAULTS[name] : parseAngle(value);
        if (name === 'yaw') this.yaw = x;
        else this.pitch = Math.max(-89, Math.min(89, x));
      }
      this.errors.delete(name);
    } catch (e) {
      const reason = describeError(e);
      this.errors.set(name, (lang) => fill(common[lang].attribute, { name, value: value ?? '', reason: reason(lang) }));
    }
    this.changed();
  }

  // ---- state ----

  private setVector(name: Name, value: ArrayLike<number>): void {
    try {
      const v = value as ArrayLike<unknown> | null;
      const n = v && typeof v.length === 'number' ? v.length : 0;
      if (n !== 2 && n !== 3) throw new InputError(lengthReason(n));
      const x = Array.from({ length: n }, (_, i) => v![i]);
      for (const t of x)
        if (typeof t !== 'number' || !Number.isFinite(t)) throw new ParseError('notANumber', { token: String(t) });
      this.vectors[name] = x as number[];
      this.errors.delete(name);
    } catch (e) {
      const reason = describeError(e);
      this.errors.set(name, (lang) => fill(common[lang].property, { name, reason: reason(lang) }));
    }
    this.changed();
  }

  private setB(b: number[]): void {
    this.vectors.b = b;
    this.errors.delete('b');
    this.changed();
  }

  private changed(): void {
    this.version++;
    this.requestRender();
  }

  private get dim(): number {
    return this.vectors.a.length;
  }

  private onChoice(group: string, value: string): void {
    if (group === 'construction') {
      this.kind = value as OrthogonalConstruction;
      this.errors.delete('construction');
    } else {
      const d = Number(value);
      if (d === this.dim && this.vectors.b.length === d) return;
      for (const name of ['a', 'b'] as Name[]) {
        const v = this.vectors[name];
        if (d === 2) {
          const x = v.slice(0, 2);
          this.vectors[name] = Math.hypot(x[0], x[1]) > 1e-9 * Math.hypot(...v) ? x : DEFAULT_2D[name].slice(0, 2);
        } else this.vectors[name] = v.length === 3 ? v : [v[0], v[1], 0];
      }
    }
    this.changed();
  }

  // ---- rendering ----

  protected render(lang: Lang, langChanged: boolean): void {
    if (langChanged) this.applyLanguage(lang);
    if (this.errors.size) return this.showError(lang, [...this.errors.values()].map((f) => f(lang)));
    if (!this.showLoadState(lang)) return;
    const fresh = this.computed !== this.version;
    if (fresh) {
      this.computed = this.version;
      try {
        this.result = this.ml.orthogonal.report(this.vectors.a, this.vectors.b, { construction: this.kind });
        this.computeError = null;
      } catch (e) {
        if (!(e instanceof MathLensError)) throw e;
        this.result = null;
        this.computeError = e.message;
      }
    }
    if (this.computeError || !this.result) return this.showError(lang, [this.computeError ?? '']);
    this.showError(lang, null);
    const r = this.result;
    this.syncControls(lang);
    this.draw(r, lang);
    this.showNumbers(r, lang);
    if (fresh) this.dispatchEvent(new CustomEvent<OrthogonalReport>('change', { detail: r, bubbles: true }));
  }

  private applyLanguage(lang: Lang): void {
    const t = S[lang];
    for (const [key, el] of this.labels) {
      if (key === 'checks') el.setAttribute('aria-label', t.checks);
      else setText(el, t[key]);
    }
    for (const name of ['a', 'b'] as Name[]) this.handles[name].setAttribute('aria-label', fill(t.handle, { v: name }));
    for (const key of ['antiparallel', 'parallel', 'resetView'] as const) setText(this.buttons[key], t[key]);
    this.matrixEl.setAttribute('aria-label', t.matrix);
    this.texKind = null; // re-typeset (KaTeX output is language-independent, but keep it simple)
  }

  private syncControls(lang: Lang): void {
    const d3 = this.dim === 3;
    for (const [key, input] of this.radios) {
      const [group, value] = key.split('-');
      input.checked = group === 'construction' ? value === this.kind : Number(value) === this.dim;
    }
    this.buttons.resetView.hidden = !d3;
    this.svgEl.classList.toggle('d3', d3);
    const t = S[lang];
    setText(this.hint, d3 ? t.hint3 : t.hint2);
    this.svgEl.setAttribute('aria-label', fill(d3 ? t.plot3 : t.plot2, { what: t[`what_${this.kind}` as Key] }));
    if (this.texKind !== this.kind) {
      renderTex(this.formula, TEX[this.kind], true);
      this.texKind = this.kind;
    }
  }

  private cam(): Camera {
    return camera(this.yaw, this.pitch);
  }

  /** World point → [screen x, screen y, depth] (depth > 0: in front of the sphere's centre plane). */
  private project(p: Vec3): [number, number, number] {
    if (this.dim === 2) {
      const [x, y] = toScreen(this.view, p[0], p[1]);
      return [x, y, 0];
    }
    const c = this.cam();
    const [x, y] = toScreen(this.view, dot3(p, c.right), dot3(p, c.up));
    return [x, y, dot3(p, c.toward)];
  }

  /** SVG path data of a polyline, split into its front (depth ≥ 0) and back parts. */
  private paths(points: Vec3[], closed = false): { front: string; back: string; all: string } {
    const pr = points.map((p) => this.project(p));
    let front = '';
    let back = '';
    let all = '';
    const seg = (i: number, j: number) => {
      const [p, q] = [pr[i], pr[j]];
      const s = `M${p[0].toFixed(1)} ${p[1].toFixed(1)}L${q[0].toFixed(1)} ${q[1].toFixed(1)}`;
      if (p[2] + q[2] >= -1e-9) front += s;
      else back += s;
    };
    for (let i = 0; i + 1 < pr.length; i++) seg(i, i + 1);
    if (closed && pr.length > 2) seg(pr.length - 1, 0);
    pr.forEach((p, i) => (all += `${i ? 'L' : 'M'}${p[0].toFixed(1)} ${p[1].toFixed(1)}`));
    if (closed) all += 'Z';
    return { front, back, all };
  }

  private makeArrow(parent: SVGGElement, label: string, cls: string): Arrow {
    const g = svg('g', { class: cls }, parent);
    const line = svg('line', {}, g);
    const head = svg('polygon', {}, g);
    const text = svg('text', { class: cls ? 'name' : '' }, g);
    text.textContent = label;
    return { g, line, head, label: text };
  }

  private setArrow(arrow: Arrow, tip: Vec3, size = 11): [number, number, number] {
    const [ox, oy] = this.project([0, 0, 0]);
    const t = this.project(tip);
    const [dx, dy] = [t[0] - ox, t[1] - oy];
    const len = Math.hypot(dx, dy);
    const [ux, uy] = len > 1e-6 ? [dx / len, dy / len] : [1, 0];
    const hs = Math.min(size, len * 0.6);
    const base = [t[0] - ux * hs, t[1] - uy * hs];
    setAttrs(arrow.line, { x1: ox, y1: oy, x2: base[0], y2: base[1] });
    setAttrs(arrow.head, {
      points: `${t[0].toFixed(1)},${t[1].toFixed(1)} ${(base[0] - uy * hs * 0.45).toFixed(1)},${(base[1] + ux * hs * 0.45).toFixed(1)} ${(base[0] + uy * hs * 0.45).toFixed(1)},${(base[1] - ux * hs * 0.45).toFixed(1)}`,
    });
    setAttrs(arrow.label, { x: t[0] + ux * 17 - 5, y: t[1] + uy * 17 + 5 });
    arrow.g.classList.toggle('back', t[2] < -1e-9);
    return t;
  }

  private draw(r: OrthogonalReport, lang: Lang): void {
    const d3 = this.dim === 3;
    const a = vec3(r.unitA);
    const b = vec3(r.unitB);
    const e = vec3(r.planeVector);
    // Background: a grid in 2-D, the sphere with its axes in 3-D.
    if (d3) this.gridG.replaceChildren();
    else if (!this.gridG.firstChild) drawGrid(this.gridG, this.view);
    const [cx, cy] = this.project([0, 0, 0]);
    setAttrs(this.sphere.outline, { cx, cy, r: (this.view.size / this.view.span) * 1 });
    const circle = (u: Vec3, v: Vec3, from = 0, to = 2 * Math.PI, n = 72): Vec3[] =>
      Array.from({ length: n + 1 }, (_, k) => {
        const t = from + ((to - from) * k) / n;
        return add3(scale3(u, Math.cos(t)), v, Math.sin(t));
      });
    if (d3) {
      const eq = this.paths(circle([1, 0, 0], [0, 1, 0]), true);
      const mer = this.paths(circle([1, 0, 0], [0, 0, 1]), true);
      this.sphere.guides[0].setAttribute('d', eq.front);
      this.sphere.guides[1].setAttribute('d', eq.back);
      this.sphere.guides[2].setAttribute('d', mer.front);
      this.sphere.guides[3].setAttribute('d', mer.back);
      for (let k = 0; k < 3; k++) {
        const axis: Vec3 = [0, 0, 0];
        axis[k] = 1.25;
        const [x1, y1] = this.project(scale3(axis, -1));
        const [x2, y2] = this.project(axis);
        setAttrs(this.sphere.axes[k], { x1, y1, x2, y2 });
        setAttrs(this.sphere.labels[k], { x: x2 + 4, y: y2 + 4 });
      }
    }
    // The unit circle (2-D) or the sphere's outline (3-D).
    this.sphere.outline.setAttribute('class', d3 ? 'sphere' : 'guide');
    for (const el of [...this.sphere.guides, ...this.sphere.axes, ...this.sphere.labels]) el.style.display = d3 ? '' : 'none';

    // The geometry of the construction.
    const g = this.geo;
    const hide = (...els: SVGElement[]) => els.forEach((el) => el.setAttribute('d', ''));
    g.line.style.display = 'none';
    g.chord.style.display = 'none';
    let labelAt: Vec3 | null = null;
    let labelText = '';
    if (this.kind === 'rotation') {
      // The plane of a and b (a disc in 3-D) and the arc from a to b.
      const disc = this.paths(circle(a, e), true);
      g.fill.setAttribute('d', d3 ? disc.all : '');
      g.edgeFront.setAttribute('d', d3 ? disc.front : '');
      g.edgeBack.setAttribute('d', d3 ? disc.back : '');
      const arc = this.paths(circle(a, e, 0, r.angle, 48).map((p) => scale3(p, d3 ? 1 : 0.42)));
      g.pathFront.setAttribute('d', arc.front);
      g.pathBack.setAttribute('d', arc.back);
      labelAt = scale3(add3(scale3(a, Math.cos(r.angle / 2)), e, Math.sin(r.angle / 2)), d3 ? 1.12 : 0.55);
      labelText = `θ = ${formatCompact(r.angle / DEG, 4)}°`;
    } else {
      const u = vec3(r.bisector);
      const v = vec3(r.mirrorNormal);
      if (this.kind === 'householder' && d3) {
        const p1 = perpendicular(v);
        const p2 = cross3(v, p1);
        const disc = this.paths(circle(p1, p2), true);
        g.fill.setAttribute('d', disc.all);
        g.edgeFront.setAttribute('d', disc.front);
        g.edgeBack.setAttribute('d', disc.back);
      } else hide(g.fill, g.edgeFront, g.edgeBack);
      if (this.kind === 'householder') {
        // a is reflected straight across the mirror onto b.
        const [x1, y1] = this.project(a);
        const [x2, y2] = this.project(b);
        setAttrs(g.chord, { x1, y1, x2, y2 });
        g.chord.style.display = '';
        hide(g.pathFront, g.pathBack);
        if (!d3) {
          // In 2-D the mirror is the line through the bisector u.
          const [lx1, ly1] = this.project(scale3(u, -1.3));
          const [lx2, ly2] = this.project(scale3(u, 1.3));
          setAttrs(g.line, { x1: lx1, y1: ly1, x2: lx2, y2: ly2 });
          g.line.style.display = '';
        }
        labelAt = d3 ? scale3(perpendicular(v), 1.05) : scale3(u, -1.12);
        labelText = lang === 'zh' ? '镜面' : 'mirror';
      } else {
        // simplest: T = 2uuᵀ − I, a half-turn about the axis u (in 2-D: the reflection across u).
        const [lx1, ly1] = this.project(scale3(u, -1.3));
        const [lx2, ly2] = this.project(scale3(u, 1.3));
        setAttrs(g.line, { x1: lx1, y1: ly1, x2: lx2, y2: ly2 });
        g.line.style.display = '';
        if (d3) {
          const au = dot3(a, u);
          const along = scale3(u, au);
          const w = add3(a, u, -au);
          const turn = Array.from({ length: 49 }, (_, k) => {
            const t = (Math.PI * k) / 48;
            return add3(add3(along, w, Math.cos(t)), cross3(u, a), Math.sin(t));
          });
          const p = this.paths(turn);
          g.pathFront.setAttribute('d', p.front);
          g.pathBack.setAttribute('d', p.back);
          g.pathFront.classList.add('thin');
          g.pathBack.classList.add('thin');
        } else {
          const [x1, y1] = this.project(a);
          const [x2, y2] = this.project(b);
          setAttrs(g.chord, { x1, y1, x2, y2 });
          g.chord.style.display = '';
          hide(g.pathFront, g.pathBack);
        }
        labelAt = scale3(u, 1.38);
        labelText = 'u';
      }
    }
    if (this.kind === 'rotation') {
      g.pathFront.classList.remove('thin');
      g.pathBack.classList.remove('thin');
    }
    if (labelAt) {
      const [lx, ly] = this.project(labelAt);
      setAttrs(g.label, { x: lx - 8, y: ly + 4 });
    }
    setText(g.label, labelText);

    // The images of the coordinate axes: T e_k (columns of T).
    const d = r.dim;
    for (let k = 0; k < 3; k++) {
      const show = k < d;
      this.images[k].g.style.display = show ? '' : 'none';
      if (!show) continue;
      const col: Vec3 = [r.matrix.data[k], r.matrix.data[d + k], d > 2 ? r.matrix.data[2 * d + k] : 0];
      this.setArrow(this.images[k], scale3(col, 0.55), 7);
    }
    // a, b, their handles, and T a (a ring that should sit on b's tip).
    for (const name of ['a', 'b'] as Name[]) {
      const tip = name === 'a' ? a : b;
      const [sx, sy] = this.setArrow(this.arrows[name], tip);
      const hnd = this.handles[name];
      hnd.setAttribute('transform', `translate(${sx.toFixed(2)} ${sy.toFixed(2)})`);
      const az = Math.atan2(tip[1], tip[0]) / DEG;
      const el = Math.asin(Math.max(-1, Math.min(1, tip[2]))) / DEG;
      hnd.setAttribute('aria-valuenow', formatCompact(az, 4));
      hnd.setAttribute(
        'aria-valuetext',
        d3
          ? lang === 'zh'
            ? `方位角 ${formatCompact(az, 3)}°，仰角 ${formatCompact(el, 3)}°`
            : `azimuth ${formatCompact(az, 3)}°, elevation ${formatCompact(el, 3)}°`
          : lang === 'zh'
            ? `角度 ${formatCompact(az, 3)}°`
            : `angle ${formatCompact(az, 3)}°`,
      );
      setText(this.readouts[name], `(${Array.from(name === 'a' ? r.unitA : r.unitB, (x) => formatCompact(x, 3).replace('-', '−')).join(', ')})`);
    }
    const ta: Vec3 = [0, 0, 0];
    for (let i = 0; i < Math.min(d, 3); i++) for (let j = 0; j < d; j++) ta[i] += r.matrix.data[i * d + j] * r.unitA[j];
    const [tx, ty] = this.project(ta);
    setAttrs(this.taMarker, { cx: tx, cy: ty });
  }

  private showNumbers(r: OrthogonalReport, lang: Lang): void {
    const t = S[lang];
    const d = r.dim;
    if (this.matrixEl.childElementCount !== d) {
      this.matrixEl.style.gridTemplateColumns = `repeat(${d}, auto)`;
      this.matrixEl.replaceChildren(
        ...Array.from({ length: d }, () => h('div', { class: 'mrow', attrs: { role: 'row' } }, ...Array.from({ length: d }, () => h('span', { attrs: { role: 'cell' } })))),
      );
    }
    this.matrixEl.querySelectorAll('[role="cell"]').forEach((cell, k) => {
      const x = r.matrix.data[k];
      setText(cell, Math.abs(x) < 5e-7 ? '0.000000' : x.toFixed(6).replace('-', '−'));
    });
    setText(this.values.get('orth')!, formatNumber(r.orthogonalityError, 3));
    setText(this.values.get('residual')!, formatNumber(r.residual, 3));
    setText(this.values.get('det')!, formatNumber(r.determinant, 12));
    setText(this.detNote, fill(t.expected, { d: r.expectedDeterminant > 0 ? '+1' : '−1' }));
    setText(this.values.get('angle')!, `${formatNumber(r.angle / DEG, 6)}°`);
    // Notes in the reader's language, from the report's fields.
    const notes: string[] = [];
    const axis = r.fallbackAxis !== null ? 'xyz'[r.fallbackAxis] ?? String(r.fallbackAxis) : '';
    if (r.degenerate && r.warnings.length && d > 2) {
      const key = this.kind === 'rotation' ? 'degenerateRotation' : this.kind === 'simplest' ? 'degenerateSimplest' : 'degenerateHouseholder';
      notes.push(fill(t[key], { axis }));
    } else if (r.warnings.length) {
      const toMinus = this.kind !== 'householder';
      const distance = toMinus ? 2 * Math.cos(r.angle / 2) : 2 * Math.sin(r.angle / 2);
      notes.push(fill(t.sensitive, { dist: formatNumber(distance, 2), target: toMinus ? '−a' : 'a', k: formatNumber(r.sensitivity, 2) }));
    }
    if (this.warnings.childElementCount !== notes.length || notes.some((x, i) => this.warnings.children[i].textContent !== x))
      this.warnings.replaceChildren(...notes.map((x) => h('li', { text: x })));
    setText(
      this.summary,
      fill(t.summary, {
        orth: formatNumber(r.orthogonalityError, 2),
        res: formatNumber(r.residual, 2),
        det: formatNumber(r.determinant, 6),
        angle: formatNumber(r.angle / DEG, 4),
      }),
    );
  }

  // ---- interaction ----

  private pointerWorld(e: PointerEvent): [number, number] {
    const [sx, sy] = clientToSvg(this.svgEl, e.clientX, e.clientY);
    return toWorld(this.view, sx, sy);
  }

  private onPointerDown(e: PointerEvent): void {
    if (e.button !== 0 || !this.result) return;
    const target = (e.target as Element).closest('[data-handle]');
    const name = target?.getAttribute('data-handle') as Name | undefined;
    if (!name && this.dim !== 3) return;
    e.preventDefault();
    this.svgEl.setPointerCapture(e.pointerId);
    if (name) {
      this.handles[name].focus({ preventScroll: true });
      const v = vec3(name === 'a' ? this.result.unitA : this.result.unitB);
      const side = this.dim === 3 && dot3(v, this.cam().toward) < 0 ? -1 : 1;
      this.drag = { name, pointerId: e.pointerId, side, x: e.clientX, y: e.clientY, el: target! };
    } else {
      this.drag = { name: 'view', pointerId: e.pointerId, side: 1, x: e.clientX, y: e.clientY, el: this.svgEl };
      this.svgEl.classList.add('turning');
    }
  }

  private onPointerMove(e: PointerEvent): void {
    const d = this.drag;
    if (!d || d.pointerId !== e.pointerId) return;
    if (d.name === 'view') {
      const rect = this.svgEl.getBoundingClientRect();
      const k = 300 / Math.max(rect.width, 1);
      this.yaw -= (e.clientX - d.x) * k * 0.9;
      this.pitch = Math.max(-89, Math.min(89, this.pitch + (e.clientY - d.y) * k * 0.9));
      d.x = e.clientX;
      d.y = e.clientY;
      this.requestRender();
      return;
    }
    const [wx, wy] = this.pointerWorld(e);
    if (this.dim === 2) {
      const t = Math.atan2(wy, wx);
      this.moveVector(d.name, [Math.cos(t), Math.sin(t)]);
    } else {
      const c = this.cam();
      const r2 = wx * wx + wy * wy;
      let p: Vec3;
      if (r2 <= 1) p = add3(add3(scale3(c.right, wx), c.up, wy), c.toward, d.side * Math.sqrt(1 - r2));
      else {
        const r = Math.sqrt(r2);
        p = add3(scale3(c.right, wx / r), c.up, wy / r);
      }
      this.moveVector(d.name, unit3(p));
    }
  }

  private onPointerUp(e: PointerEvent): void {
    const d = this.drag;
    if (!d || d.pointerId !== e.pointerId) return;
    this.drag = null;
    this.svgEl.classList.remove('turning');
    this.requestRender();
  }

  private moveVector(name: Name, v: number[]): void {
    this.vectors[name] = this.dim === 2 ? [v[0], v[1]] : [v[0], v[1], v[2]];
    this.errors.delete(name);
    this.changed();
  }

  private onHandleKey(e: KeyboardEvent, name: Name): void {
    const dirs: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
    const k = dirs[e.key];
    if (!k || e.altKey || e.ctrlKey || e.metaKey) return;
    e.preventDefault();
    e.stopPropagation(); // not a view rotation
    const step = (e.shiftKey ? 15 : 2) * DEG;
    const v = vec3(this.vectors[name]);
    const n = Math.hypot(...v) || 1;
    let az = Math.atan2(v[1], v[0]);
    if (this.dim === 2) {
      az += (k[0] ? -k[0] : k[1]) * step; // left/up: counter-clockwise
      this.moveVector(name, [Math.cos(az), Math.sin(az)]);
      return;
    }
    let el = Math.asin(Math.max(-1, Math.min(1, v[2] / n)));
    if (k[0]) az += k[0] * step;
    else el = Math.max(-Math.PI / 2, Math.min(Math.PI / 2, el + k[1] * step));
    this.moveVector(name, [Math.cos(el) * Math.cos(az), Math.cos(el) * Math.sin(az), Math.sin(el)]);
  }

  private onViewKey(e: KeyboardEvent): void {
    if (this.dim !== 3 || e.target !== this.svgEl) return;
    const dirs: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
    const k = dirs[e.key];
    if (!k || e.altKey || e.ctrlKey || e.metaKey) return;
    e.preventDefault();
    const step = e.shiftKey ? 30 : 8;
    this.yaw += k[0] * step;
    this.pitch = Math.max(-89, Math.min(89, this.pitch + k[1] * step));
    this.requestRender();
  }
}

// ---- attribute parsing (syntax only; the library checks the numbers) ----

/** An input error of this widget, described in the reader's language. */
class InputError extends Error {
  constructor(readonly describe: (lang: Lang) => string) {
    super(describe('en'));
  }
}
const lengthReason = (n: number) => (lang: Lang) =>
  lang === 'zh' ? `应为 2 个或 3 个数，例如“1 2 2”，实际为 ${n} 个` : `expected 2 or 3 numbers, such as “1 2 2”, but got ${n}`;
const CONSTRUCTION_REASON = (lang: Lang) =>
  lang === 'zh' ? '应为 rotation、householder 或 simplest' : 'expected rotation, householder or simplest';

function describeError(e: unknown): (lang: Lang) => string {
  if (e instanceof ParseError || e instanceof InputError) return (lang) => e.describe(lang);
  throw e;
}
function parseVector(text: string): number[] {
  const v = parseNumbers(text);
  if (v.length !== 2 && v.length !== 3) throw new InputError(lengthReason(v.length));
  return v;
}
function parseConstruction(text: string): OrthogonalConstruction {
  const v = text.trim().toLowerCase() as OrthogonalConstruction;
  if (!CONSTRUCTIONS.includes(v)) throw new InputError(CONSTRUCTION_REASON);
  return v;
}
function parseAngle(text: string): number {
  const v = parseNumbers(text);
  if (v.length !== 1)
    throw new InputError((lang) => (lang === 'zh' ? '应为一个以度为单位的角度' : 'expected one angle in degrees'));
  return v[0];
}

declare global {
  interface HTMLElementTagNameMap {
    'mathlens-orthogonal': MathLensOrthogonal;
  }
}

if (!customElements.get('mathlens-orthogonal')) customElements.define('mathlens-orthogonal', MathLensOrthogonal);
