/**
 * `<mathlens-repetition>`: how repetition-prone a bigram decoder is — the post kexue.fm/archives/8128
 * (spec/MATH.md §6). Edit a small transition matrix (3–8 tokens, rows kept stochastic with an EOS
 * column) or paste a text (character- or word-level bigram model), move the temperature, top-k and
 * top-p sliders, and read R = Tr(S(I − S)⁻¹) with its bracket (the best rigorous lower bound and
 * n ρ/(1 − ρ)), ρ(S), the post's ζ-heuristic (labelled as such), R against temperature, and a Monte
 * Carlo simulation that counts repeated loops in sampled sequences.
 *
 * ```html
 * <mathlens-repetition matrix="0.5 0.3 0.1; 0.2 0.2 0.5; 0.4 0.4 0.1" top-k="2" lang="zh"></mathlens-repetition>
 * <mathlens-repetition mode="text" level="word">北京大学的学生在北京大学学习。</mathlens-repetition>
 * ```
 * Attributes: `mode` (matrix | text), `matrix` (rows separated by ';': the n×n non-EOS block, rows
 * summing to ≤ 1, or n×(n+1) full rows with EOS last; 3 ≤ n ≤ 8), `temperature` (default 1), `top-k`
 * (0 = off), `top-p` (1 = off), `greedy` (present = on), `text` (else the element's text content, else a
 * sample), `level` (char | word), `smoothing` (add-k, default 0), `samples` (Monte Carlo, default
 * 20000), `seed` (default 1), `lang` (en | zh), `theme` (light | dark).
 * Properties `matrix`, `text`; read-only `analysis`, `simulation`; event `change` (detail: the analysis).
 * Text models are built and analysed in a module Worker, with progress.
 * @module
 */
import {
  MathLensError,
  type MathLens,
  type RepetitionAnalysis,
  type RepetitionSimulation,
  type TemperatureSweep,
} from '../index.js';
import { MathLensElement } from './ui/base.js';
import { chartCss, LineChart } from './ui/chart.js';
import { h, setText } from './ui/dom.js';
import { formatCompact, formatNumber } from './ui/format.js';
import { colorAt } from './ui/heatmap.js';
import { common, defineStrings, fill, type Lang } from './ui/i18n.js';
import { ensureKatexFonts, katexSheet, renderTex } from './ui/katex.js';
import { ParseError, parseInteger, parseNumber, parseNumbers } from './ui/parse.js';
import { svg } from './ui/svg.js';
import { sheet } from './ui/theme.js';
import type { ProneToken, TextReport, TextReportOptions } from './repetition.worker.js';

export type { ProneToken, TextReport, TextReportOptions } from './repetition.worker.js';

// ---------------------------------------------------------------------------------------------------
// The worker client (also usable on its own, e.g. for the demo's n = 2000 analysis)

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void; progress?: (f: number, s: string) => void };

/**
 * Runs ml.repetition functions in a module Worker: `call('analyze', [P, options], onProgress)`.
 * `textReport(text, options, onProgress)` builds, analyses, sweeps and simulates a text model in one go.
 * `terminate()` stops it (pending calls reject).
 */
export class RepetitionWorkerClient {
  private worker: Worker | null = null;
  private next = 1;
  private readonly pending = new Map<number, Pending>();

  private start(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(new URL('./repetition.worker.ts', import.meta.url), { type: 'module' });
    w.onmessage = (e: MessageEvent) => {
      const m = e.data as { id: number; type: string; value?: unknown; fraction?: number; stage?: string; name?: string; message?: string };
      const p = this.pending.get(m.id);
      if (!p) return;
      if (m.type === 'progress') p.progress?.(m.fraction ?? 0, m.stage ?? '');
      else {
        this.pending.delete(m.id);
        if (m.type === 'result') p.resolve(m.value);
        else p.reject(m.name === 'MathLensError' ? new MathLensError(m.message ?? '') : new Error(m.message));
      }
    };
    w.onerror = (e) => {
      for (const p of this.pending.values()) p.reject(new Error(e.message || 'worker failed'));
      this.pending.clear();
    };
    this.worker = w;
    return w;
  }

  /**
   * Runs `ml.repetition[method](...args)` in the worker (analyze, simulate, sweep, rate, fromText,
   * transform, tokenize); `progress` receives the fraction done and the stage. Rejects with the
   * worker's error message.
   */
  call<T>(method: string, args: unknown[], progress?: (fraction: number, stage: string) => void, transfer: Transferable[] = []): Promise<T> {
    const w = this.start();
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, progress });
      w.postMessage({ id, method, args }, transfer);
    });
  }

  /** Builds the text's bigram model and analyses, sweeps and simulates it in the worker ({@link TextReport}). */
  textReport(text: string, options: TextReportOptions, progress?: (fraction: number, stage: string) => void): Promise<TextReport> {
    return this.call<TextReport>('textReport', [text, options], progress);
  }

  /** Stops the worker; pending calls reject. The next call starts a new one. */
  terminate(): void {
    this.worker?.terminate();
    this.worker = null;
    for (const p of this.pending.values()) p.reject(new Error('cancelled'));
    this.pending.clear();
  }
}

// ---------------------------------------------------------------------------------------------------

type Mode = 'matrix' | 'text';
type Level = 'char' | 'word';

const DEFAULT_MATRIX = '0.5 0.3 0.1; 0.2 0.2 0.5; 0.4 0.4 0.1';
const SAMPLE_TEXT = {
  zh:
    '自然语言生成的模型在解码的时候经常会出现重复的现象。比如说，模型生成了一个句子之后，又把这个句子重复了一遍，然后再重复一遍，一直到达到最大长度为止。' +
    '这种现象在贪心搜索和束搜索中尤其常见，而在随机采样中就少得多。为什么会这样呢？一个简单的解释是，解码器在某种程度上退化成了一个二元语法模型，' +
    '也就是说下一个词的概率只依赖于上一个词。在这种情况下，我们可以把解码过程看成一个马尔可夫链，然后计算它陷入循环的概率。' +
    '如果转移矩阵的每一行都很尖锐，也就是说某个词后面几乎总是跟着同一个词，那么陷入循环的概率就很大。反过来，如果每一行都比较平坦，那么重复的概率就比较小。' +
    '这也解释了为什么以词为单位的模型比以字为单位的模型更不容易重复：像忐忑、琵琶、葡萄这样的词，在字的层面上几乎是确定的转移，而在词的层面上它们只是一个词。',
  en:
    'Language models often repeat themselves when they decode. The model writes a sentence, then writes the same sentence again, and again, ' +
    'until it reaches the length limit. This happens most with greedy search and beam search, and much less with random sampling. ' +
    'One simple explanation is that the decoder behaves like a bigram model: the next word depends only on the previous word. ' +
    'Then decoding is a Markov chain, and we can compute the chance that it falls into a loop. If every row of the transition matrix is sharp, ' +
    'so that a word is almost always followed by the same word, the chance of a loop is high. If the rows are flat, the chance is low.',
};
const MC_DEFAULT = 20000;
const MC_MAX = 1_000_000;
const SETTLE_MS = 150;
const TEXT_SETTLE_MS = 450;
/** 61 temperatures from 0.1 to 10, evenly on a log scale (the chart's x). */
const CHART_T = Array.from({ length: 61 }, (_, i) => 10 ** (-1 + i / 30));

const S = defineStrings({
  en: {
    modeMatrix: 'Transition matrix',
    modeText: 'From a text',
    modes: 'Input',
    editor: 'Transition probabilities P(next | current); each row sums to 1 with its EOS column',
    token: 'w{i}',
    eos: 'EOS',
    cell: 'P({to} | {from})',
    addState: 'Add a token',
    removeState: 'Remove the last token',
    decoded: 'After decoding',
    decoding: 'Decoding strategy',
    temperature: 'Temperature t = {t}',
    topK: 'Top-k: {k}',
    topP: 'Top-p: {p}',
    off: 'off',
    greedy: 'Greedy (argmax)',
    textLabel: 'Text (sentences end with EOS)',
    level: 'Tokens',
    char: 'Characters',
    word: 'Words',
    smoothing: 'Add-k smoothing k',
    textStats: '{n} distinct tokens, {tokens} tokens in {sentences} sentences ({tokenizer})',
    segmenter: 'Intl.Segmenter',
    whitespace: 'whitespace',
    prone: 'Most repetition-prone tokens (largest Σⱼ Pᵢⱼ²)',
    proneHead: 'token|most likely next|P(next)|Σⱼ Pᵢⱼ²',
    analysing: 'Analysing… {p}% ({stage})',
    numbers: 'Repetition of this decoder',
    rate: 'Repetition rate R',
    rateDivergent: 'R = ∞: the decoder loops forever on {cycle} (P = 1 along the loop, so ρ(S) = 1)',
    perStart: 'R per start token, R/n',
    rho: 'Spectral radius ρ(S)',
    rhoNote: 'proven bracket [{lo}, {hi}]; row sums of S give [{plo}, {phi}]',
    upper: 'Upper bound n ρ/(1 − ρ)',
    lower: 'Best rigorous lower bound ({name})',
    heuristic: 'The post’s ζ-estimate (not a bound)',
    legendBracket: 'rigorous lower bound to n ρ/(1 − ρ)',
    legendHeuristic: 'the ζ-estimate',
    zeta: 'ζ, fraction of nonzero transitions',
    arp: 'Fu et al.’s ARP (Definition 2.2) and Theorem 1’s bound',
    mc: 'Monte Carlo: repeated loops counted in {n} sampled sequences (k ≤ {k})',
    mcAgree: 'closed form R_K = {exact}; difference {z} standard errors',
    mcTail: 'the exact R_K is not computed for this size; R − R_K ≤ {tail}',
    bracket: 'R between its bounds (log scale)',
    chart: 'R against temperature',
    chartX: 'temperature t',
    seriesR: 'R',
    seriesUpper: 'n ρ/(1 − ρ)',
    now: 't = {t}',
    where: 'with',
    summary: 'R = {r}, ρ(S) = {rho}, between {lo} and {hi}.',
    badMatrix: 'expected 3 to 8 rows separated by “;”, each with n numbers (the block) or n + 1 (with EOS), such as “{example}”',
    badRange: 'expected a number from {min} to {max}',
    badMode: 'expected “matrix” or “text”',
    badLevel: 'expected “char” or “word”',
  },
  zh: {
    modeMatrix: '转移矩阵',
    modeText: '从文本构建',
    modes: '输入方式',
    editor: '转移概率 P(下一个 | 当前)；每行连同 EOS 一列之和为 1',
    token: 'w{i}',
    eos: 'EOS',
    cell: 'P({to} | {from})',
    addState: '增加一个词',
    removeState: '去掉最后一个词',
    decoded: '解码之后',
    decoding: '解码策略',
    temperature: '温度 t = {t}',
    topK: 'Top-k：{k}',
    topP: 'Top-p：{p}',
    off: '关闭',
    greedy: '贪心（argmax）',
    textLabel: '文本（每句以 EOS 结束）',
    level: '切分粒度',
    char: '字',
    word: '词',
    smoothing: '加 k 平滑的 k',
    textStats: '共 {n} 个不同的 token，{sentences} 句话里有 {tokens} 个 token（{tokenizer}）',
    segmenter: 'Intl.Segmenter 分词',
    whitespace: '按空白切分',
    prone: '最容易引起重复的 token（Σⱼ Pᵢⱼ² 最大）',
    proneHead: 'token|最可能的下一个|P(下一个)|Σⱼ Pᵢⱼ²',
    analysing: '分析中… {p}%（{stage}）',
    numbers: '这个解码器的重复程度',
    rate: '重复率 R',
    rateDivergent: 'R = ∞：解码器在 {cycle} 上无限循环（沿这个环 P = 1，所以 ρ(S) = 1）',
    perStart: '平均每个起始词的 R，即 R/n',
    rho: '谱半径 ρ(S)',
    rhoNote: '严格的区间 [{lo}, {hi}]；S 的行和给出 [{plo}, {phi}]',
    upper: '上界 n ρ/(1 − ρ)',
    lower: '最好的严格下界（{name}）',
    heuristic: '原文基于 ζ 的估计（不是界）',
    legendBracket: '严格下界到 n ρ/(1 − ρ)',
    legendHeuristic: 'ζ 估计',
    zeta: 'ζ：非零转移的比例',
    arp: 'Fu 等人的 ARP（定义 2.2）与定理 1 的上界',
    mc: '蒙特卡洛：在 {n} 条采样序列里数重复的环（k ≤ {k}）',
    mcAgree: '解析值 R_K = {exact}；相差 {z} 个标准误',
    mcTail: '这个规模下不计算精确的 R_K；R − R_K ≤ {tail}',
    bracket: 'R 与它的上下界（对数坐标）',
    chart: 'R 随温度的变化',
    chartX: '温度 t',
    seriesR: 'R',
    seriesUpper: 'n ρ/(1 − ρ)',
    now: 't = {t}',
    where: '其中',
    summary: 'R = {r}，ρ(S) = {rho}，介于 {lo} 与 {hi} 之间。',
    badMatrix: '应为 3 到 8 行、以“;”分隔，每行 n 个数（不含 EOS）或 n + 1 个数（含 EOS），例如“{example}”',
    badRange: '应为 {min} 到 {max} 之间的数',
    badMode: '应为“matrix”或“text”',
    badLevel: '应为“char”或“word”',
  },
});
type Key = keyof (typeof S)['en'];

const TEX_R = String.raw`R=\sum_{k\ge1}\operatorname{Tr}(S^k)=\operatorname{Tr}\big(S(I-S)^{-1}\big)=\sum_i\frac{\lambda_i}{1-\lambda_i},\quad S=P\circ P`;
const TEX_RHO = String.raw`\min_i\textstyle\sum_j P_{ij}^2\le\rho(S)\le\max_i\sum_j P_{ij}^2`;
const TEX_UPPER = String.raw`R\le\frac{n\,\rho(S)}{1-\rho(S)}`;
const TEX_LOWER = String.raw`\operatorname{Tr}(S^k)\ge\frac{\operatorname{Tr}(P^k\circ P^k)}{n^{k-1}}\ge\frac{(\operatorname{Tr}P^k)^2}{n^k}`;
const TEX_HEUR = String.raw`R\gtrsim\sum_k\frac{(\operatorname{Tr}P^k)^2}{\zeta^k n^k}`;
const TEX_ARP = String.raw`\mathrm{ARP}=\operatorname{tr}\big(B^2(\zeta nI-B^2)^{-1}\big)\le\frac{\Vert B^2\Vert_*}{\sigma_{\min}(\zeta nI-B^2)}`;

const LOWER_NAMES: Record<string, { en: string; zh: string }> = {
  count: { en: 'Σ (Tr Pᵏ)²/N_k', zh: 'Σ (Tr Pᵏ)²/N_k' },
  power: { en: 'Σ (Tr Pᵏ)²/nᵏ', zh: 'Σ (Tr Pᵏ)²/nᵏ' },
  'per-node': { en: 'Σ Tr(Pᵏ∘Pᵏ)/nᵏ⁻¹', zh: 'Σ Tr(Pᵏ∘Pᵏ)/nᵏ⁻¹' },
  'per-node-count': { en: 'Σₖ Σᵢ ((Pᵏ)ᵢᵢ)²/(Bᵏ)ᵢᵢ', zh: 'Σₖ Σᵢ ((Pᵏ)ᵢᵢ)²/(Bᵏ)ᵢᵢ' },
};

const CSS = `
.tabs { display: flex; gap: 6px; flex-wrap: wrap; margin-bottom: 10px; }
.tabs button, .small { font: inherit; border: 1px solid var(--border); background: var(--surface); color: var(--fg);
  border-radius: 999px; padding: 4px 12px; cursor: pointer; }
.tabs button[aria-pressed="true"] { background: var(--accent); border-color: var(--accent); color: var(--bg); }
.small { border-radius: 6px; padding: 2px 10px; font-size: 0.9em; }
.layout { display: grid; gap: 16px; grid-template-columns: minmax(0, 1fr); }
@container (min-width: 760px) { .layout { grid-template-columns: minmax(0, 1fr) minmax(0, 1.05fr); align-items: start; } }
.card { background: var(--surface); border-radius: calc(var(--radius) - 4px); padding: 10px; }
.card h3 { margin: 0 0 6px; font-size: 0.95em; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th { font-weight: 600; font-size: 0.85em; color: var(--muted); padding: 2px 4px; text-align: center; white-space: nowrap; }
td { padding: 1px 2px; text-align: center; }
td input { width: 4.2em; font: inherit; font-size: 0.9em; padding: 2px 3px; border: 1px solid var(--border);
  border-radius: 4px; background: var(--bg); color: var(--fg); text-align: right; }
td.eos input { border-style: dashed; }
.decoded td { min-width: 3.4em; font-size: 0.85em; border-radius: 3px; }
.row-buttons { display: flex; gap: 6px; margin-top: 6px; flex-wrap: wrap; }
.controls { display: grid; gap: 6px; margin-top: 10px; }
.controls label { display: grid; grid-template-columns: minmax(8.5em, auto) 1fr; gap: 8px; align-items: center; font-size: 0.92em; }
.controls label.check { display: flex; }
input[type="range"] { width: 100%; accent-color: var(--accent); }
textarea { width: 100%; min-height: 7em; font: inherit; padding: 6px; border: 1px solid var(--border); border-radius: 6px;
  background: var(--bg); color: var(--fg); resize: vertical; }
.text-options { display: flex; gap: 12px; flex-wrap: wrap; align-items: center; margin-top: 6px; font-size: 0.92em; }
.text-options input[type="number"] { width: 5em; font: inherit; }
select { font: inherit; }
.stats { font-size: 0.88em; color: var(--muted); margin: 6px 0 0; }
.progress { height: 6px; background: var(--border); border-radius: 3px; overflow: hidden; margin-top: 6px; }
.progress > div { height: 100%; background: var(--accent); width: 0; transition: width 0.15s; }
.prone { font-size: 0.88em; margin-top: 8px; }
.prone td, .prone th { padding: 2px 6px; text-align: left; }
dl { margin: 0; display: grid; gap: 6px; }
.row { display: grid; grid-template-columns: minmax(0, 1fr) auto; column-gap: 12px; align-items: baseline;
  padding: 6px 10px; background: var(--surface); border-radius: calc(var(--radius) - 4px); }
.row.main .value { font-size: 1.35em; color: var(--accent); }
dt { font-weight: 600; }
dd { margin: 0; }
.value { font-variant-numeric: tabular-nums; font-weight: 600; text-align: right; white-space: nowrap; }
@container (max-width: 420px) { .row { grid-template-columns: minmax(0, 1fr); } .value { text-align: left; } }
.formula { grid-column: 1 / -1; overflow-x: auto; overflow-y: hidden; font-size: 0.86em; padding-top: 2px; }
.note { grid-column: 1 / -1; font-size: 0.85em; color: var(--muted); overflow-wrap: anywhere; }
.tag { font-size: 0.75em; font-weight: 600; border-radius: 4px; padding: 0 5px; margin-left: 6px; vertical-align: 1px; }
.tag { color: var(--fg); border: 1.5px solid; }
.tag.heuristic { border-color: var(--q); }
.tag.rigorous { border-color: var(--accent); }
.divergent { color: var(--error-fg); font-weight: 600; }
svg.bracket { display: block; width: 100%; height: auto; }
.bracket .axis { stroke: var(--axis); stroke-width: 1; }
.bracket .span { stroke: var(--accent); stroke-width: 6; stroke-linecap: round; stroke-opacity: 0.35; }
.bracket .r { fill: var(--accent); }
.bracket .heur { fill: none; stroke: var(--q); stroke-width: 2; }
.bracket text { fill: var(--muted); font-size: 11px; font-family: var(--font); }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 0.82em; color: var(--muted); margin-top: 2px; }
.legend i { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 4px; vertical-align: -1px; }
.legend .k-r { background: var(--accent); }
.legend .k-h { border: 2px solid var(--q); }
.legend .k-b { width: 18px; height: 6px; border-radius: 3px; background: color-mix(in srgb, var(--accent) 35%, transparent); }
.chart { min-height: 200px; }
.left > .card + .card { margin-top: 10px; }
.mc.stale .value { opacity: 0.45; }
.warnings { margin: 8px 0 0; padding: 0; list-style: none; font-size: 0.88em; color: var(--error-fg); }
`;

/** The `<mathlens-repetition>` element (see the module documentation for its attributes). */
export class MathLensRepetition extends MathLensElement {
  static observedAttributes = [
    ...MathLensElement.observedAttributes,
    'mode', 'matrix', 'temperature', 'top-k', 'top-p', 'greedy', 'text', 'level', 'smoothing', 'samples', 'seed',
  ];

  private readonly errors = new Map<string, (lang: Lang) => string>();
  // state
  private mode: Mode = 'matrix';
  private source: number[][] = [];
  private temperature = 1;
  private topK = 0;
  private topP = 1;
  private greedy = false;
  private textValue: string | null = null;
  private level: Level = 'char';
  private smoothing = 0;
  private samples = MC_DEFAULT;
  private seed = 1;
  private version = 1;
  private computed = 0;
  // results
  private result: RepetitionAnalysis | null = null;
  private sweepResult: TemperatureSweep | null = null;
  private computeError: string | null = null;
  private sim: RepetitionSimulation | null = null;
  private simVersion = 0;
  private cancelSim: (() => void) | null = null;
  private report: TextReport | null = null;
  private reportVersion = 0;
  private cancelText: (() => void) | null = null;
  private client: RepetitionWorkerClient | null = null;
  private chart: LineChart | null = null;
  private resize: ResizeObserver | null = null;
  private textBusy = false;

  // DOM
  private readonly tabMatrix: HTMLButtonElement;
  private readonly tabText: HTMLButtonElement;
  private readonly matrixPane: HTMLElement;
  private readonly textPane: HTMLElement;
  private readonly editor: HTMLTableElement;
  private readonly decodedTable: HTMLTableElement;
  private readonly addButton: HTMLButtonElement;
  private readonly removeButton: HTMLButtonElement;
  private readonly textArea: HTMLTextAreaElement;
  private readonly levelSelect: HTMLSelectElement;
  private readonly smoothingInput: HTMLInputElement;
  private readonly stats: HTMLElement;
  private readonly progressBar: HTMLElement;
  private readonly progressText: HTMLElement;
  private readonly proneBox: HTMLElement;
  private readonly tInput: HTMLInputElement;
  private readonly kInput: HTMLInputElement;
  private readonly pInput: HTMLInputElement;
  private readonly gInput: HTMLInputElement;
  private readonly labels = new Map<Key, HTMLElement>();
  private readonly values = new Map<string, HTMLElement>();
  private readonly notes = new Map<string, HTMLElement>();
  private readonly bracketSvg: SVGSVGElement;
  private readonly chartBox: HTMLElement;
  private readonly mcRow: HTMLElement;
  private readonly warnings: HTMLUListElement;
  private readonly summary: HTMLElement;
  private readonly numbersList: HTMLElement;
  private readonly texts: [HTMLElement, Key][] = [];

  constructor() {
    super(katexSheet(), sheet(chartCss), sheet(CSS));
    this.source = parseMatrixText(DEFAULT_MATRIX);
    const label = (key: Key, tag: keyof HTMLElementTagNameMap = 'span') => {
      const el = h(tag as 'span');
      this.texts.push([el, key]);
      return el;
    };

    // Mode tabs
    this.tabMatrix = h('button', { attrs: { type: 'button', 'data-mode': 'matrix' } });
    this.tabText = h('button', { attrs: { type: 'button', 'data-mode': 'text' } });
    this.texts.push([this.tabMatrix, 'modeMatrix'], [this.tabText, 'modeText']);
    const tabs = h('div', { class: 'tabs', attrs: { role: 'group' } }, this.tabMatrix, this.tabText);
    this.tabMatrix.addEventListener('click', () => this.setMode('matrix'));
    this.tabText.addEventListener('click', () => this.setMode('text'));

    // Matrix pane
    this.editor = h('table', { class: 'editor' });
    this.decodedTable = h('table', { class: 'decoded' });
    this.addButton = h('button', { class: 'small', attrs: { type: 'button', 'data-action': 'add' }, text: '+' });
    this.removeButton = h('button', { class: 'small', attrs: { type: 'button', 'data-action': 'remove' }, text: '−' });
    this.addButton.addEventListener('click', () => this.resizeMatrix(+1));
    this.removeButton.addEventListener('click', () => this.resizeMatrix(-1));
    const editorCaption = label('editor', 'p');
    editorCaption.className = 'stats';
    this.matrixPane = h(
      'div',
      { class: 'card matrix-pane' },
      h('div', { class: 'scroll' }, this.editor),
      editorCaption,
      h('div', { class: 'row-buttons' }, this.addButton, this.removeButton),
      h('h3', {}, label('decoded')),
      h('div', { class: 'scroll' }, this.decodedTable),
    );
    this.editor.addEventListener('change', (e) => this.onCellChange(e));

    // Text pane
    this.textArea = h('textarea', { attrs: { spellcheck: 'false', rows: 6 } });
    this.textArea.addEventListener('input', () => {
      this.textValue = this.textArea.value;
      this.changed();
    });
    this.levelSelect = h('select', {}, h('option', { attrs: { value: 'char' } }), h('option', { attrs: { value: 'word' } }));
    this.levelSelect.addEventListener('change', () => {
      this.level = this.levelSelect.value === 'word' ? 'word' : 'char';
      this.changed();
    });
    this.smoothingInput = h('input', { attrs: { type: 'number', min: 0, max: 10, step: 0.01, value: 0 } });
    this.smoothingInput.addEventListener('change', () => {
      const v = Number(this.smoothingInput.value);
      this.smoothing = Number.isFinite(v) && v >= 0 ? v : 0;
      this.changed();
    });
    this.stats = h('p', { class: 'stats', attrs: { role: 'status' } });
    this.progressBar = h('div');
    this.progressText = h('p', { class: 'stats', attrs: { 'aria-live': 'polite' } });
    this.proneBox = h('div', { class: 'prone scroll' });
    const textLabel = label('textLabel');
    this.textPane = h(
      'div',
      { class: 'card text-pane' },
      h('label', {}, textLabel, this.textArea),
      h(
        'div',
        { class: 'text-options' },
        h('label', {}, label('level'), ' ', this.levelSelect),
        h('label', {}, label('smoothing'), ' ', this.smoothingInput),
      ),
      h('div', { class: 'progress', attrs: { 'aria-hidden': 'true' } }, this.progressBar),
      this.progressText,
      this.stats,
      this.proneBox,
    );

    // Decoding controls
    this.tInput = h('input', { attrs: { type: 'range', min: -1, max: 1, step: 0.01, value: 0, 'data-control': 'temperature' } });
    this.kInput = h('input', { attrs: { type: 'range', min: 0, max: 4, step: 1, value: 0, 'data-control': 'top-k' } });
    this.pInput = h('input', { attrs: { type: 'range', min: 0.05, max: 1, step: 0.01, value: 1, 'data-control': 'top-p' } });
    this.gInput = h('input', { attrs: { type: 'checkbox', 'data-control': 'greedy' } });
    this.tInput.addEventListener('input', () => {
      this.temperature = Number(formatCompact(10 ** Number(this.tInput.value), 3));
      this.changed();
    });
    this.kInput.addEventListener('input', () => {
      this.topK = Number(this.kInput.value);
      this.changed();
    });
    this.pInput.addEventListener('input', () => {
      this.topP = Number(this.pInput.value);
      this.changed();
    });
    this.gInput.addEventListener('change', () => {
      this.greedy = this.gInput.checked;
      this.changed();
    });
    const tLabel = h('span');
    const kLabel = h('span');
    const pLabel = h('span');
    this.values.set('tLabel', tLabel);
    this.values.set('kLabel', kLabel);
    this.values.set('pLabel', pLabel);
    const controls = h(
      'div',
      { class: 'controls card' },
      h('h3', {}, label('decoding')),
      h('label', {}, tLabel, this.tInput),
      h('label', {}, kLabel, this.kInput),
      h('label', {}, pLabel, this.pInput),
      h('label', { class: 'check' }, this.gInput, label('greedy')),
    );

    // Numbers
    this.numbersList = h('dl', { class: 'numbers' });
    const row = (key: string, labelKey: Key, tex?: string, extra = '') => {
      const text = label(labelKey);
      const dt = h('dt', {}, text);
      const value = h('dd', { class: 'value', text: '—' });
      const note = h('dd', { class: 'note' });
      note.hidden = true;
      const div = h('div', { class: `row ${extra}`, attrs: { 'data-key': key } }, dt, value);
      if (tex) {
        const f = h('dd', { class: 'formula' });
        renderTex(f, tex);
        div.append(f);
      }
      div.append(note);
      this.labels.set(labelKey, text);
      this.values.set(key, value);
      this.notes.set(key, note);
      this.numbersList.append(div);
      return div;
    };
    row('rate', 'rate', TEX_R, 'main');
    row('perStart', 'perStart');
    row('rho', 'rho', TEX_RHO);
    row('upper', 'upper', TEX_UPPER);
    row('lower', 'lower', TEX_LOWER);
    row('heuristic', 'heuristic', TEX_HEUR);
    row('zeta', 'zeta');
    row('arp', 'arp', TEX_ARP);
    // tags: rigorous / heuristic
    const tagRig = h('span', { class: 'tag rigorous', text: 'rigorous' });
    const tagHeu = h('span', { class: 'tag heuristic', text: 'heuristic' });
    this.values.set('tagRigorous', tagRig);
    this.values.set('tagHeuristic', tagHeu);
    this.labels.get('lower')!.after(tagRig);
    this.labels.get('heuristic')!.after(tagHeu);

    this.bracketSvg = svg('svg', { class: 'bracket', viewBox: '0 0 400 58', role: 'img' });
    const key = (cls: string, k: Key) => h('span', {}, h('i', { class: cls, attrs: { 'aria-hidden': 'true' } }), label(k));
    const bracketBox = h(
      'div',
      { class: 'card' },
      h('h3', {}, label('bracket')),
      this.bracketSvg,
      h('div', { class: 'legend' }, key('k-r', 'seriesR'), key('k-b', 'legendBracket'), key('k-h', 'legendHeuristic')),
    );

    const mcValue = h('dd', { class: 'value', text: '…' });
    const mcNote = h('dd', { class: 'note' });
    const mcLabel = h('dt');
    this.values.set('mc', mcValue);
    this.notes.set('mc', mcNote);
    this.values.set('mcLabel', mcLabel);
    this.mcRow = h('dl', { class: 'mc stale' }, h('div', { class: 'row', attrs: { 'data-key': 'mc' } }, mcLabel, mcValue, mcNote));

    this.chartBox = h('div', { class: 'chart' });
    const chartCard = h('div', { class: 'card' }, h('h3', {}, label('chart')), this.chartBox);
    this.warnings = h('ul', { class: 'warnings' });
    this.summary = h('p', { class: 'visually-hidden', attrs: { 'aria-live': 'polite' } });

    const left = h('div', { class: 'left' }, this.matrixPane, this.textPane, controls, chartCard);
    const right = h('section', { class: 'panel' }, this.numbersList, bracketBox, this.mcRow, h('div', { attrs: { role: 'status' } }, this.warnings), this.summary);
    this.content.append(tabs, h('div', { class: 'layout' }, left, right));
  }

  // ---- public API ----

  /** The input matrix as given (block or full rows). Setting it switches to matrix mode. */
  get matrix(): number[][] {
    return this.source.map((r) => [...r]);
  }
  set matrix(value: ArrayLike<ArrayLike<number>>) {
    try {
      const rows = Array.from(value ?? [], (r) => Array.from(r ?? [], (x) => (typeof x === 'number' && Number.isFinite(x) ? x : parseNumber(String(x)))));
      checkShape(rows);
      this.source = rows;
      this.errors.delete('matrix');
      this.errors.delete('property matrix');
      this.mode = 'matrix';
    } catch (e) {
      if (!(e instanceof ParseError || e instanceof ShapeError)) throw e;
      this.errors.set('property matrix', (lang) => fill(common[lang].property, { name: 'matrix', reason: describe(e, lang) }));
    }
    this.changed();
  }
  /** The decoding strategy; setting it replaces the attribute values until an attribute changes again. */
  get decoding(): { temperature: number; topK: number; topP: number; greedy: boolean } {
    return this.decodingOptions();
  }
  set decoding(value: { temperature?: number; topK?: number; topP?: number; greedy?: boolean }) {
    const v = value ?? {};
    const num = (x: unknown, min: number, max: number, integer = false) => {
      if (typeof x !== 'number' || !Number.isFinite(x) || x < min || x > max || (integer && !Number.isInteger(x)))
        throw new RangeProblem('badRange', { min, max });
      return x;
    };
    try {
      const t = v.temperature === undefined ? this.temperature : num(v.temperature, 0.01, 100);
      const k = v.topK === undefined ? this.topK : num(v.topK, 0, 10000, true);
      const p = v.topP === undefined ? this.topP : num(v.topP, 0.01, 1);
      this.temperature = t;
      this.topK = k;
      this.topP = p;
      if (v.greedy !== undefined) this.greedy = v.greedy === true;
      this.errors.delete('property decoding');
    } catch (e) {
      if (!(e instanceof RangeProblem)) throw e;
      this.errors.set('property decoding', (lang) => fill(common[lang].property, { name: 'decoding', reason: describe(e, lang) }));
    }
    this.changed();
  }
  /** The text of text mode. Setting it switches to text mode. */
  get text(): string {
    return this.currentText();
  }
  set text(value: string) {
    this.textValue = String(value ?? '');
    this.mode = 'text';
    this.changed();
  }
  /** The latest analysis (null while computing or on invalid input). */
  get analysis(): RepetitionAnalysis | null {
    if (this.errors.size || this.computeError) return null;
    return this.mode === 'text' ? (this.reportVersion === this.version ? (this.report?.analysis ?? null) : null) : this.result;
  }
  /** The latest Monte Carlo check (null while pending). */
  get simulation(): RepetitionSimulation | null {
    if (this.mode === 'text') return this.reportVersion === this.version ? (this.report?.simulation ?? null) : null;
    return this.simVersion === this.version ? this.sim : null;
  }

  // ---- lifecycle ----

  protected override connected(): void {
    ensureKatexFonts(this.ownerDocument);
    this.resize = new ResizeObserver(() => this.fitChart());
    this.resize.observe(this.chartBox);
    this.loadApi();
  }

  protected override disconnected(): void {
    this.resize?.disconnect();
    this.resize = null;
    this.client?.terminate();
    this.client = null;
    this.cancelSim = null;
    this.cancelText = null;
    this.textBusy = false;
    this.chart?.destroy();
    this.chart = null;
    this.chartBox.replaceChildren();
    this.reportVersion = 0;
  }

  protected override attributeChanged(name: string, value: string | null): void {
    const set = (f: () => void) => {
      try {
        f();
        this.errors.delete(name);
      } catch (e) {
        if (!(e instanceof ParseError || e instanceof ShapeError || e instanceof RangeProblem)) throw e;
        const text = value ?? '';
        this.errors.set(name, (lang) => fill(common[lang].attribute, { name, value: text, reason: describe(e, lang) }));
      }
    };
    switch (name) {
      case 'mode':
        set(() => {
          const v = (value ?? 'matrix').trim();
          if (v !== 'matrix' && v !== 'text') throw new RangeProblem('badMode');
          this.mode = v;
        });
        break;
      case 'matrix':
        set(() => {
          const rows = parseMatrixText(value ?? DEFAULT_MATRIX);
          checkShape(rows);
          this.source = rows;
          this.errors.delete('property matrix');
        });
        break;
      case 'temperature':
        set(() => (this.temperature = value === null ? 1 : rangeNumber(value, 0.01, 100)));
        break;
      case 'top-k':
        set(() => (this.topK = value === null ? 0 : parseInteger(value, 0, 10000)));
        break;
      case 'top-p':
        set(() => (this.topP = value === null ? 1 : rangeNumber(value, 0.01, 1)));
        break;
      case 'greedy':
        this.greedy = value !== null && value !== 'false';
        break;
      case 'text':
        this.textValue = value;
        break;
      case 'level':
        set(() => {
          const v = (value ?? 'char').trim();
          if (v !== 'char' && v !== 'word') throw new RangeProblem('badLevel');
          this.level = v;
        });
        break;
      case 'smoothing':
        set(() => (this.smoothing = value === null ? 0 : rangeNumber(value, 0, 10)));
        break;
      case 'samples':
        set(() => (this.samples = value === null ? MC_DEFAULT : parseInteger(value, 100, MC_MAX)));
        break;
      case 'seed':
        set(() => (this.seed = value === null ? 1 : parseInteger(value, 0, Number.MAX_SAFE_INTEGER)));
        break;
    }
    this.changed();
  }

  // ---- state ----

  private changed(): void {
    this.version++;
    this.requestRender();
  }

  private setMode(m: Mode): void {
    if (this.mode === m) return;
    this.mode = m;
    this.changed();
  }

  private currentText(): string {
    if (this.textValue !== null) return this.textValue;
    const own = (this.textContent ?? '').trim();
    return own || SAMPLE_TEXT[this.language];
  }

  private decodingOptions() {
    return { temperature: this.temperature, topK: this.topK, topP: this.topP, greedy: this.greedy };
  }

  /** Full rows of the editor (EOS last), from the source (block rows get EOS = 1 − Σ). */
  private fullRows(): number[][] {
    const n = this.source.length;
    return this.source.map((r) => (r.length === n ? [...r, Math.max(0, 1 - r.reduce((a, b) => a + b, 0))] : [...r]));
  }

  private onCellChange(e: Event): void {
    const input = e.target as HTMLInputElement;
    const i = Number(input.dataset.i);
    const j = Number(input.dataset.j);
    if (!Number.isInteger(i) || !Number.isInteger(j)) return;
    const rows = this.fullRows();
    const n = rows.length;
    let v = Number(input.value);
    if (!Number.isFinite(v)) v = rows[i][j];
    v = Math.min(1, Math.max(0, v));
    // Keep the row stochastic: the other entries (EOS included) share 1 − v in their old proportions.
    const row = rows[i];
    const others = row.reduce((a, x, k) => (k === j ? a : a + x), 0);
    for (let k = 0; k <= n; k++) {
      if (k === j) row[k] = v;
      else if (others > 0) row[k] = (row[k] * (1 - v)) / others;
      else row[k] = j === n ? (1 - v) / n : k === n ? 1 - v : 0;
    }
    this.source = rows;
    this.errors.delete('matrix');
    this.errors.delete('property matrix');
    this.changed();
  }

  private resizeMatrix(delta: number): void {
    const rows = this.fullRows();
    const n = rows.length;
    if (delta > 0 && n < 8) {
      for (const r of rows) r.splice(n, 0, 0);
      rows.push([...Array.from({ length: n + 1 }, () => 0.9 / (n + 1)), 0.1]);
    } else if (delta < 0 && n > 3) {
      rows.pop();
      for (const r of rows) {
        const gone = r.splice(n - 1, 1)[0];
        r[n - 1] += gone; // the removed token's mass goes to EOS
      }
    } else return;
    this.source = rows;
    this.changed();
  }

  // ---- rendering ----

  protected render(lang: Lang, langChanged: boolean): void {
    if (langChanged) this.applyLanguage(lang);
    if (this.errors.size) return this.showError(lang, [...this.errors.values()].map((f) => f(lang)));
    if (!this.showLoadState(lang)) return;
    this.syncControls(lang);
    this.matrixPane.hidden = this.mode !== 'matrix';
    this.textPane.hidden = this.mode !== 'text';
    if (this.mode === 'text') return this.renderText(lang);

    const fresh = this.computed !== this.version;
    if (fresh) {
      this.computed = this.version;
      try {
        this.result = this.ml.repetition.analyze(this.source, this.decodingOptions());
        this.sweepResult = this.ml.repetition.sweep(this.source, CHART_T, { topK: this.topK, topP: this.topP, greedy: this.greedy });
        this.computeError = null;
      } catch (e) {
        if (!(e instanceof MathLensError)) throw e;
        this.result = null;
        this.computeError = e.message;
      }
    }
    if (this.computeError || !this.result) return this.showError(lang, [this.computeError ?? '']);
    this.showError(lang, null);
    this.drawEditor(lang);
    this.showNumbers(lang, this.result, null);
    this.drawChart(lang, this.sweepResult);
    if (this.simVersion !== this.version) this.scheduleSimulation(this.simVersion === 0 ? 0 : SETTLE_MS);
    else this.showSimulation(lang, this.sim);
    if (fresh) this.dispatchEvent(new CustomEvent<RepetitionAnalysis>('change', { detail: this.result, bubbles: true }));
  }

  private applyLanguage(lang: Lang): void {
    const t = S[lang];
    for (const [el, key] of this.texts) setText(el, t[key]);
    this.numbersList.setAttribute('aria-label', t.numbers);
    this.bracketSvg.setAttribute('aria-label', t.bracket);
    this.tabMatrix.parentElement!.setAttribute('aria-label', t.modes);
    this.addButton.setAttribute('aria-label', t.addState);
    this.removeButton.setAttribute('aria-label', t.removeState);
    this.addButton.title = t.addState;
    this.removeButton.title = t.removeState;
    setText(this.levelSelect.options[0], t.char);
    setText(this.levelSelect.options[1], t.word);
    setText(this.values.get('tagRigorous')!, lang === 'zh' ? '严格' : 'rigorous');
    setText(this.values.get('tagHeuristic')!, lang === 'zh' ? '启发式' : 'heuristic');
    // The chart's labels are set when it is built.
    this.chart?.destroy();
    this.chart = null;
    this.chartBox.replaceChildren();
  }

  private syncControls(lang: Lang): void {
    const t = S[lang];
    this.tabMatrix.setAttribute('aria-pressed', String(this.mode === 'matrix'));
    this.tabText.setAttribute('aria-pressed', String(this.mode === 'text'));
    const logT = Math.log10(this.temperature);
    if (Math.abs(Number(this.tInput.value) - logT) > 0.006) this.tInput.value = String(logT);
    this.tInput.setAttribute('aria-valuetext', `t = ${formatCompact(this.temperature, 3)}`);
    const n = this.mode === 'matrix' ? this.source.length : (this.report?.model.vocabulary.length ?? 50);
    this.kInput.max = String(Math.max(this.topK, n + 1));
    this.kInput.value = String(this.topK);
    this.pInput.value = String(this.topP);
    this.gInput.checked = this.greedy;
    setText(this.values.get('tLabel')!, fill(t.temperature, { t: formatCompact(this.temperature, 3) }));
    setText(this.values.get('kLabel')!, fill(t.topK, { k: this.topK === 0 ? t.off : this.topK }));
    setText(this.values.get('pLabel')!, fill(t.topP, { p: this.topP >= 1 ? t.off : formatCompact(this.topP, 2) }));
    this.kInput.setAttribute('aria-valuetext', this.topK === 0 ? t.off : String(this.topK));
    this.pInput.setAttribute('aria-valuetext', this.topP >= 1 ? t.off : formatCompact(this.topP, 2));
    if (this.levelSelect.value !== this.level) this.levelSelect.value = this.level;
    if (Number(this.smoothingInput.value) !== this.smoothing) this.smoothingInput.value = String(this.smoothing);
    const text = this.currentText();
    if (this.textArea.value !== text && this.ownerDocument.activeElement !== this && this.shadow.activeElement !== this.textArea)
      this.textArea.value = text;
    this.addButton.disabled = this.source.length >= 8;
    this.removeButton.disabled = this.source.length <= 3;
  }

  private tokenName(i: number, lang: Lang): string {
    const n = this.mode === 'matrix' ? this.source.length : (this.report?.model.vocabulary.length ?? 0);
    if (i === n) return S[lang].eos;
    if (this.mode === 'text' && this.report) return this.report.model.vocabulary[i];
    return fill(S[lang].token, { i: i + 1 });
  }

  private drawEditor(lang: Lang): void {
    const rows = this.fullRows();
    const n = rows.length;
    const t = S[lang];
    const head = (cells: string[]) => h('tr', {}, h('td'), ...cells.map((c) => h('th', { text: c, attrs: { scope: 'col' } })));
    const names = [...Array.from({ length: n }, (_, j) => this.tokenName(j, lang)), t.eos];
    // Rebuild the editor only when its shape or language changed; otherwise update values in place.
    const shapeKey = `${n}:${lang}`;
    if (this.editor.dataset.shape !== shapeKey) {
      this.editor.dataset.shape = shapeKey;
      this.editor.replaceChildren(
        head(names),
        ...rows.map((r, i) =>
          h(
            'tr',
            {},
            h('th', { text: names[i], attrs: { scope: 'row' } }),
            ...r.map((_, j) =>
              h(
                'td',
                { class: j === n ? 'eos' : '' },
                h('input', {
                  attrs: {
                    type: 'number', min: 0, max: 1, step: 0.01, 'data-i': i, 'data-j': j,
                    'aria-label': fill(t.cell, { to: names[j], from: names[i] }),
                  },
                }),
              ),
            ),
          ),
        ),
      );
    }
    const inputs = this.editor.querySelectorAll<HTMLInputElement>('input');
    inputs.forEach((input) => {
      const v = rows[Number(input.dataset.i)][Number(input.dataset.j)];
      const text = formatCompact(v, 3);
      if (this.shadow.activeElement !== input && input.value !== text) input.value = text;
    });
    // The decoded chain, shaded by probability.
    const r = this.result;
    if (!r || !this.ml) return;
    const d = this.ml.repetition.transform(this.source, this.decodingOptions());
    const cells: HTMLElement[] = [];
    const body = Array.from({ length: n }, (_, i) =>
      h(
        'tr',
        {},
        h('th', { text: names[i], attrs: { scope: 'row' } }),
        ...Array.from({ length: n + 1 }, (_, j) => {
          const v = d.full.data[i * (n + 1) + j];
          const [cr, cg, cb] = colorAt(v, 'sequential');
          const td = h('td', { text: formatCompact(v, 2) });
          td.style.background = `rgb(${cr | 0}, ${cg | 0}, ${cb | 0})`;
          td.style.color = textOn(cr, cg, cb);
          cells.push(td);
          return td;
        }),
      ),
    );
    this.decodedTable.replaceChildren(head(names), ...body);
  }

  private showNumbers(lang: Lang, r: RepetitionAnalysis, vocabulary: string[] | null): void {
    const t = S[lang];
    const set = (key: string, text: string) => setText(this.values.get(key)!, text);
    const note = (key: string, text: string | null) => {
      const el = this.notes.get(key)!;
      el.hidden = !text;
      setText(el, text ?? '');
    };
    set('rate', formatNumber(r.rate));
    const nameOf = (i: number) => (vocabulary ? vocabulary[i] : fill(t.token, { i: i + 1 }));
    if (r.divergent) {
      const cyc = r.cycles[0];
      const text = [...cyc, cyc[0]].map(nameOf).join(' → ');
      note('rate', fill(t.rateDivergent, { cycle: text }));
      this.notes.get('rate')!.classList.add('divergent');
    } else {
      note('rate', null);
      this.notes.get('rate')!.classList.remove('divergent');
    }
    set('perStart', formatNumber(r.rate / r.n));
    set('rho', formatNumber(r.spectralRadius));
    note(
      'rho',
      fill(t.rhoNote, {
        lo: formatNumber(r.spectralRadiusBracket[0], 12),
        hi: formatNumber(r.spectralRadiusBracket[1], 12),
        plo: formatNumber(r.perronBracket[0], 4),
        phi: formatNumber(r.perronBracket[1], 4),
      }),
    );
    set('upper', formatNumber(r.upperBound));
    const rigorous = r.lowerBounds.filter((b) => b.kind === 'rigorous');
    const best = rigorous.reduce((a, b) => (b.value > a.value * (1 + 1e-12) ? b : a), rigorous[0]);
    set('lower', formatNumber(best.value));
    setText(this.labels.get('lower')!, fill(t.lower, { name: LOWER_NAMES[best.name]?.[lang] ?? best.name }));
    const heur = r.lowerBounds.find((b) => b.name === 'zeta')!;
    set('heuristic', heur.divergent ? '∞' : formatNumber(heur.value));
    set('zeta', formatNumber(r.zeta, 4));
    const arpRow = this.numbersList.querySelector<HTMLElement>('[data-key="arp"]')!;
    arpRow.hidden = !r.paper;
    if (r.paper) set('arp', `${formatNumber(r.paper.arp, 5)} ≤ ${formatNumber(r.paper.bound, 5)}`);
    const w = r.diagnostics.warnings;
    if (this.warnings.childElementCount !== w.length || w.some((x, i) => this.warnings.children[i].textContent !== x))
      this.warnings.replaceChildren(...w.map((x) => h('li', { text: x })));
    this.drawBracket(r);
    setText(
      this.summary,
      fill(t.summary, { r: formatNumber(r.rate), rho: formatNumber(r.spectralRadius), lo: formatNumber(best.value), hi: formatNumber(r.upperBound) }),
    );
  }

  /** A log-scale strip: the rigorous bracket [lower, upper], R, and the ζ-heuristic as a hollow marker. */
  private drawBracket(r: RepetitionAnalysis): void {
    const g = this.bracketSvg;
    g.replaceChildren();
    const lo = r.rateBracket[0];
    const heur = r.lowerBounds.find((b) => b.name === 'zeta')!.value;
    const finite = [lo, r.rate, r.upperBound, heur].filter((x) => Number.isFinite(x) && x > 0);
    if (!finite.length) return;
    const min = Math.min(...finite) / 1.6;
    const max = Math.max(...finite) * 1.6;
    const x = (v: number) => (!Number.isFinite(v) ? 390 : v <= 0 ? 10 : 10 + (380 * Math.log(v / min)) / Math.log(max / min));
    svg('line', { class: 'axis', x1: 10, y1: 30, x2: 390, y2: 30 }, g);
    svg('line', { class: 'span', x1: x(lo), y1: 30, x2: x(r.upperBound), y2: 30 }, g);
    if (Number.isFinite(heur)) svg('circle', { class: 'heur', cx: x(heur), cy: 30, r: 5 }, g);
    svg('circle', { class: 'r', cx: x(r.rate), cy: 30, r: 6 }, g);
    const label = (v: number, text: string, y: number, anchor = 'middle') => {
      const el = svg('text', { x: Math.min(388, Math.max(12, x(v))), y, 'text-anchor': anchor }, g);
      el.textContent = text;
    };
    label(lo, formatNumber(lo, 3), 52);
    label(r.upperBound, Number.isFinite(r.upperBound) ? formatNumber(r.upperBound, 3) : '∞', 52);
    label(r.rate, `R = ${formatNumber(r.rate, 4)}`, 14);
  }

  private fitChart(): void {
    const w = Math.floor(this.chartBox.clientWidth);
    if (this.chart && w > 50) this.chart.resize(w, 220);
  }

  private drawChart(lang: Lang, s: TemperatureSweep | null): void {
    if (!s) return;
    const t = S[lang];
    const finite = (a: Float64Array) => Array.from(a, (v) => (Number.isFinite(v) && v > 0 ? v : null));
    const markers = [{ x: this.temperature, label: fill(t.now, { t: formatCompact(this.temperature, 3) }) }];
    if (!this.chart) {
      const width = Math.max(260, Math.floor(this.chartBox.clientWidth || 400));
      this.chart = new LineChart(this.chartBox, {
        x: s.temperatures,
        series: [
          { label: t.seriesR, values: finite(s.rates), color: 'accent' },
          { label: t.seriesUpper, values: finite(s.upperBounds), color: 'q', dash: [6, 4], width: 1.5 },
        ],
        width,
        height: 220,
        logX: true,
        logY: true,
        xLabel: t.chartX,
        markers,
      });
    } else this.chart.update(s.temperatures, [finite(s.rates), finite(s.upperBounds)], markers);
  }

  // ---- Monte Carlo (matrix mode, main thread: n ≤ 8 takes milliseconds) ----

  private scheduleSimulation(delay: number): void {
    this.cancelSim?.();
    this.mcRow.classList.add('stale');
    this.mcRow.setAttribute('aria-busy', 'true');
    this.cancelSim = this.timer(() => {
      this.cancelSim = null;
      if (!this.ml || !this.isConnected || this.mode !== 'matrix') return;
      try {
        this.sim = this.ml.repetition.simulate(this.source, { ...this.decodingOptions(), samples: this.samples, seed: this.seed });
      } catch (e) {
        if (!(e instanceof MathLensError)) throw e;
        this.sim = null;
      }
      this.simVersion = this.version;
      this.showSimulation(this.language, this.sim);
    }, delay);
  }

  private showSimulation(lang: Lang, s: RepetitionSimulation | null): void {
    const t = S[lang];
    setText(this.values.get('mcLabel')!, fill(t.mc, { n: this.samples.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-US'), k: s?.maxK ?? '…' }));
    this.mcRow.classList.remove('stale');
    this.mcRow.removeAttribute('aria-busy');
    setText(this.values.get('mc')!, s ? `${formatNumber(s.estimate)} ± ${formatNumber(s.standardError, 2)}` : '—');
    const note = this.notes.get('mc')!;
    if (!s) {
      note.hidden = true;
      return;
    }
    note.hidden = false;
    if (s.truncatedRate !== null) {
      const z = s.standardError > 0 ? (s.estimate - s.truncatedRate) / s.standardError : 0;
      setText(note, fill(t.mcAgree, { exact: formatNumber(s.truncatedRate), z: formatCompact(z, 2) }));
    } else setText(note, fill(t.mcTail, { tail: formatNumber(s.tailBound, 2) }));
  }

  // ---- text mode (in a Worker) ----

  private renderText(lang: Lang): void {
    const t = S[lang];
    if (this.reportVersion === this.version && this.report) {
      const rep = this.report;
      this.showNumbers(lang, rep.analysis, rep.model.vocabulary);
      this.drawChart(lang, rep.sweep);
      this.showSimulation(lang, rep.simulation);
      setText(
        this.stats,
        fill(t.textStats, {
          n: rep.model.vocabulary.length,
          tokens: rep.model.tokens,
          sentences: rep.model.sentences,
          tokenizer: rep.model.tokenizer === 'segmenter' ? t.segmenter : t.whitespace,
        }),
      );
      this.drawProne(lang, rep.prone);
      return;
    }
    if (this.computeError && this.computed === this.version) return this.showError(lang, [this.computeError]);
    if (!this.textBusy || this.computed !== this.version) this.scheduleText(this.reportVersion === 0 ? 0 : TEXT_SETTLE_MS);
  }

  private scheduleText(delay: number): void {
    this.cancelText?.();
    this.mcRow.classList.add('stale');
    this.cancelText = this.timer(() => {
      this.cancelText = null;
      this.runText();
    }, delay);
  }

  private runText(): void {
    if (!this.isConnected) return;
    const version = this.version;
    this.computed = version;
    this.textBusy = true;
    this.client ??= new RepetitionWorkerClient();
    const text = this.currentText();
    const temps = CHART_T.filter((_, i) => i % 5 === 0);
    this.setProgress(0, '');
    this.client
      .textReport(
        text,
        { level: this.level, smoothing: this.smoothing, decoding: this.decodingOptions(), temperatures: temps, samples: this.samples, seed: this.seed },
        (f, stage) => {
          if (this.version === version) this.setProgress(f, stage);
        },
      )
      .then(
        (rep) => {
          if (this.version !== version) return;
          this.report = rep;
          this.reportVersion = version;
          this.computeError = null;
          this.textBusy = false;
          this.setProgress(1, '');
          this.renderNow();
          this.dispatchEvent(new CustomEvent<RepetitionAnalysis>('change', { detail: rep.analysis, bubbles: true }));
        },
        (e: Error) => {
          if (this.version !== version || e.message === 'cancelled') return;
          this.textBusy = false;
          this.computeError = e.message;
          this.renderNow();
        },
      );
  }

  private setProgress(f: number, stage: string): void {
    this.progressBar.style.width = `${Math.round(f * 100)}%`;
    setText(this.progressText, f >= 1 ? '' : fill(S[this.language].analysing, { p: Math.round(f * 100), stage: stage || '…' }));
  }

  private drawProne(lang: Lang, prone: ProneToken[]): void {
    const t = S[lang];
    const [a, b, c, d] = t.proneHead.split('|');
    const show = (s: string) => (s === ' ' ? '␣' : s === '' ? t.eos : s);
    this.proneBox.replaceChildren(
      h('h3', { text: t.prone }),
      h(
        'table',
        {},
        h('tr', {}, ...[a, b, c, d].map((x) => h('th', { text: x }))),
        ...prone.map((p) =>
          h(
            'tr',
            {},
            h('td', { text: show(p.token) }),
            h('td', { text: show(p.next) }),
            h('td', { text: formatCompact(p.probability, 3) }),
            h('td', { text: formatCompact(p.rowSumS, 3) }),
          ),
        ),
      ),
    );
  }
}

// ---------------------------------------------------------------------------------------------------
// Attribute parsing

class ShapeError extends Error {
  constructor() {
    super('shape');
  }
}
class RangeProblem extends Error {
  constructor(
    readonly key: 'badMode' | 'badLevel' | 'badRange',
    readonly params: Record<string, string | number> = {},
  ) {
    super(key);
  }
}

function describe(e: unknown, lang: Lang): string {
  if (e instanceof ParseError) return e.describe(lang);
  if (e instanceof ShapeError) return fill(S[lang].badMatrix, { example: DEFAULT_MATRIX });
  if (e instanceof RangeProblem) return fill(S[lang][e.key], e.params);
  return String(e);
}

function parseMatrixText(text: string): number[][] {
  const rows = text.split(';').map((r) => r.trim());
  if (rows.length > 1 && rows[rows.length - 1] === '') rows.pop();
  if (rows.length === 1 && rows[0] === '') throw new ParseError('empty');
  return rows.map((r) => parseNumbers(r));
}

/** 3 ≤ n ≤ 8 rows of n (block) or n + 1 (with EOS) numbers. */
function checkShape(rows: number[][]): void {
  const n = rows.length;
  if (n < 3 || n > 8 || rows.some((r) => r.length !== rows[0].length) || (rows[0].length !== n && rows[0].length !== n + 1))
    throw new ShapeError();
}

/** Black or white, whichever contrasts more with the background (WCAG relative luminance). */
function textOn(r: number, g: number, b: number): string {
  const lin = (c: number) => {
    const x = c / 255;
    return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
  };
  const l = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? '#000' : '#fff';
}

function rangeNumber(text: string, min: number, max: number): number {
  const x = parseNumber(text);
  if (x < min || x > max) throw new RangeProblem('badRange', { min, max });
  return x;
}

declare global {
  interface HTMLElementTagNameMap {
    'mathlens-repetition': MathLensRepetition;
  }
}

if (!customElements.get('mathlens-repetition')) customElements.define('mathlens-repetition', MathLensRepetition);
