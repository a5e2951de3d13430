/**
 * `<mathlens-attention>`: exact softmax attention next to an approximation of it — Nyström
 * (kexue.fm/archives/8180, spec/MATH.md §5), Performer or linear attention — on the same seeded
 * Q, K, V: heatmaps of both attention matrices and of their difference, the errors, the error as
 * the number of landmarks / features grows, and a timing run of every kernel over n on the
 * reader's machine (in a Web Worker, with progress) with the predicted and measured crossover.
 *
 * ```html
 * <mathlens-attention n="128" d="32" structure="clustered" method="nystrom" landmarks="16"></mathlens-attention>
 * ```
 * Attributes: `n` (4–512), `d` (1–256), `structure` (random | clustered), `clusters`, `seed`,
 * `method` (nystrom | performer | linear), `landmarks`, `features`, `pinv` (iterative | svd),
 * `iterations`, `init` (original | per-matrix), `scale` (sqrt | none | a positive number),
 * `q`, `k`, `v` (explicit matrices, rows separated by ';' — they replace the generated inputs),
 * `timing-max-n` (256–8192, default 4096), `timing-d` (8–256, default 64), `lang`, `theme`.
 * The controls write the attributes, so a page can read (and pin) the configuration.
 * Properties: `result` (the exact and approximate results shown). Events: `change`.
 * @module
 */
import { MathLensError, type AttentionResult, type MathLens, type Matrix, type NystromResult } from '../index.js';
import { measuredCrossover, predictedCrossover, type CostParams, type KernelName } from './attention-cost.js';
import type { InputSpec, SweepPoint, TimingPoint, WorkerMessage, WorkerRequest } from './attention.worker.js';
import { MathLensElement } from './ui/base.js';
import { chartCss, LineChart } from './ui/chart.js';
import { h, setText } from './ui/dom.js';
import { formatNumber } from './ui/format.js';
import { drawHeatmap, gradientCss } from './ui/heatmap.js';
import { common, defineStrings, fill, type Lang } from './ui/i18n.js';
import { ensureKatexFonts, katexSheet, renderTex } from './ui/katex.js';
import { ParseError, parseInteger, parseNumber, parseNumbers } from './ui/parse.js';
import { sheet } from './ui/theme.js';

/** The approximation shown next to exact attention. */
export type AttentionMethod = 'nystrom' | 'performer' | 'linear';
type Method = AttentionMethod;
type Structure = 'random' | 'clustered';

interface State {
  n: number;
  d: number;
  structure: Structure;
  clusters: number;
  seed: number;
  method: Method;
  landmarks: number;
  features: number;
  pinv: 'iterative' | 'svd';
  iterations: number;
  init: 'original' | 'per-matrix';
  /** The library's scale option: true = 1/√d, false = 1, or a number. */
  scale: boolean | number;
  q: number[][] | null;
  k: number[][] | null;
  v: number[][] | null;
  timingMaxN: number;
  timingD: number;
}

/** What the widget shows: exact attention and the chosen approximation (with errors and matrices). */
export interface AttentionView {
  /** The approximation. */
  method: AttentionMethod;
  /** Exact softmax attention with its attention matrix. */
  exact: AttentionResult;
  /** The approximation with its attention matrix and its errors against exact attention. */
  approx: AttentionResult | NystromResult;
}

const DEFAULTS: Record<string, string> = {
  n: '128',
  d: '32',
  structure: 'clustered',
  clusters: '8',
  seed: '1',
  method: 'nystrom',
  landmarks: '16',
  features: '64',
  pinv: 'iterative',
  iterations: '6',
  init: 'original',
  scale: 'sqrt',
  'timing-max-n': '4096',
  'timing-d': '64',
};
const ENUMS: Record<string, readonly string[]> = {
  structure: ['random', 'clustered'],
  method: ['nystrom', 'performer', 'linear'],
  pinv: ['iterative', 'svd'],
  init: ['original', 'per-matrix'],
};
const SETTLE_MS = 150;
const KERNELS: KernelName[] = ['exact', 'linear', 'performer', 'nystrom'];
const COLORS: Record<KernelName, string> = { exact: 'q', linear: '#8250df', performer: '#bf8700', nystrom: 'p' };

const S = defineStrings({
  en: {
    inputs: 'Inputs',
    structure: 'Q, K, V',
    random: 'random',
    clustered: 'clustered tokens',
    custom: 'given by the q, k, v attributes',
    n: 'n',
    d: 'd',
    seed: 'seed',
    method: 'Approximation',
    nystrom: 'Nyström',
    performer: 'Performer',
    linear: 'linear',
    landmarks: 'landmarks m',
    features: 'features m',
    pinv: 'pseudo-inverse',
    iterative: 'iterative',
    svd: 'exact (SVD)',
    iterations: 'iterations',
    init: 'start',
    original: 'authors’ code',
    perMatrix: 'per matrix',
    exactTitle: 'Exact attention P',
    approxTitle: '{method} approximation P̃',
    diffTitle: 'Difference P̃ − P',
    heatmapHint: 'Point at an entry, or focus a map (Tab) and use the arrow keys (Shift: 8 steps).',
    readout: 'row {i}, column {j}: exact {p}, approximate {a}, difference {diff}',
    rangeSeq: '0 … {max} (brighter = more attention; entries above {max} saturate)',
    rangeDiv: '−{max} … {max} (blue: too little, red: too much)',
    outRel: 'output error ‖Õ − O‖_F / ‖O‖_F',
    matRel: 'matrix error ‖P̃ − P‖_F / ‖P‖_F',
    matMax: 'largest entry error max |P̃ − P|',
    rowSum: 'row sums max |Σⱼ P̃ᵢⱼ − 1|',
    pinvRes: 'pseudo-inverse ‖I − A·A⁺‖_F',
    cond: 'condition of A',
    sweepTitle: 'Error against the number of landmarks / features',
    sweepNote: 'Output error ‖Õ − O‖_F/‖O‖_F on these Q, K, V; Performer averaged over 4 seeds; linear attention has no parameter.',
    sweepBusy: 'Computing in the background…',
    sweepX: 'landmarks / features m',
    sweepY: 'relative error',
    nyIter: 'Nyström, {k} iterations',
    nySvd: 'Nyström, exact pseudo-inverse',
    perf: 'Performer (mean of 4 seeds)',
    lin: 'linear attention',
    timingTitle: 'Speed on this machine',
    timingNote:
      'Runs every kernel on random inputs with head size {d} for n up to {max}, in a background thread, and compares the time with the multiply-adds the post counts.',
    run: 'Measure',
    cancel: 'Cancel',
    running: 'Measuring {kernel} at n = {n} ({done} of {total})…',
    finished: 'Done.',
    cancelled: 'Cancelled.',
    timeX: 'sequence length n',
    timeY: 'time (ms)',
    kernel: 'kernel',
    macs: 'multiply-adds (predicted)',
    time: 'time',
    rate: 'rate',
    exactKernel: 'exact',
    predicted: 'predicted n* ≈ {n}',
    measured: 'measured n* ≈ {n}',
    crossover:
      '{method} becomes cheaper than exact attention at n ≈ {pred} by the multiply-add count, and faster at n ≈ {meas} as measured here.',
    crossBelow: '{method} becomes cheaper than exact attention at n ≈ {pred} by the multiply-add count, and was faster at every measured length here.',
    crossAbove: '{method} becomes cheaper than exact attention at n ≈ {pred} by the multiply-add count, but was not faster at any measured length here (up to {max}).',
    badChoice: 'expected one of {values}',
    badScale: 'expected sqrt, none or a positive number',
    sizeLimit: 'the heatmaps need n ≤ 512; got {n} rows',
    workerFailed: 'The background computation failed: {reason}',
    warnings: 'Notes',
    summary: '{method}: output error {out}, matrix error {mat}.',
  },
  zh: {
    inputs: '输入',
    structure: 'Q、K、V',
    random: '随机',
    clustered: '聚成簇的 token',
    custom: '由属性 q、k、v 给定',
    n: 'n',
    d: 'd',
    seed: '种子',
    method: '近似方法',
    nystrom: 'Nyström',
    performer: 'Performer',
    linear: '线性注意力',
    landmarks: '地标数 m',
    features: '特征数 m',
    pinv: '伪逆',
    iterative: '迭代',
    svd: '精确（SVD）',
    iterations: '迭代次数',
    init: '初值',
    original: '作者代码',
    perMatrix: '逐矩阵',
    exactTitle: '精确注意力 P',
    approxTitle: '{method} 近似 P̃',
    diffTitle: '差 P̃ − P',
    heatmapHint: '指向某个元素；或用 Tab 选中一幅图后按方向键（Shift：一次 8 格）。',
    readout: '第 {i} 行第 {j} 列：精确 {p}，近似 {a}，差 {diff}',
    rangeSeq: '0 … {max}（越亮注意力越大；超过 {max} 的按 {max} 显示）',
    rangeDiv: '−{max} … {max}（蓝：偏小，红：偏大）',
    outRel: '输出误差 ‖Õ − O‖_F / ‖O‖_F',
    matRel: '矩阵误差 ‖P̃ − P‖_F / ‖P‖_F',
    matMax: '最大元素误差 max |P̃ − P|',
    rowSum: '行和 max |Σⱼ P̃ᵢⱼ − 1|',
    pinvRes: '伪逆残差 ‖I − A·A⁺‖_F',
    cond: 'A 的条件数',
    sweepTitle: '误差随地标数 / 特征数的变化',
    sweepNote: '在这组 Q、K、V 上的输出误差 ‖Õ − O‖_F/‖O‖_F；Performer 取 4 个种子的平均；线性注意力没有可调参数。',
    sweepBusy: '后台计算中…',
    sweepX: '地标数 / 特征数 m',
    sweepY: '相对误差',
    nyIter: 'Nyström，迭代 {k} 次',
    nySvd: 'Nyström，精确伪逆',
    perf: 'Performer（4 个种子的平均）',
    lin: '线性注意力',
    timingTitle: '在本机上的速度',
    timingNote: '在后台线程里对 head size 为 {d}、n 最大到 {max} 的随机输入运行每种算法，并把耗时与原文的乘法次数对照。',
    run: '开始测量',
    cancel: '取消',
    running: '正在测量 {kernel}，n = {n}（{done}/{total}）…',
    finished: '完成。',
    cancelled: '已取消。',
    timeX: '序列长度 n',
    timeY: '耗时（毫秒）',
    kernel: '算法',
    macs: '乘加次数（预测）',
    time: '耗时',
    rate: '速度',
    exactKernel: '精确',
    predicted: '预测 n* ≈ {n}',
    measured: '实测 n* ≈ {n}',
    crossover: '按乘法次数，{method} 在 n ≈ {pred} 起比精确注意力便宜；本机实测在 n ≈ {meas} 起更快。',
    crossBelow: '按乘法次数，{method} 在 n ≈ {pred} 起比精确注意力便宜；本机实测在所有长度上都更快。',
    crossAbove: '按乘法次数，{method} 在 n ≈ {pred} 起比精确注意力便宜；但本机实测在所测长度（最大 {max}）上都没有更快。',
    badChoice: '应为 {values} 之一',
    badScale: '应为 sqrt、none 或正数',
    sizeLimit: '热力图要求 n ≤ 512，实际为 {n} 行',
    workerFailed: '后台计算失败：{reason}',
    warnings: '说明',
    summary: '{method}：输出误差 {out}，矩阵误差 {mat}。',
  },
});
type Key = keyof (typeof S)['en'];

const TEX: Record<Method | 'exact' | 'exactPlain', string> = {
  exact: String.raw`P=\operatorname{softmax}\!\big(QK^{\top}\!/\sqrt d\,\big)`,
  exactPlain: String.raw`P=\operatorname{softmax}\!\big(QK^{\top}\big)`,
  nystrom: String.raw`\tilde P=\underbrace{\operatorname{softmax}(Q\tilde K^{\top})}_{F,\ n\times m}\,\underbrace{\operatorname{softmax}(\tilde Q\tilde K^{\top})^{+}}_{A^{+},\ m\times m}\,\underbrace{\operatorname{softmax}(\tilde QK^{\top})}_{B,\ m\times n}`,
  performer: String.raw`\tilde P_{ij}=\frac{\phi(q_i)^{\top}\phi(k_j)}{\sum_l\phi(q_i)^{\top}\phi(k_l)},\quad \phi(x)=\tfrac{1}{\sqrt m}\,e^{Wx-\Vert x\Vert^2/2}`,
  linear: String.raw`\tilde P_{ij}=\frac{\phi(q_i)^{\top}\phi(k_j)}{\sum_l\phi(q_i)^{\top}\phi(k_l)},\quad \phi(x)=\operatorname{elu}(x)+1`,
};

const CSS = `
.controls { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: end; margin-bottom: 12px; }
fieldset { border: 1px solid var(--border); border-radius: calc(var(--radius) - 4px); padding: 6px 10px 8px; margin: 0;
  display: flex; flex-wrap: wrap; gap: 6px 12px; align-items: end; min-width: 0; }
legend { font-size: 0.85em; color: var(--muted); padding: 0 4px; }
label { display: grid; gap: 2px; font-size: 0.85em; color: var(--muted); }
input, select, button { font: inherit; font-size: 0.95em; color: var(--fg); background: var(--bg);
  border: 1px solid var(--border); border-radius: 6px; padding: 3px 6px; }
input[type="number"] { width: 5.5em; }
button { cursor: pointer; background: var(--surface); }
button:disabled { opacity: 0.5; cursor: default; }
.methods { display: flex; gap: 0; }
.methods button { border-radius: 0; margin-left: -1px; }
.methods button:first-child { border-radius: 6px 0 0 6px; margin-left: 0; }
.methods button:last-child { border-radius: 0 6px 6px 0; }
.methods button[aria-pressed="true"] { background: var(--accent); border-color: var(--accent); color: var(--bg); }
.custom-note { font-size: 0.85em; color: var(--muted); }
.maps { display: grid; gap: 12px; grid-template-columns: minmax(0, 1fr); }
@container (min-width: 640px) { .maps { grid-template-columns: repeat(3, minmax(0, 1fr)); } }
figure { margin: 0; min-width: 0; }
figcaption { font-size: 0.9em; font-weight: 600; margin-bottom: 4px; }
.map { position: relative; outline: none; border: 1px solid var(--border); line-height: 0; aspect-ratio: 1;
  cursor: crosshair; touch-action: none; }
.map:focus-visible { outline: 2px solid var(--focus); outline-offset: 2px; }
.map canvas { width: 100%; height: 100%; display: block; }
.cursor { position: absolute; border: 1.5px solid var(--focus); box-shadow: 0 0 0 1px var(--bg); pointer-events: none;
  min-width: 4px; min-height: 4px; transform: translate(-1px, -1px); }
.scale { height: 8px; border-radius: 4px; margin-top: 6px; }
.range { font-size: 0.78em; color: var(--muted); line-height: 1.3; margin-top: 2px; }
.readout { margin: 8px 0 0; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.86em;
  color: var(--fg); min-height: 1.4em; overflow-wrap: anywhere; }
.hint { margin: 4px 0 0; font-size: 0.85em; color: var(--muted); }
.formula { overflow-x: auto; overflow-y: hidden; padding: 8px 2px; }
dl { margin: 8px 0 0; display: grid; gap: 4px; grid-template-columns: minmax(0, 1fr); }
@container (min-width: 640px) { dl { grid-template-columns: repeat(2, minmax(0, 1fr)); column-gap: 12px; } }
.row { display: grid; grid-template-columns: minmax(0, 1fr) auto; gap: 12px; padding: 4px 10px;
  background: var(--surface); border-radius: calc(var(--radius) - 4px); align-items: baseline; }
dt { font-size: 0.92em; }
dd { margin: 0; font-variant-numeric: tabular-nums; font-weight: 600; white-space: nowrap; }
.warnings { margin: 8px 0 0; padding-left: 1.2em; font-size: 0.88em; color: var(--error-fg); }
section.part { margin-top: 18px; border-top: 1px solid var(--border); padding-top: 10px; }
.title { font-weight: 600; margin: 0 0 4px; }
.note { font-size: 0.88em; color: var(--muted); margin: 0 0 8px; }
.chart { min-height: 40px; }
.busy { font-size: 0.85em; color: var(--muted); }
.timing-bar { display: flex; flex-wrap: wrap; gap: 8px 12px; align-items: center; margin-bottom: 8px; }
progress { width: min(240px, 100%); }
table { border-collapse: collapse; font-size: 0.9em; margin-top: 8px; width: 100%; }
th, td { text-align: right; padding: 3px 8px; border-bottom: 1px solid var(--border); font-variant-numeric: tabular-nums; }
th:first-child, td:first-child { text-align: left; }
.table-wrap { overflow-x: auto; }
.crossover { margin: 8px 0 0; font-size: 0.92em; }
@container (max-width: 480px) { .rates .macs { display: none; } }
`;

/** A general matrix attribute: rows separated by ';', entries by spaces or commas. */
function parseMatrix(text: string): number[][] {
  const rows = text.split(';').map((r) => r.trim());
  if (rows.length > 1 && rows[rows.length - 1] === '') rows.pop();
  if (rows.length === 1 && rows[0] === '') throw new ParseError('empty');
  const out = rows.map((r) => parseNumbers(r));
  out.forEach((r, i) => {
    if (r.length !== out[0].length) throw new ParseError('matrixCols', { row: i + 1, got: r.length, n: out[0].length });
  });
  return out;
}

const SUPERSCRIPT = '⁰¹²³⁴⁵⁶⁷⁸⁹';
/**
 * Tick labels of a log axis: 0.01 … 1000 as plain numbers, other decades as 10ⁿ; with `every` > 1
 * only exponents divisible by it are labelled (a range of many decades stays legible).
 */
function decadeLabel(every: number): (v: number) => string {
  return (v) => {
    const e = Math.round(Math.log10(v));
    if (Math.abs(v / 10 ** e - 1) > 1e-9) return '';
    if (every > 1 && e % every !== 0) return '';
    if (e >= -2 && e <= 3) return String(Number(v.toPrecision(1)));
    return `10${e < 0 ? '⁻' : ''}${[...String(Math.abs(e))].map((c) => SUPERSCRIPT[Number(c)]).join('')}`;
  };
}

/** The library's two accuracy warnings in Chinese (its messages are English); others unchanged. */
function warningZh(text: string): string {
  let m = /^the iterative pseudo-inverse has not converged after (\d+) iterations \(Moore–Penrose residual ([^,]+), ‖I − A·A⁺‖_F = ([^ )]+)( in head \d+)?\)/.exec(text);
  if (m)
    return `迭代求伪逆 ${m[1]} 次后仍未收敛（Moore–Penrose 残差 ${m[2]}，‖I − A·A⁺‖_F = ${m[3]}${m[4] ? `，第 ${m[4].replace(/\D/g, '')} 个头` : ''}）：结果与用精确 A⁺ 算出的 F·A⁺·B 不同；请增加迭代次数或改用 SVD 伪逆。`;
  m = /^the landmark kernel A = softmax\(Q̃K̃ᵀ\) is numerically singular( in head \d+)? \(rank (\d+) of (\d+)\)/.exec(text);
  if (m) return `地标核矩阵 A = softmax(Q̃K̃ᵀ) 数值上奇异（秩 ${m[2]}/${m[3]}${m[1] ? `，第 ${m[1].replace(/\D/g, '')} 个头` : ''}）：A⁺ 是伪逆，近似矩阵的行和不一定为 1。`;
  return text;
}

/** The value at the given quantile of the finite entries (for the colour range). */
function quantile(data: ArrayLike<number>, q: number): number {
  const a = Float64Array.from(data).filter(Number.isFinite).sort();
  return a.length ? a[Math.min(a.length - 1, Math.floor(q * (a.length - 1)))] : 0;
}

interface MapView {
  figure: HTMLElement;
  caption: HTMLElement;
  box: HTMLDivElement;
  canvas: HTMLCanvasElement;
  cursor: HTMLDivElement;
  scale: HTMLDivElement;
  range: HTMLElement;
}

/**
 * `<mathlens-attention>`: exact softmax attention next to a Nyström, Performer or linear
 * approximation on the same Q, K, V, with heatmaps, errors, an error-vs-m chart and a timing run in
 * a Web Worker. Configured by attributes (see the module documentation); `result` holds the
 * numbers shown; a `change` event fires after each recomputation.
 */
export class MathLensAttention extends MathLensElement {
  static observedAttributes = [...MathLensElement.observedAttributes, ...Object.keys(DEFAULTS), 'q', 'k', 'v'];

  private readonly state: State;
  private readonly errors = new Map<string, (lang: Lang) => string>();
  private version = 1;
  private computed = 0;
  private view: AttentionView | null = null;
  private diff: Float64Array | null = null;
  private computeError: string | null = null;
  private cursor = { i: 0, j: 0 };
  private ranges = { seq: 1, div: 1 };

  // worker
  private worker: Worker | null = null;
  private requestId = 0;
  private sweepId = 0;
  private timingId = 0;
  private cancelSweep: (() => void) | null = null;
  private sweepPoints: SweepPoint[] = [];
  private sweepLinear: number | null = null;
  private sweepMs: number[] = [];
  private sweepDone = false;
  private sweepError: string | null = null;
  private timingPoints: TimingPoint[] = [];
  private timingStatus: { kind: 'idle' | 'running' | 'done' | 'cancelled' | 'error'; done?: number; total?: number; kernel?: KernelName; n?: number; message?: string } = { kind: 'idle' };
  private timingParams: { ns: number[]; d: number; landmarks: number; features: number; iterations: number } | null = null;

  // DOM
  private readonly labels = new Map<Key, HTMLElement>();
  private readonly optionLabels: [HTMLOptionElement, Key][] = [];
  private resizeObserver: ResizeObserver | null = null;
  private readonly inputs: Record<string, HTMLInputElement | HTMLSelectElement> = {};
  private readonly methodButtons: Record<Method, HTMLButtonElement>;
  private readonly nystromSet: HTMLElement;
  private readonly performerSet: HTMLElement;
  private readonly inputSet: HTMLElement;
  private readonly customNote: HTMLElement;
  private readonly maps: Record<'exact' | 'approx' | 'diff', MapView>;
  private readonly readout: HTMLElement;
  private readonly formula: HTMLElement;
  private readonly values = new Map<string, HTMLElement>();
  private readonly valueRows = new Map<string, HTMLElement>();
  private readonly warningsList: HTMLUListElement;
  private readonly summary: HTMLElement;
  private readonly sweepBox: HTMLElement;
  private readonly sweepBusy: HTMLElement;
  private sweepChart: LineChart | null = null;
  private sweepChartKey = '';
  private readonly timingNote: HTMLElement;
  private readonly runButton: HTMLButtonElement;
  private readonly cancelButton: HTMLButtonElement;
  private readonly progress: HTMLProgressElement;
  private readonly timingStatusEl: HTMLElement;
  private readonly timingBox: HTMLElement;
  private timingChart: LineChart | null = null;
  private timingChartKey = '';
  private readonly timingTable: HTMLTableSectionElement;
  private readonly timingHead: HTMLTableRowElement;
  private timingTableWrap!: HTMLElement;
  private readonly crossoverEl: HTMLElement;

  constructor() {
    super(katexSheet(), sheet(chartCss), sheet(CSS));
    this.state = {
      n: 128, d: 32, structure: 'clustered', clusters: 8, seed: 1, method: 'nystrom', landmarks: 16, features: 64,
      pinv: 'iterative', iterations: 6, init: 'original', scale: true, q: null, k: null, v: null, timingMaxN: 4096, timingD: 64,
    };

    // ---- controls
    const label = (key: Key, control: HTMLElement) => {
      const text = h('span');
      this.labels.set(key, text);
      return h('label', {}, text, control);
    };
    const number = (attr: string, min: number, max: number) => {
      const el = h('input', { attrs: { type: 'number', min, max, step: 1, inputmode: 'numeric', 'data-attr': attr } });
      el.addEventListener('change', () => this.fromControl(attr, el.value));
      this.inputs[attr] = el;
      return el;
    };
    const select = (attr: string, options: [string, Key][]) => {
      const el = h('select', { attrs: { 'data-attr': attr } });
      for (const [value, key] of options) {
        const o = h('option', { attrs: { value } });
        this.optionLabels.push([o, key]);
        el.append(o);
      }
      el.addEventListener('change', () => this.fromControl(attr, el.value));
      this.inputs[attr] = el;
      return el;
    };
    const legendOf = (key: Key) => {
      const l = h('legend');
      this.labels.set(key, l);
      return l;
    };
    this.customNote = h('span', { class: 'custom-note' });
    this.inputSet = h(
      'fieldset',
      {},
      legendOf('inputs'),
      label('structure', select('structure', [['clustered', 'clustered'], ['random', 'random']])),
      label('n', number('n', 4, 512)),
      label('d', number('d', 1, 256)),
      label('seed', number('seed', 0, 2 ** 31 - 1)),
      this.customNote,
    );
    this.methodButtons = {} as Record<Method, HTMLButtonElement>;
    const methods = h('div', { class: 'methods', attrs: { role: 'group' } });
    for (const m of ['nystrom', 'performer', 'linear'] as Method[]) {
      const b = h('button', { attrs: { type: 'button', 'data-method': m, 'aria-pressed': 'false' } });
      b.addEventListener('click', () => this.setAttribute('method', m));
      this.methodButtons[m] = b;
      methods.append(b);
    }
    const methodSet = h('fieldset', {}, legendOf('method'), methods);
    this.nystromSet = h(
      'fieldset',
      {},
      legendOf('nystrom'),
      label('landmarks', number('landmarks', 1, 512)),
      label('pinv', select('pinv', [['iterative', 'iterative'], ['svd', 'svd']])),
      label('iterations', number('iterations', 0, 100)),
      label('init', select('init', [['original', 'original'], ['per-matrix', 'perMatrix']])),
    );
    this.performerSet = h('fieldset', {}, legendOf('performer'), label('features', number('features', 1, 4096)));
    const controls = h('div', { class: 'controls' }, this.inputSet, methodSet, this.nystromSet, this.performerSet);

    // ---- heatmaps
    const makeMap = (key: 'exact' | 'approx' | 'diff'): MapView => {
      const canvas = h('canvas', { attrs: { 'aria-hidden': 'true' } });
      const cursor = h('div', { class: 'cursor' });
      const box = h('div', { class: 'map', attrs: { tabindex: 0, role: 'img', 'data-map': key } }, canvas, cursor);
      const caption = h('figcaption');
      const scale = h('div', { class: 'scale' });
      const range = h('div', { class: 'range' });
      const figure = h('figure', {}, caption, box, scale, range);
      box.addEventListener('pointermove', (e) => this.pointAt(box, e));
      box.addEventListener('pointerdown', (e) => this.pointAt(box, e));
      box.addEventListener('keydown', (e) => this.onMapKey(e));
      return { figure, caption, box, canvas, cursor, scale, range };
    };
    this.maps = { exact: makeMap('exact'), approx: makeMap('approx'), diff: makeMap('diff') };
    this.maps.exact.scale.style.background = gradientCss('sequential');
    this.maps.approx.scale.style.background = gradientCss('sequential');
    this.maps.diff.scale.style.background = gradientCss('diverging');
    this.readout = h('p', { class: 'readout', attrs: { 'aria-live': 'polite' } });
    const hint = h('p', { class: 'hint' });
    this.labels.set('heatmapHint', hint);
    this.formula = h('div', { class: 'formula' });

    // ---- numbers
    const dl = h('dl');
    for (const key of ['outRel', 'matRel', 'matMax', 'rowSum', 'pinvRes', 'cond'] as Key[]) {
      const dt = h('dt');
      this.labels.set(key, dt);
      const dd = h('dd', { text: '—' });
      this.values.set(key, dd);
      const row = h('div', { class: 'row', attrs: { 'data-key': key } }, dt, dd);
      this.valueRows.set(key, row);
      dl.append(row);
    }
    this.warningsList = h('ul', { class: 'warnings' });
    this.summary = h('p', { class: 'visually-hidden', attrs: { 'aria-live': 'polite' } });

    // ---- sweep
    const sweepTitle = h('p', { class: 'title', attrs: { id: 'sweep-title' } });
    this.labels.set('sweepTitle', sweepTitle);
    const sweepNote = h('p', { class: 'note' });
    this.labels.set('sweepNote', sweepNote);
    this.sweepBox = h('div', { class: 'chart sweep-chart' });
    this.sweepBusy = h('p', { class: 'busy', attrs: { role: 'status' } });
    const sweep = h('section', { class: 'part sweep', attrs: { 'aria-labelledby': 'sweep-title' } }, sweepTitle, sweepNote, this.sweepBox, this.sweepBusy);

    // ---- timing
    const timingTitle = h('p', { class: 'title', attrs: { id: 'timing-title' } });
    this.labels.set('timingTitle', timingTitle);
    this.timingNote = h('p', { class: 'note' });
    this.runButton = h('button', { attrs: { type: 'button', 'data-action': 'run' } });
    this.cancelButton = h('button', { attrs: { type: 'button', 'data-action': 'cancel', disabled: true } });
    this.progress = h('progress', { attrs: { max: 1, value: 0, hidden: true } });
    this.timingStatusEl = h('span', { class: 'busy', attrs: { role: 'status', 'aria-live': 'polite' } });
    this.runButton.addEventListener('click', () => this.startTiming());
    this.cancelButton.addEventListener('click', () => this.stopTiming());
    this.timingBox = h('div', { class: 'chart timing-chart' });
    this.timingHead = h('tr');
    this.timingTable = h('tbody');
    const table = (this.timingTableWrap = h('div', { class: 'table-wrap', attrs: { hidden: true } }, h('table', { class: 'rates' }, h('thead', {}, this.timingHead), this.timingTable)));
    this.crossoverEl = h('p', { class: 'crossover', attrs: { 'aria-live': 'polite' } });
    const timing = h(
      'section',
      { class: 'part timing', attrs: { 'aria-labelledby': 'timing-title' } },
      timingTitle,
      this.timingNote,
      h('div', { class: 'timing-bar' }, this.runButton, this.cancelButton, this.progress, this.timingStatusEl),
      this.timingBox,
      table,
      this.crossoverEl,
    );

    const maps = h('div', { class: 'maps' }, this.maps.exact.figure, this.maps.approx.figure, this.maps.diff.figure);
    this.content.append(controls, this.formula, maps, this.readout, hint, dl, h('div', { attrs: { role: 'status' } }, this.warningsList), this.summary, sweep, timing);
  }

  // ---- public API ----

  /** The exact and approximate results shown (null before the first render or on invalid input). */
  get result(): AttentionView | null {
    return this.errors.size || this.computeError ? null : this.view;
  }

  // ---- lifecycle ----

  protected override connected(): void {
    ensureKatexFonts(this.ownerDocument);
    this.resizeObserver = new ResizeObserver(() => this.resizeCharts());
    this.resizeObserver.observe(this.content);
    this.loadApi();
  }

  protected override disconnected(): void {
    this.resizeObserver?.disconnect();
    this.resizeObserver = null;
    this.worker?.terminate();
    this.worker = null;
    this.cancelSweep = null;
    if (this.timingStatus.kind === 'running') this.timingStatus = { kind: 'cancelled' };
    this.sweepChart?.destroy();
    this.sweepChart = null;
    this.sweepChartKey = '';
    this.timingChart?.destroy();
    this.timingChart = null;
    this.timingChartKey = '';
    // A reconnected widget computes its sweep again.
    this.sweepId = 0;
    this.computed = 0;
  }

  protected override attributeChanged(name: string, value: string | null): void {
    const text = value ?? DEFAULTS[name] ?? '';
    const st = this.state;
    try {
      switch (name) {
        case 'n':
          st.n = parseInteger(text, 4, 512);
          break;
        case 'd':
          st.d = parseInteger(text, 1, 256);
          break;
        case 'clusters':
          st.clusters = parseInteger(text, 1, 512);
          break;
        case 'seed':
          st.seed = parseInteger(text, 0, Number.MAX_SAFE_INTEGER);
          break;
        case 'landmarks':
          st.landmarks = parseInteger(text, 1, 512);
          break;
        case 'features':
          st.features = parseInteger(text, 1, 4096);
          break;
        case 'iterations':
          st.iterations = parseInteger(text, 0, 100);
          break;
        case 'timing-max-n':
          st.timingMaxN = parseInteger(text, 256, 8192);
          break;
        case 'timing-d':
          st.timingD = parseInteger(text, 8, 256);
          break;
        case 'scale': {
          const t = text.trim();
          if (t === 'sqrt') st.scale = true;
          else if (t === 'none') st.scale = false;
          else {
            let x = NaN;
            try {
              x = parseNumber(t);
            } catch {
              /* reported below */
            }
            if (!(x > 0)) {
              this.errors.set(name, (lang) => fill(common[lang].attribute, { name, value: text, reason: S[lang].badScale }));
              this.changed();
              return;
            }
            st.scale = x;
          }
          break;
        }
        case 'q':
        case 'k':
        case 'v':
          st[name] = value === null ? null : parseMatrix(text);
          break;
        default:
          if (name in ENUMS) {
            const allowed = ENUMS[name];
            if (!allowed.includes(text)) {
              this.errors.set(name, (lang) =>
                fill(common[lang].attribute, { name, value: text, reason: fill(S[lang].badChoice, { values: allowed.join(', ') }) }),
              );
              this.changed();
              return;
            }
            (st as unknown as Record<string, string>)[name] = text;
          }
      }
      this.errors.delete(name);
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      this.errors.set(name, (lang) => fill(common[lang].attribute, { name, value: text, reason: e.describe(lang) }));
    }
    this.changed();
  }

  private fromControl(attr: string, value: string): void {
    this.setAttribute(attr, value.trim());
  }

  private changed(): void {
    this.version++;
    this.requestRender();
  }

  // ---- computing ----

  /** The inputs as the library takes them (custom matrices or a seeded sample). */
  private inputSpec(): InputSpec {
    const st = this.state;
    if (st.q && st.k && st.v) return { kind: 'given', q: st.q, k: st.k, v: st.v };
    return { kind: 'sample', n: st.n, d: st.d, structure: st.structure, seed: st.seed, clusters: Math.min(st.clusters, st.n) };
  }

  private compute(ml: MathLens): void {
    const st = this.state;
    const spec = this.inputSpec();
    const a = ml.attention;
    const x = spec.kind === 'given' ? spec : a.sampleInputs(spec.n, spec.d, { structure: spec.structure, seed: spec.seed, clusters: spec.clusters });
    const rows = spec.kind === 'given' ? st.q!.length : spec.n;
    if (rows > 512) throw new MathLensError(fill(S.en.sizeLimit, { n: rows }));
    const exact = a.exact(x.q, x.k, x.v, { scale: st.scale, matrix: true });
    let approx: AttentionResult | NystromResult;
    const common = { scale: st.scale, matrix: true, errors: true } as const;
    if (st.method === 'nystrom')
      approx = a.nystrom(x.q, x.k, x.v, { ...common, landmarks: st.landmarks, pinv: st.pinv, iterations: st.iterations, init: st.init });
    else if (st.method === 'performer') approx = a.performer(x.q, x.k, x.v, { ...common, features: st.features, seed: st.seed });
    else approx = a.linear(x.q, x.k, x.v, common);
    const p = exact.matrix!.data;
    const t = approx.matrix!.data;
    const diff = new Float64Array(p.length);
    for (let i = 0; i < p.length; i++) diff[i] = t[i] - p[i];
    this.view = { method: st.method, exact, approx };
    this.diff = diff;
    this.ranges = {
      seq: Math.max(quantile(p, 0.99), 1e-12),
      div: Math.max(...Array.from(diff, Math.abs), 1e-15),
    };
    const n = exact.matrix!.rows;
    this.cursor = { i: Math.min(this.cursor.i, n - 1), j: Math.min(this.cursor.j, exact.matrix!.cols - 1) };
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
        this.compute(this.ml);
        this.computeError = null;
      } catch (e) {
        if (!(e instanceof MathLensError)) throw e;
        this.view = null;
        this.computeError = e.message;
      }
    }
    if (this.computeError || !this.view) return this.showError(lang, [this.computeError ?? '']);
    this.showError(lang, null);
    this.syncControls(lang);
    if (fresh || langChanged) {
      this.drawMaps(lang);
      this.showNumbers(lang);
      renderTex(this.formula, TEX[this.state.method], true);
    }
    this.drawCursor(lang);
    if (fresh) this.scheduleSweep();
    this.drawSweep(lang);
    this.drawTiming(lang);
    if (fresh) this.dispatchEvent(new CustomEvent<AttentionView>('change', { detail: this.view, bubbles: true }));
  }

  private t(lang: Lang, key: Key, values: Record<string, string | number> = {}): string {
    return fill(S[lang][key], values);
  }

  private methodName(lang: Lang, m: Method | KernelName): string {
    return m === 'exact' ? S[lang].exactKernel : S[lang][m];
  }

  private applyLanguage(lang: Lang): void {
    for (const [key, el] of this.labels) setText(el, S[lang][key]);
    for (const [el, key] of this.optionLabels) setText(el, S[lang][key]);
    for (const m of ['nystrom', 'performer', 'linear'] as Method[]) setText(this.methodButtons[m], S[lang][m]);
    setText(this.runButton, S[lang].run);
    setText(this.cancelButton, S[lang].cancel);
    setText(this.customNote, S[lang].custom);
    this.maps.exact.box.setAttribute('aria-label', S[lang].exactTitle);
    this.maps.diff.box.setAttribute('aria-label', S[lang].diffTitle);
  }

  private syncControls(lang: Lang): void {
    const st = this.state;
    const custom = !!(st.q && st.k && st.v);
    const values: Record<string, string> = {
      structure: st.structure, n: String(custom ? st.q!.length : st.n), d: String(custom ? st.q![0]?.length ?? 0 : st.d),
      seed: String(st.seed), landmarks: String(st.landmarks), features: String(st.features), pinv: st.pinv,
      iterations: String(st.iterations), init: st.init,
    };
    for (const [attr, el] of Object.entries(this.inputs)) {
      if (this.shadow.activeElement !== el && el.value !== values[attr]) el.value = values[attr];
      if (attr === 'structure' || attr === 'n' || attr === 'd') el.disabled = custom;
    }
    this.customNote.hidden = !custom;
    for (const m of ['nystrom', 'performer', 'linear'] as Method[]) this.methodButtons[m].setAttribute('aria-pressed', String(st.method === m));
    this.nystromSet.hidden = st.method !== 'nystrom';
    this.performerSet.hidden = st.method !== 'performer';
    (this.inputs.iterations as HTMLInputElement).disabled = st.pinv === 'svd';
    (this.inputs.init as HTMLSelectElement).disabled = st.pinv === 'svd';
    setText(this.timingNote, this.t(lang, 'timingNote', { d: st.timingD, max: st.timingMaxN }));
  }

  private drawMaps(lang: Lang): void {
    const v = this.view!;
    const e = v.exact.matrix!;
    const method = this.methodName(lang, v.method);
    const fmt = (x: number) => formatNumber(x, 2);
    drawHeatmap(this.maps.exact.canvas, { rows: e.rows, cols: e.cols, data: e.data, min: 0, max: this.ranges.seq });
    drawHeatmap(this.maps.approx.canvas, { rows: e.rows, cols: e.cols, data: v.approx.matrix!.data, min: 0, max: this.ranges.seq });
    drawHeatmap(this.maps.diff.canvas, { rows: e.rows, cols: e.cols, data: this.diff!, scheme: 'diverging', min: -this.ranges.div, max: this.ranges.div });
    setText(this.maps.exact.caption, S[lang].exactTitle);
    setText(this.maps.approx.caption, this.t(lang, 'approxTitle', { method }));
    setText(this.maps.diff.caption, S[lang].diffTitle);
    this.maps.approx.box.setAttribute('aria-label', this.t(lang, 'approxTitle', { method }));
    setText(this.maps.exact.range, this.t(lang, 'rangeSeq', { max: fmt(this.ranges.seq) }));
    setText(this.maps.approx.range, this.t(lang, 'rangeSeq', { max: fmt(this.ranges.seq) }));
    setText(this.maps.diff.range, this.t(lang, 'rangeDiv', { max: fmt(this.ranges.div) }));
  }

  private showNumbers(lang: Lang): void {
    const v = this.view!;
    const err = v.approx.errors!;
    const set = (key: string, x: number | null) => setText(this.values.get(key)!, formatNumber(x, 4));
    set('outRel', err.outputRelativeFrobenius);
    set('matRel', err.matrixRelativeFrobenius);
    set('matMax', err.matrixMaxAbs);
    set('rowSum', err.rowSumDeviation);
    const ny = v.method === 'nystrom' ? (v.approx as NystromResult) : null;
    this.valueRows.get('pinvRes')!.hidden = !ny;
    this.valueRows.get('cond')!.hidden = !ny || !ny.kernelCondition;
    if (ny) {
      set('pinvRes', ny.pinvResidual[0]);
      if (ny.kernelCondition) set('cond', ny.kernelCondition[0]);
    }
    const w = v.approx.warnings.map((x) => (lang === 'zh' ? warningZh(x) : x));
    this.warningsList.replaceChildren(...w.map((x) => h('li', { text: x })));
    setText(
      this.summary,
      this.t(lang, 'summary', { method: this.methodName(lang, v.method), out: formatNumber(err.outputRelativeFrobenius, 3), mat: formatNumber(err.matrixRelativeFrobenius, 3) }),
    );
  }

  private drawCursor(lang: Lang): void {
    const v = this.view;
    if (!v) return;
    const m = v.exact.matrix!;
    const { i, j } = this.cursor;
    for (const map of Object.values(this.maps)) {
      const s = map.cursor.style;
      s.left = `${(100 * j) / m.cols}%`;
      s.top = `${(100 * i) / m.rows}%`;
      s.width = `${100 / m.cols}%`;
      s.height = `${100 / m.rows}%`;
    }
    const k = i * m.cols + j;
    const f = (x: number) => formatNumber(x, 4);
    setText(this.readout, this.t(lang, 'readout', { i, j, p: f(m.data[k]), a: f(v.approx.matrix!.data[k]), diff: f(this.diff![k]) }));
  }

  private pointAt(box: HTMLElement, e: PointerEvent): void {
    const v = this.view;
    if (!v) return;
    const r = box.getBoundingClientRect();
    const m = v.exact.matrix!;
    const j = Math.floor(((e.clientX - r.left) / r.width) * m.cols);
    const i = Math.floor(((e.clientY - r.top) / r.height) * m.rows);
    if (i < 0 || j < 0 || i >= m.rows || j >= m.cols) return;
    if (i !== this.cursor.i || j !== this.cursor.j) {
      this.cursor = { i, j };
      this.requestRender();
    }
  }

  private onMapKey(e: KeyboardEvent): void {
    const v = this.view;
    if (!v || e.altKey || e.ctrlKey || e.metaKey) return;
    const step = e.shiftKey ? 8 : 1;
    const d: Record<string, [number, number]> = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };
    const m = v.exact.matrix!;
    let { i, j } = this.cursor;
    if (d[e.key]) {
      i += d[e.key][0] * step;
      j += d[e.key][1] * step;
    } else if (e.key === 'Home') j = 0;
    else if (e.key === 'End') j = m.cols - 1;
    else return;
    e.preventDefault();
    this.cursor = { i: Math.max(0, Math.min(m.rows - 1, i)), j: Math.max(0, Math.min(m.cols - 1, j)) };
    this.requestRender();
  }

  // ---- the worker ----

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(new URL('./attention.worker.ts', import.meta.url), { type: 'module' });
    w.onmessage = (e: MessageEvent<WorkerMessage>) => this.onWorker(e.data);
    w.onerror = (e) => {
      e.preventDefault();
      this.onWorker({ type: 'error', id: -1, message: e.message || 'worker error' });
    };
    this.worker = w;
    return w;
  }

  private post(r: WorkerRequest): void {
    this.ensureWorker().postMessage(r);
  }

  private onWorker(m: WorkerMessage): void {
    if (m.type === 'ready') return;
    if (m.type === 'sweep') {
      if (m.id !== this.sweepId) return;
      this.sweepPoints = m.points;
      this.sweepLinear = m.linear;
      this.sweepDone = m.done;
    } else if (m.type === 'progress') {
      if (m.id !== this.timingId || this.timingStatus.kind !== 'running') return;
      this.timingStatus = { kind: 'running', done: m.done, total: m.total, kernel: m.kernel, n: m.n };
    } else if (m.type === 'timing-point') {
      if (m.id !== this.timingId) return;
      this.timingPoints.push(m.point);
    } else if (m.type === 'timing-done') {
      if (m.id !== this.timingId) return;
      this.timingStatus = { kind: 'done' };
    } else if (m.type === 'error') {
      if (m.id === this.sweepId || m.id === -1) {
        this.sweepError = m.message;
        this.sweepDone = true;
      }
      if ((m.id === this.timingId || m.id === -1) && this.timingStatus.kind === 'running')
        this.timingStatus = { kind: 'error', message: m.message };
    }
    this.requestRender();
  }

  private sweepValues(): number[] {
    const top = this.state.q ? this.state.q.length : this.state.n;
    const ms: number[] = [];
    for (let m = 2; m <= Math.min(top, 256); m *= 2) ms.push(m);
    return ms;
  }

  private scheduleSweep(): void {
    this.cancelSweep?.();
    this.cancelSweep = this.timer(() => {
      this.cancelSweep = null;
      const st = this.state;
      this.sweepId = ++this.requestId;
      this.sweepMs = this.sweepValues();
      this.sweepPoints = [];
      this.sweepLinear = null;
      this.sweepDone = false;
      this.sweepError = null;
      this.post({
        type: 'sweep', id: this.sweepId, inputs: this.inputSpec(), ms: this.sweepMs, scale: st.scale,
        iterations: st.iterations, init: st.init, seeds: 4,
      });
      this.requestRender();
    }, this.sweepId === 0 ? 0 : SETTLE_MS);
  }

  private chartWidth(box: HTMLElement): number {
    return Math.max(200, Math.floor(box.clientWidth || this.content.clientWidth || 600));
  }

  private drawSweep(lang: Lang): void {
    const ms = this.sweepMs;
    setText(this.sweepBusy, this.sweepError ? this.t(lang, 'workerFailed', { reason: this.sweepError }) : this.sweepDone ? '' : S[lang].sweepBusy);
    this.sweepBox.setAttribute('aria-busy', String(!this.sweepDone));
    if (!ms.length) return;
    const at = (f: (p: SweepPoint) => number | null) => ms.map((m) => {
      const p = this.sweepPoints.find((x) => x.m === m);
      return p ? f(p) : null;
    });
    const values = [
      at((p) => p.nystromIterative),
      at((p) => p.nystromSvd),
      at((p) => p.performer),
      ms.map(() => this.sweepLinear),
    ];
    const smallest = Math.min(...values.flat().filter((x): x is number => x !== null && x > 0), 1);
    const every = smallest < 1e-6 ? 3 : 1;
    const key = `${lang}|${ms.join(',')}|${this.state.iterations}|${every}`;
    if (!this.sweepChart || this.sweepChartKey !== key) {
      this.sweepChart?.destroy();
      this.sweepBox.replaceChildren();
      this.sweepChart = new LineChart(this.sweepBox, {
        x: ms,
        series: [
          { label: this.t(lang, 'nyIter', { k: this.state.iterations }), values: values[0], color: 'p' },
          { label: S[lang].nySvd, values: values[1], color: 'p', dash: [6, 4] },
          { label: S[lang].perf, values: values[2], color: COLORS.performer },
          { label: S[lang].lin, values: values[3], color: COLORS.linear, dash: [2, 3] },
        ],
        width: this.chartWidth(this.sweepBox),
        height: 240,
        logX: true,
        logY: true,
        xLabel: S[lang].sweepX,
        yLabel: S[lang].sweepY,
        yFormat: decadeLabel(every),
      });
      this.sweepChartKey = key;
    } else this.sweepChart.update(ms, values);
  }

  private startTiming(): void {
    const st = this.state;
    const ns: number[] = [];
    for (let n = 128; n <= st.timingMaxN; n *= 2) ns.push(n);
    if (ns[ns.length - 1] !== st.timingMaxN) ns.push(st.timingMaxN);
    this.timingId = ++this.requestId;
    this.timingPoints = [];
    this.timingParams = { ns, d: st.timingD, landmarks: 64, features: 256, iterations: 6 };
    this.timingStatus = { kind: 'running', done: 0, total: ns.length * 4, kernel: 'exact', n: ns[0] };
    this.post({ type: 'timing', id: this.timingId, ns, d: st.timingD, landmarks: 64, features: 256, iterations: 6, reps: 3, exactMaxN: 8192 });
    this.requestRender();
  }

  private stopTiming(): void {
    // A run in progress cannot be interrupted inside a wasm call: end the worker, start a fresh one later.
    this.worker?.terminate();
    this.worker = null;
    this.timingStatus = { kind: 'cancelled' };
    if (!this.sweepDone) this.sweepId = 0;
    this.requestRender();
    if (this.sweepId === 0 && this.view) this.scheduleSweep();
  }

  private drawTiming(lang: Lang): void {
    const ts = this.timingStatus;
    const running = ts.kind === 'running';
    this.runButton.disabled = running;
    this.cancelButton.disabled = !running;
    this.progress.hidden = !running;
    if (running) {
      this.progress.max = ts.total ?? 1;
      this.progress.value = ts.done ?? 0;
      setText(
        this.timingStatusEl,
        this.t(lang, 'running', { kernel: this.methodName(lang, ts.kernel ?? 'exact'), n: ts.n ?? 0, done: (ts.done ?? 0) + 1, total: ts.total ?? 0 }),
      );
    } else
      setText(
        this.timingStatusEl,
        ts.kind === 'done' ? S[lang].finished : ts.kind === 'cancelled' ? S[lang].cancelled : ts.kind === 'error' ? this.t(lang, 'workerFailed', { reason: ts.message ?? '' }) : '',
      );
    const p = this.timingParams;
    if (!p) return;
    const time = (kernel: KernelName, n: number) => this.timingPoints.find((x) => x.kernel === kernel && x.n === n)?.ms ?? null;
    const values = KERNELS.map((k) => p.ns.map((n) => time(k, n)));
    const method = this.state.method;
    const cost: Omit<CostParams, 'n'> = { d: p.d, landmarks: p.landmarks, features: p.features, iterations: p.iterations };
    const pred = predictedCrossover(this.ml!, method, cost);
    const table = new Map<number, { kernel?: number; exact?: number }>();
    for (const n of p.ns) table.set(n, { kernel: time(method, n) ?? undefined, exact: time('exact', n) ?? undefined });
    const meas = ts.kind === 'done' ? measuredCrossover(table) : null;
    const markers = [{ x: pred, label: this.t(lang, 'predicted', { n: Math.round(pred) }), color: 'muted' }];
    if (meas?.kind === 'at') {
      // Two labels close together would overprint: then one label carries both.
      const close = Math.abs(Math.log(meas.n / pred)) < Math.log(1.6);
      const measured = this.t(lang, 'measured', { n: Math.round(meas.n) });
      if (close) markers[0].label += ` · ${measured}`;
      markers.push({ x: meas.n, label: close ? '' : measured, color: 'accent' });
    }
    const key = `${lang}|${p.ns.join(',')}|${method}`;
    if (!this.timingChart || this.timingChartKey !== key) {
      this.timingChart?.destroy();
      this.timingBox.replaceChildren();
      this.timingChart = new LineChart(this.timingBox, {
        x: p.ns,
        series: KERNELS.map((k, i) => ({
          label: k === 'exact' ? S[lang].exactKernel : k === 'nystrom' ? `${S[lang].nystrom} (m = ${p.landmarks})` : k === 'performer' ? `${S[lang].performer} (m = ${p.features})` : S[lang].linear,
          values: values[i],
          color: COLORS[k],
        })),
        width: this.chartWidth(this.timingBox),
        height: 240,
        logX: true,
        logY: true,
        xLabel: S[lang].timeX,
        yLabel: S[lang].timeY,
        yFormat: decadeLabel(1),
        markers,
      });
      this.timingChartKey = key;
    } else this.timingChart.update(p.ns, values, markers);

    // Table: at the largest n measured for each kernel.
    this.timingHead.replaceChildren(
      h('th', { text: S[lang].kernel }),
      h('th', { text: 'n' }),
      h('th', { class: 'macs', text: S[lang].macs }),
      h('th', { text: S[lang].time }),
      h('th', { text: S[lang].rate }),
    );
    const rows: HTMLTableRowElement[] = [];
    for (const k of KERNELS) {
      const pts = this.timingPoints.filter((x) => x.kernel === k);
      if (!pts.length) continue;
      const last = pts.reduce((a, b) => (b.n > a.n ? b : a));
      const rate = last.macs / (last.ms * 1e-3);
      rows.push(
        h('tr', { attrs: { 'data-kernel': k } },
          h('td', { text: this.methodName(lang, k) }),
          h('td', { text: String(last.n) }),
          h('td', { class: 'macs', text: formatNumber(last.macs, 3) }),
          h('td', { text: `${formatNumber(last.ms, 3)} ms` }),
          h('td', { text: `${formatNumber(rate / 1e9, 3)} GMAC/s` }),
        ),
      );
    }
    this.timingTable.replaceChildren(...rows);
    this.timingTableWrap.hidden = rows.length === 0;
    const mName = this.methodName(lang, method);
    if (!meas) setText(this.crossoverEl, '');
    else if (meas.kind === 'at') setText(this.crossoverEl, this.t(lang, 'crossover', { method: mName, pred: Math.round(pred), meas: Math.round(meas.n) }));
    else if (meas.kind === 'below') setText(this.crossoverEl, this.t(lang, 'crossBelow', { method: mName, pred: Math.round(pred) }));
    else setText(this.crossoverEl, this.t(lang, 'crossAbove', { method: mName, pred: Math.round(pred), max: p.ns[p.ns.length - 1] }));
  }

  private resizeCharts(): void {
    this.sweepChart?.resize(this.chartWidth(this.sweepBox));
    this.timingChart?.resize(this.chartWidth(this.timingBox));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'mathlens-attention': MathLensAttention;
  }
}

if (!customElements.get('mathlens-attention')) customElements.define('mathlens-attention', MathLensAttention);
