/**
 * `<mathlens-matexp>`: the matrix exponential of an editable 2 × 2 or 3 × 3 matrix, its eigenvalues λ
 * mapped to e^λ in the complex plane, det(exp A) next to exp(tr A) (kexue.fm/archives/6377), and a
 * rank-one panel where x and y are dragged while exp(x yᵀ) = I + φ(s) x yᵀ, its inverse and its
 * determinant eˢ follow, smoothly through s = 0 (kexue.fm/archives/6407) — spec/MATH.md §7, §8.
 *
 * ```html
 * <mathlens-matexp matrix="0 -0.5; 0.5 0" x="1 0.5" y="0.5 1" lang="zh"></mathlens-matexp>
 * ```
 * Attributes: `matrix` (2 × 2 or 3 × 3; rows separated by ';', entries by spaces or commas), `x`, `y`
 * (2 or 3 numbers each), `panel` (both | expm | rank-one; default both), `lang` (en | zh; default: the
 * nearest ancestor's), `theme` (light | dark). Properties `matrix`, `x`, `y` (arrays) and `result`;
 * event `change` with the result in `detail`.
 * @module
 */
import { MathLensError, type DetExpCheck, type ExpmInfo, type MathLens, type RankOneExp, type Spectrum } from '../index.js';
import { MathLensElement } from './ui/base.js';
import { chartCss, LineChart } from './ui/chart.js';
import { h, setText } from './ui/dom.js';
import { formatCompact, formatNumber } from './ui/format.js';
import { common, defineStrings, fill, type Lang } from './ui/i18n.js';
import { ensureKatexFonts, katexSheet, renderTex } from './ui/katex.js';
import { ParseError, parseNumber, parseNumbers, parseSquareMatrix } from './ui/parse.js';
import { clientToSvg, drawGrid, fitView, setAttrs, svg, toScreen, toWorld, type Bounds, type View } from './ui/svg.js';
import { sheet } from './ui/theme.js';

/** What the widget computed (the `result` property and the `change` event's detail). */
export interface MatexpWidgetResult {
  expm: ExpmInfo | null;
  detExp: DetExpCheck | null;
  spectrum: Spectrum | null;
  rankOne: RankOneExp | null;
  /** max |closed form − expm(x yᵀ)|: the two ways to exp(x yᵀ) agree. */
  rankOneCheck: number | null;
}

/** Which panels `<mathlens-matexp>` shows (attribute `panel`): expm of the matrix, exp(x yᵀ), or both. */
export type MatexpPanel = 'both' | 'expm' | 'rank-one';

type Preset = 'rotation' | 'jordan' | 'classic' | 'spec';
const PRESETS: Record<Preset, number[][]> = {
  rotation: [[0, -0.5], [0.5, 0]],
  jordan: [[1, 1], [0, 1]],
  classic: [[-49, 24], [-64, 31]],
  spec: [[1, 2], [3, 4]],
};
const PRESETS3: Record<Preset, number[][]> = {
  rotation: [[0, -0.5, 0], [0.5, 0, 0], [0, 0, 0]],
  jordan: [[1, 1, 0], [0, 1, 1], [0, 0, 1]],
  classic: [[-49, 24, 0], [-64, 31, 0], [0, 0, -1]],
  spec: [[0, 1, 2], [-1, 0.5, 0], [3, 0, -2]],
};

const DEFAULTS: Record<string, string> = { matrix: '0 -0.5; 0.5 0', x: '1 0.5', y: '0.5 1', panel: 'both' };
const PLANE = 260;
const RANK = 320;
const S_RANGE = 3;

const S = defineStrings({
  en: {
    expmTitle: 'The matrix exponential and det(exp A) = exp(tr A)',
    rankTitle: 'An explicit, always-invertible matrix: exp(x yᵀ)',
    matrix: 'Matrix A',
    size: 'Size',
    cell: 'A, row {i}, column {j}',
    presets: 'Presets',
    rotation: 'Rotation generator',
    jordan: 'Jordan block',
    classic: 'Moler–Van Loan',
    spec: 'The post’s example',
    expA: 'The matrix exponential',
    how: 'Padé degree {m}, {s} squarings{balanced} — route: {route}',
    howTaylor: 'A is nilpotent: the Taylor series ends, exp(A) is exact{balanced}',
    howSymmetric: 'A is symmetric: exp(A) = V e^Λ Vᵀ from the symmetric eigensolver{balanced}',
    balanced: ', balanced',
    routePade: 'scaling and squaring',
    routeSchur: 'real Schur form, then scaling and squaring of the triangular factor',
    planes: 'Eigenvalues λ of A (left) and e^λ, the eigenvalues of exp(A) (right)',
    lambda: 'λ, eigenvalues of A',
    expLambda: 'e^λ, eigenvalues of exp(A)',
    planeNote: 'The imaginary axis maps onto the unit circle: Re λ < 0 lands inside it.',
    detLeft: 'det(exp A)',
    detRight: 'exp(tr A)',
    logs: 'log|det exp A| = {ld}, tr A = {tr}',
    relDiff: 'relative difference {d}',
    shifted: 'exp(A) is out of the double range; formed as e^{c} exp(A − {c} I)',
    dimension: 'Dimension',
    vector: '{v}, component {i}',
    handle: 'Tip of {v}',
    handleHint: 'Arrow keys move the tip; hold Shift for larger steps.',
    dragHint: 'Drag the tips of x and y (or focus one and use the arrow keys). The shaded shape is the unit disc mapped by exp(x yᵀ); its area grows by det = eˢ.',
    projection: 'The plane shows the first two components.',
    s: 's = yᵀx',
    phi: 'φ(s) = (eˢ − 1)/s',
    psi: 'ψ(s) = (1 − e⁻ˢ)/s',
    det: 'det exp(x yᵀ) = eˢ',
    expXY: 'exp(x yᵀ) = I + φ(s) x yᵀ',
    inverse: 'exp(x yᵀ)⁻¹ = I − ψ(s) x yᵀ',
    check: 'max |closed form − expm(x yᵀ)| = {d}',
    chartX: 's',
    chartY: 'φ, ψ',
    current: 'now',
    summary: 'exp(A): route {route}; det(exp A) = {det}, exp(tr A) = {et}. Rank one: s = {s}, φ = {phi}, ψ = {psi}, det = {dt}.',
    panelReason: 'expected both, expm or rank-one',
    vectorReason: 'expected 2 or 3 numbers, such as “1 0.5”',
    matrixReason: 'expected a 2 × 2 or 3 × 3 matrix, such as “0 -1; 1 0”',
  },
  zh: {
    expmTitle: '矩阵指数与 det(exp A) = exp(tr A)',
    rankTitle: '一个显式的、总是可逆的矩阵：exp(x yᵀ)',
    matrix: '矩阵 A',
    size: '阶数',
    cell: 'A 的第 {i} 行第 {j} 列',
    presets: '预设',
    rotation: '旋转生成元',
    jordan: 'Jordan 块',
    classic: 'Moler–Van Loan 例子',
    spec: '原文的例子',
    expA: '矩阵指数',
    how: 'Padé 阶数 {m}，平方 {s} 次{balanced}——算法：{route}',
    howTaylor: 'A 是幂零矩阵：Taylor 级数有限项截止，exp(A) 精确{balanced}',
    howSymmetric: 'A 是对称矩阵：用对称特征分解 exp(A) = V e^Λ Vᵀ{balanced}',
    balanced: '，已做平衡（balancing）',
    routePade: '缩放与平方（scaling and squaring）',
    routeSchur: '先做实 Schur 分解，再对三角因子做缩放与平方',
    planes: 'A 的特征值 λ（左）与 e^λ，即 exp(A) 的特征值（右）',
    lambda: 'λ：A 的特征值',
    expLambda: 'e^λ：exp(A) 的特征值',
    planeNote: '虚轴被映到单位圆上：Re λ < 0 的点落在圆内。',
    detLeft: 'det(exp A)',
    detRight: 'exp(tr A)',
    logs: 'log|det exp A| = {ld}，tr A = {tr}',
    relDiff: '相对差 {d}',
    shifted: 'exp(A) 超出双精度范围，改为计算 e^{c} exp(A − {c} I)',
    dimension: '维数',
    vector: '{v} 的第 {i} 个分量',
    handle: '{v} 的箭头端点',
    handleHint: '方向键移动端点，按住 Shift 步长更大。',
    dragHint: '拖动 x 和 y 的箭头端点（或选中后按方向键）。阴影是单位圆盘在 exp(x yᵀ) 下的像，面积放大 det = eˢ 倍。',
    projection: '平面上显示的是前两个分量。',
    s: 's = yᵀx',
    phi: 'φ(s) = (eˢ − 1)/s',
    psi: 'ψ(s) = (1 − e⁻ˢ)/s',
    det: 'det exp(x yᵀ) = eˢ',
    expXY: 'exp(x yᵀ) = I + φ(s) x yᵀ',
    inverse: 'exp(x yᵀ)⁻¹ = I − ψ(s) x yᵀ',
    check: '|闭式解 − expm(x yᵀ)| 的最大值 = {d}',
    chartX: 's',
    chartY: 'φ, ψ',
    current: '当前',
    summary: 'exp(A)：算法 {route}；det(exp A) = {det}，exp(tr A) = {et}。秩一：s = {s}，φ = {phi}，ψ = {psi}，det = {dt}。',
    panelReason: '应为 both、expm 或 rank-one',
    vectorReason: '应为 2 个或 3 个数，例如“1 0.5”',
    matrixReason: '应为 2 × 2 或 3 × 3 矩阵，例如“0 -1; 1 0”',
  },
});
type Key = keyof (typeof S)['en'];

const TEX = {
  expA: String.raw`e^{A}=\sum_{n\ge 0}\frac{A^n}{n!}`,
  identity: String.raw`\det e^{A}=e^{\operatorname{tr}A}`,
  closed: String.raw`e^{xy^{\top}}=I+\frac{e^{s}-1}{s}\,xy^{\top},\quad e^{-xy^{\top}}=I-\frac{1-e^{-s}}{s}\,xy^{\top},\quad s=y^{\top}x`,
};

const CSS = `
.panels { display: grid; gap: 20px; }
section h3 { margin: 0 0 8px; font-size: 1.05em; }
.bar { display: flex; flex-wrap: wrap; gap: 6px 12px; align-items: center; margin-bottom: 10px; }
.group { display: inline-flex; flex-wrap: wrap; gap: 4px; align-items: center; }
.group-label { color: var(--muted); font-size: 0.88em; margin-right: 2px; }
button { font: inherit; font-size: 0.88em; padding: 3px 9px; border-radius: 6px; border: 1px solid var(--border);
  background: var(--surface); color: var(--fg); cursor: pointer; }
button[aria-pressed="true"] { background: var(--accent); border-color: var(--accent); color: var(--bg); }
.cols { display: grid; gap: 14px; grid-template-columns: minmax(0, 1fr); }
@container (min-width: 640px) { .cols { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); align-items: start; } }
.matrix-row { display: flex; flex-wrap: wrap; gap: 8px 14px; align-items: center; }
.grid { display: inline-grid; gap: 4px; padding: 4px 8px; border-left: 2px solid var(--fg); border-right: 2px solid var(--fg); border-radius: 4px; }
.grid input { width: 5.2em; font: inherit; font-variant-numeric: tabular-nums; padding: 3px 5px; text-align: right;
  border: 1px solid var(--border); border-radius: 5px; background: var(--bg); color: var(--fg); }
.grid input[aria-invalid="true"] { border-color: var(--error-border); background: var(--error-bg); }
.grid output { min-width: 6.5em; text-align: right; font-variant-numeric: tabular-nums; padding: 3px 2px; }
.label-tex { font-size: 1.05em; }
.note { font-size: 0.86em; color: var(--muted); margin: 6px 0 0; }
.planes { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; }
figure { margin: 0; }
figcaption { font-size: 0.82em; color: var(--muted); text-align: center; margin-top: 2px; }
svg.plane, svg.rank { display: block; width: 100%; height: auto; aspect-ratio: 1; background: var(--bg);
  border: 1px solid var(--border); border-radius: calc(var(--radius) - 4px); user-select: none; -webkit-user-select: none; }
.grid-lines line { stroke: var(--grid); stroke-width: 1; }
.axes line { stroke: var(--axis); stroke-width: 1.2; }
.ticks text { fill: var(--muted); font-size: 10px; font-family: var(--font); }
svg.plane .ticks text { font-size: 12px; }
svg.plane .ticks text:nth-child(2n) { display: none; }
.unit { fill: none; stroke: var(--accent); stroke-width: 1.2; stroke-dasharray: 4 3; }
.imag { stroke: var(--accent); stroke-width: 1.6; stroke-dasharray: 4 3; }
.ev { stroke: var(--bg); stroke-width: 1.5; }
.ev-label { font: 600 11px var(--font); }
.cards { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; margin-top: 10px; }
.card { background: var(--surface); border-radius: calc(var(--radius) - 4px); padding: 8px 10px; }
.card .k { font-size: 0.85em; color: var(--muted); }
.card .v { font-size: 1.25em; font-weight: 600; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.eq { font-size: 1.4em; text-align: center; align-self: center; }
.identity { display: grid; grid-template-columns: 1fr auto 1fr; gap: 8px; margin-top: 10px; }
dl { margin: 0; display: grid; gap: 6px; }
.row { display: grid; grid-template-columns: minmax(0, 1fr) auto; column-gap: 12px; align-items: baseline;
  padding: 5px 10px; background: var(--surface); border-radius: calc(var(--radius) - 4px); }
dt { font-weight: 600; }
dd { margin: 0; }
.value { font-variant-numeric: tabular-nums; font-weight: 600; text-align: right; white-space: nowrap; }
.x-vec { --c: var(--p); } .y-vec { --c: var(--q); }
.arrow { stroke: var(--c); stroke-width: 2.5; }
.arrow-head { fill: var(--c); }
.image { fill: var(--accent); fill-opacity: 0.14; stroke: var(--accent); stroke-width: 1.5; }
.image-x { stroke: var(--accent); stroke-width: 1.5; stroke-dasharray: 5 4; }
.name { fill: var(--c); font: italic 600 15px var(--font); pointer-events: none; }
.handle { cursor: grab; touch-action: none; outline: none; }
.handle .hit { fill: transparent; }
.handle .dot { fill: var(--c); stroke: var(--bg); stroke-width: 2; }
.handle:focus-visible .dot { stroke: var(--focus); stroke-width: 4; }
.dragging, .dragging .handle { cursor: grabbing; }
.vectors { display: grid; gap: 6px; margin: 8px 0; }
.vectors .vrow { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
.vectors .vname { font-style: italic; font-weight: 600; width: 1.2em; }
.vectors input { width: 5.2em; font: inherit; padding: 3px 5px; text-align: right; border: 1px solid var(--border);
  border-radius: 5px; background: var(--bg); color: var(--fg); }
.error.inline { margin: 8px 0; }
.vectors input[aria-invalid="true"] { border-color: var(--error-border); background: var(--error-bg); }
.chart { margin-top: 10px; min-height: 200px; }
.formula { overflow-x: auto; overflow-y: hidden; margin: 4px 0 8px; }
.mats { display: flex; flex-wrap: wrap; gap: 10px 18px; margin-top: 8px; }
.mats > div { display: grid; gap: 4px; }
.mats .k { font-size: 0.85em; color: var(--muted); }
`;

function parseMatrix(text: string): number[][] {
  if (!text.trim()) throw new ParseError('empty');
  const rows = text.split(';').map((r) => r.trim()).filter((r, i, all) => r !== '' || i < all.length - 1);
  const n = rows.length;
  if (n !== 2 && n !== 3) throw new ParseError('matrixRows', { n: '2 or 3', example: '0 -1; 1 0', got: n });
  return parseSquareMatrix(text, n, '0 -1; 1 0');
}

function parseVec(text: string): number[] {
  const v = parseNumbers(text);
  if (v.length !== 2 && v.length !== 3) throw new ParseError('vectorLength', { n: '2 or 3', example: '1 0.5', got: v.length });
  return v;
}

const maxAbs = (a: ArrayLike<number>) => Array.from(a).reduce((m, v) => Math.max(m, Math.abs(v)), 0);

/** The `<mathlens-matexp>` element (see the module documentation for its attributes). */
export class MathLensMatexp extends MathLensElement {
  static observedAttributes = [...MathLensElement.observedAttributes, 'matrix', 'x', 'y', 'panel'];

  private a: number[][] = parseMatrix(DEFAULTS.matrix);
  private readonly vec: Record<'x' | 'y', number[]> = { x: parseVec(DEFAULTS.x), y: parseVec(DEFAULTS.y) };
  private panel: MatexpPanel = 'both';
  private readonly errors = new Map<string, (lang: Lang) => string>();
  private version = 1;
  private computed = 0;
  private res: MatexpWidgetResult = { expm: null, detExp: null, spectrum: null, rankOne: null, rankOneCheck: null };
  private expmError: string | null = null;
  private rankError: string | null = null;
  private view: View = fitView([-2, -2, 2, 2], RANK);
  private drag: { which: 'x' | 'y'; pointerId: number; el: Element } | null = null;
  private chart: LineChart | null = null;
  private chartLang: Lang | null = null;
  private chartData: { x: Float64Array; phi: Float64Array; psi: Float64Array } | null = null;
  private resizeObserver: ResizeObserver | null = null;
  /** Editor sizes currently built (rebuilt when n or d changes). */
  private builtN = 0;
  private builtD = 0;

  // DOM
  private readonly labels = new Map<Key, HTMLElement>();
  private readonly expmPanel: HTMLElement;
  private readonly rankPanel: HTMLElement;
  private readonly expmAlert: HTMLElement;
  private readonly rankAlert: HTMLElement;
  private readonly expmResults: HTMLElement[];
  private readonly rankResults: HTMLElement;
  private readonly sizeButtons: Record<2 | 3, HTMLButtonElement>;
  private readonly presetButtons: Record<Preset, HTMLButtonElement>;
  private readonly editor: HTMLElement;
  private cells: HTMLInputElement[][] = [];
  private readonly expGrid: HTMLElement;
  private expCells: HTMLOutputElement[] = [];
  private readonly how: HTMLElement;
  private readonly planeSvg: Record<'l' | 'e', { svg: SVGSVGElement; grid: SVGGElement; extra: SVGGElement; points: SVGGElement }>;
  private readonly detValue: HTMLElement;
  private readonly etrValue: HTMLElement;
  private readonly logsLine: HTMLElement;
  private readonly shiftLine: HTMLElement;
  private readonly dimButtons: Record<2 | 3, HTMLButtonElement>;
  private readonly vectorBox: HTMLElement;
  private vecInputs: Record<'x' | 'y', HTMLInputElement[]> = { x: [], y: [] };
  private readonly rankSvg: SVGSVGElement;
  private readonly rankGrid: SVGGElement;
  private readonly image: SVGPathElement;
  private readonly imageX: SVGLineElement;
  private readonly arrows: Record<'x' | 'y', { line: SVGLineElement; head: SVGPathElement; name: SVGTextElement; handle: SVGGElement }>;
  private readonly projection: HTMLElement;
  private readonly values: Record<'s' | 'phi' | 'psi' | 'det', HTMLElement>;
  private readonly eGrid: HTMLElement;
  private readonly iGrid: HTMLElement;
  private readonly checkLine: HTMLElement;
  private readonly chartBox: HTMLElement;
  private readonly summary: HTMLElement;

  constructor() {
    super(katexSheet(), sheet(chartCss), sheet(CSS));
    const label = (key: Key, tag: 'span' | 'h3' | 'dt' | 'p' = 'span', cls = '') => {
      const el = h(tag, cls ? { class: cls } : {});
      this.labels.set(key, el);
      return el;
    };
    const button = (onClick: () => void) => {
      const b = h('button', { attrs: { type: 'button', 'aria-pressed': 'false' } });
      b.addEventListener('click', onClick);
      return b;
    };

    // ---- expm panel ----
    this.sizeButtons = { 2: button(() => this.resize(2)), 3: button(() => this.resize(3)) };
    this.sizeButtons[2].textContent = '2 × 2';
    this.sizeButtons[3].textContent = '3 × 3';
    this.presetButtons = {} as Record<Preset, HTMLButtonElement>;
    for (const p of Object.keys(PRESETS) as Preset[]) {
      const b = button(() => this.preset(p));
      b.dataset.preset = p;
      this.presetButtons[p] = b;
    }
    const sizeGroup = h('div', { class: 'group', attrs: { role: 'group' } }, label('size', 'span', 'group-label'), this.sizeButtons[2], this.sizeButtons[3]);
    const presetGroup = h('div', { class: 'group', attrs: { role: 'group' } }, label('presets', 'span', 'group-label'), ...Object.values(this.presetButtons));
    this.editor = h('div', { class: 'grid editor' });
    this.expGrid = h('div', { class: 'grid result', attrs: { role: 'group' } });
    const aTex = h('span', { class: 'label-tex' });
    renderTex(aTex, 'A =');
    const eTex = h('span', { class: 'label-tex' });
    renderTex(eTex, 'e^{A} =');
    const seriesTex = h('div', { class: 'formula' });
    renderTex(seriesTex, TEX.expA);
    this.how = h('p', { class: 'note how' });
    const planes = h('div', { class: 'planes' });
    const mkPlane = (which: 'l' | 'e', key: Key) => {
      const s = svg('svg', { class: `plane plane-${which}`, viewBox: `0 0 ${PLANE} ${PLANE}`, role: 'img' });
      const grid = svg('g', {}, s);
      const extra = svg('g', {}, s);
      const points = svg('g', {}, s);
      planes.append(h('figure', {}, s, h('figcaption', {}, label(key))));
      return { svg: s, grid, extra, points };
    };
    this.planeSvg = { l: mkPlane('l', 'lambda'), e: mkPlane('e', 'expLambda') };
    const identityTex = h('div', { class: 'formula' });
    renderTex(identityTex, TEX.identity);
    this.detValue = h('div', { class: 'v', attrs: { 'data-key': 'det' } });
    this.etrValue = h('div', { class: 'v', attrs: { 'data-key': 'exptr' } });
    this.logsLine = h('p', { class: 'note logs' });
    this.shiftLine = h('p', { class: 'note shift' });
    this.expmAlert = h('div', { class: 'error inline', attrs: { role: 'alert', hidden: true } });
    const expRow = h('div', { class: 'matrix-row', attrs: { style: 'margin-top:10px' } }, eTex, this.expGrid);
    const right = h('div', {});
    this.expmPanel = h(
      'section',
      { class: 'expm-panel' },
      label('expmTitle', 'h3'),
      h('div', { class: 'bar' }, sizeGroup, presetGroup),
      h(
        'div',
        { class: 'cols' },
        h(
          'div',
          {},
          h('div', { class: 'matrix-row' }, aTex, this.editor),
          this.expmAlert,
          expRow,
          seriesTex,
          this.how,
        ),
        right,
      ),
    );
    right.append(
          planes,
          label('planeNote', 'p', 'note'),
          identityTex,
          h(
            'div',
            { class: 'identity' },
            h('div', { class: 'card' }, label('detLeft', 'span', 'k'), this.detValue),
            h('div', { class: 'eq', attrs: { 'aria-hidden': 'true' } }, '='),
            h('div', { class: 'card' }, label('detRight', 'span', 'k'), this.etrValue),
          ),
          this.logsLine,
          this.shiftLine,
    );
    this.expmResults = [expRow, this.how, right];

    // ---- rank-one panel ----
    this.dimButtons = { 2: button(() => this.setDimension(2)), 3: button(() => this.setDimension(3)) };
    this.dimButtons[2].textContent = 'd = 2';
    this.dimButtons[3].textContent = 'd = 3';
    this.vectorBox = h('div', { class: 'vectors' });
    this.rankSvg = svg('svg', { class: 'rank', viewBox: `0 0 ${RANK} ${RANK}`, role: 'group' });
    this.rankGrid = svg('g', {}, this.rankSvg);
    this.image = svg('path', { class: 'image' }, this.rankSvg);
    this.imageX = svg('line', { class: 'image-x' }, this.rankSvg);
    this.arrows = {} as typeof this.arrows;
    for (const which of ['y', 'x'] as const) {
      const g = svg('g', { class: `${which}-vec` }, this.rankSvg);
      const line = svg('line', { class: 'arrow' }, g);
      const head = svg('path', { class: 'arrow-head' }, g);
      const name = svg('text', { class: 'name' }, g);
      name.textContent = which;
      const handle = svg('g', { class: 'handle', tabindex: 0, role: 'slider', 'data-handle': which, 'aria-describedby': 'handle-hint' }, g);
      svg('circle', { class: 'hit', r: 16 }, handle);
      svg('circle', { class: 'dot', r: 7 }, handle);
      this.makeDraggable(handle, which);
      handle.addEventListener('keydown', (e) => this.onKey(e, which));
      this.arrows[which] = { line, head, name, handle };
    }
    const handleHint = h('span', { class: 'visually-hidden', attrs: { id: 'handle-hint' } });
    this.labels.set('handleHint', handleHint);
    this.projection = label('projection', 'p', 'note');
    const closedTex = h('div', { class: 'formula' });
    renderTex(closedTex, TEX.closed);
    const row = (key: 's' | 'phi' | 'psi' | 'det') => {
      const v = h('dd', { class: 'value', text: '—' });
      return { v, el: h('div', { class: 'row', attrs: { 'data-key': key } }, label(key, 'dt'), v) };
    };
    const rows = { s: row('s'), phi: row('phi'), psi: row('psi'), det: row('det') };
    this.values = { s: rows.s.v, phi: rows.phi.v, psi: rows.psi.v, det: rows.det.v };
    this.eGrid = h('div', { class: 'grid result e-grid', attrs: { role: 'group' } });
    this.iGrid = h('div', { class: 'grid result i-grid', attrs: { role: 'group' } });
    this.checkLine = h('p', { class: 'note check' });
    this.chartBox = h('div', { class: 'chart' });
    this.rankAlert = h('div', { class: 'error inline', attrs: { role: 'alert', hidden: true } });
    this.rankResults = h(
      'div',
      {},
      h('dl', {}, rows.s.el, rows.phi.el, rows.psi.el, rows.det.el),
      h(
        'div',
        { class: 'mats' },
        h('div', {}, label('expXY', 'span', 'k'), this.eGrid),
        h('div', {}, label('inverse', 'span', 'k'), this.iGrid),
      ),
      this.checkLine,
      this.chartBox,
    );
    this.rankPanel = h(
      'section',
      { class: 'rank-panel' },
      label('rankTitle', 'h3'),
      closedTex,
      h(
        'div',
        { class: 'cols' },
        h(
          'div',
          {},
          h('div', { class: 'bar' }, h('div', { class: 'group', attrs: { role: 'group' } }, label('dimension', 'span', 'group-label'), this.dimButtons[2], this.dimButtons[3])),
          this.rankSvg,
          label('dragHint', 'p', 'note'),
          handleHint,
          this.vectorBox,
          this.projection,
        ),
        h('div', {}, this.rankAlert, this.rankResults),
      ),
    );
    this.summary = h('p', { class: 'visually-hidden', attrs: { 'aria-live': 'polite' } });
    this.content.append(h('div', { class: 'panels' }, this.expmPanel, this.rankPanel), this.summary);
  }

  // ---- public API ----

  /** A as nested arrays (2 × 2 or 3 × 3). Setting it overrides the attribute until it changes again. */
  get matrix(): number[][] {
    return this.a.map((r) => [...r]);
  }
  set matrix(value: ArrayLike<ArrayLike<number>>) {
    this.setProperty('matrix', () => {
      const n = value?.length;
      if (n !== 2 && n !== 3) throw new ParseError('matrixRows', { n: '2 or 3', example: '[[0, -1], [1, 0]]', got: n ?? 0 });
      return Array.from({ length: n }, (_, i) => {
        const r = value[i];
        if (!r || r.length !== n) throw new ParseError('matrixCols', { row: i + 1, got: r?.length ?? 0, n });
        return Array.from({ length: n }, (_, j) => this.finite(r[j]));
      });
    }, (m) => {
      this.a = m;
    });
  }
  /** x (2 or 3 numbers). */
  get x(): number[] {
    return [...this.vec.x];
  }
  set x(value: ArrayLike<number>) {
    this.setVector('x', value);
  }
  /** y (2 or 3 numbers). */
  get y(): number[] {
    return [...this.vec.y];
  }
  set y(value: ArrayLike<number>) {
    this.setVector('y', value);
  }
  /** The latest results (null parts before the first render or on invalid input). */
  get result(): MatexpWidgetResult {
    return this.res;
  }

  // ---- lifecycle ----

  protected override connected(): void {
    ensureKatexFonts(this.ownerDocument);
    this.resizeObserver = new ResizeObserver(() => this.chart?.resize(this.chartWidth()));
    this.resizeObserver.observe(this.chartBox);
    this.loadApi();
  }

  protected override disconnected(): void {
    this.drag = null;
    this.rankSvg.classList.remove('dragging');
    this.resizeObserver?.disconnect();
    this.resizeObserver = null;
    this.chart?.destroy();
    this.chart = null;
    this.chartLang = null;
  }

  protected override attributeChanged(name: string, value: string | null): void {
    const text = value ?? DEFAULTS[name] ?? '';
    try {
      if (name === 'matrix') this.a = parseMatrix(text);
      else if (name === 'x' || name === 'y') this.vec[name] = parseVec(text);
      else if (name === 'panel') {
        const p = text.trim();
        if (p !== 'both' && p !== 'expm' && p !== 'rank-one') {
          this.errors.set(name, (lang) => fill(common[lang].attribute, { name, value: text, reason: S[lang].panelReason }));
          this.changed();
          return;
        }
        this.panel = p;
      }
      this.errors.delete(name);
      if (name === 'matrix') this.errors.delete('matrix-property');
      if (name === 'x' || name === 'y') this.errors.delete(`${name}-property`);
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      this.errors.set(name, (lang) => fill(common[lang].attribute, { name, value: text, reason: e.describe(lang) }));
    }
    this.changed();
  }

  // ---- state ----

  private finite(x: unknown): number {
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new ParseError('notANumber', { token: String(x) });
    return x;
  }

  private setProperty<T>(name: string, parse: () => T, apply: (v: T) => void): void {
    try {
      apply(parse());
      this.errors.delete(`${name}-property`);
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      this.errors.set(`${name}-property`, (lang) => fill(common[lang].property, { name, reason: e.describe(lang) }));
    }
    this.changed();
  }

  private setVector(which: 'x' | 'y', value: ArrayLike<number>): void {
    this.setProperty(which, () => {
      const n = value?.length;
      if (n !== 2 && n !== 3) throw new ParseError('vectorLength', { n: '2 or 3', example: '[1, 0.5]', got: n ?? 0 });
      return Array.from({ length: n }, (_, i) => this.finite(value[i]));
    }, (v) => {
      this.vec[which] = v;
    });
  }

  private changed(): void {
    this.version++;
    this.requestRender();
  }

  private resize(n: 2 | 3): void {
    if (this.a.length === n) return;
    const old = this.a;
    this.a = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => old[i]?.[j] ?? 0));
    this.changed();
  }

  private preset(p: Preset): void {
    const m = (this.a.length === 3 ? PRESETS3 : PRESETS)[p];
    this.a = m.map((r) => [...r]);
    this.changed();
  }

  private setDimension(d: 2 | 3): void {
    if (this.vec.x.length === d && this.vec.y.length === d) return;
    const fit = (v: number[]) => Array.from({ length: d }, (_, i) => v[i] ?? 0);
    this.vec.x = fit(this.vec.x);
    this.vec.y = fit(this.vec.y);
    this.changed();
  }

  // ---- rendering ----

  protected render(lang: Lang, langChanged: boolean): void {
    if (langChanged) this.applyLanguage(lang);
    if (this.errors.size) return this.showError(lang, [...this.errors.values()].map((f) => f(lang)));
    if (!this.showLoadState(lang)) return;
    const fresh = this.computed !== this.version;
    if (fresh) this.compute(this.ml);
    // Errors of the computation (e.g. exp(A) overflows) show inside their panel, so that the matrix
    // editor and the drag plane stay usable to fix them.
    this.showError(lang, null);
    this.showInline(this.expmAlert, this.expmResults, this.expmError);
    this.showInline(this.rankAlert, [this.rankResults], this.rankError);
    this.expmPanel.hidden = this.panel === 'rank-one';
    this.rankPanel.hidden = this.panel === 'expm';
    if (this.panel !== 'rank-one') this.drawExpm(lang);
    if (this.panel !== 'expm') this.drawRankOne(lang, langChanged);
    this.updateSummary(lang);
    if (fresh) this.dispatchEvent(new CustomEvent<MatexpWidgetResult>('change', { detail: this.res, bubbles: true }));
  }

  private showInline(alert: HTMLElement, results: HTMLElement[], message: string | null): void {
    alert.hidden = !message;
    setText(alert, message ?? '');
    for (const r of results) r.hidden = !!message;
  }

  private compute(ml: MathLens): void {
    this.computed = this.version;
    const res: MatexpWidgetResult = { expm: null, detExp: null, spectrum: null, rankOne: null, rankOneCheck: null };
    this.expmError = null;
    this.rankError = null;
    try {
      res.expm = ml.matexp.expmInfo(this.a);
      res.detExp = ml.matexp.detExp(this.a);
      res.spectrum = ml.matexp.spectrum(this.a);
    } catch (e) {
      if (!(e instanceof MathLensError)) throw e;
      this.expmError = e.message;
    }
    try {
      res.rankOne = ml.matexp.expRankOne(this.vec.x, this.vec.y);
      // The same matrix by the general algorithm, as a live check of the closed form.
      const xy = this.vec.x.map((xi) => this.vec.y.map((yj) => xi * yj));
      const general = ml.matexp.expm(xy);
      let diff = 0;
      for (let k = 0; k < general.data.length; k++) diff = Math.max(diff, Math.abs(general.data[k] - res.rankOne.exp.data[k]));
      res.rankOneCheck = diff;
    } catch (e) {
      if (!(e instanceof MathLensError)) throw e;
      this.rankError = e.message;
    }
    this.res = res;
  }

  private applyLanguage(lang: Lang): void {
    const t = S[lang];
    for (const [key, el] of this.labels) setText(el, t[key]);
    for (const p of Object.keys(this.presetButtons) as Preset[]) setText(this.presetButtons[p], t[p]);
    this.planeSvg.l.svg.setAttribute('aria-label', t.lambda);
    this.planeSvg.e.svg.setAttribute('aria-label', t.expLambda);
    this.rankSvg.setAttribute('aria-label', t.rankTitle);
    this.expGrid.setAttribute('aria-label', t.expA);
    this.builtN = 0; // relabel the editors
    this.builtD = 0;
  }

  private buildEditor(lang: Lang): void {
    const n = this.a.length;
    if (this.builtN === n) return;
    this.builtN = n;
    this.cells = [];
    this.editor.replaceChildren();
    this.editor.style.gridTemplateColumns = `repeat(${n}, auto)`;
    this.expGrid.style.gridTemplateColumns = `repeat(${n}, auto)`;
    for (let i = 0; i < n; i++) {
      const row: HTMLInputElement[] = [];
      for (let j = 0; j < n; j++) {
        const input = h('input', {
          attrs: { type: 'text', inputmode: 'decimal', spellcheck: 'false', autocomplete: 'off', 'aria-label': fill(S[lang].cell, { i: i + 1, j: j + 1 }), 'data-cell': `${i}-${j}` },
        });
        input.addEventListener('input', () => {
          try {
            const v = parseNumber(input.value);
            input.removeAttribute('aria-invalid');
            if (this.a[i][j] !== v) {
              this.a[i][j] = v;
              this.changed();
            }
          } catch (e) {
            if (!(e instanceof ParseError)) throw e;
            input.setAttribute('aria-invalid', 'true');
          }
        });
        input.addEventListener('blur', () => {
          input.removeAttribute('aria-invalid');
          input.value = formatCompact(this.a[i][j], 6);
        });
        row.push(input);
        this.editor.append(input);
      }
      this.cells.push(row);
    }
    this.expCells = [];
    this.expGrid.replaceChildren();
    for (let k = 0; k < n * n; k++) {
      const o = h('output', { text: '—' });
      this.expCells.push(o);
      this.expGrid.append(o);
    }
  }

  private drawExpm(lang: Lang): void {
    const t = S[lang];
    const n = this.a.length;
    this.buildEditor(lang);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        const input = this.cells[i][j];
        if (this.shadow.activeElement !== input) {
          const text = formatCompact(this.a[i][j], 6);
          if (input.value !== text) input.value = text;
        }
      }
    for (const k of [2, 3] as const) this.sizeButtons[k].setAttribute('aria-pressed', String(k === n));
    const table = n === 3 ? PRESETS3 : PRESETS;
    for (const p of Object.keys(table) as Preset[])
      this.presetButtons[p].setAttribute('aria-pressed', String(table[p].every((r, i) => r.every((v, j) => v === this.a[i][j]))));
    const e = this.res.expm;
    const d = this.res.detExp;
    const sp = this.res.spectrum;
    if (!e || !d || !sp) return;
    e.value.data.forEach((v, k) => setText(this.expCells[k], formatNumber(v, 6)));
    const bal = e.balanced ? t.balanced : '';
    setText(
      this.how,
      e.route === 'taylor'
        ? fill(t.howTaylor, { balanced: bal })
        : e.route === 'symmetric'
          ? fill(t.howSymmetric, { balanced: bal })
          : fill(t.how, { m: e.degree, s: e.squarings, balanced: bal, route: e.route === 'schur' ? t.routeSchur : t.routePade }),
    );
    setText(this.detValue, formatNumber(d.det, 8));
    setText(this.etrValue, formatNumber(d.expTrace, 8));
    setText(this.logsLine, `${fill(t.logs, { ld: formatNumber(d.logAbsDet, 10), tr: formatNumber(d.trace, 10) })}; ${fill(t.relDiff, { d: formatNumber(d.relativeDifference, 2) })}`);
    setText(this.shiftLine, d.shift ? fill(t.shifted, { c: formatNumber(d.shift, 6) }) : '');
    this.shiftLine.hidden = !d.shift;
    this.drawPlane('l', sp.eigenvalues.re, sp.eigenvalues.im);
    this.drawPlane('e', sp.expEigenvalues.re, sp.expEigenvalues.im);
  }

  private drawPlane(which: 'l' | 'e', re: Float64Array, im: Float64Array): void {
    const p = this.planeSvg[which];
    const finite = (k: number) => Number.isFinite(re[k]) && Number.isFinite(im[k]);
    let b: Bounds = which === 'e' ? [-1.1, -1.1, 1.1, 1.1] : [-1, -1, 1, 1];
    for (let k = 0; k < re.length; k++)
      if (finite(k)) b = [Math.min(b[0], re[k]), Math.min(b[1], im[k]), Math.max(b[2], re[k]), Math.max(b[3], im[k])];
    const v = fitView(b, PLANE, 0.12);
    drawGrid(p.grid, v);
    p.extra.replaceChildren();
    if (which === 'e') {
      const [cx, cy] = toScreen(v, 0, 0);
      svg('circle', { class: 'unit', cx, cy, r: (PLANE / v.span) * 1 }, p.extra);
    } else {
      const [x0] = toScreen(v, 0, 0);
      svg('line', { class: 'imag', x1: x0, y1: 0, x2: x0, y2: PLANE }, p.extra);
    }
    p.points.replaceChildren();
    const colors = ['var(--p)', 'var(--q)', 'var(--focus)'];
    for (let k = 0; k < re.length; k++) {
      if (!finite(k)) continue;
      const [sx, sy] = toScreen(v, re[k], im[k]);
      const c = svg('circle', { class: 'ev', cx: sx, cy: sy, r: 5.5 - k * 0.8 }, p.points);
      c.style.fill = colors[k % 3];
      const left = sx > PLANE * 0.72; // near the right edge: label on the left of the point
      const label = svg('text', { class: 'ev-label', x: left ? sx - 7 : sx + 7, y: sy - 6 - k * 12, 'text-anchor': left ? 'end' : 'start' }, p.points);
      label.style.fill = colors[k % 3];
      label.textContent = `${which === 'l' ? 'λ' : 'e^λ'}${'₁₂₃'[k] ?? ''}`;
    }
    p.svg.dataset.points = String(re.length);
  }

  // ---- rank-one panel ----

  private buildVectors(lang: Lang): void {
    const key = 10 * this.vec.x.length + this.vec.y.length;
    if (this.builtD === key) return;
    this.builtD = key;
    const d = this.vec.x.length;
    this.vectorBox.replaceChildren();
    this.vecInputs = { x: [], y: [] };
    for (const which of ['x', 'y'] as const) {
      const row = h('div', { class: `vrow ${which}-vec` }, h('span', { class: 'vname', text: which }));
      for (let i = 0; i < this.vec[which].length; i++) {
        const input = h('input', {
          attrs: { type: 'text', inputmode: 'decimal', spellcheck: 'false', autocomplete: 'off', 'aria-label': fill(S[lang].vector, { v: which, i: i + 1 }), 'data-vec': `${which}-${i}` },
        });
        input.addEventListener('input', () => {
          try {
            const v = parseNumber(input.value);
            input.removeAttribute('aria-invalid');
            if (this.vec[which][i] !== v) {
              this.vec[which][i] = v;
              this.changed();
            }
          } catch (e) {
            if (!(e instanceof ParseError)) throw e;
            input.setAttribute('aria-invalid', 'true');
          }
        });
        input.addEventListener('blur', () => {
          input.removeAttribute('aria-invalid');
          input.value = formatCompact(this.vec[which][i], 6);
        });
        this.vecInputs[which].push(input);
        row.append(input);
      }
      this.vectorBox.append(row);
    }
    this.eGrid.style.gridTemplateColumns = `repeat(${d}, auto)`;
    this.iGrid.style.gridTemplateColumns = `repeat(${d}, auto)`;
  }

  private drawRankOne(lang: Lang, langChanged: boolean): void {
    const t = S[lang];
    const r = this.res.rankOne;
    this.buildVectors(lang);
    const d = this.vec.x.length;
    for (const k of [2, 3] as const) this.dimButtons[k].setAttribute('aria-pressed', String(k === d));
    this.projection.hidden = d === 2;
    for (const which of ['x', 'y'] as const)
      this.vecInputs[which].forEach((input, i) => {
        if (this.shadow.activeElement !== input) {
          const text = formatCompact(this.vec[which][i], 6);
          if (input.value !== text) input.value = text;
        }
      });
    this.drawPlaneRank(lang, r);
    if (!r) return;
    setText(this.values.s, formatNumber(r.s, 8));
    setText(this.values.phi, formatNumber(r.phi, 10));
    setText(this.values.psi, formatNumber(r.psi, 10));
    setText(this.values.det, formatNumber(r.det, 8));
    const fillGrid = (grid: HTMLElement, data: Float64Array) => {
      if (grid.childElementCount !== data.length) grid.replaceChildren(...Array.from(data, () => h('output')));
      Array.from(grid.children).forEach((c, k) => setText(c, formatNumber(data[k], 6)));
    };
    fillGrid(this.eGrid, r.exp.data);
    fillGrid(this.iGrid, r.inverse.data);
    setText(this.checkLine, fill(t.check, { d: formatNumber(this.res.rankOneCheck, 2) }));
    this.drawChart(lang, r.s, langChanged);
  }

  private drawPlaneRank(lang: Lang, r: RankOneExp | null): void {
    const d = this.vec.x.length;
    const tip = (v: number[]) => [v[0], v[1]] as [number, number];
    const [x0, x1] = tip(this.vec.x);
    const [y0, y1] = tip(this.vec.y);
    // The image of the unit circle under the top-left 2 × 2 block of E (the map on span(e1, e2)).
    const e = r?.exp.data;
    const m = e ? [e[0], e[1], e[d], e[d + 1]] : [1, 0, 0, 1];
    const pts: [number, number][] = [];
    for (let k = 0; k <= 96; k++) {
      const a = (2 * Math.PI * k) / 96;
      const c = Math.cos(a);
      const s = Math.sin(a);
      pts.push([m[0] * c + m[1] * s, m[2] * c + m[3] * s]);
    }
    if (!this.drag) {
      let b: Bounds = [Math.min(-1.2, x0, y0), Math.min(-1.2, x1, y1), Math.max(1.2, x0, y0), Math.max(1.2, x1, y1)];
      for (const [px, py] of pts) if (Math.hypot(px, py) < 8) b = [Math.min(b[0], px), Math.min(b[1], py), Math.max(b[2], px), Math.max(b[3], py)];
      const half = this.view.span / 2;
      const inside = b[0] >= this.view.cx - half && b[2] <= this.view.cx + half && b[1] >= this.view.cy - half && b[3] <= this.view.cy + half;
      const tooBig = Math.max(b[2] - b[0], b[3] - b[1]) < 0.45 * this.view.span;
      if (!inside || tooBig || this.rankGrid.childElementCount === 0) {
        const span = Math.max(b[2] - b[0], b[3] - b[1]);
        this.view = fitView([-span / 2, -span / 2, span / 2, span / 2].map((v, i) => v + (i % 2 ? (b[1] + b[3]) / 2 : (b[0] + b[2]) / 2)) as Bounds, RANK, 0.1);
        drawGrid(this.rankGrid, this.view);
      }
    }
    const v = this.view;
    const path = pts.map(([px, py], k) => {
      const [sx, sy] = toScreen(v, px, py);
      return `${k ? 'L' : 'M'}${sx.toFixed(1)} ${sy.toFixed(1)}`;
    });
    this.image.setAttribute('d', e ? `${path.join(' ')} Z` : '');
    // E x = eˢ x: x is the eigenvector of eˢ.
    const [ox, oy] = toScreen(v, 0, 0);
    const det = r?.det ?? 0;
    const ex = toScreen(v, det * x0, det * x1);
    setAttrs(this.imageX, { x1: ox, y1: oy, x2: Number.isFinite(ex[0]) ? ex[0] : ox, y2: Number.isFinite(ex[1]) ? ex[1] : oy });
    for (const which of ['x', 'y'] as const) {
      const [tx, ty] = tip(this.vec[which]);
      const [sx, sy] = toScreen(v, tx, ty);
      const a = this.arrows[which];
      const len = Math.hypot(sx - ox, sy - oy);
      const ux = len > 0 ? (sx - ox) / len : 1;
      const uy = len > 0 ? (sy - oy) / len : 0;
      setAttrs(a.line, { x1: ox, y1: oy, x2: sx - ux * 6, y2: sy - uy * 6 });
      const hx = sx - ux * 12;
      const hy = sy - uy * 12;
      a.head.setAttribute('d', `M${sx.toFixed(1)} ${sy.toFixed(1)} L${(hx - uy * 5).toFixed(1)} ${(hy + ux * 5).toFixed(1)} L${(hx + uy * 5).toFixed(1)} ${(hy - ux * 5).toFixed(1)} Z`);
      setAttrs(a.name, { x: sx + 9, y: sy - 9 });
      a.handle.setAttribute('transform', `translate(${sx.toFixed(2)} ${sy.toFixed(2)})`);
      a.handle.setAttribute('aria-label', fill(S[lang].handle, { v: which }));
      a.handle.setAttribute('aria-valuetext', `(${this.vec[which].map((c) => formatCompact(c)).join(', ')})`);
      a.handle.setAttribute('aria-valuenow', formatCompact(tx));
    }
  }

  private chartWidth(): number {
    return Math.max(220, Math.floor(this.chartBox.clientWidth || 320));
  }

  private drawChart(lang: Lang, s: number, langChanged: boolean): void {
    const ml = this.ml;
    if (!ml) return;
    const t = S[lang];
    const markers = [{ x: Math.max(-S_RANGE, Math.min(S_RANGE, s)), label: `${t.current}: s = ${formatCompact(s, 4)}`, color: 'focus' }];
    if (!this.chart || this.chartLang !== lang || langChanged) {
      const xs = Float64Array.from({ length: 201 }, (_, i) => -S_RANGE + (2 * S_RANGE * i) / 200);
      const phi = new Float64Array(xs.length);
      const psi = new Float64Array(xs.length);
      xs.forEach((sv, i) => {
        const r = ml.matexp.expRankOne([sv], [1]);
        phi[i] = r.phi;
        psi[i] = r.psi;
      });
      this.chartData = { x: xs, phi, psi };
      this.chart?.destroy();
      this.chartBox.replaceChildren();
      this.chart = new LineChart(this.chartBox, {
        x: xs,
        series: [
          { label: 'φ(s)', values: phi, color: 'p' },
          { label: 'ψ(s)', values: psi, color: 'q' },
        ],
        width: this.chartWidth(),
        height: 200,
        xLabel: t.chartX,
        yLabel: t.chartY,
        markers,
      });
      this.chartLang = lang;
    } else if (this.chartData) this.chart.update(this.chartData.x, [this.chartData.phi, this.chartData.psi], markers);
  }

  private updateSummary(lang: Lang): void {
    const r = this.res;
    setText(
      this.summary,
      fill(S[lang].summary, {
        route: r.expm?.route ?? '—',
        det: formatNumber(r.detExp?.det),
        et: formatNumber(r.detExp?.expTrace),
        s: formatNumber(r.rankOne?.s),
        phi: formatNumber(r.rankOne?.phi),
        psi: formatNumber(r.rankOne?.psi),
        dt: formatNumber(r.rankOne?.det),
      }),
    );
  }

  // ---- interaction ----

  private makeDraggable(el: SVGGElement, which: 'x' | 'y'): void {
    el.addEventListener('pointerdown', (e) => {
      if (e.button !== 0) return;
      e.preventDefault();
      el.setPointerCapture(e.pointerId);
      el.focus({ preventScroll: true });
      this.drag = { which, pointerId: e.pointerId, el };
      this.rankSvg.classList.add('dragging');
    });
    el.addEventListener('pointermove', (e) => {
      const d = this.drag;
      if (!d || d.el !== el || d.pointerId !== e.pointerId) return;
      const [sx, sy] = clientToSvg(this.rankSvg, e.clientX, e.clientY);
      const [wx, wy] = toWorld(this.view, sx, sy);
      this.moveTip(which, wx, wy);
    });
    const end = (e: PointerEvent) => {
      const d = this.drag;
      if (!d || d.el !== el || d.pointerId !== e.pointerId) return;
      this.drag = null;
      this.rankSvg.classList.remove('dragging');
      this.requestRender();
    };
    el.addEventListener('pointerup', end);
    el.addEventListener('pointercancel', end);
    el.addEventListener('lostpointercapture', end);
  }

  private moveTip(which: 'x' | 'y', wx: number, wy: number): void {
    const v = [...this.vec[which]];
    v[0] = wx;
    v[1] = wy;
    this.vec[which] = v;
    this.changed();
  }

  private onKey(e: KeyboardEvent, which: 'x' | 'y'): void {
    const dirs: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
    const d = dirs[e.key];
    if (!d || e.altKey || e.ctrlKey || e.metaKey) return;
    e.preventDefault();
    const step = e.shiftKey ? 0.5 : 0.05;
    const v = this.vec[which];
    this.moveTip(which, Math.round((v[0] + d[0] * step) * 1e6) / 1e6, Math.round((v[1] + d[1] * step) * 1e6) / 1e6);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'mathlens-matexp': MathLensMatexp;
  }
}

if (!customElements.get('mathlens-matexp')) customElements.define('mathlens-matexp', MathLensMatexp);
