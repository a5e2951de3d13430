/**
 * The cost model of a Transformer layer — the post "Linear Transformer is probably not the model
 * you are waiting for" (kexue.fm/archives/8610, spec/MATH.md §1): where a layer's time goes, when
 * attention overtakes the FFN (n > 2·hidden, 1536 for BERT-base), when the n² term dominates
 * (n > 6·hidden, 4608) and when linear attention pays off (n > 16·head size with the 4× wider heads
 * it needs, 1024) — for your own model, with GQA/MQA, gated FFNs, causal masks, batches, whole
 * models and three efficient-attention variants (linear, Performer, Nyström).
 *
 * ```ts
 * const ml = await init();
 * const r = ml.flops.layer({ preset: 'bert-base', n: 512 });
 * r.macs.total;                    // 4026531840 multiply-adds (the post's "multiplications")
 * r.flops.total;                   // 8053063680 FLOPs (= 2 × MACs)
 * r.shares.quadratic;              // 0.1: the n² part is 10% of the layer at n = 512
 * r.crossovers[0].firstN;          // 1537: attention costs more than the FFN from n = 1537 on
 * ml.flops.attention({ variant: 'nystrom', n: 4096, headSize: 64, landmarks: 64 }).macs;
 * ```
 *
 * Conventions. One MAC is one multiply-add (multiplying an a×b by a b×c matrix costs abc); FLOPs =
 * 2 × MACs; both are in every result, with the `convention` text. Not counted: softmax and its
 * normalisation, the linear-attention normaliser, activations, residuals, LayerNorm, biases,
 * embeddings, landmark pooling. Counts are per layer and cover the whole batch; `model` multiplies
 * by the layer count. Causal attention counts only the n(n+1)/2 unmasked scores (as fused kernels
 * compute them); the linear variants' prefix-sum form costs the same as their non-causal form.
 *
 * Exactness. Counts are computed in exact 64-bit integer arithmetic and returned only when the
 * number (a double) is that exact integer: always below 2^53 ≈ 9.007·10¹⁵, and above it for
 * integers with enough trailing zero bits (typical when n and the widths are multiples of powers of
 * two). Otherwise the call throws `flops.<fn>: counts too large to be exact …`.
 * @module
 */
import type { RawModuleBase } from './wasm/mathlens.mjs';
import { booleanArg, describe, optionsArg } from './core/args.js';
import { MathLensError, unwrap } from './core/errors.js';
import type { Heap } from './core/heap.js';
import { vectorArg } from './core/matrix.js';

/** The attention of a layer. */
export type AttentionVariant =
  /** softmax(QKᵀ)V: scores h·n²d and weighted sum h·n²d */
  | 'standard'
  /** φ(Q)(φ(K)ᵀV) with r = featureMultiple·d features: g·n·r·dv + h·n·r·dv */
  | 'linear'
  /** Performer FAVOR+ with m random features: (h+g)·nmd + g·nmd + h·nmd */
  | 'performer'
  /** Nyström with m landmarks, per head 4nmd + 2m²d + 4m³·iterations (+ n·d·convKernel) */
  | 'nystrom';

/** Names of the model presets. */
export type PresetName = 'bert-base' | 'bert-large' | 'gpt2-small' | 'gpt2-medium' | 'gpt2-large' | 'gpt2-xl' | 'llama-2-7b';

/** The attention variant and its parameters (each used by its variant only, but always checked). */
export interface VariantOptions {
  /** Default 'standard'. */
  variant?: AttentionVariant;
  /** Linear attention: feature size r = featureMultiple · headSize (default 1; the post argues 4 is needed). */
  featureMultiple?: number;
  /** Linear attention: the values widen with the features too, dv = r (default true: the post's 2n(4d)²); false: dv = d. */
  widenValues?: boolean;
  /** Performer: number m of random features (default 256). */
  features?: number;
  /** Nyström: number m of landmarks, at most n (default 64). */
  landmarks?: number;
  /** Nyström: iterations of the pseudo-inverse, 4m³ each (default 6; 0 allowed). */
  pinvIterations?: number;
  /** Nyström: kernel size of the depthwise convolution skip on V (default 0 = none; the paper uses 33). */
  convKernel?: number;
}

/** A Transformer layer (and its model). Give a `preset`, or at least `hidden`, `heads` and `n`. */
export interface LayerOptions extends VariantOptions {
  /** Start from a named model; every other option overrides its value. */
  preset?: PresetName;
  /** Hidden size H. */
  hidden?: number;
  /** Number of query heads h. */
  heads?: number;
  /** Head size d (default hidden / heads, which must divide). */
  headSize?: number;
  /** Key/value heads g: heads (MHA, default), 1 (MQA), or a divisor of heads (GQA). */
  kvHeads?: number;
  /** FFN inner width F (default ffnRatio × hidden). Give ffn or ffnRatio, not both. */
  ffn?: number;
  /** F / H when ffn is not given (default 4; the product must be a whole number). */
  ffnRatio?: number;
  /** Gated FFN (SwiGLU/GeGLU): three H×F matrices instead of two (default false). */
  gated?: boolean;
  /** Causal mask: only the n(n+1)/2 unmasked scores are counted (default false). */
  causal?: boolean;
  /** Sequence length (the preset's context length by default). */
  n?: number;
  /** Sequences per batch (default 1). */
  batch?: number;
  /** Layers of the model, for the model totals (default 1, or the preset's). */
  layers?: number;
  /** Bytes per element for the attention memory (default 4 = float32). */
  bytesPerElement?: number;
}

/** One attention core on its own — what an attention kernel computes (no projections). */
export interface AttentionCostOptions extends VariantOptions {
  /** Sequence length n (required). */
  n: number;
  /** Head size d (required). */
  headSize: number;
  /** Query heads h (default 1). */
  heads?: number;
  /** Key/value heads (default heads). */
  kvHeads?: number;
  /** Default 1. */
  batch?: number;
  /** Default false (not allowed for Nyström). */
  causal?: boolean;
  /** Default 4. */
  bytesPerElement?: number;
}

/** Every option of a layer, resolved (head size, KV heads and FFN width filled in). */
export interface ResolvedLayerConfig extends Required<VariantOptions> {
  hidden: number;
  heads: number;
  headSize: number;
  kvHeads: number;
  ffn: number;
  /** ffn / hidden. */
  ffnRatio: number;
  gated: boolean;
  causal: boolean;
  n: number;
  batch: number;
  layers: number;
  bytesPerElement: number;
}

/** The options of an attention core, resolved. */
export interface ResolvedAttentionConfig extends Required<VariantOptions> {
  n: number;
  headSize: number;
  heads: number;
  kvHeads: number;
  batch: number;
  causal: boolean;
  bytesPerElement: number;
}

/** Keys of the terms: projections, the variant's own terms, the FFN. */
export type TermKey =
  | 'qProj' | 'kProj' | 'vProj' | 'oProj'
  | 'scores' | 'weightedSum'
  | 'linearKV' | 'linearQ'
  | 'featureMap' | 'performerKV' | 'performerQ'
  | 'nystromF' | 'nystromA' | 'nystromB' | 'nystromBV' | 'nystromPinv' | 'nystromPinvBV' | 'nystromOut' | 'nystromConv'
  | 'ffn';

/** Which part of the layer a {@link CostTerm} belongs to: the Q/K/V/O projections, the attention core, or the FFN. */
export type TermGroup = 'projection' | 'attention' | 'ffn';

/** One term of the breakdown. As a function of n (all else fixed): macs(n) = n2·n² + n1·n + n0. */
export interface CostTerm {
  key: TermKey;
  /** English description, e.g. "scores QKᵀ". */
  label: string;
  group: TermGroup;
  /** Multiply-adds (exact integer). */
  macs: number;
  /** 2 × macs. */
  flops: number;
  /** Fraction of the total it belongs to (layer or attention core). */
  share: number;
  n2: number;
  n1: number;
  n0: number;
}

/** A cost split by part and by power of n (all in one unit: MACs or FLOPs). */
export interface CostParts {
  projections: number;
  attentionCore: number;
  /** projections + attention core (the post's C_SA). */
  attention: number;
  ffn: number;
  total: number;
  /** The n² part of the total. */
  quadratic: number;
  /** The part proportional to n. */
  linear: number;
  /** The part independent of n (Nyström's m³ and m²d terms). */
  constant: number;
}

/** Names the pair of costs compared by a {@link Crossover} (the list there says what each compares). */
export type CrossoverKey = 'attentionFfn' | 'quadraticLinear' | 'linearCore' | 'performerCore' | 'nystromCore' | 'layerVsStandard';

/**
 * Where two costs cross as n grows: from `firstN` on, `first` exceeds `second`.
 * - attentionFfn: attention (projections + core) vs FFN — standard: n* = 2H in the post's model
 * - quadraticLinear: the n² part vs the linear part — standard: n* = 6H
 * - linearCore: softmax core vs linear-attention core with r = featureMultiple·d — n* = k²d (16d for k = 4)
 * - performerCore (Performer), nystromCore (Nyström): softmax core vs the variant's core
 * - layerVsStandard (any variant but standard): the layer with softmax attention vs this layer
 */
export interface Crossover {
  key: CrossoverKey;
  label: string;
  first: string;
  second: string;
  /** n where first = second by the post-style closed form, when the configuration has one. */
  closedForm: number | null;
  /** That formula in TeX (H hidden, h heads, g KV heads, d head size, F FFN width, k feature multiple, m features). */
  formula: string | null;
  /** The same point found numerically (bisection on the cost model); null when they never cross at n ≥ 1. */
  numeric: number | null;
  /** Smallest integer n from which on first > second (exact integer check); null: never. */
  firstN: number | null;
  /** first > second at every n ≥ 1. */
  always: boolean;
}

/** Everything {@link FlopsApi.layer} computes. */
export interface LayerCost {
  /** "MACs: one multiply-add …; FLOPs = 2 × MACs. Not counted: …" */
  convention: string;
  config: ResolvedLayerConfig;
  terms: CostTerm[];
  /** Per layer (whole batch), in multiply-adds. */
  macs: CostParts;
  /** The same in FLOPs (2 × MACs). */
  flops: CostParts;
  shares: {
    /** (projections + core) / total. */
    attention: number;
    attentionCore: number;
    ffn: number;
    /** n² part / total: n/(n + 6H) in the post's model. */
    quadratic: number;
  };
  /** (projections + core) / FFN: ½ + n/(4H) in the post's model. */
  attentionFfnRatio: number;
  /** Entries (and bytes) of the matrices the attention core materialises, over heads and batch. */
  attentionMemory: { entries: number; bytes: number };
  /** Weights of one layer (no biases): 2H·hd + 2H·gd + (2 or 3)·HF. */
  parameters: number;
  model: {
    layers: number;
    macs: number;
    flops: number;
    /** Non-embedding parameters. */
    parameters: number;
    /** Forward FLOPs per token: model FLOPs / (batch · n). */
    flopsPerToken: number;
  };
  /** Kaplan et al. (2020): forward FLOPs per token ≈ 2N + 2·n_layer·n·d_attn (it counts causal attention). */
  kaplan: { parameters: number; flopsPerToken: number; contextFlopsPerToken: number };
  crossovers: Crossover[];
}

/** Everything {@link FlopsApi.attention} computes. */
export interface AttentionCost {
  convention: string;
  config: ResolvedAttentionConfig;
  /** The variant's terms (group 'attention'). */
  terms: CostTerm[];
  macs: number;
  flops: number;
  /** Standard: n² per head (the dense weight matrix); linear/Performer: φ(Q), φ(K), φ(K)ᵀV; Nyström: F, A, B. */
  memory: { entries: number; bytes: number };
}

/** A range of sequence lengths for {@link FlopsApi.sweep}: `points` integers evenly spaced in log n. */
export interface SweepRange {
  from: number;
  to: number;
  /** Default 64, at most 10000 (duplicates after rounding are dropped). */
  points?: number;
}

/** Per-layer costs over many n. */
export interface CostSweep {
  convention: string;
  n: Float64Array;
  terms: { key: TermKey; label: string; group: TermGroup; macs: Float64Array }[];
  macs: { total: Float64Array; projections: Float64Array; attentionCore: Float64Array; ffn: Float64Array };
  shares: { attention: Float64Array; attentionCore: Float64Array; ffn: Float64Array; quadratic: Float64Array };
}

/** A model preset. */
export interface Preset {
  name: PresetName;
  /** "BERT-base", … */
  label: string;
  /** Context length: the preset's default n. */
  context: number;
  hidden: number;
  heads: number;
  ffn: number;
  layers: number;
  gated: boolean;
  causal: boolean;
}

/** The flops module: `ml.flops`. Every function throws {@link MathLensError} on bad input. */
export interface FlopsApi {
  /** Cost of one layer at n: per-term breakdown, totals in MACs and FLOPs, shares, attention memory, model totals, Kaplan's estimate and the crossovers. */
  layer(options: LayerOptions): LayerCost;
  /** Cost of one attention core at (n, headSize, …) — the prediction to put next to a measured kernel. */
  attention(options: AttentionCostOptions): AttentionCost;
  /** Per-layer costs at every n of `ns` (positive integers) or of a log-spaced range; `options.n` is ignored. */
  sweep(options: LayerOptions, ns: ArrayLike<number> | SweepRange): CostSweep;
  /** The model presets: BERT-base/large, GPT-2 small/medium/large/XL, LLaMA-2-7B. */
  presets(): Preset[];
}

// ------------------------------------------------------------------------------ implementation

type StringsOrError = (string | number)[] | Error;
interface FlopsRaw extends RawModuleBase {
  flops_layer(config: number, out: number): StringsOrError;
  flops_attention(config: number, out: number): StringsOrError;
  flops_sweep(config: number, ns: number, count: number, from: number, to: number, points: number, out: number): StringsOrError;
  flops_presets(out: number): StringsOrError;
}

const VARIANTS: AttentionVariant[] = ['standard', 'linear', 'performer', 'nystrom'];
const GROUPS: TermGroup[] = ['projection', 'attention', 'ffn'];
const PRESET_NAMES: PresetName[] = ['bert-base', 'bert-large', 'gpt2-small', 'gpt2-medium', 'gpt2-large', 'gpt2-xl', 'llama-2-7b'];
/** Slots of the configuration block (cpp/bindings/flops.cpp). */
const CONFIG = 19;
const MAX_TERMS = 13;
const MAX_CROSSOVERS = 6;
const LAYER_OUT = 2 + CONFIG + 16 + 15 + 7 * MAX_TERMS + 4 * MAX_CROSSOVERS;
const MAX_SWEEP = 100000;

const VARIANT_KEYS = ['variant', 'featureMultiple', 'widenValues', 'features', 'landmarks', 'pinvIterations', 'convKernel'] as const;
const LAYER_KEYS = [
  'preset', 'hidden', 'heads', 'headSize', 'kvHeads', 'ffn', 'ffnRatio', 'gated', 'causal', 'n', 'batch', 'layers',
  'bytesPerElement', ...VARIANT_KEYS,
];
const ATTENTION_KEYS = ['n', 'headSize', 'heads', 'kvHeads', 'batch', 'causal', 'bytesPerElement', ...VARIANT_KEYS];

/** A required options object (undefined is an error, not a default). */
function objectArg(x: unknown, fn: string, arg: string, keys: readonly string[]): Record<string, unknown> {
  if (x === undefined) throw new MathLensError(`${fn}: ${arg} must be an object, got undefined`);
  return optionsArg(x, fn, keys, arg);
}

/** An option's value, or `fallback` when it is not given (undefined only: null is a wrong value, not "not given"). */
function option(o: Record<string, unknown>, key: string, fallback: unknown): unknown {
  return o[key] === undefined ? fallback : o[key];
}

/** An integer option: a safe integer (its range is checked by the core, except where noted). */
function int(o: Record<string, unknown>, key: string, fn: string, fallback: number, min = -Infinity, what = 'a positive integer'): number {
  const v = o[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) throw new MathLensError(`${fn}: ${key} must be ${what}, got ${describe(v)}`);
  return v;
}


/** Fills the 19-slot configuration block (layout of cpp/bindings/flops.cpp). */
function variantSlots(o: Record<string, unknown>, fn: string, block: number[], base: Partial<Record<string, number>> = {}): void {
  const v = option(o, 'variant', VARIANTS[base.variant ?? 0]);
  if (typeof v !== 'string' || !VARIANTS.includes(v as AttentionVariant))
    throw new MathLensError(`${fn}: variant must be one of ${VARIANTS.join(', ')}, got ${describe(v)}`);
  block[12] = VARIANTS.indexOf(v as AttentionVariant);
  block[13] = int(o, 'featureMultiple', fn, 1);
  block[14] = booleanArg(o['widenValues'], true, fn, 'widenValues') ? 1 : 0;
  block[15] = int(o, 'features', fn, 256);
  block[16] = int(o, 'landmarks', fn, 64);
  block[17] = int(o, 'pinvIterations', fn, 6, -Infinity, 'a non-negative integer');
  block[18] = int(o, 'convKernel', fn, 0, -Infinity, 'a non-negative integer');
}

function configOf(b: Float64Array, at: number): ResolvedLayerConfig {
  return {
    hidden: b[at],
    heads: b[at + 1],
    headSize: b[at + 2],
    kvHeads: b[at + 3],
    ffn: b[at + 4],
    ffnRatio: b[at + 5],
    gated: b[at + 6] !== 0,
    causal: b[at + 7] !== 0,
    n: b[at + 8],
    batch: b[at + 9],
    layers: b[at + 10],
    bytesPerElement: b[at + 11],
    variant: VARIANTS[b[at + 12]],
    featureMultiple: b[at + 13],
    widenValues: b[at + 14] !== 0,
    features: b[at + 15],
    landmarks: b[at + 16],
    pinvIterations: b[at + 17],
    convKernel: b[at + 18],
  };
}

/** Reads T terms of 7 doubles at `at`; keys and labels from `strings` starting at `s`. */
function termsOf(b: Float64Array, at: number, count: number, strings: (string | number)[], s: number): CostTerm[] {
  const out: CostTerm[] = [];
  for (let t = 0; t < count; t++, at += 7) {
    out.push({
      key: strings[s + 2 * t] as TermKey,
      label: strings[s + 2 * t + 1] as string,
      group: GROUPS[b[at]],
      macs: b[at + 1],
      flops: b[at + 2],
      share: b[at + 3],
      n2: b[at + 4],
      n1: b[at + 5],
      n0: b[at + 6],
    });
  }
  return out;
}

function partsOf(b: Float64Array, at: number): CostParts {
  return {
    projections: b[at],
    attentionCore: b[at + 1],
    attention: b[at + 2],
    ffn: b[at + 3],
    total: b[at + 4],
    quadratic: b[at + 5],
    linear: b[at + 6],
    constant: b[at + 7],
  };
}

const nanToNull = (x: number) => (Number.isNaN(x) ? null : x);

export function createFlops(raw: RawModuleBase, heap: Heap): FlopsApi {
  const m = raw as FlopsRaw;
  let presetCache: { list: Preset[]; configs: Map<string, ResolvedLayerConfig> } | undefined;

  function presetTable() {
    if (!presetCache) {
      const P = PRESET_NAMES.length;
      heap.begin('flops.presets', P * (1 + CONFIG));
      try {
        const out = heap.take(P * (1 + CONFIG));
        const strings = unwrap(m.flops_presets(out));
        const b = heap.read(out, P * (1 + CONFIG));
        const list: Preset[] = [];
        const configs = new Map<string, ResolvedLayerConfig>();
        for (let i = 0; i < P; i++) {
          const c = configOf(b, i * (1 + CONFIG) + 1);
          const name = strings[2 * i] as PresetName;
          configs.set(name, c);
          list.push({ name, label: strings[2 * i + 1] as string, context: b[i * (1 + CONFIG)], hidden: c.hidden, heads: c.heads, ffn: c.ffn, layers: c.layers, gated: c.gated, causal: c.causal });
        }
        presetCache = { list, configs };
      } finally {
        heap.end();
      }
    }
    return presetCache;
  }

  /** Checks layer options and returns the configuration block. `needN`: sweeps set n themselves. */
  function layerBlock(options: unknown, fn: string, needN: boolean): number[] {
    const o = objectArg(options, fn, 'options', LAYER_KEYS);
    let base: ResolvedLayerConfig | undefined;
    if (o.preset !== undefined) {
      if (typeof o.preset !== 'string' || !PRESET_NAMES.includes(o.preset as PresetName))
        throw new MathLensError(`${fn}: preset must be one of ${PRESET_NAMES.join(', ')}, got ${describe(o.preset)}`);
      base = presetTable().configs.get(o.preset);
    }
    for (const key of needN ? ['hidden', 'heads', 'n'] : ['hidden', 'heads'])
      if (!base && o[key] === undefined) throw new MathLensError(`${fn}: ${key} is required (or give a preset)`);
    if (o.ffn !== undefined && o.ffnRatio !== undefined) throw new MathLensError(`${fn}: give ffn or ffnRatio, not both`);
    const block = new Array<number>(CONFIG).fill(0);
    block[0] = int(o, 'hidden', fn, base?.hidden ?? 0);
    block[1] = int(o, 'heads', fn, base?.heads ?? 0);
    block[2] = int(o, 'headSize', fn, 0, 1); // 0 = hidden / heads
    block[3] = int(o, 'kvHeads', fn, 0, 1); // 0 = heads
    block[4] = o.ffnRatio !== undefined ? 0 : int(o, 'ffn', fn, base?.ffn ?? 0, 1);
    const ratio = option(o, 'ffnRatio', 4);
    if (typeof ratio !== 'number' || !Number.isFinite(ratio) || ratio <= 0)
      throw new MathLensError(`${fn}: ffnRatio must be a positive number, got ${describe(ratio)}`);
    block[5] = ratio;
    block[6] = booleanArg(o['gated'], base?.gated ?? false, fn, 'gated') ? 1 : 0;
    block[7] = booleanArg(o['causal'], base?.causal ?? false, fn, 'causal') ? 1 : 0;
    block[8] = int(o, 'n', fn, base?.n ?? 1);
    block[9] = int(o, 'batch', fn, 1);
    block[10] = int(o, 'layers', fn, base?.layers ?? 1);
    block[11] = int(o, 'bytesPerElement', fn, 4);
    variantSlots(o, fn, block);
    return block;
  }

  return {
    layer(options) {
      const fn = 'flops.layer';
      const block = layerBlock(options, fn, true);
      heap.begin(fn, CONFIG + LAYER_OUT);
      try {
        const cfg = heap.take(CONFIG);
        heap.put(cfg, block);
        const out = heap.take(LAYER_OUT);
        const strings = unwrap(m.flops_layer(cfg, out));
        const b = heap.read(out, LAYER_OUT);
        const T = b[0];
        const X = b[1];
        let at = 2 + CONFIG + 16;
        const v = b.subarray(at, at + 15);
        at += 15;
        const terms = termsOf(b, at, T, strings, 1);
        at += 7 * T;
        const crossovers: Crossover[] = [];
        for (let i = 0, s = 1 + 2 * T; i < X; i++, at += 4, s += 5)
          crossovers.push({
            key: strings[s] as CrossoverKey,
            label: strings[s + 1] as string,
            first: strings[s + 2] as string,
            second: strings[s + 3] as string,
            closedForm: nanToNull(b[at]),
            formula: (strings[s + 4] as string) || null,
            numeric: nanToNull(b[at + 1]),
            firstN: nanToNull(b[at + 2]),
            always: b[at + 3] !== 0,
          });
        const config = configOf(b, 2);
        return {
          convention: strings[0] as string,
          config,
          terms,
          macs: partsOf(b, 2 + CONFIG),
          flops: partsOf(b, 2 + CONFIG + 8),
          shares: { attention: v[0], attentionCore: v[1], ffn: v[2], quadratic: v[3] },
          attentionFfnRatio: v[4],
          attentionMemory: { entries: v[5], bytes: v[6] },
          parameters: v[7],
          model: { layers: config.layers, macs: v[8], flops: v[9], parameters: v[10], flopsPerToken: v[11] },
          kaplan: { parameters: v[12], flopsPerToken: v[13], contextFlopsPerToken: v[14] },
          crossovers,
        };
      } finally {
        heap.end();
      }
    },

    attention(options) {
      const fn = 'flops.attention';
      const o = objectArg(options, fn, 'options', ATTENTION_KEYS);
      for (const key of ['n', 'headSize']) if (o[key] === undefined) throw new MathLensError(`${fn}: ${key} is required`);
      const block = new Array<number>(CONFIG).fill(0);
      block[1] = int(o, 'heads', fn, 1);
      block[2] = int(o, 'headSize', fn, 0);
      block[3] = int(o, 'kvHeads', fn, 0, 1);
      block[7] = booleanArg(o['causal'], false, fn, 'causal') ? 1 : 0;
      block[8] = int(o, 'n', fn, 0);
      block[9] = int(o, 'batch', fn, 1);
      block[11] = int(o, 'bytesPerElement', fn, 4);
      variantSlots(o, fn, block);
      const size = 1 + CONFIG + 4 + 7 * MAX_TERMS;
      heap.begin(fn, CONFIG + size);
      try {
        const cfg = heap.take(CONFIG);
        heap.put(cfg, block);
        const out = heap.take(size);
        const strings = unwrap(m.flops_attention(cfg, out));
        const b = heap.read(out, size);
        const T = b[0];
        const c = configOf(b, 1);
        return {
          convention: strings[0] as string,
          config: {
            n: c.n,
            headSize: c.headSize,
            heads: c.heads,
            kvHeads: c.kvHeads,
            batch: c.batch,
            causal: c.causal,
            bytesPerElement: c.bytesPerElement,
            variant: c.variant,
            featureMultiple: c.featureMultiple,
            widenValues: c.widenValues,
            features: c.features,
            landmarks: c.landmarks,
            pinvIterations: c.pinvIterations,
            convKernel: c.convKernel,
          },
          terms: termsOf(b, 1 + CONFIG + 4, T, strings, 1),
          macs: b[1 + CONFIG],
          flops: b[1 + CONFIG + 1],
          memory: { entries: b[1 + CONFIG + 2], bytes: b[1 + CONFIG + 3] },
        };
      } finally {
        heap.end();
      }
    },

    sweep(options, ns) {
      const fn = 'flops.sweep';
      const block = layerBlock(options, fn, false);
      let list: ArrayLike<number> | null = null;
      let from = 0;
      let to = 0;
      let points = 0;
      if (typeof ns === 'object' && ns !== null && !Array.isArray(ns) && !ArrayBuffer.isView(ns) && !('length' in ns)) {
        const r = objectArg(ns, fn, 'ns', ['from', 'to', 'points']);
        for (const key of ['from', 'to']) if (r[key] === undefined) throw new MathLensError(`${fn}: ns.${key} is required`);
        from = int(r, 'from', fn, 0);
        to = int(r, 'to', fn, 0);
        points = int(r, 'points', fn, 64);
      } else {
        list = vectorArg(ns, fn, 'ns');
        if (list.length === 0) throw new MathLensError(`${fn}: ns is empty`);
        if (list.length > MAX_SWEEP) throw new MathLensError(`${fn}: ns has ${list.length} entries; at most ${MAX_SWEEP}`);
        for (let i = 0; i < list.length; i++)
          if (!Number.isSafeInteger(list[i]) || list[i] < 1)
            throw new MathLensError(`${fn}: ns[${i}] must be a positive integer, got ${describe(list[i])}`);
      }
      const N = list ? list.length : Math.min(Math.max(points, 0), 10000);
      const size = N * (1 + MAX_TERMS + 8);
      heap.begin(fn, CONFIG + (list ? N : 0) + size);
      try {
        const cfg = heap.take(CONFIG);
        heap.put(cfg, block);
        const nsAt = heap.take(list ? N : 0);
        if (list) heap.put(nsAt, list);
        const out = heap.take(size);
        const strings = unwrap(m.flops_sweep(cfg, nsAt, list ? N : 0, from, to, points, out));
        const count = strings[0] as number;
        const T = strings[1] as number;
        const b = heap.read(out, count * (1 + T + 8));
        const col = (k: number) => b.slice(k * count, (k + 1) * count);
        const terms = [];
        for (let t = 0; t < T; t++)
          terms.push({
            key: strings[3 + 3 * t] as TermKey,
            label: strings[4 + 3 * t] as string,
            group: strings[5 + 3 * t] as TermGroup,
            macs: col(1 + t),
          });
        const k = 1 + T;
        return {
          convention: strings[2] as string,
          n: col(0),
          terms,
          macs: { total: col(k), projections: col(k + 1), attentionCore: col(k + 2), ffn: col(k + 3) },
          shares: { attention: col(k + 4), attentionCore: col(k + 5), ffn: col(k + 6), quadratic: col(k + 7) },
        };
      } finally {
        heap.end();
      }
    },

    presets() {
      return presetTable().list.map((p) => ({ ...p }));
    },
  };
}
