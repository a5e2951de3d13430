/**
 * `<mathlens-flops>`: where a Transformer layer's time goes — the post "Linear Transformer is
 * probably not the model you are waiting for" (kexue.fm/archives/8610, spec/MATH.md §1). A model
 * preset or your own sizes, n on a log slider from 64 to 131072, a stacked chart of the cost shares
 * with the crossovers marked, the table of terms with their formulas, and the crossover lengths
 * (1536, 4608 and 1024 for BERT-base).
 *
 * ```html
 * <mathlens-flops preset="bert-base" n="512"></mathlens-flops>
 * <mathlens-flops preset="custom" hidden-size="4096" heads="32" kv-heads="8" ffn="14336" gated causal layers="32" n="8192" lang="zh"></mathlens-flops>
 * ```
 * Attributes: `preset` (bert-base | bert-large | gpt2-small | gpt2-medium | gpt2-large | gpt2-xl |
 * llama-2-7b | custom; default bert-base), `n` (1 to 1048576; default: the model's context length),
 * `hidden-size`, `heads`, `head-size`, `kv-heads`, `ffn`, `layers`, `batch` (override the preset;
 * the hidden size is not called `hidden`, the global attribute that hides an element),
 * `gated`, `causal` (boolean attributes; `="false"` turns a preset's off), `variant` (standard |
 * linear | performer | nystrom), `feature-multiple` (linear attention's head-size multiple k, also
 * used for the standard-vs-linear crossover; default 4, the post's), `features` (Performer, default
 * 256), `landmarks` and `pinv-iterations` (Nyström, default 64 and 6), `convention` (macs | flops),
 * `lang` (en | zh), `theme` (light | dark).
 * Properties: `result` (the latest LayerCost or null), `options` (the LayerOptions it computes);
 * event `change` with the LayerCost in `detail`.
 * @module
 */
import { MathLensError, type AttentionVariant, type LayerCost, type LayerOptions, type MathLens, type Preset, type PresetName, type TermKey } from '../index.js';
import { MathLensElement } from './ui/base.js';
import { h, setText } from './ui/dom.js';
import { common, defineStrings, fill, type Lang } from './ui/i18n.js';
import { ensureKatexFonts, katexSheet, renderTex } from './ui/katex.js';
import { ParseError, parseInteger } from './ui/parse.js';
import { setAttrs, svg } from './ui/svg.js';
import { sheet } from './ui/theme.js';

const N_MIN = 64;
const N_MAX = 131072;
const N_ATTR_MAX = 1048576;
const SLIDER_STEPS_PER_OCTAVE = 100;
const SWEEP_POINTS = 111;
const PRESETS: PresetName[] = ['bert-base', 'bert-large', 'gpt2-small', 'gpt2-medium', 'gpt2-large', 'gpt2-xl', 'llama-2-7b'];
const VARIANTS: AttentionVariant[] = ['standard', 'linear', 'performer', 'nystrom'];

/** The model part of the state (what a preset sets). */
interface Model {
  hidden: number;
  heads: number;
  headSize: number | null;
  kvHeads: number | null;
  ffn: number;
  layers: number;
  batch: number;
  gated: boolean;
  causal: boolean;
}

interface State {
  preset: PresetName | 'custom';
  model: Model;
  n: number;
  variant: AttentionVariant;
  featureMultiple: number;
  features: number;
  landmarks: number;
  pinvIterations: number;
  convention: 'macs' | 'flops';
}

/** Integer attributes: name → [state key, min, max]. */
const INT_ATTRS: Record<string, [keyof Model | 'n' | 'featureMultiple' | 'features' | 'landmarks' | 'pinvIterations', number, number]> = {
  n: ['n', 1, N_ATTR_MAX],
  'hidden-size': ['hidden', 1, 1 << 20], // not `hidden`: that global attribute hides the element
  heads: ['heads', 1, 1 << 16],
  'head-size': ['headSize', 1, 1 << 16],
  'kv-heads': ['kvHeads', 1, 1 << 16],
  ffn: ['ffn', 1, 1 << 22],
  layers: ['layers', 1, 10000],
  batch: ['batch', 1, 1 << 20],
  'feature-multiple': ['featureMultiple', 1, 64],
  features: ['features', 1, 1 << 16],
  landmarks: ['landmarks', 1, 1 << 16],
  'pinv-iterations': ['pinvIterations', 0, 100],
};
const BOOL_ATTRS = ['gated', 'causal'] as const;

const S = defineStrings({
  en: {
    model: 'Model',
    custom: 'Custom',
    customModel: 'The custom model',
    variant: 'Attention',
    standard: 'Standard (softmax)',
    linear: 'Linear attention',
    performer: 'Performer',
    nystrom: 'Nyström',
    hidden: 'Hidden size H',
    heads: 'Heads h',
    kvHeads: 'KV heads g',
    ffn: 'FFN width F',
    layers: 'Layers',
    batch: 'Batch',
    gated: 'Gated FFN (SwiGLU)',
    causal: 'Causal mask',
    featureMultiple: 'Linear-attention head size × k',
    features: 'Random features m',
    landmarks: 'Landmarks m',
    pinvIterations: 'Pseudo-inverse iterations',
    n: 'Sequence length n',
    nValue: 'n = {n}',
    count: 'Count',
    macs: 'MACs',
    macsLong: 'multiply-adds, the post’s “multiplications”',
    flops: 'FLOPs',
    flopsLong: 'FLOPs = 2 × MACs',
    chart: 'Share of the layer’s cost by part for n from {from} to {to} (log scale); dashed lines mark the crossovers, the solid line the chosen n.',
    chartHint: 'Click or drag in the chart to choose n.',
    proj: 'Q, K, V, O projections',
    core: 'Attention core',
    ffnPart: 'FFN',
    term: 'Term',
    value: 'Count',
    share: 'Share',
    projections: 'Projections',
    attentionCore: 'Attention core',
    attention: 'Attention (projections + core)',
    total: 'Layer total',
    model_total: 'Whole model ({layers} layers)',
    parameters: 'Parameters (non-embedding)',
    perToken: 'Forward FLOPs per token',
    kaplan: 'Kaplan et al.: 2N + 2·n_layer·n·d_attn',
    memory: 'Attention memory ({bytes} B per element)',
    crossovers: 'Crossovers',
    attentionFfn: 'Attention costs more than the FFN',
    quadraticLinear: 'The n² part outweighs the part linear in n',
    linearCore: 'Linear attention with {k}× head size has the cheaper core',
    performerCore: 'The Performer core (m = {m}) is cheaper than softmax attention',
    nystromCore: 'The Nyström core (m = {m}) is cheaper than softmax attention',
    layerVsStandard: 'The whole layer is cheaper than with softmax attention',
    fromN: 'from n = {n} on',
    never: 'never',
    always: 'at every n',
    goTo: 'Show n = {n}',
    mAttnFfn: 'SA = FFN',
    mQuad: 'n² = linear',
    mLinear: 'linear ×{k}',
    mPerformer: 'Performer',
    mNystrom: 'Nyström',
    summary:
      '{model} at n = {n}: attention takes {a} of the layer’s cost (the n² part {q}), the FFN {f}. Attention costs more than the FFN {x1}; the n² part dominates {x2}.',
    summaryOther: '{model} with {variant} at n = {n}: attention takes {a} of the layer’s cost, the FFN {f}.',
    beyond: 'for n > {n}',
    embed: 'Embed this configuration',
    convention:
      'Unit: one multiply-add (MAC) per multiplication, as in the post; FLOPs = 2 × MACs. Not counted: softmax and its normalisation, activations, residuals, LayerNorm, biases, embeddings. Causal masks count only the n(n+1)/2 unmasked scores.',
    batchNote: 'All counts cover the batch of {b} sequences.',
    inputError: 'This configuration cannot be computed:',
  },
  zh: {
    model: '模型',
    custom: '自定义',
    customModel: '自定义模型',
    variant: 'Attention 类型',
    standard: '标准（softmax）',
    linear: '线性 Attention',
    performer: 'Performer',
    nystrom: 'Nyström',
    hidden: '隐藏层大小 H',
    heads: '头数 h',
    kvHeads: 'KV 头数 g',
    ffn: 'FFN 宽度 F',
    layers: '层数',
    batch: '批大小',
    gated: '门控 FFN（SwiGLU）',
    causal: '因果掩码',
    featureMultiple: '线性 Attention 头大小倍数 k',
    features: '随机特征数 m',
    landmarks: '地标数 m',
    pinvIterations: '伪逆迭代次数',
    n: '序列长度 n',
    nValue: 'n = {n}',
    count: '计数方式',
    macs: '乘加次数',
    macsLong: '即原文的“乘法次数”',
    flops: 'FLOPs',
    flopsLong: 'FLOPs = 2 × 乘加次数',
    chart: '各部分在一层计算量中的占比，n 从 {from} 到 {to}（对数坐标）；虚线标出交叉点，实线是当前选中的 n。',
    chartHint: '在图中点击或拖动即可选择 n。',
    proj: 'Q、K、V、O 投影',
    core: 'Attention 核心',
    ffnPart: 'FFN',
    term: '项',
    value: '计算量',
    share: '占比',
    projections: '投影',
    attentionCore: 'Attention 核心',
    attention: 'Attention（投影 + 核心）',
    total: '单层合计',
    model_total: '整个模型（{layers} 层）',
    parameters: '参数量（不含嵌入层）',
    perToken: '每个 token 的前向 FLOPs',
    kaplan: 'Kaplan 等人的估计：2N + 2·n_layer·n·d_attn',
    memory: '注意力矩阵内存（每个元素 {bytes} 字节）',
    crossovers: '交叉点',
    attentionFfn: 'Attention 的计算量超过 FFN',
    quadraticLinear: 'n² 项超过关于 n 的线性项',
    linearCore: '头大小 {k} 倍的线性 Attention 核心更省',
    performerCore: 'Performer 核心（m = {m}）比 softmax Attention 更省',
    nystromCore: 'Nyström 核心（m = {m}）比 softmax Attention 更省',
    layerVsStandard: '整层比使用 softmax Attention 时更省',
    fromN: '从 n = {n} 起',
    never: '任何 n 下都不会',
    always: '对所有 n 都成立',
    goTo: '跳到 n = {n}',
    mAttnFfn: 'SA = FFN',
    mQuad: 'n² = 线性项',
    mLinear: '线性 ×{k}',
    mPerformer: 'Performer',
    mNystrom: 'Nyström',
    summary: '{model}，n = {n}：Attention 占一层计算量的 {a}（其中 n² 项 {q}），FFN 占 {f}。{x1}，Attention 的计算量超过 FFN；{x2}，n² 项占主导。',
    summaryOther: '{model}（{variant}），n = {n}：Attention 占一层计算量的 {a}，FFN 占 {f}。',
    beyond: '当 n > {n} 时',
    embed: '嵌入当前配置',
    convention:
      '单位：与原文一致，每次乘法记为一次乘加（MAC）；FLOPs = 2 × 乘加次数。不计入：softmax 及其归一化、激活函数、残差、LayerNorm、偏置、嵌入层。因果掩码只计算 n(n+1)/2 个未被遮住的分数。',
    batchNote: '所有计数都包含一批共 {b} 条序列。',
    inputError: '无法按此配置计算：',
  },
});
type Key = keyof (typeof S)['en'];

/** Term names by key (the library's labels are English only). */
const TERM_NAMES: Record<TermKey, [string, string]> = {
  qProj: ['Q projection', 'Q 投影'],
  kProj: ['K projection', 'K 投影'],
  vProj: ['V projection', 'V 投影'],
  oProj: ['Output projection', '输出投影'],
  scores: ['Scores QKᵀ', '注意力分数 QKᵀ'],
  weightedSum: ['Weighted sum AV', '加权求和 AV'],
  linearKV: ['φ(K)ᵀV', 'φ(K)ᵀV'],
  linearQ: ['φ(Q)·(φ(K)ᵀV)', 'φ(Q)·(φ(K)ᵀV)'],
  featureMap: ['Random features φ(Q), φ(K)', '随机特征 φ(Q)、φ(K)'],
  performerKV: ['φ(K)ᵀV', 'φ(K)ᵀV'],
  performerQ: ['φ(Q)·(φ(K)ᵀV)', 'φ(Q)·(φ(K)ᵀV)'],
  nystromF: ['F = softmax(QK̃ᵀ)', 'F = softmax(QK̃ᵀ)'],
  nystromA: ['A = softmax(Q̃K̃ᵀ)', 'A = softmax(Q̃K̃ᵀ)'],
  nystromB: ['B = softmax(Q̃Kᵀ)', 'B = softmax(Q̃Kᵀ)'],
  nystromBV: ['BV', 'BV'],
  nystromPinv: ['Pseudo-inverse A⁺', '伪逆 A⁺'],
  nystromPinvBV: ['A⁺(BV)', 'A⁺(BV)'],
  nystromOut: ['F·(A⁺BV)', 'F·(A⁺BV)'],
  nystromConv: ['Conv skip on V', 'V 上的卷积残差'],
  ffn: ['FFN', 'FFN'],
};

/** The multiply-add count of each term in TeX (per sequence; × batch). */
function termTex(key: TermKey, r: LayerCost): string {
  const c = r.config;
  const half = c.causal ? String.raw`\tfrac{n(n+1)}{2}` : 'n^2';
  const gd = c.kvHeads === c.heads ? 'hd' : 'gd';
  const tex: Record<TermKey, string> = {
    qProj: String.raw`nH\cdot hd`,
    kProj: String.raw`nH\cdot ${gd}`,
    vProj: String.raw`nH\cdot ${gd}`,
    oProj: String.raw`n\,hd\cdot H`,
    scores: String.raw`h\,${half}\,d`,
    weightedSum: String.raw`h\,${half}\,d`,
    linearKV: c.widenValues ? String.raw`g\,n\,(kd)^2` : String.raw`g\,n\,kd\cdot d`,
    linearQ: c.widenValues ? String.raw`h\,n\,(kd)^2` : String.raw`h\,n\,kd\cdot d`,
    featureMap: String.raw`(h+g)\,n\,m\,d`,
    performerKV: String.raw`g\,m\,n\,d`,
    performerQ: String.raw`h\,n\,m\,d`,
    nystromF: String.raw`h\,n\,m\,d`,
    nystromA: String.raw`h\,m^2d`,
    nystromB: String.raw`h\,m\,n\,d`,
    nystromBV: String.raw`h\,m\,n\,d`,
    nystromPinv: String.raw`4hm^3\cdot ${c.pinvIterations}`,
    nystromPinvBV: String.raw`h\,m^2d`,
    nystromOut: String.raw`h\,n\,m\,d`,
    nystromConv: String.raw`h\,n\,d\,k_{\mathrm{conv}}`,
    ffn: c.gated ? String.raw`3\,nHF` : String.raw`2\,nHF`,
  };
  return tex[key];
}

/** The post's formulas, each short enough for a 360 px screen. */
const FORMULAS = [
  String.raw`C_{\mathrm{SA}}(n)=4nh^2d^2+2n^2hd`,
  String.raw`C_{\mathrm{FFN}}(n)=8nh^2d^2`,
  String.raw`C_{\mathrm{SA}}>C_{\mathrm{FFN}}\iff n>2hd`,
  String.raw`2n^2hd>12nh^2d^2\iff n>6hd`,
  String.raw`2n^2d>2n(kd)^2\iff n>k^2d`,
];

const CSS = `
.controls { display: grid; gap: 10px 14px; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); align-items: end; }
.controls label, .field > span { display: block; font-size: 0.82em; color: var(--muted); margin-bottom: 2px; }
select, input[type="number"] { width: 100%; font: inherit; color: var(--fg); background: var(--bg); border: 1px solid var(--border);
  border-radius: 6px; padding: 4px 6px; min-height: 32px; }
.check { display: flex; align-items: center; gap: 6px; font-size: 0.9em; min-height: 32px; }
.check input { width: 18px; height: 18px; margin: 0; }
.nrow { display: grid; grid-template-columns: minmax(0, 1fr) 8.5em; gap: 10px; align-items: center; margin-top: 12px; }
.nrow input[type="range"] { width: 100%; accent-color: var(--accent); }
.nlabel { font-size: 0.82em; color: var(--muted); margin-top: 12px; }
.nlabel strong { color: var(--fg); font-variant-numeric: tabular-nums; }
.seg { display: inline-flex; border: 1px solid var(--border); border-radius: 6px; overflow: hidden; }
.seg button { font: inherit; font-size: 0.9em; border: 0; background: var(--bg); color: var(--fg); padding: 4px 10px; cursor: pointer; min-height: 32px; }
.seg button[aria-pressed="true"] { background: var(--accent); color: var(--bg); }
.seg button + button { border-left: 1px solid var(--border); }
.summary { margin: 12px 0 6px; font-size: 0.98em; }
.inline-error { margin: 10px 0 0; padding: 8px 10px; border: 1px solid var(--error-border); background: var(--error-bg); color: var(--error-fg);
  border-radius: 6px; font-size: 0.9em; overflow-wrap: anywhere; }
figure { margin: 6px 0 0; }
.chart { position: relative; touch-action: none; }
svg.plot { display: block; width: 100%; height: auto; cursor: crosshair; user-select: none; -webkit-user-select: none; }
.area-proj { fill: var(--c-proj); } .area-core { fill: var(--c-core); } .area-ffn { fill: var(--c-ffn); }
.area { fill-opacity: 0.85; }
.gridline { stroke: var(--grid); stroke-width: 1; }
.half { stroke: var(--bg); stroke-opacity: 0.8; stroke-width: 1; stroke-dasharray: 3 3; }
.tick { fill: var(--muted); font-size: 11px; font-family: var(--font); }
.marker { stroke: var(--fg); stroke-width: 1.2; stroke-dasharray: 5 4; }
.marker-label { fill: var(--fg); font-size: 11px; font-family: var(--font); paint-order: stroke; stroke: var(--bg); stroke-width: 4px; stroke-linejoin: round; }
.current { stroke: var(--focus); stroke-width: 2.5; }
.current-label { fill: var(--fg); font-size: 11.5px; font-weight: 600; font-family: var(--font); paint-order: stroke; stroke: var(--bg); stroke-width: 3px; }
figcaption { font-size: 0.85em; color: var(--muted); margin-top: 4px; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; margin: 4px 0 0; padding: 0; list-style: none; font-size: 0.88em; color: var(--fg); }
.legend li { display: flex; align-items: center; gap: 6px; }
.sw { width: 0.9em; height: 0.9em; border-radius: 2px; display: inline-block; }
.sw-proj { background: var(--c-proj); } .sw-core { background: var(--c-core); } .sw-ffn { background: var(--c-ffn); }
.subhead { font-weight: 600; margin: 16px 0 6px; }
.terms { width: 100%; border-collapse: collapse; font-size: 0.92em; }
.terms th, .terms td { text-align: left; padding: 5px 6px; border-bottom: 1px solid var(--border); vertical-align: baseline; }
.terms th.num, .terms td.num { text-align: right; font-variant-numeric: tabular-nums; }
.terms td.count { white-space: nowrap; }
.terms td:first-child { overflow-wrap: anywhere; }
.terms tr.sub td { font-weight: 600; background: var(--surface); }
.terms tr.total td { font-weight: 700; background: var(--surface); }
.terms .tex { display: block; font-size: 0.85em; color: var(--muted); overflow-x: auto; overflow-y: hidden; }
.terms .name { display: flex; align-items: center; gap: 6px; }
.crossovers { list-style: none; margin: 0; padding: 0; display: grid; gap: 6px; }
.crossovers li { display: grid; grid-template-columns: minmax(0, 1fr) auto; gap: 2px 10px; align-items: baseline; padding: 6px 10px; background: var(--surface); border-radius: 6px; }
.crossovers .when { font-weight: 600; font-variant-numeric: tabular-nums; }
.crossovers button { justify-self: start; font: inherit; font-size: 0.85em; color: var(--accent); background: none; border: 1px solid var(--border); border-radius: 6px; padding: 2px 8px; cursor: pointer; }
.crossovers .tex { grid-column: 1 / -1; font-size: 0.85em; color: var(--muted); overflow-x: auto; overflow-y: hidden; }
.formulas { display: flex; flex-wrap: wrap; justify-content: center; gap: 6px 28px; margin-top: 8px; font-size: 0.95em; }
.note { font-size: 0.82em; color: var(--muted); margin: 8px 0 0; }
pre.embed { margin: 4px 0 0; padding: 8px 10px; background: var(--surface); border-radius: 6px; font-size: 0.85em; white-space: pre-wrap; overflow-wrap: anywhere; }
:host { --c-ffn: var(--p); --c-core: var(--q); --c-proj: var(--mathlens-proj, #8c959f); }
@container (max-width: 480px) { .terms .share-col { display: none; } .nrow { grid-template-columns: minmax(0, 1fr) 6.5em; } }
`;

/** n at slider position v: 64 · 2^(v/100). */
const nAt = (v: number) => Math.round(N_MIN * 2 ** (v / SLIDER_STEPS_PER_OCTAVE));
const sliderAt = (n: number) => Math.round(Math.log2(Math.min(Math.max(n, N_MIN), N_MAX) / N_MIN) * SLIDER_STEPS_PER_OCTAVE);

function formatCount(x: number, lang: Lang): string {
  return x.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-US', { maximumFractionDigits: 0 });
}
function formatPercent(x: number): string {
  const p = 100 * x;
  return `${p >= 10 || p === 0 ? p.toFixed(1) : p.toPrecision(2)}%`;
}
function formatBytes(b: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let i = 0;
  let x = b;
  while (x >= 1024 && i < units.length - 1) {
    x /= 1024;
    i++;
  }
  return `${i === 0 ? x : x.toPrecision(3)} ${units[i]}`;
}
/** Short n for ticks: 512, 4K, 128K. */
function shortN(n: number): string {
  return n >= 1024 && n % 1024 === 0 ? `${n / 1024}K` : String(n);
}

/** The `<mathlens-flops>` element (see the module documentation for its attributes). */
export class MathLensFlops extends MathLensElement {
  static observedAttributes = [
    ...MathLensElement.observedAttributes,
    'preset', 'variant', 'convention', ...Object.keys(INT_ATTRS), ...BOOL_ATTRS,
  ];

  private presetTable: Map<string, Preset> = new Map();
  private readonly state: State;
  /** Attributes as last seen (null = absent). */
  private readonly attrs = new Map<string, string | null>();
  private readonly errors = new Map<string, (lang: Lang) => string>();
  private version = 1;
  private computed = 0;
  private last: LayerCost | null = null;
  /** A rejected value typed into a number field (shown inline; the last good state stays). */
  private inputProblem: string | null = null;
  private computeError: string | null = null;
  /** Set once the reader edits a control: later errors show inline, keeping the controls. */
  private edited = false;
  private sweepKey = '';
  private sweepData: { n: Float64Array; proj: Float64Array; core: Float64Array; ffn: Float64Array } | null = null;
  private width = 640;
  private resize: ResizeObserver | null = null;
  private dragging = false;

  // DOM
  private readonly labels = new Map<Key, HTMLElement>();
  private readonly presetSelect: HTMLSelectElement;
  private readonly variantSelect: HTMLSelectElement;
  private readonly inputs = new Map<string, HTMLInputElement>();
  private readonly fieldBoxes = new Map<string, HTMLElement>();
  private readonly slider: HTMLInputElement;
  private readonly nInput: HTMLInputElement;
  private readonly nShown: HTMLElement;
  private readonly segButtons: Record<'macs' | 'flops', HTMLButtonElement>;
  private readonly summary: HTMLElement;
  private readonly inlineError: HTMLElement;
  private readonly svgEl: SVGSVGElement;
  private readonly chartBox: HTMLElement;
  private readonly caption: HTMLElement;
  private readonly legend: HTMLElement;
  private readonly tbody: HTMLTableSectionElement;
  private readonly crossList: HTMLUListElement;
  private readonly embed: HTMLElement;
  private readonly noteConvention: HTMLElement;
  private readonly noteBatch: HTMLElement;
  private readonly headCells: HTMLElement[] = [];
  private readonly texCache = new Map<string, HTMLElement>();

  constructor() {
    super(katexSheet(), sheet(CSS));
    this.state = {
      preset: 'bert-base',
      model: { hidden: 768, heads: 12, headSize: null, kvHeads: null, ffn: 3072, layers: 12, batch: 1, gated: false, causal: false },
      n: 512,
      variant: 'standard',
      featureMultiple: 4,
      features: 256,
      landmarks: 64,
      pinvIterations: 6,
      convention: 'macs',
    };

    const label = (key: Key, el: HTMLElement) => {
      this.labels.set(key, el);
      return el;
    };
    const field = (name: string, key: Key, control: HTMLElement) => {
      const id = `f-${name}`;
      control.id = id;
      const l = label(key, h('label', { attrs: { for: id } }));
      const box = h('div', { class: 'field' }, l, control);
      this.fieldBoxes.set(name, box);
      return box;
    };
    const numberInput = (name: string, min: number, max: number) => {
      const input = h('input', { attrs: { type: 'number', min, max, step: 1, inputmode: 'numeric' } });
      input.addEventListener('change', () => this.onNumber(name, input));
      this.inputs.set(name, input);
      return input;
    };
    const checkbox = (name: 'gated' | 'causal', key: Key) => {
      const input = h('input', { attrs: { type: 'checkbox', id: `f-${name}` } });
      input.addEventListener('change', () => {
        this.edited = true;
        this.state.model[name] = input.checked;
        this.state.preset = 'custom';
        this.changed();
      });
      this.inputs.set(name, input);
      const box = h('div', { class: 'check' }, input, label(key, h('label', { attrs: { for: `f-${name}` } })));
      this.fieldBoxes.set(name, box);
      return box;
    };

    this.presetSelect = h('select');
    this.presetSelect.addEventListener('change', () => {
      this.edited = true;
      this.previousPreset = this.state.preset;
      this.applyPreset(this.presetSelect.value as PresetName | 'custom', true);
      this.changed();
    });
    this.variantSelect = h('select');
    for (const v of VARIANTS) this.variantSelect.append(h('option', { attrs: { value: v } }));
    this.variantSelect.addEventListener('change', () => {
      this.edited = true;
      this.state.variant = this.variantSelect.value as AttentionVariant;
      this.changed();
    });

    const controls = h(
      'div',
      { class: 'controls' },
      field('preset', 'model', this.presetSelect),
      field('variant', 'variant', this.variantSelect),
      field('hidden', 'hidden', numberInput('hidden', 1, 1 << 20)),
      field('heads', 'heads', numberInput('heads', 1, 1 << 16)),
      field('kvHeads', 'kvHeads', numberInput('kvHeads', 1, 1 << 16)),
      field('ffn', 'ffn', numberInput('ffn', 1, 1 << 22)),
      field('layers', 'layers', numberInput('layers', 1, 10000)),
      field('batch', 'batch', numberInput('batch', 1, 1 << 20)),
      checkbox('gated', 'gated'),
      checkbox('causal', 'causal'),
      field('featureMultiple', 'featureMultiple', numberInput('featureMultiple', 1, 64)),
      field('features', 'features', numberInput('features', 1, 1 << 16)),
      field('landmarks', 'landmarks', numberInput('landmarks', 1, 1 << 16)),
      field('pinvIterations', 'pinvIterations', numberInput('pinvIterations', 0, 100)),
    );

    // n: log slider + exact number
    this.slider = h('input', {
      attrs: { type: 'range', min: 0, max: sliderAt(N_MAX), step: 1, id: 'n-slider' },
    });
    this.slider.addEventListener('input', () => {
      this.edited = true;
      this.state.n = nAt(Number(this.slider.value));
      this.changed();
    });
    this.nInput = numberInput('n', 1, N_ATTR_MAX);
    this.nInput.id = 'f-n';
    this.nInput.setAttribute('aria-labelledby', 'n-label');
    this.nShown = h('strong');
    const nLabel = h('div', { class: 'nlabel', attrs: { id: 'n-label' } }, label('n', h('span')), ': ', this.nShown);
    this.slider.setAttribute('aria-labelledby', 'n-label');
    const nrow = h('div', { class: 'nrow' }, this.slider, this.nInput);

    // convention toggle
    const seg = h('div', { class: 'seg', attrs: { role: 'group' } });
    this.segButtons = { macs: h('button', { attrs: { type: 'button' } }), flops: h('button', { attrs: { type: 'button' } }) };
    for (const c of ['macs', 'flops'] as const) {
      this.segButtons[c].addEventListener('click', () => {
        this.state.convention = c;
        this.changed();
      });
      seg.append(this.segButtons[c]);
    }
    const segLabel = label('count', h('span', { attrs: { id: 'count-label' } }));
    seg.setAttribute('aria-labelledby', 'count-label');
    const countRow = h('div', { class: 'field', attrs: { style: 'margin-top:10px' } }, segLabel, seg);

    this.summary = h('p', { class: 'summary', attrs: { 'aria-live': 'polite' } });
    this.inlineError = h('div', { class: 'inline-error', attrs: { role: 'alert', hidden: true } });

    // chart
    this.svgEl = svg('svg', { class: 'plot', role: 'img' });
    this.chartBox = h('div', { class: 'chart' });
    this.chartBox.append(this.svgEl);
    this.svgEl.addEventListener('pointerdown', (e) => {
      if (e.button !== 0) return;
      this.dragging = true;
      this.svgEl.setPointerCapture(e.pointerId);
      this.pickN(e);
    });
    this.svgEl.addEventListener('pointermove', (e) => {
      if (this.dragging) this.pickN(e);
    });
    const stop = () => (this.dragging = false);
    this.svgEl.addEventListener('pointerup', stop);
    this.svgEl.addEventListener('pointercancel', stop);
    this.caption = h('figcaption');
    this.legend = h('ul', { class: 'legend' });
    for (const [cls, key] of [['proj', 'proj'], ['core', 'core'], ['ffn', 'ffnPart']] as const)
      this.legend.append(h('li', {}, h('span', { class: `sw sw-${cls}`, attrs: { 'aria-hidden': 'true' } }), label(key, h('span'))));
    const figure = h('figure', {}, this.chartBox, this.legend, this.caption);

    // table of terms
    const table = h('table', { class: 'terms' });
    const head = h('tr');
    for (const [key, cls] of [['term', ''], ['value', 'num'], ['share', 'num share-col']] as const) {
      const th = h('th', { class: cls, attrs: { scope: 'col' } });
      this.labels.set(key, th);
      this.headCells.push(th);
      head.append(th);
    }
    this.tbody = h('tbody');
    table.append(h('thead', {}, head), this.tbody);

    this.crossList = h('ul', { class: 'crossovers' });
    const formulas = h('div', { class: 'formulas' });
    for (const f of FORMULAS) {
      const el = h('div');
      renderTex(el, f);
      formulas.append(el);
    }
    this.embed = h('pre', { class: 'embed' });
    this.noteConvention = h('p', { class: 'note' });
    this.noteBatch = h('p', { class: 'note' });

    this.content.append(
      controls,
      nLabel,
      nrow,
      countRow,
      this.inlineError,
      this.summary,
      figure,
      label('crossovers', h('div', { class: 'subhead' })),
      this.crossList,
      table,
      this.noteBatch,
      this.noteConvention,
      formulas,
      label('embed', h('div', { class: 'subhead' })),
      this.embed,
    );
  }

  // ---- public API ----

  /** The latest LayerCost (null before the first render or on invalid input). */
  get result(): LayerCost | null {
    return this.errors.size || this.computeError ? null : this.last;
  }
  /** The options passed to `ml.flops.layer` for the current state. */
  get options(): LayerOptions {
    const s = this.state;
    const m = s.model;
    const o: LayerOptions = {
      hidden: m.hidden,
      heads: m.heads,
      ffn: m.ffn,
      layers: m.layers,
      batch: m.batch,
      gated: m.gated,
      causal: s.variant === 'nystrom' ? false : m.causal,
      n: s.n,
      variant: s.variant,
      featureMultiple: s.featureMultiple,
      features: s.features,
      landmarks: s.landmarks,
      pinvIterations: s.pinvIterations,
    };
    if (m.headSize !== null) o.headSize = m.headSize;
    if (m.kvHeads !== null) o.kvHeads = m.kvHeads;
    return o;
  }

  // ---- lifecycle ----

  protected override connected(): void {
    ensureKatexFonts(this.ownerDocument);
    this.resize = new ResizeObserver((entries) => {
      const w = Math.round(entries[0]?.contentRect.width ?? 0);
      if (w > 0 && Math.abs(w - this.width) > 1) {
        this.width = w;
        this.requestRender();
      }
    });
    this.resize.observe(this.chartBox);
    this.loadApi((ml) => {
      for (const p of ml.flops.presets()) this.presetTable.set(p.name, p);
      this.applyLanguage(this.language); // the menu's labels come from the preset table
      this.rebuildFromAttributes();
    });
  }

  protected override disconnected(): void {
    this.resize?.disconnect();
    this.resize = null;
    this.dragging = false;
  }

  protected override attributeChanged(name: string, value: string | null): void {
    this.attrs.set(name, value);
    this.edited = false;
    if (this.ml) this.rebuildFromAttributes();
  }

  // ---- state ----

  /** Preset first, then every other attribute on top (so attribute order does not matter). */
  private rebuildFromAttributes(): void {
    this.errors.clear();
    this.inputProblem = null;
    const bad = (name: string, text: string, reason: (l: Lang) => string) =>
      this.errors.set(name, (l) => fill(common[l].attribute, { name, value: text, reason: reason(l) }));
    const get = (n: string) => this.getAttribute(n);
    const preset = get('preset');
    const explicitModel = ['hidden-size', 'heads', 'ffn'].some((n) => get(n) !== null);
    if (preset === null) this.applyPreset(explicitModel ? 'custom' : 'bert-base', false);
    else if (preset === 'custom' || PRESETS.includes(preset as PresetName)) this.applyPreset(preset as PresetName | 'custom', false);
    else {
      this.applyPreset('bert-base', false);
      bad('preset', preset, (l) => (l === 'zh' ? `应为 ${PRESETS.join('、')} 或 custom 之一` : `expected one of ${PRESETS.join(', ')} or custom`));
    }
    const variant = get('variant');
    this.state.variant = 'standard';
    if (variant !== null) {
      if (VARIANTS.includes(variant as AttentionVariant)) this.state.variant = variant as AttentionVariant;
      else bad('variant', variant, (l) => (l === 'zh' ? `应为 ${VARIANTS.join('、')} 之一` : `expected one of ${VARIANTS.join(', ')}`));
    }
    const conv = get('convention');
    this.state.convention = 'macs';
    if (conv !== null) {
      if (conv === 'macs' || conv === 'flops') this.state.convention = conv;
      else bad('convention', conv, (l) => (l === 'zh' ? '应为 macs 或 flops' : 'expected macs or flops'));
    }
    this.state.featureMultiple = 4;
    this.state.features = 256;
    this.state.landmarks = 64;
    this.state.pinvIterations = 6;
    for (const [attr, [key, min, max]] of Object.entries(INT_ATTRS)) {
      const text = get(attr);
      if (text === null) continue;
      try {
        const v = parseInteger(text, min, max);
        if (key in this.state.model) (this.state.model as unknown as Record<string, number>)[key] = v;
        else (this.state as unknown as Record<string, number>)[key] = v;
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        bad(attr, text, (l) => e.describe(l));
      }
    }
    for (const attr of BOOL_ATTRS) {
      const text = get(attr);
      if (text === null) continue;
      const t = text.trim().toLowerCase();
      if (t === '' || t === 'true' || t === attr) this.state.model[attr] = true;
      else if (t === 'false') this.state.model[attr] = false;
      else bad(attr, text, (l) => (l === 'zh' ? '应为布尔属性（不写值、"true" 或 "false"）' : 'expected a boolean attribute (no value, "true" or "false")'));
    }
    this.changed();
  }

  /**
   * Loads a preset's model. `fromMenu`: the reader picked it (custom then keeps the current numbers
   * and the batch stays); from attributes, custom starts from BERT-base's numbers.
   */
  private applyPreset(name: PresetName | 'custom', fromMenu: boolean): void {
    this.state.preset = name;
    if (name === 'custom' && fromMenu) return;
    const p = this.presetTable.get(name === 'custom' ? 'bert-base' : name);
    if (!p) return;
    this.state.model = {
      hidden: p.hidden,
      heads: p.heads,
      headSize: null,
      kvHeads: null,
      ffn: p.ffn,
      layers: p.layers,
      batch: fromMenu ? this.state.model.batch : 1,
      gated: p.gated,
      causal: p.causal,
    };
    if (!fromMenu) this.state.n = p.context;
    else if (this.state.n === this.presetTable.get(this.previousPreset)?.context) this.state.n = p.context;
  }

  /** The preset before the reader's last choice (to move n along when it was that preset's context). */
  private previousPreset = 'bert-base';

  private onNumber(name: string, input: HTMLInputElement): void {
    this.edited = true;
    const v = Number(input.value);
    const min = Number(input.min);
    const max = Number(input.max);
    if (input.value.trim() === '' || !Number.isInteger(v) || v < min || v > max) {
      const what = name === 'n' ? 'n' : (this.labels.get(name as Key)?.textContent ?? name);
      this.inputProblem = `${what}: ${fill(common[this.language].integerRange, { min, max })}`;
      this.requestRender();
      return;
    }
    this.inputProblem = null;
    if (name === 'n') this.state.n = v;
    else if (name in this.state.model) {
      (this.state.model as unknown as Record<string, number>)[name] = v;
      if (name === 'heads' && this.state.model.kvHeads !== null && this.state.model.heads % this.state.model.kvHeads !== 0) this.state.model.kvHeads = null;
      this.state.preset = 'custom';
    } else (this.state as unknown as Record<string, number>)[name] = v;
    this.changed();
  }

  private pickN(e: PointerEvent): void {
    const r = this.svgEl.getBoundingClientRect();
    const x = ((e.clientX - r.left) / r.width) * this.width;
    const { left, right, from, to } = this.layout();
    const t = Math.min(Math.max((x - left) / (right - left), 0), 1);
    this.edited = true;
    this.state.n = Math.round(from * (to / from) ** t);
    this.changed();
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
        this.last = this.ml.flops.layer(this.options);
        this.computeError = null;
        this.updateSweep();
      } catch (e) {
        if (!(e instanceof MathLensError)) throw e;
        this.computeError = e.message;
      }
    }
    if (this.computeError && (!this.edited || !this.last)) return this.showError(lang, [this.computeError]);
    this.showError(lang, null);
    const problem = this.computeError ? `${S[lang].inputError} ${this.computeError}` : this.inputProblem;
    this.inlineError.hidden = !problem;
    setText(this.inlineError, problem ?? '');
    const r = this.last!;
    this.syncControls(lang);
    this.drawChart(lang, r);
    this.fillTable(lang, r);
    this.fillCrossovers(lang, r);
    this.fillSummary(lang, r);
    if (fresh && !this.computeError) this.dispatchEvent(new CustomEvent<LayerCost>('change', { detail: r, bubbles: true }));
  }

  private applyLanguage(lang: Lang): void {
    const t = S[lang];
    for (const [key, el] of this.labels) setText(el, t[key]);
    this.presetSelect.replaceChildren(
      ...PRESETS.map((p) => h('option', { attrs: { value: p }, text: this.presetTable.get(p)?.label ?? p })),
      h('option', { attrs: { value: 'custom' }, text: t.custom }),
    );
    for (const o of this.variantSelect.options) setText(o, t[o.value as Key]);
    setText(this.segButtons.macs, t.macs);
    setText(this.segButtons.flops, t.flops);
    this.segButtons.macs.title = t.macsLong;
    this.segButtons.flops.title = t.flopsLong;
    setText(this.noteConvention, t.convention);
    this.texCache.clear();
    this.sweepKey = ''; // redraw the chart with translated labels
  }

  private syncControls(lang: Lang): void {
    const s = this.state;
    const m = s.model;
    if (this.presetSelect.options.length === 0) this.applyLanguage(lang);
    this.presetSelect.value = s.preset;
    this.variantSelect.value = s.variant;
    const values: Record<string, number> = {
      hidden: m.hidden, heads: m.heads, kvHeads: this.last?.config.kvHeads ?? m.kvHeads ?? m.heads, ffn: m.ffn, layers: m.layers, batch: m.batch,
      featureMultiple: s.featureMultiple, features: s.features, landmarks: s.landmarks, pinvIterations: s.pinvIterations, n: s.n,
    };
    for (const [name, v] of Object.entries(values)) {
      const input = this.inputs.get(name)!;
      if (this.shadow.activeElement !== input && input.value !== String(v)) input.value = String(v);
    }
    (this.inputs.get('gated') as HTMLInputElement).checked = m.gated;
    const causal = this.inputs.get('causal') as HTMLInputElement;
    causal.checked = m.causal && s.variant !== 'nystrom';
    causal.disabled = s.variant === 'nystrom';
    this.fieldBoxes.get('features')!.hidden = s.variant !== 'performer';
    this.fieldBoxes.get('landmarks')!.hidden = s.variant !== 'nystrom';
    this.fieldBoxes.get('pinvIterations')!.hidden = s.variant !== 'nystrom';
    if (this.shadow.activeElement !== this.slider) this.slider.value = String(sliderAt(s.n));
    this.slider.setAttribute('aria-valuetext', fill(S[lang].nValue, { n: formatCount(s.n, lang) }));
    setText(this.nShown, formatCount(s.n, lang));
    this.segButtons.macs.setAttribute('aria-pressed', String(s.convention === 'macs'));
    this.segButtons.flops.setAttribute('aria-pressed', String(s.convention === 'flops'));
    setText(this.embed, this.embedCode());
    setText(this.noteBatch, m.batch > 1 ? fill(S[lang].batchNote, { b: m.batch }) : '');
    this.noteBatch.hidden = m.batch <= 1;
  }

  /** The current state as attributes (for shareable links and the embed snippet). */
  override shareState(): Record<string, string> {
    const s = this.state;
    const m = s.model;
    const a: Record<string, string> = { preset: s.preset };
    if (s.preset === 'custom') {
      Object.assign(a, { 'hidden-size': String(m.hidden), heads: String(m.heads), ffn: String(m.ffn), layers: String(m.layers) });
      if (m.kvHeads !== null && m.kvHeads !== m.heads) a['kv-heads'] = String(m.kvHeads);
      if (m.headSize !== null) a['head-size'] = String(m.headSize);
      a.gated = String(m.gated);
      a.causal = String(m.causal);
    } else {
      const p = this.presetTable.get(s.preset);
      if (p && m.gated !== p.gated) a.gated = String(m.gated);
      if (p && m.causal !== p.causal) a.causal = String(m.causal);
    }
    a.n = String(s.n);
    if (m.batch !== 1) a.batch = String(m.batch);
    if (s.variant !== 'standard') a.variant = s.variant;
    if (s.featureMultiple !== 4) a['feature-multiple'] = String(s.featureMultiple);
    if (s.variant === 'performer' && s.features !== 256) a.features = String(s.features);
    if (s.variant === 'nystrom' && s.landmarks !== 64) a.landmarks = String(s.landmarks);
    if (s.variant === 'nystrom' && s.pinvIterations !== 6) a['pinv-iterations'] = String(s.pinvIterations);
    if (s.convention !== 'macs') a.convention = s.convention;
    return a;
  }

  private embedCode(): string {
    const custom = this.state.preset === 'custom'; // absent booleans are false only for custom models
    const parts = Object.entries(this.shareState())
      .filter(([k, v]) => !(custom && BOOL_ATTRS.includes(k as 'gated') && v === 'false'))
      .map(([k, v]) => (BOOL_ATTRS.includes(k as 'gated') && v === 'true' ? k : `${k}="${v}"`));
    return `<mathlens-flops ${parts.join(' ')}></mathlens-flops>`;
  }

  private updateSweep(): void {
    const o = this.options;
    const from = Math.max(N_MIN, o.variant === 'nystrom' ? (o.landmarks ?? 64) : N_MIN);
    const key = JSON.stringify({ ...o, n: 0, from });
    if (key === this.sweepKey && this.sweepData) return;
    const s = this.ml!.flops.sweep(o, { from, to: N_MAX, points: SWEEP_POINTS });
    this.sweepData = { n: s.n, proj: s.macs.projections, core: s.macs.attentionCore, ffn: s.macs.ffn };
    this.sweepKey = key;
  }

  /** Horizontal layout of the chart (shared with the pointer). */
  private layout() {
    const from = this.sweepData?.n[0] ?? N_MIN;
    return { left: 44, right: this.width - 12, from, to: N_MAX };
  }

  private drawChart(lang: Lang, r: LayerCost): void {
    const d = this.sweepData;
    if (!d) return;
    const W = this.width;
    const t = S[lang];
    const { left, right, from, to } = this.layout();
    const x = (n: number) => left + ((Math.log(n) - Math.log(from)) / (Math.log(to) - Math.log(from))) * (right - left);
    // crossover labels first: their rows decide the top margin
    const names: Partial<Record<string, string>> = {
      attentionFfn: t.mAttnFfn,
      quadraticLinear: t.mQuad,
      linearCore: fill(t.mLinear, { k: r.config.featureMultiple }),
      performerCore: t.mPerformer,
      nystromCore: t.mNystrom,
    };
    const marks: { px: number; text: string; row: number; lo: number; hi: number; end: boolean }[] = [];
    for (const c of r.crossovers) {
      const at = c.closedForm ?? c.numeric;
      const name = names[c.key];
      if (at === null || !name || at < from || at > to) continue;
      const px = x(at);
      const text = `${name} ${formatCount(Math.round(at * 100) / 100, lang)}`;
      const width = text.length * 6.4 + 6;
      const end = px + width > right;
      const [lo, hi] = end ? [px - width, px] : [px, px + width];
      let row = 0;
      while (marks.some((m) => m.row === row && m.lo < hi && lo < m.hi)) row++;
      marks.push({ px, text, row, lo, hi, end });
    }
    const rows = marks.length ? Math.max(...marks.map((m) => m.row)) + 1 : 0;
    const top = 10 + 14 * rows;
    const bottom = top + 172;
    const H = bottom + 36;
    const y = (share: number) => bottom - share * (bottom - top);
    setAttrs(this.svgEl, { viewBox: `0 0 ${W} ${H}`, width: W, height: H });
    this.svgEl.replaceChildren();
    this.svgEl.setAttribute('aria-label', fill(t.chart, { from: formatCount(from, lang), to: formatCount(to, lang) }));
    const g = svg('g', {}, this.svgEl);
    // stacked areas: FFN at the bottom, then the projections, then the attention core
    const N = d.n.length;
    const cum: number[][] = [[], [], [], []];
    for (let i = 0; i < N; i++) {
      const total = d.proj[i] + d.core[i] + d.ffn[i];
      cum[0].push(0);
      cum[1].push(d.ffn[i] / total);
      cum[2].push((d.ffn[i] + d.proj[i]) / total);
      cum[3].push(1);
    }
    const area = (lo: number[], hi: number[], cls: string) => {
      let p = '';
      for (let i = 0; i < N; i++) p += `${i ? 'L' : 'M'}${x(d.n[i]).toFixed(1)},${y(hi[i]).toFixed(1)}`;
      for (let i = N - 1; i >= 0; i--) p += `L${x(d.n[i]).toFixed(1)},${y(lo[i]).toFixed(1)}`;
      svg('path', { d: `${p}Z`, class: `area ${cls}` }, g);
    };
    area(cum[0], cum[1], 'area-ffn');
    area(cum[1], cum[2], 'area-proj');
    area(cum[2], cum[3], 'area-core');
    // grid and ticks
    for (const s of [0, 0.25, 0.5, 0.75, 1]) {
      svg('line', { x1: left, x2: right, y1: y(s), y2: y(s), class: s === 0.5 ? 'half' : 'gridline' }, g);
      const tx = svg('text', { x: left - 6, y: y(s) + 4, 'text-anchor': 'end', class: 'tick' }, g);
      tx.textContent = `${s * 100}%`;
    }
    const ticks: number[] = [];
    for (let n = 64; n <= to; n *= 4) if (n >= from) ticks.push(n);
    if (ticks[ticks.length - 1] !== to) ticks.push(to);
    // from the right: the last tick (to) always, then every one with room for its label
    const shown: number[] = [];
    for (const n of [...ticks].reverse()) if (!shown.length || x(shown[shown.length - 1]) - x(n) >= (n === from ? 30 : 38)) shown.push(n);
    for (const n of shown) {
      const tx = svg('text', { x: x(n), y: bottom + 16, 'text-anchor': n === to ? 'end' : 'middle', class: 'tick' }, g);
      tx.textContent = shortN(n);
      svg('line', { x1: x(n), x2: x(n), y1: bottom, y2: bottom + 4, class: 'gridline' }, g);
    }
    const nt = svg('text', { x: (left + right) / 2, y: bottom + 31, 'text-anchor': 'middle', class: 'tick' }, g);
    nt.textContent = 'n';
    // all lines first, then the labels: their halo hides the lines that cross them
    for (const m of marks) svg('line', { x1: m.px, x2: m.px, y1: 14 * m.row + 4, y2: bottom, class: 'marker' }, g);
    for (const m of marks) {
      const tx = svg('text', { x: m.end ? m.px - 4 : m.px + 4, y: 14 * m.row + 16, 'text-anchor': m.end ? 'end' : 'start', class: 'marker-label' }, g);
      tx.textContent = m.text;
    }
    // the chosen n
    const n = Math.min(Math.max(this.state.n, from), to);
    const flip = x(n) > (left + right) / 2;
    svg('line', { x1: x(n), x2: x(n), y1: top, y2: bottom, class: 'current' }, g);
    const label = svg('text', { x: x(n) + (flip ? -6 : 6), y: bottom - 6, 'text-anchor': flip ? 'end' : 'start', class: 'current-label' }, g);
    label.textContent = `n = ${formatCount(this.state.n, lang)}`;
    setText(this.caption, `${fill(t.chart, { from: formatCount(from, lang), to: formatCount(to, lang) })} ${t.chartHint}`);
  }

  private tex(key: string, tex: string): HTMLElement {
    let el = this.texCache.get(key + tex);
    if (!el) {
      el = h('span', { class: 'tex' });
      renderTex(el, tex);
      this.texCache.set(key + tex, el);
    }
    return el;
  }

  private fillTable(lang: Lang, r: LayerCost): void {
    const t = S[lang];
    const flops = this.state.convention === 'flops';
    const count = (macs: number) => formatCount(flops ? 2 * macs : macs, lang);
    setText(this.headCells[1], flops ? t.flops : t.macs);
    const rows: HTMLElement[] = [];
    const row = (name: string, value: string, share: string, cls = '', texKey?: string, tex?: string, key?: string) => {
      const nameCell = h('td', {}, h('span', { class: 'name', text: name }));
      if (tex && texKey) nameCell.append(this.tex(texKey, tex));
      const tr = h('tr', { class: cls, attrs: key ? { 'data-key': key } : {} }, nameCell, h('td', { class: 'num count', text: value }), h('td', { class: 'num share-col', text: share }));
      rows.push(tr);
    };
    const groups: [string, Key, number][] = [
      ['projection', 'projections', r.macs.projections],
      ['attention', 'attentionCore', r.macs.attentionCore],
      ['ffn', 'ffnPart', r.macs.ffn],
    ];
    for (const [group, key, sub] of groups) {
      const terms = r.terms.filter((x) => x.group === group);
      if (group !== 'ffn') row(t[key], count(sub), formatPercent(sub / r.macs.total), 'sub', undefined, undefined, `group-${group}`);
      for (const term of terms)
        row(TERM_NAMES[term.key][lang === 'zh' ? 1 : 0], count(term.macs), formatPercent(term.share), group === 'ffn' ? 'sub' : '', term.key, termTex(term.key, r), term.key);
    }
    row(t.total, count(r.macs.total), '100%', 'total', undefined, undefined, 'total');
    row(fill(t.model_total, { layers: r.model.layers }), count(r.model.macs), '', '', undefined, undefined, 'model');
    row(t.parameters, formatCount(r.model.parameters, lang), '', '', undefined, undefined, 'parameters');
    row(t.perToken, formatCount(Math.round(r.model.flopsPerToken), lang), '', '', 'pt', String.raw`\text{model FLOPs}/(b\,n)`, 'perToken');
    row(t.kaplan, formatCount(r.kaplan.flopsPerToken, lang), '', '', 'kaplan', String.raw`2N+2\,n_{\mathrm{layer}}\,n\,d_{\mathrm{attn}}`, 'kaplan');
    row(fill(t.memory, { bytes: r.config.bytesPerElement }), formatBytes(r.attentionMemory.bytes), '', '', undefined, undefined, 'memory');
    this.tbody.replaceChildren(...rows);
  }

  private fillCrossovers(lang: Lang, r: LayerCost): void {
    const t = S[lang];
    const items: HTMLElement[] = [];
    for (const c of r.crossovers) {
      const label = fill(t[c.key as Key], { k: r.config.featureMultiple, m: c.key === 'performerCore' ? r.config.features : r.config.landmarks });
      const when = c.always ? t.always : c.firstN === null ? t.never : fill(t.fromN, { n: formatCount(c.firstN, lang) });
      const li = h('li', { attrs: { 'data-key': c.key } }, h('span', { text: label }), h('span', { class: 'when', text: when }));
      const at = c.closedForm ?? c.numeric;
      if (at !== null && !c.always) {
        const target = Math.round(at);
        const b = h('button', { attrs: { type: 'button' }, text: fill(t.goTo, { n: formatCount(target, lang) }) });
        b.addEventListener('click', () => {
          this.edited = true;
          this.state.n = target;
          this.changed();
        });
        li.append(b);
      }
      if (c.formula) {
        const value = c.closedForm !== null ? `=${formatCount(Math.round(c.closedForm * 1000) / 1000, 'en').replace(/,/g, '{,}')}` : '';
        li.append(this.tex(`x-${c.key}`, `n^{*}=${c.formula}${value}`));
      }
      items.push(li);
    }
    this.crossList.replaceChildren(...items);
  }

  private fillSummary(lang: Lang, r: LayerCost): void {
    const t = S[lang];
    const model = this.state.preset === 'custom' ? t.customModel : (this.presetTable.get(this.state.preset)?.label ?? this.state.preset);
    const at = (key: string) => {
      const c = r.crossovers.find((x) => x.key === key);
      if (!c) return '—';
      if (c.always) return t.always;
      return c.firstN === null ? t.never : fill(t.beyond, { n: formatCount(c.firstN - 1, lang) });
    };
    const base = { model, n: formatCount(r.config.n, lang), a: formatPercent(r.shares.attention), f: formatPercent(r.shares.ffn) };
    setText(
      this.summary,
      r.config.variant === 'standard'
        ? fill(t.summary, { ...base, q: formatPercent(r.shares.quadratic), x1: at('attentionFfn'), x2: at('quadraticLinear') })
        : fill(t.summaryOther, { ...base, variant: t[r.config.variant as Key] }),
    );
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'mathlens-flops': MathLensFlops;
  }
}

if (!customElements.get('mathlens-flops')) customElements.define('mathlens-flops', MathLensFlops);
