/**
 * `<mathlens-gaussian>`: two 2-D normals p and q drawn as 1σ/2σ ellipses that the reader reshapes by
 * dragging (or with the keyboard), with KL both ways, Bhattacharyya, Hellinger and W2 live, each
 * next to its formula, and a Monte Carlo estimate of KL(p‖q) — the post kexue.fm/archives/8512
 * (spec/MATH.md §2).
 *
 * ```html
 * <mathlens-gaussian p-mean="1 2" p-cov="2 0.5; 0.5 1" q-mean="0 0" q-cov="1 0; 0 3" lang="zh"></mathlens-gaussian>
 * ```
 * Attributes: `p-mean`, `p-cov`, `q-mean`, `q-cov` (rows separated by ';', entries by spaces or commas),
 * `lang` (en | zh; default: the nearest ancestor's), `samples` (Monte Carlo, default 20000, at most
 * 10⁶), `seed` (default 1), `theme` (light | dark; default: the reader's colour scheme).
 * Properties `p`, `q` ({mean, cov}); event `change` with the comparison in `detail`.
 * @module
 */
import { MathLensError, type GaussianComparison, type MathLens, type MonteCarloEstimate } from '../index.js';
import { MathLensElement } from './ui/base.js';
import { h, setText } from './ui/dom.js';
import { formatCompact, formatNumber } from './ui/format.js';
import { common, defineStrings, fill, type Lang } from './ui/i18n.js';
import { ensureKatexFonts, katexSheet, renderTex } from './ui/katex.js';
import { ParseError, parseInteger, parseSquareMatrix, parseVector } from './ui/parse.js';
import { clientToSvg, drawGrid, fitView, setAttrs, svg, toScreen, toWorld, viewShows, type Bounds, type View } from './ui/svg.js';
import { sheet } from './ui/theme.js';

/** A 2-D normal as plain arrays (what the `p` and `q` properties return). */
export interface Normal2 {
  mean: [number, number];
  cov: [[number, number], [number, number]];
}

/** What the `p` and `q` setters accept: a 2-vector and a 2 × 2 matrix (arrays or typed arrays). */
export interface Normal2Like {
  mean: ArrayLike<number>;
  cov: ArrayLike<ArrayLike<number>>;
}

type Name = 'p' | 'q';
type Kind = 'mean' | 'axis1' | 'axis2';
type Cov = Normal2['cov'];

/** Principal-axis frame: 1σ semi-axis s1 along angle θ and s2 along θ + 90°. */
interface Frame {
  theta: number;
  s1: number;
  s2: number;
}

interface State {
  mean: [number, number];
  cov: Cov;
  /** The drawing frame; the source of truth while the reader reshapes, so axes never swap mid-drag. */
  frame: Frame;
}

/** Closed-form eigen-decomposition of the (symmetric part of the) 2 × 2 covariance. */
function frameOf(cov: Cov): Frame {
  const a = cov[0][0];
  const d = cov[1][1];
  const b = (cov[0][1] + cov[1][0]) / 2;
  const m = (a + d) / 2;
  const r = Math.hypot((a - d) / 2, b);
  return { theta: 0.5 * Math.atan2(2 * b, a - d), s1: Math.sqrt(Math.max(m + r, 0)), s2: Math.sqrt(Math.max(m - r, 0)) };
}

/** Σ = s1² u1 u1ᵀ + s2² u2 u2ᵀ. */
function covOf(f: Frame): Cov {
  const c = Math.cos(f.theta);
  const s = Math.sin(f.theta);
  const l1 = f.s1 * f.s1;
  const l2 = f.s2 * f.s2;
  const off = (l1 - l2) * c * s;
  return [
    [l1 * c * c + l2 * s * s, off],
    [off, l1 * s * s + l2 * c * c],
  ];
}

function handlePoint(st: State, kind: Kind): [number, number] {
  const [x, y] = st.mean;
  const { theta, s1, s2 } = st.frame;
  if (kind === 'mean') return [x, y];
  if (kind === 'axis1') return [x + s1 * Math.cos(theta), y + s1 * Math.sin(theta)];
  return [x - s2 * Math.sin(theta), y + s2 * Math.cos(theta)];
}

const DEFAULTS: Record<string, string> = {
  'p-mean': '1 2',
  'p-cov': '2 0.5; 0.5 1',
  'q-mean': '0 0',
  'q-cov': '1 0; 0 3',
};
const MC_DEFAULT = 20000;
const MC_MAX = 1_000_000;
const SIZE = 400;
const SETTLE_MS = 150;

const S = defineStrings({
  en: {
    plot: 'Two normal distributions p and q in the plane. Filled ellipses are 1σ contours, dashed ones 2σ.',
    hint: 'Drag a centre or an axis handle, or focus a handle (Tab) and use the arrow keys; Shift takes larger steps.',
    meanHint: 'Arrow keys move the mean; hold Shift for larger steps.',
    axisHint: 'Left and right arrows rotate this axis, up and down arrows stretch it; hold Shift for larger steps.',
    mean: 'Mean of {g}',
    axis1: 'First principal axis of {g}',
    axis2: 'Second principal axis of {g}',
    axisValue: 'length {len}, angle {deg}°',
    klPQ: 'KL divergence KL(p‖q)',
    klQP: 'KL divergence KL(q‖p)',
    bd: 'Bhattacharyya distance',
    bc: 'Bhattacharyya coefficient',
    hellinger: 'Hellinger distance',
    w2: 'W distance (Wasserstein-2)',
    w2sq: 'W₂², the Fréchet distance of FID',
    w2prod: 'W₂² by the product form',
    agree: 'the two forms differ by {d}',
    mc: 'KL(p‖q), Monte Carlo estimate, {n} samples',
    where: 'where',
    numbers: 'Distances between p and q',
    summary: 'KL(p‖q) {kl}, KL(q‖p) {klr}, Bhattacharyya distance {bd}, Hellinger distance {he}, W2 distance {w2}.',
  },
  zh: {
    plot: '平面上的两个正态分布 p 和 q。实心椭圆是 1σ 等高线，虚线椭圆是 2σ 等高线。',
    hint: '拖动中心点或主轴手柄；也可以用 Tab 选中手柄后按方向键调整，按住 Shift 步长更大。',
    meanHint: '方向键移动均值，按住 Shift 步长更大。',
    axisHint: '左右方向键旋转这条主轴，上下方向键伸缩它；按住 Shift 步长更大。',
    mean: '{g} 的均值',
    axis1: '{g} 的第一主轴',
    axis2: '{g} 的第二主轴',
    axisValue: '长度 {len}，角度 {deg}°',
    klPQ: 'KL 散度 KL(p‖q)',
    klQP: 'KL 散度 KL(q‖p)',
    bd: '巴氏距离（Bhattacharyya）',
    bc: '巴氏系数',
    hellinger: 'Hellinger 距离',
    w2: 'W 距离（Wasserstein-2）',
    w2sq: 'W₂²，即 FID 所用的 Fréchet 距离',
    w2prod: '按乘积形式计算的 W₂²',
    agree: '两种形式相差 {d}',
    mc: 'KL(p‖q) 的蒙特卡洛估计，{n} 个样本',
    where: '其中',
    numbers: 'p 与 q 之间的距离',
    summary: 'KL(p‖q) 为 {kl}，KL(q‖p) 为 {klr}，巴氏距离 {bd}，Hellinger 距离 {he}，W 距离 {w2}。',
  },
});
type Key = keyof (typeof S)['en'];

/** The numbers panel: one row per quantity (label, value, formula). */
const ROWS: { key: Key; tex?: string; sub?: boolean }[] = [
  {
    key: 'klPQ',
    tex: String.raw`\mathrm{KL}(p\Vert q)=\tfrac12\big[\Delta^{\top}\Sigma_q^{-1}\Delta-\log\det(\Sigma_q^{-1}\Sigma_p)+\operatorname{Tr}(\Sigma_q^{-1}\Sigma_p)-n\big]`,
  },
  {
    key: 'klQP',
    tex: String.raw`\mathrm{KL}(q\Vert p)=\tfrac12\big[\Delta^{\top}\Sigma_p^{-1}\Delta-\log\det(\Sigma_p^{-1}\Sigma_q)+\operatorname{Tr}(\Sigma_p^{-1}\Sigma_q)-n\big]`,
  },
  {
    key: 'bd',
    tex: String.raw`D_B=-\log\!\int\!\sqrt{p\,q}\,dx=\tfrac12\log\frac{\det\Sigma}{\sqrt{\det\Sigma_p\det\Sigma_q}}+\tfrac18\Delta^{\top}\Sigma^{-1}\Delta,\quad\Sigma=\tfrac12(\Sigma_p+\Sigma_q)`,
  },
  { key: 'bc', tex: String.raw`\textstyle\int\sqrt{p\,q}\,dx=e^{-D_B}`, sub: true },
  { key: 'hellinger', tex: String.raw`H=\sqrt{\tfrac12\textstyle\int(\sqrt p-\sqrt q)^2dx}=\sqrt{1-e^{-D_B}}` },
  {
    key: 'w2',
    tex: String.raw`W_2=\sqrt{\Vert\Delta\Vert^2+\operatorname{Tr}\Sigma_p+\operatorname{Tr}\Sigma_q-2\operatorname{Tr}\big(\Sigma_p^{1/2}\Sigma_q\Sigma_p^{1/2}\big)^{1/2}}`,
  },
  { key: 'w2sq', sub: true },
  {
    key: 'w2prod',
    tex: String.raw`\Vert\Delta\Vert^2+\operatorname{Tr}\Sigma_p+\operatorname{Tr}\Sigma_q-2\operatorname{Tr}(\Sigma_p\Sigma_q)^{1/2}`,
    sub: true,
  },
];
const MC_TEX = String.raw`\mathrm{KL}(p\Vert q)\approx\frac1N\sum_{i=1}^{N}\log\frac{p(x_i)}{q(x_i)},\quad x_i\sim p`;
const DELTA_TEX = String.raw`\Delta=\mu_p-\mu_q,\ \ n=2`;

const CSS = `
.layout { display: grid; gap: 16px; grid-template-columns: minmax(0, 1fr); }
@container (min-width: 700px) { .layout { grid-template-columns: minmax(0, 1fr) minmax(0, 1.15fr); align-items: start; } }
figure { margin: 0; }
svg.plot { display: block; width: 100%; height: auto; aspect-ratio: 1; background: var(--bg);
  border: 1px solid var(--border); border-radius: calc(var(--radius) - 4px); user-select: none; -webkit-user-select: none; }
.grid-lines line { stroke: var(--grid); stroke-width: 1; }
.axes line { stroke: var(--axis); stroke-width: 1.2; }
.ticks text { fill: var(--muted); font-size: 10.5px; font-family: var(--font); }
.g-p { --c: var(--p); } .g-q { --c: var(--q); }
.fill1 { fill: var(--c); fill-opacity: 0.16; stroke: var(--c); stroke-width: 2; cursor: grab; touch-action: none; }
.ring2 { fill: none; stroke: var(--c); stroke-width: 1.4; stroke-dasharray: 6 4; stroke-opacity: 0.85; pointer-events: none; }
.axis-line { stroke: var(--c); stroke-width: 1.2; stroke-opacity: 0.7; pointer-events: none; }
.name { fill: var(--c); font: italic 600 16px var(--font); pointer-events: none; }
.handle { cursor: grab; touch-action: none; outline: none; }
.handle .hit { fill: transparent; }
.handle .dot { stroke: var(--bg); stroke-width: 2; fill: var(--c); }
.handle.axis .dot { fill: var(--bg); stroke: var(--c); stroke-width: 2.5; }
.handle:hover .dot { stroke-width: 3.5; }
.handle:focus-visible .dot { stroke: var(--focus); stroke-width: 4; }
.dragging, .dragging .fill1, .dragging .handle { cursor: grabbing; }
figcaption { margin-top: 8px; font-size: 0.9em; color: var(--muted); }
.legend { display: grid; gap: 2px; margin-bottom: 6px; color: var(--fg); }
.legend .g { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 10px; }
.swatch { display: inline-block; width: 0.8em; height: 0.8em; border-radius: 50%; background: var(--c); align-self: center; }
.readout { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.92em; color: var(--muted); overflow-wrap: anywhere; }
dl { margin: 0; display: grid; gap: 6px; }
.row { display: grid; grid-template-columns: minmax(0, 1fr) auto; column-gap: 12px; align-items: baseline;
  padding: 6px 10px; background: var(--surface); border-radius: calc(var(--radius) - 4px); }
.row.sub { margin-left: 16px; padding-top: 4px; padding-bottom: 4px; }
dt { font-weight: 600; }
.sub dt { font-weight: 500; }
dd { margin: 0; }
.value { font-variant-numeric: tabular-nums; font-weight: 600; text-align: right; white-space: nowrap; }
.formula { grid-column: 1 / -1; overflow-x: auto; overflow-y: hidden; font-size: 0.86em; color: var(--fg); padding-top: 2px; }
.formula .katex { font-size: 1.1em; }
.note { grid-column: 1 / -1; font-size: 0.85em; color: var(--muted); }
.mc { margin-top: 10px; }
.mc.stale .value { opacity: 0.45; }
.where { margin: 8px 2px 0; font-size: 0.88em; color: var(--muted); }
.warnings { margin: 8px 0 0; padding: 0; list-style: none; font-size: 0.88em; color: var(--error-fg); }
`;

/** The `<mathlens-gaussian>` element (see the module documentation for its attributes). */
export class MathLensGaussian extends MathLensElement {
  static observedAttributes = [...MathLensElement.observedAttributes, 'p-mean', 'p-cov', 'q-mean', 'q-cov', 'samples', 'seed'];

  private readonly state: Record<Name, State>;
  /** Input errors by source (attribute or property name), rendered in the current language. */
  private readonly errors = new Map<string, (lang: Lang) => string>();
  private samples = MC_DEFAULT;
  private seed = 1;
  private version = 1;
  private computed = 0;
  private result: GaussianComparison | null = null;
  private computeError: string | null = null;
  private mc: MonteCarloEstimate | null = null;
  private mcError: string | null = null;
  private mcVersion = 0;
  private cancelMc: (() => void) | null = null;
  private view: View | null = null;
  private gridStep = 1;
  private drag: { name: Name; kind: Kind; pointerId: number; dx: number; dy: number; el: Element } | null = null;

  // DOM
  private readonly svgEl: SVGSVGElement;
  private readonly gridG: SVGGElement;
  private readonly shapes = {} as Record<Name, { fill1: SVGEllipseElement; ring2: SVGEllipseElement; ax1: SVGLineElement; ax2: SVGLineElement; name: SVGTextElement }>;
  private readonly handles = {} as Record<Name, Record<Kind, SVGGElement>>;
  private readonly labels = new Map<Key, HTMLElement>();
  private readonly values = new Map<Key | 'mc', HTMLElement>();
  private readonly readouts = {} as Record<Name, HTMLElement>;
  private readonly agreeNote: HTMLElement;
  private readonly mcRow: HTMLElement;
  private readonly mcLabel: HTMLElement;
  private readonly mcNote: HTMLElement;
  private readonly whereLabel: HTMLElement;
  private readonly hint: HTMLElement;
  private readonly hintMean: HTMLElement;
  private readonly hintAxis: HTMLElement;
  private readonly warnings: HTMLUListElement;
  private readonly summary: HTMLElement;
  private readonly numbersList: HTMLElement;

  constructor() {
    super(katexSheet(), sheet(CSS));
    const parse = (name: string) => ({ mean: parseVector(DEFAULTS[`${name}-mean`], 2, ''), cov: parseSquareMatrix(DEFAULTS[`${name}-cov`], 2, '') });
    const init = (name: Name): State => {
      const { mean, cov } = parse(name);
      const c = cov as Cov;
      return { mean: [mean[0], mean[1]], cov: c, frame: frameOf(c) };
    };
    this.state = { p: init('p'), q: init('q') };

    // Plot
    this.svgEl = svg('svg', { class: 'plot', viewBox: `0 0 ${SIZE} ${SIZE}`, role: 'group' });
    this.gridG = svg('g', { class: 'grid' }, this.svgEl);
    const shapeLayer = svg('g', {}, this.svgEl);
    const handleLayer = svg('g', {}, this.svgEl);
    for (const name of ['q', 'p'] as Name[]) {
      const g = svg('g', { class: `g-${name}` }, shapeLayer);
      const fill1 = svg('ellipse', { class: 'fill1', 'data-name': name }, g);
      const ring2 = svg('ellipse', { class: 'ring2' }, g);
      const ax1 = svg('line', { class: 'axis-line' }, g);
      const ax2 = svg('line', { class: 'axis-line' }, g);
      const label = svg('text', { class: 'name' }, g);
      label.textContent = name;
      this.shapes[name] = { fill1, ring2, ax1, ax2, name: label };
      this.makeDraggable(fill1, name, 'mean');
      const hg = svg('g', { class: `g-${name}` }, handleLayer);
      const hs = {} as Record<Kind, SVGGElement>;
      for (const kind of ['mean', 'axis1', 'axis2'] as Kind[]) {
        const el = svg('g', { class: `handle ${kind === 'mean' ? 'mean' : 'axis'}`, tabindex: 0, role: 'slider', 'data-handle': `${name}-${kind}` }, hg);
        el.setAttribute('aria-describedby', kind === 'mean' ? 'hint-mean' : 'hint-axis');
        svg('circle', { class: 'hit', r: 16 }, el);
        svg('circle', { class: 'dot', r: kind === 'mean' ? 7.5 : 6 }, el);
        this.makeDraggable(el, name, kind);
        el.addEventListener('keydown', (e) => this.onKey(e, name, kind));
        hs[kind] = el;
      }
      this.handles[name] = hs;
    }
    this.hint = h('p', { class: 'hint' });
    this.hintMean = h('span', { class: 'visually-hidden', attrs: { id: 'hint-mean' } });
    this.hintAxis = h('span', { class: 'visually-hidden', attrs: { id: 'hint-axis' } });
    const legend = h('div', { class: 'legend' });
    for (const name of ['p', 'q'] as Name[]) {
      const tex = h('span');
      renderTex(tex, `${name}=\\mathcal N(\\mu_${name},\\Sigma_${name})`);
      this.readouts[name] = h('span', { class: 'readout' });
      legend.append(h('div', { class: `g g-${name}` }, h('span', { class: 'swatch', attrs: { 'aria-hidden': 'true' } }), tex, this.readouts[name]));
    }
    const figure = h('figure', {}, this.svgEl, h('figcaption', {}, legend, this.hint, this.hintMean, this.hintAxis));

    // Numbers
    this.numbersList = h('dl', { class: 'numbers' });
    for (const row of ROWS) {
      const label = h('dt');
      const value = h('dd', { class: 'value', text: '—' });
      const div = h('div', { class: row.sub ? 'row sub' : 'row', attrs: { 'data-key': row.key } }, label, value);
      if (row.tex) {
        const f = h('dd', { class: 'formula' });
        renderTex(f, row.tex);
        div.append(f);
      }
      this.labels.set(row.key, label);
      this.values.set(row.key, value);
      this.numbersList.append(div);
    }
    this.agreeNote = h('dd', { class: 'note' });
    this.numbersList.querySelector('[data-key="w2prod"]')!.append(this.agreeNote);
    const whereTex = h('span');
    renderTex(whereTex, DELTA_TEX);
    this.whereLabel = h('span');
    const where = h('p', { class: 'where' }, this.whereLabel, ' ', whereTex);

    this.mcLabel = h('dt');
    const mcValue = h('dd', { class: 'value', text: '…' });
    this.values.set('mc', mcValue);
    const mcFormula = h('dd', { class: 'formula' });
    renderTex(mcFormula, MC_TEX);
    this.mcNote = h('dd', { class: 'note' });
    this.mcRow = h('dl', { class: 'mc stale' }, h('div', { class: 'row', attrs: { 'data-key': 'mc' } }, this.mcLabel, mcValue, mcFormula, this.mcNote));
    this.warnings = h('ul', { class: 'warnings', attrs: { 'aria-live': 'polite' } }); // role=status is not allowed on <ul> (axe)
    this.summary = h('p', { class: 'visually-hidden', attrs: { 'aria-live': 'polite' } });
    const panel = h('section', { class: 'panel' }, this.numbersList, where, this.mcRow, this.warnings, this.summary);
    this.content.append(h('div', { class: 'layout' }, figure, panel));
  }

  // ---- public API ----

  /** p = N(μp, Σp). Setting it replaces the attribute values until an attribute changes again. */
  get p(): Normal2 {
    return this.copy('p');
  }
  set p(value: Normal2Like) {
    this.setNormal('p', value);
  }
  /** q = N(μq, Σq). */
  get q(): Normal2 {
    return this.copy('q');
  }
  set q(value: Normal2Like) {
    this.setNormal('q', value);
  }
  /** p and q as attribute values (6 significant digits), plus samples/seed when set. */
  override shareState(): Record<string, string> {
    const out = super.shareState();
    const n = (x: number) => String(Number(x.toPrecision(6)));
    for (const g of ['p', 'q'] as const) {
      const { mean, cov } = this.state[g];
      out[`${g}-mean`] = `${n(mean[0])} ${n(mean[1])}`;
      out[`${g}-cov`] = `${n(cov[0][0])} ${n(cov[0][1])}; ${n(cov[1][0])} ${n(cov[1][1])}`;
    }
    return out;
  }

  /** The latest comparison (null before the first render or on invalid input). */
  get comparison(): GaussianComparison | null {
    return this.errors.size || this.computeError ? null : this.result;
  }
  /** The latest Monte Carlo estimate of KL(p‖q) (null while pending or when undefined). */
  get monteCarlo(): MonteCarloEstimate | null {
    return this.mcVersion === this.version ? this.mc : null;
  }

  // ---- lifecycle ----

  protected override connected(): void {
    ensureKatexFonts(this.ownerDocument);
    this.loadApi();
  }

  protected override disconnected(): void {
    this.drag = null;
    this.svgEl.classList.remove('dragging');
    this.cancelMc = null;
  }

  protected override attributeChanged(name: string, value: string | null): void {
    const text = value ?? DEFAULTS[name] ?? '';
    const g = name[0] as Name;
    try {
      if (name === 'samples') this.samples = value === null ? MC_DEFAULT : parseInteger(text, 2, MC_MAX);
      else if (name === 'seed') this.seed = value === null ? 1 : parseInteger(text, 0, Number.MAX_SAFE_INTEGER);
      else if (name.endsWith('-mean')) {
        const v = parseVector(text, 2, DEFAULTS[name]);
        this.state[g].mean = [v[0], v[1]];
        this.errors.delete(g);
      } else if (name.endsWith('-cov')) {
        const m = parseSquareMatrix(text, 2, DEFAULTS[name]) as Cov;
        this.state[g].cov = m;
        this.state[g].frame = frameOf(m);
        this.errors.delete(g);
      }
      this.errors.delete(name);
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      this.errors.set(name, (lang) => fill(common[lang].attribute, { name, value: text, reason: e.describe(lang) }));
    }
    this.changed();
  }

  // ---- state ----

  private copy(name: Name): Normal2 {
    const { mean, cov } = this.state[name];
    return { mean: [mean[0], mean[1]], cov: [[cov[0][0], cov[0][1]], [cov[1][0], cov[1][1]]] };
  }

  private setNormal(name: Name, value: Normal2Like): void {
    const bad = (e: ParseError) => {
      this.errors.set(name, (lang) => fill(common[lang].property, { name, reason: e.describe(lang) }));
      this.changed();
    };
    const num = (x: unknown) => {
      if (typeof x !== 'number' || !Number.isFinite(x)) throw new ParseError('notANumber', { token: String(x) });
      return x;
    };
    try {
      const v = value as Partial<Normal2Like> | null;
      const mean = v?.mean;
      const cov = v?.cov;
      if (!mean || typeof mean.length !== 'number' || mean.length !== 2)
        throw new ParseError('vectorLength', { n: 2, example: '[1, 2]', got: mean?.length ?? 0 });
      if (!cov || typeof cov.length !== 'number' || cov.length !== 2)
        throw new ParseError('matrixRows', { n: 2, example: '[[2, 0.5], [0.5, 1]]', got: cov?.length ?? 0 });
      const rows = [cov[0], cov[1]].map((r, i) => {
        if (!r || r.length !== 2) throw new ParseError('matrixCols', { row: i + 1, got: r?.length ?? 0, n: 2 });
        return [num(r[0]), num(r[1])] as [number, number];
      });
      const c: Cov = [rows[0], rows[1]];
      this.state[name] = { mean: [num(mean[0]), num(mean[1])], cov: c, frame: frameOf(c) };
      for (const k of [name, `${name}-mean`, `${name}-cov`]) this.errors.delete(k);
      this.changed();
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      bad(e);
    }
  }

  private changed(): void {
    this.version++;
    this.requestRender();
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
        this.result = this.ml.gaussian.compare(this.state.p, this.state.q);
        this.computeError = null;
      } catch (e) {
        if (!(e instanceof MathLensError)) throw e;
        this.result = null;
        this.computeError = e.message;
      }
    }
    if (this.computeError || !this.result) return this.showError(lang, [this.computeError ?? '']);
    this.showError(lang, null);
    this.draw(lang);
    this.showNumbers(lang, this.result);
    if (this.mcVersion !== this.version) this.scheduleMonteCarlo(this.mcVersion === 0 ? 0 : SETTLE_MS);
    else this.showMonteCarlo(lang);
    if (fresh) this.dispatchEvent(new CustomEvent<GaussianComparison>('change', { detail: this.result, bubbles: true }));
  }

  private applyLanguage(lang: Lang): void {
    const t = S[lang];
    for (const [key, el] of this.labels) setText(el, t[key]);
    setText(this.whereLabel, t.where);
    setText(this.hint, t.hint);
    setText(this.hintMean, t.meanHint);
    setText(this.hintAxis, t.axisHint);
    this.svgEl.setAttribute('aria-label', t.plot);
    this.numbersList.setAttribute('aria-label', t.numbers);
    for (const name of ['p', 'q'] as Name[])
      for (const kind of ['mean', 'axis1', 'axis2'] as Kind[]) this.handles[name][kind].setAttribute('aria-label', fill(t[kind], { g: name }));
  }

  private bounds(): Bounds {
    const b: Bounds = [Infinity, Infinity, -Infinity, -Infinity];
    for (const st of Object.values(this.state)) {
      const rx = 2.15 * Math.sqrt(Math.max(st.cov[0][0], 0));
      const ry = 2.15 * Math.sqrt(Math.max(st.cov[1][1], 0));
      b[0] = Math.min(b[0], st.mean[0] - rx);
      b[1] = Math.min(b[1], st.mean[1] - ry);
      b[2] = Math.max(b[2], st.mean[0] + rx);
      b[3] = Math.max(b[3], st.mean[1] + ry);
    }
    return b;
  }

  private draw(lang: Lang): void {
    if (!this.drag) {
      const b = this.bounds();
      if (!this.view || !viewShows(this.view, b)) {
        this.view = fitView(b, SIZE);
        this.gridStep = drawGrid(this.gridG, this.view);
      }
    }
    const v = this.view!;
    const k = v.size / v.span;
    for (const name of ['p', 'q'] as Name[]) {
      const st = this.state[name];
      const { theta, s1, s2 } = st.frame;
      const [cx, cy] = toScreen(v, st.mean[0], st.mean[1]);
      const rotate = `rotate(${(-theta * 180) / Math.PI} ${cx} ${cy})`;
      const sh = this.shapes[name];
      setAttrs(sh.fill1, { cx, cy, rx: s1 * k, ry: s2 * k, transform: rotate });
      setAttrs(sh.ring2, { cx, cy, rx: 2 * s1 * k, ry: 2 * s2 * k, transform: rotate });
      const hs = this.handles[name];
      for (const kind of ['mean', 'axis1', 'axis2'] as Kind[]) {
        const [x, y] = handlePoint(st, kind);
        const [sx, sy] = toScreen(v, x, y);
        hs[kind].setAttribute('transform', `translate(${sx.toFixed(2)} ${sy.toFixed(2)})`);
        if (kind !== 'mean') setAttrs(kind === 'axis1' ? sh.ax1 : sh.ax2, { x1: cx, y1: cy, x2: sx, y2: sy });
        const text =
          kind === 'mean'
            ? `(${formatCompact(x)}, ${formatCompact(y)})`
            : fill(S[lang].axisValue, {
                len: formatCompact(kind === 'axis1' ? s1 : s2),
                deg: formatCompact(((((theta + (kind === 'axis2' ? Math.PI / 2 : 0)) * 180) / Math.PI) % 360 + 360) % 360),
              });
        hs[kind].setAttribute('aria-valuetext', text);
        hs[kind].setAttribute('aria-valuenow', formatCompact(kind === 'mean' ? x : kind === 'axis1' ? s1 : s2));
      }
      setAttrs(sh.name, { x: cx + 10, y: cy - 10 });
      const c = st.cov;
      setText(
        this.readouts[name],
        `μ = (${formatCompact(st.mean[0])}, ${formatCompact(st.mean[1])}), Σ = [${formatCompact(c[0][0])} ${formatCompact(c[0][1])}; ${formatCompact(c[1][0])} ${formatCompact(c[1][1])}]`,
      );
    }
  }

  private showNumbers(lang: Lang, r: GaussianComparison): void {
    const set = (key: Key, x: number | null) => setText(this.values.get(key)!, formatNumber(x));
    set('klPQ', r.klPQ);
    set('klQP', r.klQP);
    set('bd', r.bhattacharyya);
    set('bc', r.bhattacharyyaCoefficient);
    set('hellinger', r.hellinger);
    set('w2', r.wasserstein2);
    set('w2sq', r.wasserstein2Squared);
    set('w2prod', r.wasserstein2SquaredProduct);
    // The widget is 2-D, so the product-form cross-check is always present.
    setText(this.agreeNote, fill(S[lang].agree, { d: formatNumber(Math.abs(r.wasserstein2Squared - (r.wasserstein2SquaredProduct ?? NaN)), 2) }));
    setText(this.mcLabel, fill(S[lang].mc, { n: this.samples.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-US') }));
    const w = r.diagnostics.warnings;
    if (this.warnings.childElementCount !== w.length || w.some((x, i) => this.warnings.children[i].textContent !== x))
      this.warnings.replaceChildren(...w.map((x) => h('li', { text: x })));
  }

  private scheduleMonteCarlo(delay: number): void {
    this.cancelMc?.();
    this.mcRow.classList.add('stale');
    this.mcRow.setAttribute('aria-busy', 'true');
    this.cancelMc = this.timer(() => {
      this.cancelMc = null;
      this.runMonteCarlo();
    }, delay);
  }

  private runMonteCarlo(): void {
    if (!this.ml || !this.isConnected) return;
    try {
      this.mc = this.ml.gaussian.klMonteCarlo(this.state.p, this.state.q, { samples: this.samples, seed: this.seed });
      this.mcError = null;
    } catch (e) {
      if (!(e instanceof MathLensError)) throw e;
      this.mc = null;
      this.mcError = e.message;
    }
    this.mcVersion = this.version;
    this.showMonteCarlo(this.language);
    const r = this.result;
    if (r)
      setText(
        this.summary,
        fill(S[this.language].summary, {
          kl: formatNumber(r.klPQ),
          klr: formatNumber(r.klQP),
          bd: formatNumber(r.bhattacharyya),
          he: formatNumber(r.hellinger),
          w2: formatNumber(r.wasserstein2),
        }),
      );
  }

  private showMonteCarlo(_lang: Lang): void {
    if (this.mcVersion !== this.version) return;
    this.mcRow.classList.remove('stale');
    this.mcRow.removeAttribute('aria-busy');
    setText(this.values.get('mc')!, this.mc ? `${formatNumber(this.mc.estimate)} ± ${formatNumber(this.mc.standardError, 3)}` : '—');
    setText(this.mcNote, this.mcError ?? '');
    this.mcNote.hidden = !this.mcError;
  }

  // ---- interaction ----

  private makeDraggable(el: SVGElement, name: Name, kind: Kind): void {
    el.addEventListener('pointerdown', (e) => {
      if (e.button !== 0 || !this.view) return;
      e.preventDefault();
      el.setPointerCapture(e.pointerId);
      this.handles[name][kind].focus({ preventScroll: true });
      const [wx, wy] = this.pointerWorld(e);
      const [hx, hy] = handlePoint(this.state[name], kind);
      this.drag = { name, kind, pointerId: e.pointerId, dx: hx - wx, dy: hy - wy, el };
      this.svgEl.classList.add('dragging');
    });
    el.addEventListener('pointermove', (e) => {
      const d = this.drag;
      if (!d || d.el !== el || d.pointerId !== e.pointerId) return;
      const [wx, wy] = this.pointerWorld(e);
      this.moveHandle(name, kind, wx + d.dx, wy + d.dy);
    });
    const end = (e: PointerEvent) => {
      const d = this.drag;
      if (!d || d.el !== el || d.pointerId !== e.pointerId) return;
      this.drag = null;
      this.svgEl.classList.remove('dragging');
      this.requestRender(); // refit the view if the shapes left it
    };
    el.addEventListener('pointerup', end);
    el.addEventListener('pointercancel', end);
    el.addEventListener('lostpointercapture', end);
  }

  private pointerWorld(e: PointerEvent): [number, number] {
    const [sx, sy] = clientToSvg(this.svgEl, e.clientX, e.clientY);
    return toWorld(this.view!, sx, sy);
  }

  private moveHandle(name: Name, kind: Kind, x: number, y: number): void {
    const st = this.state[name];
    if (kind === 'mean') st.mean = [x, y];
    else {
      const min = (this.view?.span ?? 1) * 0.004;
      const dx = x - st.mean[0];
      const dy = y - st.mean[1];
      const len = Math.max(Math.hypot(dx, dy), min);
      const angle = Math.atan2(dy, dx);
      st.frame = kind === 'axis1' ? { ...st.frame, theta: angle, s1: len } : { ...st.frame, theta: angle - Math.PI / 2, s2: len };
      st.cov = covOf(st.frame);
    }
    this.changed();
  }

  private onKey(e: KeyboardEvent, name: Name, kind: Kind): void {
    const st = this.state[name];
    const big = e.shiftKey;
    const dirs: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
    const d = dirs[e.key];
    if (!d || e.altKey || e.ctrlKey || e.metaKey) return;
    e.preventDefault();
    if (kind === 'mean') {
      const step = this.gridStep * (big ? 1 : 0.1);
      st.mean = [st.mean[0] + d[0] * step, st.mean[1] + d[1] * step];
    } else {
      const f = { ...st.frame };
      if (d[0]) f.theta -= d[0] * ((big ? 15 : 5) * Math.PI) / 180; // left = counter-clockwise
      else {
        const factor = (big ? 1.25 : 1.05) ** d[1];
        const min = (this.view?.span ?? 1) * 0.004;
        if (kind === 'axis1') f.s1 = Math.max(f.s1, min) * factor;
        else f.s2 = Math.max(f.s2, min) * factor;
      }
      st.frame = f;
      st.cov = covOf(f);
    }
    this.changed();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'mathlens-gaussian': MathLensGaussian;
  }
}

if (!customElements.get('mathlens-gaussian')) customElements.define('mathlens-gaussian', MathLensGaussian);
