/**
 * `<mathlens-rope>`: rotary position embedding made visible — a pair of dimensions as a rotating
 * 2-D vector for a chosen frequency index and positions m, n; the long-range decay curve; the 2-D
 * score map qᵀR_{Δx,Δy}k with a toggle between true 2-D RoPE and the flattened index x·w + y; and a
 * convention panel showing the same q, k under both pairings and with converted weights — the posts
 * kexue.fm/archives/8265 and /archives/8397 (spec/MATH.md §4).
 *
 * ```html
 * <mathlens-rope d="64" base="10000" positions="5 2" lang="zh"></mathlens-rope>
 * ```
 * Attributes: `d` (head dimension, a multiple of 4 up to 256; default 64), `base` (default 10000),
 * `positions` (m and n of q and k, default "5 2"), `pair` (frequency index i, default 0),
 * `encoding` (rope2d | flattened), `grid` (offsets −grid..grid of the score map, default 12),
 * `width` (grid width w of the flattened index, default 16), `max-offset` (decay curve, default 256),
 * `q`, `k` (d numbers each for the rotation and convention panels; default: a fixed example),
 * `lang` (en | zh), `theme` (light | dark). Property `result`; event `change` with it in `detail`.
 * @module
 */
import { MathLensError, type ConversionCheck, type Matrix, type MathLens } from '../index.js';
import { MathLensElement } from './ui/base.js';
import { chartCss, LineChart } from './ui/chart.js';
import { h, setText } from './ui/dom.js';
import { formatCompact, formatNumber } from './ui/format.js';
import { drawHeatmap, gradientCss } from './ui/heatmap.js';
import { common, defineStrings, fill, type Lang } from './ui/i18n.js';
import { ensureKatexFonts, katexSheet, renderTex } from './ui/katex.js';
import { ParseError, parseInteger, parseNumber, parseNumbers, parseVector } from './ui/parse.js';
import { setAttrs, svg, toScreen, type View } from './ui/svg.js';
import { sheet } from './ui/theme.js';

/** The position encoding of the widget's score map: true 2-D RoPE, or 1-D RoPE on x·w + y. */
export type RopeEncoding = 'rope2d' | 'flattened';

/** Everything the widget shows, as computed by the library (the `result` property). */
export interface RopeView {
  d: number;
  base: number;
  m: number;
  n: number;
  pair: number;
  /** θ_i of the chosen pair and its wavelength 2π/θ_i. */
  theta: number;
  wavelength: number;
  /** Pair i of q and k before and after rotation (interleaved layout: dims 2i, 2i+1). */
  qPair: [number, number];
  kPair: [number, number];
  qRotated: [number, number];
  kRotated: [number, number];
  /** f(r), r = 0..maxOffset. */
  decay: Float64Array;
  /** qᵀR k over (Δx, Δy) ∈ [−grid, grid]², for the shown encoding and the other one. */
  scores: Matrix;
  otherScores: Matrix;
  encoding: RopeEncoding;
  /** ⟨R_m q, R_n k⟩ in each convention, and in 'half' after permuting q and k. */
  scoreInterleaved: number;
  scoreHalf: number;
  scoreHalfPermuted: number;
  permutation: number[];
  conversion: ConversionCheck;
}

const DEFAULTS: Record<string, string> = {
  d: '64',
  base: '10000',
  positions: '5 2',
  pair: '0',
  encoding: 'rope2d',
  grid: '12',
  width: '16',
  'max-offset': '256',
};
const SIZE = 300;
const MAX_D = 256;

const S = defineStrings({
  en: {
    rotationTitle: 'One pair of dimensions rotates',
    rotationPlot: 'The pair (2i, 2i+1) of q and k as 2-D vectors: q rotated by mθᵢ, k by nθᵢ; the angle between them is (m − n)θᵢ.',
    pair: 'Frequency index i',
    m: 'Position m of q',
    n: 'Position n of k',
    thetaLine: 'θᵢ = {theta}, wavelength 2π/θᵢ = {wl} tokens',
    angleLine: 'mθᵢ = {a} rad, nθᵢ = {b} rad, (m − n)θᵢ = {c} rad',
    decayTitle: 'Long-range decay',
    decayNote: 'The bound of the post: |qᵀR_{m−n}k| ≤ (max |h_{i+1} − h_i|) · Σ|S_j|; f(r) falls as the offset grows.',
    decayAt: 'At the marker |m − n| = {r}: f({r}) = {f}',
    decayBeyond: 'The marker |m − n| = {r} lies beyond max-offset = {max}.',
    vectorLength: 'expected d = {d} numbers, got {got}',
    decayX: 'relative offset r',
    decayY: 'f(r)',
    decaySeries: 'f(r)',
    marker: '|m − n|',
    scoresTitle: '2-D score map qᵀR k',
    rope2d: '2-D RoPE',
    flattened: 'flattened x·w + y',
    encoding: 'Position encoding of the map',
    scoresNote: 'q = k = (1, …, 1); rows Δx, columns Δy from −{g} to {g}.',
    scoresNoteOwn: 'q and k from the attributes; rows Δx, columns Δy from −{g} to {g}.',
    neighbours: 'Neighbours: s(1, 0) = {a}, s(0, 1) = {b}',
    neighboursNote2d: 'equal: both axes are treated alike',
    neighboursNoteFlat: 'different: (1, 0) is offset w = {w} in the flattened index, (0, 1) only 1',
    cell: 'Δx = {x}, Δy = {y}: {v}',
    mapHint: 'Point at a cell, or focus the map (Tab) and use the arrow keys.',
    mapLabel: 'Heat map of the attention score over 2-D offsets',
    conventionsTitle: 'Two pairings, one rotation',
    layoutInterleaved: 'interleaved (2i, 2i+1): RoFormer, GPT-J, Meta LLaMA',
    layoutHalf: 'half (i, i + d/2): GPT-NeoX, Hugging Face LLaMA',
    stripLabel: 'Colour = frequency index of each dimension in the two layouts',
    scoreInterleaved: '⟨R_m q, R_n k⟩, interleaved',
    scoreHalf: 'the same q, k with half pairing',
    scoreHalfPermuted: 'half pairing after permuting q, k by P',
    differs: 'differs',
    equal: 'equal (difference {d})',
    permutation: 'P = ({p})',
    weights: 'Converted weights W′ = P W (q and k projections): the attention scores agree to {c}; without the conversion they differ by {u} of their size.',
    agree: 'agree',
    summary: 'd = {d}, base {base}: ⟨R_m q, R_n k⟩ = {s} at m = {m}, n = {n}.',
    badEncoding: 'expected “rope2d” or “flattened”',
    pairRange: 'expected a whole number from 0 to {max} (d/2 − 1)',
  },
  zh: {
    rotationTitle: '一对维度在旋转',
    rotationPlot: 'q 和 k 的第 (2i, 2i+1) 对维度画成二维向量：q 转过 mθᵢ，k 转过 nθᵢ，二者夹角为 (m − n)θᵢ。',
    pair: '频率下标 i',
    m: 'q 的位置 m',
    n: 'k 的位置 n',
    thetaLine: 'θᵢ = {theta}，波长 2π/θᵢ = {wl} 个 token',
    angleLine: 'mθᵢ = {a} 弧度，nθᵢ = {b} 弧度，(m − n)θᵢ = {c} 弧度',
    decayTitle: '远程衰减',
    decayNote: '原文给出的上界：|qᵀR_{m−n}k| ≤ (max |h_{i+1} − h_i|) · Σ|S_j|；f(r) 随相对距离增大而下降。',
    decayAt: '竖线处 |m − n| = {r}：f({r}) = {f}',
    decayBeyond: '竖线 |m − n| = {r} 超出了 max-offset = {max}。',
    vectorLength: '应为 d = {d} 个数，实际为 {got} 个',
    decayX: '相对距离 r',
    decayY: 'f(r)',
    decaySeries: 'f(r)',
    marker: '|m − n|',
    scoresTitle: '二维注意力分数 qᵀR k',
    rope2d: '二维 RoPE',
    flattened: '展平 x·w + y',
    encoding: '热图所用的位置编码',
    scoresNote: 'q = k = (1, …, 1)；行为 Δx，列为 Δy，范围 −{g} 到 {g}。',
    scoresNoteOwn: 'q、k 取自属性；行为 Δx，列为 Δy，范围 −{g} 到 {g}。',
    neighbours: '相邻位置：s(1, 0) = {a}，s(0, 1) = {b}',
    neighboursNote2d: '相等：两个方向一视同仁',
    neighboursNoteFlat: '不相等：(1, 0) 在展平后的下标里相距 w = {w}，(0, 1) 只相距 1',
    cell: 'Δx = {x}，Δy = {y}：{v}',
    mapHint: '指向某个格子；或用 Tab 选中热图后按方向键。',
    mapLabel: '二维相对位置上的注意力分数热图',
    conventionsTitle: '两种配对，同一个旋转',
    layoutInterleaved: '相邻配对 (2i, 2i+1)：RoFormer、GPT-J、Meta LLaMA',
    layoutHalf: '前后半配对 (i, i + d/2)：GPT-NeoX、Hugging Face LLaMA',
    stripLabel: '颜色表示每个维度在两种布局中所属的频率下标',
    scoreInterleaved: '⟨R_m q, R_n k⟩，相邻配对',
    scoreHalf: '同样的 q、k 用前后半配对',
    scoreHalfPermuted: '把 q、k 按 P 重排后用前后半配对',
    differs: '不相等',
    equal: '相等（差 {d}）',
    permutation: 'P = ({p})',
    weights: '转换后的权重 W′ = P W（q、k 的投影矩阵）：注意力分数一致到 {c}；若不转换，分数相差其大小的 {u}。',
    agree: '一致',
    summary: 'd = {d}，base {base}：m = {m}、n = {n} 时 ⟨R_m q, R_n k⟩ = {s}。',
    badEncoding: '应为“rope2d”或“flattened”',
    pairRange: '应为 0 到 {max}（d/2 − 1）之间的整数',
  },
});
type Key = keyof (typeof S)['en'];

const TEX = {
  theta: String.raw`\theta_i=\text{base}^{-2i/d}`,
  rotate: String.raw`\begin{pmatrix}x_{2i}\\x_{2i+1}\end{pmatrix}\mapsto\begin{pmatrix}\cos m\theta_i&-\sin m\theta_i\\\sin m\theta_i&\cos m\theta_i\end{pmatrix}\begin{pmatrix}x_{2i}\\x_{2i+1}\end{pmatrix}`,
  relative: String.raw`(R_mq)^{\top}(R_nk)=q^{\top}R_{n-m}k`,
  decay: String.raw`f(r)=\frac{2}{d}\sum_{j=1}^{d/2}\Big|\sum_{i<j}e^{\mathrm{i}r\theta_i}\Big|`,
  rope2d: String.raw`R_{x,y}=\begin{pmatrix}R^{(d/2)}_x&0\\0&R^{(d/2)}_y\end{pmatrix}`,
  flattened: String.raw`R_{x,y}=R^{(d)}_{x\cdot w+y}`,
  convert: String.raw`W'_{q}=PW_q,\ W'_{k}=PW_k:\ (R^{\text{half}}_mPq)^{\top}(R^{\text{half}}_nPk)=(R_mq)^{\top}(R_nk)`,
};

const CSS = `
.grid { display: grid; gap: 14px; grid-template-columns: minmax(0, 1fr); }
@container (min-width: 760px) { .grid { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); } }
section.card { border: 1px solid var(--border); border-radius: calc(var(--radius) - 4px); padding: 10px 12px; background: var(--bg); min-width: 0; }
h3 { margin: 0 0 6px; font-size: 1.02em; }
.formula { overflow-x: auto; overflow-y: hidden; font-size: 0.9em; padding: 2px 0 6px; }
svg.plot { display: block; width: 100%; max-width: 340px; height: auto; aspect-ratio: 1; margin: 0 auto;
  border: 1px solid var(--border); border-radius: calc(var(--radius) - 4px); background: var(--bg); }
.circle { fill: none; stroke: var(--grid); stroke-width: 1.5; }
.axis { stroke: var(--axis); stroke-width: 1; }
.vec { stroke-width: 2.6; fill: none; }
.vec.q { stroke: var(--p); } .vec.k { stroke: var(--q); }
.vec.orig { stroke-dasharray: 5 4; stroke-width: 1.6; opacity: 0.75; }
.head.q { fill: var(--p); } .head.k { fill: var(--q); }
.head.orig { opacity: 0.75; }
.arc { fill: none; stroke: var(--focus); stroke-width: 2; }
.lbl { font: 600 14px var(--font); } .lbl.q { fill: var(--p); } .lbl.k { fill: var(--q); } .lbl.arc-l { fill: var(--fg); font-weight: 500; font-size: 12px; }
.controls { display: grid; gap: 6px; margin: 8px 0; }
.control { display: grid; grid-template-columns: minmax(0, 9em) minmax(0, 1fr) 4.5em; align-items: center; gap: 8px; }
.control input[type=range] { width: 100%; }
.control output { font-variant-numeric: tabular-nums; text-align: right; }
.line { margin: 2px 0; font-size: 0.92em; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.muted { color: var(--muted); font-size: 0.88em; }
.chart { min-height: 200px; }
.toggle { display: inline-flex; border: 1px solid var(--border); border-radius: 999px; overflow: hidden; margin: 4px 0 8px; }
.toggle button { font: inherit; border: 0; padding: 4px 12px; background: var(--surface); color: var(--fg); cursor: pointer; }
.toggle button[aria-pressed="true"] { background: var(--accent); color: var(--bg); }
.mapwrap { display: grid; grid-template-columns: auto minmax(0, 1fr); gap: 4px; align-items: center; max-width: 360px; margin: 0 auto; }
.map { position: relative; aspect-ratio: 1; width: 100%; border: 1px solid var(--border); outline: none; touch-action: none; }
.map:focus-visible { outline: 2px solid var(--focus); outline-offset: 2px; }
.map canvas { display: block; width: 100%; height: 100%; image-rendering: pixelated; }
.cursor { position: absolute; border: 2px solid var(--fg); box-sizing: border-box; pointer-events: none; }
.axislbl { font-size: 0.8em; color: var(--muted); text-align: center; }
.axislbl.v { writing-mode: vertical-rl; }
.scale { height: 10px; border-radius: 3px; margin: 6px auto 2px; max-width: 360px; }
.scale-l { display: flex; justify-content: space-between; max-width: 360px; margin: 0 auto; font-size: 0.8em; color: var(--muted); }
svg.strip { display: block; width: 100%; height: auto; margin: 4px 0; }
.strip text { font-size: 9px; fill: var(--muted); font-family: var(--font); }
.strip line { stroke: var(--axis); stroke-width: 0.8; }
dl { margin: 6px 0; display: grid; gap: 4px; }
.row { display: grid; grid-template-columns: minmax(0, 1fr) auto; gap: 10px; padding: 4px 8px; background: var(--surface); border-radius: 6px; align-items: baseline; }
dt { font-weight: 500; } dd { margin: 0; text-align: right; }
.value { font-variant-numeric: tabular-nums; font-weight: 600; white-space: nowrap; }
.tag { display: block; font-weight: 500; font-size: 0.85em; }
.tag.bad { color: var(--error-fg); } .tag.good { color: var(--p); }
`;

/** Deterministic example vectors q, k of dimension d (the same in every browser). */
function exampleVectors(d: number): { q: Float64Array; k: Float64Array } {
  const q = Float64Array.from({ length: d }, (_, j) => 1 + 0.5 * Math.sin(1.3 * j + 0.4));
  const k = Float64Array.from({ length: d }, (_, j) => 1 + 0.5 * Math.cos(0.9 * j + 1.1));
  return { q, k };
}

/** Seeded uniform numbers in [−1, 1) (an LCG), for the example weights of the conversion check. */
function seeded(n: number, seed: number): Float64Array {
  let s = seed >>> 0;
  return Float64Array.from({ length: n }, () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 31) - 1);
}

const pairColor = (pair: number, pairs: number) => `hsl(${Math.round((300 * pair) / Math.max(1, pairs - 1))} 70% 50%)`;

/** The `<mathlens-rope>` element (see the module documentation for its attributes). */
export class MathLensRope extends MathLensElement {
  static observedAttributes = [...MathLensElement.observedAttributes, 'd', 'base', 'positions', 'pair', 'encoding', 'grid', 'width', 'max-offset', 'q', 'k'];

  private readonly errors = new Map<string, (lang: Lang) => string>();
  private raw = { pairText: DEFAULTS.pair };
  /** The q and k attributes as given (null: the example vectors). */
  private vectors: { q: number[] | null; k: number[] | null } = { q: null, k: null };
  private st = { d: 64, base: 10000, m: 5, n: 2, pair: 0, encoding: 'rope2d' as RopeEncoding, grid: 12, width: 16, maxOffset: 256 };
  private version = 1;
  private computed = 0;
  private view: RopeView | null = null;
  private computeError: string | null = null;
  private cursor: [number, number] = [1, 0];
  private chart: LineChart | null = null;
  private chartKey = '';
  private resizeObserver: ResizeObserver | null = null;

  // DOM
  private readonly labels = new Map<Key, HTMLElement>();
  private readonly svgEl: SVGSVGElement;
  private readonly shapes: Record<string, SVGElement> = {};
  private readonly sliders: Record<'pair' | 'm' | 'n', { input: HTMLInputElement; out: HTMLOutputElement }>;
  private readonly thetaLine: HTMLElement;
  private readonly angleLine: HTMLElement;
  private readonly decayBox: HTMLElement;
  private readonly decayNote: HTMLElement;
  private readonly decayAt: HTMLElement;
  private readonly toggleButtons: Record<RopeEncoding, HTMLButtonElement>;
  private readonly mapBox: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly cursorEl: HTMLElement;
  private readonly cellLine: HTMLElement;
  private readonly neighbourLine: HTMLElement;
  private readonly scoresNote: HTMLElement;
  private readonly scale: HTMLElement;
  private readonly scaleLabels: [HTMLElement, HTMLElement];
  private readonly formula2d: HTMLElement;
  private readonly stripSvg: SVGSVGElement;
  private readonly values: Record<'scoreInterleaved' | 'scoreHalf' | 'scoreHalfPermuted', { dd: HTMLElement; tag: HTMLElement }>;
  private readonly permLine: HTMLElement;
  private readonly weightsLine: HTMLElement;
  private readonly summary: HTMLElement;

  constructor() {
    super(katexSheet(), sheet(chartCss), sheet(CSS));
    const label = (key: Key, tag: keyof HTMLElementTagNameMap = 'span') => {
      const el = h(tag);
      this.labels.set(key, el);
      return el;
    };
    const tex = (t: string, cls = 'formula') => {
      const el = h('div', { class: cls });
      renderTex(el, t);
      return el;
    };

    // ---- rotation panel
    this.svgEl = svg('svg', { class: 'plot', viewBox: `0 0 ${SIZE} ${SIZE}`, role: 'img' });
    svg('line', { class: 'axis', x1: 0, y1: SIZE / 2, x2: SIZE, y2: SIZE / 2 }, this.svgEl);
    svg('line', { class: 'axis', x1: SIZE / 2, y1: 0, x2: SIZE / 2, y2: SIZE }, this.svgEl);
    this.shapes.circle = svg('circle', { class: 'circle' }, this.svgEl);
    this.shapes.circleK = svg('circle', { class: 'circle' }, this.svgEl);
    this.shapes.arc = svg('path', { class: 'arc' }, this.svgEl);
    for (const [name, cls] of [['qo', 'q orig'], ['ko', 'k orig'], ['q', 'q'], ['k', 'k']] as const) {
      this.shapes[name] = svg('line', { class: `vec ${cls}` }, this.svgEl);
      this.shapes[`${name}h`] = svg('polygon', { class: `head ${cls}` }, this.svgEl);
    }
    for (const [name, cls] of [['ql', 'lbl q'], ['kl', 'lbl k'], ['al', 'lbl arc-l']] as const) this.shapes[name] = svg('text', { class: cls }, this.svgEl);
    this.shapes.ql.textContent = 'R_m q';
    this.shapes.kl.textContent = 'R_n k';
    const slider = (key: 'pair' | 'm' | 'n') => {
      const input = h('input', { attrs: { type: 'range', step: 1, 'data-control': key } });
      const out = h('output');
      const lab = label(key === 'pair' ? 'pair' : key, 'label');
      const id = `rope-${key}`;
      input.id = id;
      lab.setAttribute('for', id);
      input.addEventListener('input', () => this.onSlider(key, Number(input.value)));
      return { input, out, row: h('div', { class: 'control' }, lab, input, out) };
    };
    const sp = slider('pair');
    const sm = slider('m');
    const sn = slider('n');
    this.sliders = { pair: sp, m: sm, n: sn };
    this.thetaLine = h('p', { class: 'line' });
    this.angleLine = h('p', { class: 'line' });
    const rotation = h(
      'section',
      { class: 'card', attrs: { 'data-panel': 'rotation' } },
      label('rotationTitle', 'h3'),
      tex(TEX.theta),
      tex(TEX.rotate),
      this.svgEl,
      h('div', { class: 'controls' }, sp.row, sm.row, sn.row),
      this.thetaLine,
      this.angleLine,
      tex(TEX.relative),
    );

    // ---- decay panel
    this.decayBox = h('div', { class: 'chart', attrs: { 'data-chart': 'decay' } });
    this.decayNote = h('p', { class: 'muted' });
    this.decayAt = h('p', { class: 'line', attrs: { 'data-key': 'decay-at' } });
    const decay = h('section', { class: 'card', attrs: { 'data-panel': 'decay' } }, label('decayTitle', 'h3'), tex(TEX.decay), this.decayBox, this.decayAt, this.decayNote);

    // ---- 2-D scores panel
    const mk = (enc: RopeEncoding) => {
      const b = h('button', { attrs: { type: 'button', 'data-encoding': enc, 'aria-pressed': 'false' } });
      b.append(label(enc));
      b.addEventListener('click', () => this.setEncoding(enc));
      return b;
    };
    this.toggleButtons = { rope2d: mk('rope2d'), flattened: mk('flattened') };
    const toggle = h('div', { class: 'toggle', attrs: { role: 'group' } }, this.toggleButtons.rope2d, this.toggleButtons.flattened);
    this.labels.set('encoding', toggle);
    this.formula2d = h('div', { class: 'formula' });
    this.canvas = h('canvas', { attrs: { 'aria-hidden': 'true' } });
    this.cursorEl = h('div', { class: 'cursor' });
    this.mapBox = h('div', { class: 'map', attrs: { tabindex: 0, role: 'img', 'data-map': 'scores' } }, this.canvas, this.cursorEl);
    this.mapBox.addEventListener('keydown', (e) => this.onMapKey(e));
    this.mapBox.addEventListener('pointermove', (e) => this.onMapPointer(e));
    this.mapBox.addEventListener('pointerdown', (e) => this.onMapPointer(e));
    const topLabel = h('div', { class: 'axislbl', text: 'Δy →' });
    const leftLabel = h('div', { class: 'axislbl v', text: 'Δx →' });
    this.scale = h('div', { class: 'scale' });
    this.scaleLabels = [h('span'), h('span')];
    this.cellLine = h('p', { class: 'line', attrs: { 'aria-live': 'polite' } });
    this.neighbourLine = h('p', { class: 'line' });
    this.scoresNote = h('p', { class: 'muted' });
    const scores = h(
      'section',
      { class: 'card', attrs: { 'data-panel': 'scores' } },
      label('scoresTitle', 'h3'),
      toggle,
      this.formula2d,
      h('div', { class: 'mapwrap' }, h('span'), topLabel, leftLabel, this.mapBox),
      this.scale,
      h('div', { class: 'scale-l' }, ...this.scaleLabels),
      this.cellLine,
      this.neighbourLine,
      this.scoresNote,
      label('mapHint', 'p'),
    );
    this.labels.get('mapHint')!.className = 'muted';

    // ---- conventions panel
    this.stripSvg = svg('svg', { class: 'strip', viewBox: '0 0 320 96', role: 'img' });
    const row = (key: 'scoreInterleaved' | 'scoreHalf' | 'scoreHalfPermuted') => {
      const value = h('span', { class: 'value' });
      const tag = h('span', { class: 'tag' });
      const dt = label(key, 'dt');
      return { el: h('div', { class: 'row', attrs: { 'data-key': key } }, dt, h('dd', {}, value, tag)), dd: value, tag };
    };
    const r1 = row('scoreInterleaved');
    const r2 = row('scoreHalf');
    const r3 = row('scoreHalfPermuted');
    this.values = { scoreInterleaved: r1, scoreHalf: r2, scoreHalfPermuted: r3 };
    this.permLine = h('p', { class: 'line', attrs: { 'data-key': 'permutation' } });
    this.weightsLine = h('p', { class: 'line', attrs: { 'data-key': 'weights' } });
    const conventions = h(
      'section',
      { class: 'card', attrs: { 'data-panel': 'conventions' } },
      label('conventionsTitle', 'h3'),
      h('p', { class: 'muted' }, label('layoutInterleaved'), h('br'), label('layoutHalf')),
      this.stripSvg,
      h('dl', {}, r1.el, r2.el, r3.el),
      this.permLine,
      tex(TEX.convert),
      this.weightsLine,
    );
    this.summary = h('p', { class: 'visually-hidden', attrs: { 'aria-live': 'polite' } });
    this.content.append(h('div', { class: 'grid' }, rotation, decay, scores, conventions), this.summary);
  }

  // ---- public API

  /** The latest numbers (null before the first render or on invalid input). */
  get result(): RopeView | null {
    return this.errors.size || this.computeError !== null || this.pairError('en') ? null : this.view;
  }

  /** Attribute values that reproduce the current state, sliders and toggle included (shareable links). */
  override shareState(): Record<string, string> {
    const st = this.st;
    const out = super.shareState();
    out.positions = `${formatCompact(st.m, 17)} ${formatCompact(st.n, 17)}`;
    out.pair = String(st.pair);
    out.encoding = st.encoding;
    return out;
  }

  // ---- lifecycle

  protected override connected(): void {
    ensureKatexFonts(this.ownerDocument);
    this.resizeObserver = new ResizeObserver(() => this.chart?.resize(this.chartWidth()));
    this.resizeObserver.observe(this.decayBox);
    this.loadApi();
  }

  protected override disconnected(): void {
    this.resizeObserver?.disconnect();
    this.resizeObserver = null;
    this.chart?.destroy();
    this.chart = null;
    this.chartKey = '';
  }

  protected override attributeChanged(name: string, value: string | null): void {
    const text = value ?? DEFAULTS[name] ?? '';
    const st = this.st;
    try {
      switch (name) {
        case 'd':
          st.d = parseInteger(text, 2, MAX_D);
          break;
        case 'base':
          st.base = parseNumber(text);
          break;
        case 'positions': {
          const [m, n] = parseVector(text, 2, '5 2');
          st.m = m;
          st.n = n;
          break;
        }
        case 'pair':
          this.raw.pairText = text;
          st.pair = parseInteger(text, 0, MAX_D);
          break;
        case 'encoding':
          if (text !== 'rope2d' && text !== 'flattened') {
            this.errors.set(name, (lang) => fill(common[lang].attribute, { name, value: text, reason: S[lang].badEncoding }));
            this.changed();
            return;
          }
          st.encoding = text;
          break;
        case 'grid':
          st.grid = parseInteger(text, 1, 32);
          break;
        case 'width':
          st.width = parseInteger(text, 1, 1000000);
          break;
        case 'max-offset':
          st.maxOffset = parseInteger(text, 1, 100000);
          break;
        case 'q':
        case 'k':
          this.vectors[name] = value === null ? null : parseNumbers(text);
          break;
        default:
          return;
      }
      this.errors.delete(name);
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      this.errors.set(name, (lang) => fill(common[lang].attribute, { name, value: text, reason: e.describe(lang) }));
    }
    this.changed();
  }

  /** Checks that need both d and another attribute: the frequency index below d/2, q and k of length d. */
  private pairError(lang: Lang): string | null {
    const max = Math.floor(this.st.d / 2) - 1;
    for (const name of ['q', 'k'] as const) {
      const v = this.vectors[name];
      if (v && v.length !== this.st.d)
        return fill(common[lang].attribute, { name, value: this.getAttribute(name) ?? '', reason: fill(S[lang].vectorLength, { d: this.st.d, got: v.length }) });
    }
    if (this.st.pair <= max || this.st.d % 2 !== 0) return null;
    return fill(common[lang].attribute, { name: 'pair', value: this.raw.pairText, reason: fill(S[lang].pairRange, { max }) });
  }

  private changed(): void {
    this.version++;
    this.requestRender();
  }

  // ---- interaction

  private onSlider(key: 'pair' | 'm' | 'n', value: number): void {
    if (key === 'pair') {
      this.st.pair = value;
      this.raw.pairText = String(value);
      this.errors.delete('pair');
    } else this.st[key] = value;
    this.changed();
  }

  private setEncoding(enc: RopeEncoding): void {
    if (this.st.encoding === enc) return;
    this.st.encoding = enc;
    this.errors.delete('encoding');
    this.changed();
  }

  private onMapKey(e: KeyboardEvent): void {
    const dirs: Record<string, [number, number]> = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };
    const d = dirs[e.key];
    if (!d || e.altKey || e.ctrlKey || e.metaKey) return;
    e.preventDefault();
    const g = this.st.grid;
    const step = e.shiftKey ? 4 : 1;
    this.cursor = [Math.max(-g, Math.min(g, this.cursor[0] + d[0] * step)), Math.max(-g, Math.min(g, this.cursor[1] + d[1] * step))];
    this.showCell(this.language);
  }

  private onMapPointer(e: PointerEvent): void {
    const r = this.mapBox.getBoundingClientRect();
    if (!r.width || !r.height) return;
    const g = this.st.grid;
    const cells = 2 * g + 1;
    const col = Math.min(cells - 1, Math.max(0, Math.floor(((e.clientX - r.left) / r.width) * cells)));
    const rowI = Math.min(cells - 1, Math.max(0, Math.floor(((e.clientY - r.top) / r.height) * cells)));
    this.cursor = [rowI - g, col - g];
    this.showCell(this.language);
  }

  // ---- computing

  private compute(ml: MathLens): RopeView {
    const { d, base, m, n, pair, encoding, grid, width, maxOffset } = this.st;
    const theta = ml.rope.frequencies(d, { base });
    const example = exampleVectors(d);
    const q = this.vectors.q ?? example.q;
    const k = this.vectors.k ?? example.k;
    const batch = (v: ArrayLike<number>) => ({ rows: 1, cols: d, data: v });
    const qI = ml.rope.apply(batch(q), { positions: [m], base });
    const kI = ml.rope.apply(batch(k), { positions: [n], base });
    const qH = ml.rope.apply(batch(q), { positions: [m], base, pairing: 'half' });
    const kH = ml.rope.apply(batch(k), { positions: [n], base, pairing: 'half' });
    const permutation = ml.rope.permutation(d);
    const qP = ml.rope.apply(batch(permutation.map((j) => q[j])), { positions: [m], base, pairing: 'half' });
    const kP = ml.rope.apply(batch(permutation.map((j) => k[j])), { positions: [n], base, pairing: 'half' });
    const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
      let s = 0;
      for (let j = 0; j < d; j++) s += a[j] * b[j];
      return s;
    };
    // The map uses q and k when both are given as attributes, else q = k = (1, …, 1) (pure position).
    const ones = new Float64Array(d).fill(1);
    const own = this.vectors.q !== null && this.vectors.k !== null;
    const mapOf = (enc: RopeEncoding) =>
      ml.rope.scores2d(own ? q : ones, own ? k : ones, { dx: grid, dy: grid, encoding: enc, width, base });
    const dm = 8;
    const conversion = ml.rope.checkConversion(
      { rows: d, cols: dm, data: seeded(d * dm, 11) },
      { rows: d, cols: dm, data: seeded(d * dm, 12) },
      { rows: 6, cols: dm, data: seeded(6 * dm, 13) },
      { base },
    );
    return {
      d,
      base,
      m,
      n,
      pair,
      theta: theta[pair],
      wavelength: (2 * Math.PI) / theta[pair],
      qPair: [q[2 * pair], q[2 * pair + 1]],
      kPair: [k[2 * pair], k[2 * pair + 1]],
      qRotated: [qI.data[2 * pair], qI.data[2 * pair + 1]],
      kRotated: [kI.data[2 * pair], kI.data[2 * pair + 1]],
      decay: ml.rope.decay(d, maxOffset, { base }),
      scores: mapOf(encoding),
      otherScores: mapOf(encoding === 'rope2d' ? 'flattened' : 'rope2d'),
      encoding,
      scoreInterleaved: dot(qI.data, kI.data),
      scoreHalf: dot(qH.data, kH.data),
      scoreHalfPermuted: dot(qP.data, kP.data),
      permutation,
      conversion,
    };
  }

  // ---- rendering

  protected render(lang: Lang, langChanged: boolean): void {
    if (langChanged) this.applyLanguage(lang);
    if (this.errors.size) return this.showError(lang, [...this.errors.values()].map((f) => f(lang)));
    const pairError = this.pairError(lang);
    if (pairError) return this.showError(lang, [pairError]);
    if (!this.showLoadState(lang)) return;
    const fresh = this.computed !== this.version;
    if (fresh) {
      this.computed = this.version;
      try {
        this.view = this.compute(this.ml);
        this.computeError = null;
      } catch (e) {
        if (!(e instanceof MathLensError)) throw e;
        this.view = null;
        this.computeError = e.message;
      }
    }
    if (this.computeError !== null || !this.view) return this.showError(lang, [this.computeError ?? '']);
    this.showError(lang, null);
    const v = this.view;
    this.drawRotation(lang, v);
    this.drawDecay(lang, v, langChanged);
    this.drawScores(lang, v);
    this.drawConventions(lang, v);
    setText(this.summary, fill(S[lang].summary, { d: v.d, base: formatCompact(v.base, 6), s: formatNumber(v.scoreInterleaved), m: v.m, n: v.n }));
    if (fresh) this.dispatchEvent(new CustomEvent<RopeView>('change', { detail: v, bubbles: true }));
  }

  private applyLanguage(lang: Lang): void {
    const t = S[lang];
    for (const [key, el] of this.labels) {
      if (key === 'encoding') el.setAttribute('aria-label', t.encoding);
      else setText(el, t[key]);
    }
    this.svgEl.setAttribute('aria-label', t.rotationPlot);
    this.mapBox.setAttribute('aria-label', t.mapLabel);
    this.stripSvg.setAttribute('aria-label', t.stripLabel);
    this.chartKey = ''; // the chart's labels are in the old language
  }

  private drawRotation(lang: Lang, v: RopeView): void {
    const t = S[lang];
    const sl = this.sliders;
    const lo = Math.min(0, v.m, v.n);
    const hi = Math.max(this.st.maxOffset, v.m, v.n);
    const setSlider = (s: { input: HTMLInputElement; out: HTMLOutputElement }, min: number, max: number, value: number) => {
      s.input.min = String(min);
      s.input.max = String(max);
      if (Number(s.input.value) !== value) s.input.value = String(value);
      setText(s.out, formatCompact(value, 6));
    };
    setSlider(sl.pair, 0, v.d / 2 - 1, v.pair);
    setSlider(sl.m, Math.floor(lo), Math.ceil(hi), v.m);
    setSlider(sl.n, Math.floor(lo), Math.ceil(hi), v.n);

    const rq = Math.hypot(...v.qPair);
    const rk = Math.hypot(...v.kPair);
    const span = 2.5 * Math.max(rq, rk, 1e-9);
    const view: View = { cx: 0, cy: 0, span, size: SIZE };
    const scale = SIZE / span;
    const [cx, cy] = toScreen(view, 0, 0);
    setAttrs(this.shapes.circle, { cx, cy, r: rq * scale });
    setAttrs(this.shapes.circleK, { cx, cy, r: rk * scale });
    const arrow = (name: string, p: [number, number]) => {
      const [x, y] = toScreen(view, p[0], p[1]);
      setAttrs(this.shapes[name], { x1: cx, y1: cy, x2: x, y2: y });
      const len = Math.hypot(x - cx, y - cy) || 1;
      const ux = (x - cx) / len;
      const uy = (y - cy) / len;
      const pts = [
        [x, y],
        [x - 11 * ux - 5 * uy, y - 11 * uy + 5 * ux],
        [x - 11 * ux + 5 * uy, y - 11 * uy - 5 * ux],
      ];
      setAttrs(this.shapes[`${name}h`], { points: pts.map((q) => q.map((c) => c.toFixed(2)).join(',')).join(' ') });
      return [x, y];
    };
    arrow('qo', v.qPair);
    arrow('ko', v.kPair);
    const [qx, qy] = arrow('q', v.qRotated);
    const [kx, ky] = arrow('k', v.kRotated);
    const place = (name: string, x: number, y: number) => {
      // just beyond the arrow tip, kept inside the plot
      const dx = x - cx;
      const dy = y - cy;
      const len = Math.hypot(dx, dy) || 1;
      const right = dx >= 0;
      const lx = x + (12 * dx) / len;
      const ly = y + (12 * dy) / len + 5;
      setAttrs(this.shapes[name], {
        x: right ? Math.min(SIZE - 52, lx) : Math.max(52, lx),
        y: Math.min(SIZE - 6, Math.max(16, ly)),
        'text-anchor': right ? 'start' : 'end',
      });
    };
    place('ql', qx, qy);
    place('kl', kx, ky);
    // the arc from k's direction to q's direction: the relative angle (m − n)θ_i
    const aq = Math.atan2(v.qRotated[1], v.qRotated[0]);
    const ak = Math.atan2(v.kRotated[1], v.kRotated[0]);
    let delta = aq - ak;
    delta = Math.atan2(Math.sin(delta), Math.cos(delta));
    const ra = 0.45 * Math.min(rq, rk) * scale;
    const p0 = [cx + ra * Math.cos(ak), cy - ra * Math.sin(ak)];
    const p1 = [cx + ra * Math.cos(aq), cy - ra * Math.sin(aq)];
    setAttrs(this.shapes.arc, {
      d: `M ${p0[0].toFixed(2)} ${p0[1].toFixed(2)} A ${ra.toFixed(2)} ${ra.toFixed(2)} 0 0 ${delta > 0 ? 0 : 1} ${p1[0].toFixed(2)} ${p1[1].toFixed(2)}`,
    });
    const mid = ak + delta / 2;
    setAttrs(this.shapes.al, { x: cx + (ra + 14) * Math.cos(mid) - 10, y: cy - (ra + 14) * Math.sin(mid) + 4 });
    this.shapes.al.textContent = '(m−n)θᵢ';
    const mod = (a: number) => formatNumber(a, 5);
    setText(this.thetaLine, fill(t.thetaLine, { theta: formatNumber(v.theta, 6), wl: formatNumber(v.wavelength, 5) }));
    setText(this.angleLine, fill(t.angleLine, { a: mod(v.m * v.theta), b: mod(v.n * v.theta), c: mod((v.m - v.n) * v.theta) }));
  }

  private chartWidth(): number {
    return Math.max(220, Math.floor(this.decayBox.clientWidth || 360));
  }

  private drawDecay(lang: Lang, v: RopeView, langChanged: boolean): void {
    const t = S[lang];
    const r = Math.abs(v.m - v.n);
    const x = Float64Array.from({ length: v.decay.length }, (_, i) => i);
    const markers = [{ x: r, label: `${t.marker} = ${formatCompact(r, 6)}`, color: 'focus' }];
    const key = `${lang}|${v.decay.length}`;
    if (!this.chart || this.chartKey !== key || langChanged) {
      this.chart?.destroy();
      this.decayBox.replaceChildren();
      this.chart = new LineChart(this.decayBox, {
        x,
        series: [{ label: t.decaySeries, values: v.decay, color: 'p' }],
        width: this.chartWidth(),
        height: 230,
        xLabel: t.decayX,
        yLabel: t.decayY,
        markers,
      });
      this.chartKey = key;
    } else this.chart.update(x, [v.decay], markers);
    setText(this.decayNote, t.decayNote);
    const ri = Math.round(r);
    setText(
      this.decayAt,
      ri < v.decay.length && ri === r
        ? fill(t.decayAt, { r: formatCompact(r, 6), f: formatNumber(v.decay[ri], 6) })
        : fill(t.decayBeyond, { r: formatCompact(r, 6), max: v.decay.length - 1 }),
    );
  }

  private drawScores(lang: Lang, v: RopeView): void {
    const t = S[lang];
    for (const enc of ['rope2d', 'flattened'] as RopeEncoding[]) this.toggleButtons[enc].setAttribute('aria-pressed', String(enc === v.encoding));
    renderTex(this.formula2d, v.encoding === 'rope2d' ? TEX.rope2d : TEX.flattened);
    const s = v.scores;
    // One colour range for both encodings, so toggling compares like with like.
    let lo = Infinity;
    let hi = -Infinity;
    for (const x of [...s.data, ...v.otherScores.data]) {
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
    const diverging = lo < 0 && hi > 0;
    const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    const [min, max] = diverging ? [-m, m] : [lo, hi > lo ? hi : lo + 1];
    drawHeatmap(this.canvas, { rows: s.rows, cols: s.cols, data: s.data, scheme: diverging ? 'diverging' : 'sequential', min, max });
    this.scale.style.background = gradientCss(diverging ? 'diverging' : 'sequential');
    setText(this.scaleLabels[0], formatNumber(min, 3));
    setText(this.scaleLabels[1], formatNumber(max, 3));
    const g = this.st.grid;
    const at = (mat: Matrix, dx: number, dy: number) => mat.data[(dx + g) * mat.cols + (dy + g)];
    const rope = v.encoding === 'rope2d' ? s : v.otherScores;
    const flat = v.encoding === 'rope2d' ? v.otherScores : s;
    const shown = v.encoding === 'rope2d' ? rope : flat;
    const note = v.encoding === 'rope2d' ? t.neighboursNote2d : fill(t.neighboursNoteFlat, { w: this.st.width });
    setText(this.neighbourLine, `${fill(t.neighbours, { a: formatNumber(at(shown, 1, 0), 5), b: formatNumber(at(shown, 0, 1), 5) })} — ${note}`);
    setText(this.scoresNote, fill(this.vectors.q && this.vectors.k ? t.scoresNoteOwn : t.scoresNote, { g }));
    this.cursor = [Math.max(-g, Math.min(g, this.cursor[0])), Math.max(-g, Math.min(g, this.cursor[1]))];
    this.showCell(lang);
  }

  private showCell(lang: Lang): void {
    const v = this.view;
    if (!v) return;
    const g = this.st.grid;
    const cells = 2 * g + 1;
    const [dx, dy] = this.cursor;
    const value = v.scores.data[(dx + g) * v.scores.cols + (dy + g)];
    const signed = (x: number) => String(x).replace('-', '−');
    setText(this.cellLine, fill(S[lang].cell, { x: signed(dx), y: signed(dy), v: formatNumber(value, 6) }));
    const pct = 100 / cells;
    Object.assign(this.cursorEl.style, { left: `${(dy + g) * pct}%`, top: `${(dx + g) * pct}%`, width: `${pct}%`, height: `${pct}%` });
  }

  private drawConventions(lang: Lang, v: RopeView): void {
    const t = S[lang];
    // Strip: the frequency index of each dimension in both layouts; lines for small d.
    const g = this.stripSvg;
    g.replaceChildren();
    const d = v.d;
    const pairs = d / 2;
    const W = 320;
    const x0 = 4;
    const cw = (W - 2 * x0) / d;
    const rowY = [14, 64];
    for (let j = 0; j < d; j++) {
      svg('rect', { x: x0 + j * cw, y: rowY[0], width: Math.max(cw - (d <= 32 ? 1 : 0), 0.5), height: 16, fill: pairColor(j >> 1, pairs) }, g);
      svg('rect', { x: x0 + j * cw, y: rowY[1], width: Math.max(cw - (d <= 32 ? 1 : 0), 0.5), height: 16, fill: pairColor(j % pairs, pairs) }, g);
    }
    if (d <= 32)
      for (let j = 0; j < d; j++) {
        const from = v.permutation[j];
        svg('line', { x1: x0 + (from + 0.5) * cw, y1: rowY[0] + 16, x2: x0 + (j + 0.5) * cw, y2: rowY[1] }, g);
      }
    const lab = (text: string, y: number) => {
      svg('text', { x: x0, y }, g).textContent = text;
    };
    lab(lang === 'zh' ? '相邻配对' : 'interleaved', rowY[0] - 3);
    lab(lang === 'zh' ? '前后半配对' : 'half', rowY[1] + 28);

    const put = (key: 'scoreInterleaved' | 'scoreHalf' | 'scoreHalfPermuted', value: number, tag: string, good: boolean | null) => {
      setText(this.values[key].dd, formatNumber(value, 8));
      setText(this.values[key].tag, tag);
      this.values[key].tag.className = `tag${good === null ? '' : good ? ' good' : ' bad'}`;
    };
    const ref = v.scoreInterleaved;
    const scale = Math.max(Math.abs(ref), 1e-300);
    put('scoreInterleaved', ref, '', null);
    const diffHalf = Math.abs(v.scoreHalf - ref);
    put('scoreHalf', v.scoreHalf, diffHalf > 1e-12 * scale ? t.differs : fill(t.equal, { d: formatNumber(diffHalf, 2) }), diffHalf <= 1e-12 * scale);
    const diffPerm = Math.abs(v.scoreHalfPermuted - ref);
    put('scoreHalfPermuted', v.scoreHalfPermuted, diffPerm <= 1e-12 * scale ? fill(t.equal, { d: formatNumber(diffPerm, 2) }) : t.differs, diffPerm <= 1e-12 * scale);
    const shownPerm = v.permutation.length <= 16 ? v.permutation.join(', ') : `${v.permutation.slice(0, 8).join(', ')}, …, ${v.permutation.slice(-4).join(', ')}`;
    setText(this.permLine, fill(t.permutation, { p: shownPerm }));
    const c = v.conversion;
    setText(
      this.weightsLine,
      fill(t.weights, {
        c: formatNumber(c.relativeDifference, 2),
        u: `${formatNumber(100 * c.unconvertedRelativeDifference, 3)}%`,
      }),
    );
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'mathlens-rope': MathLensRope;
  }
}

if (!customElements.get('mathlens-rope')) customElements.define('mathlens-rope', MathLensRope);
