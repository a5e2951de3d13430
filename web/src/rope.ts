/**
 * Rotary position embedding (RoPE) in one and more dimensions — the posts "Transformer upgrade path
 * 2: RoPE" (kexue.fm/archives/8265) and "… 4: 2-D RoPE" (kexue.fm/archives/8397), spec/MATH.md §4.
 *
 * θ_i = base^(−2i/d), i = 0..d/2−1; a pair (u, v) is rotated by [[cos mθ, −sin mθ], [sin mθ, cos mθ]].
 * The two pairings in use (the largest source of silent RoPE bugs):
 * - `'interleaved'` — pair i is dims (2i, 2i+1): RoFormer, GPT-J, Meta's LLaMA (default);
 * - `'half'` — pair i is dims (i, i + d/2): GPT-NeoX, Hugging Face LLaMA (`rotate_half`).
 *
 * 2-D RoPE (the post): the first half of the dims is a 1-D RoPE of dimension d/2 driven by x, the
 * second half by y (`frequencies: 'split'`, MATH.md's convention); `'shared'` reuses the first d/4
 * frequencies of the d-dimensional schedule. N-D axial RoPE splits d into one part per coordinate.
 *
 * Speed: `apply`, `apply2d` and `applyAxial` copy a plain or typed-array batch into the wasm heap
 * and the result back out. For large batches in a loop, make the batch resident with
 * {@link RopeApi.buffer} and pass it as `x` and/or `out`: then nothing is copied.
 * @module
 */
import type { RawModuleBase } from './wasm/mathlens.mjs';
import { describe, optionsArg } from './core/args.js';
import { MathLensError, unwrap } from './core/errors.js';
import type { Heap } from './core/heap.js';
import { allocate, residentArg, type Dtype, type Resident, type WasmMatrix } from './core/buffer.js';
import { matrixArg, vectorArg, type Matrix, type MatrixLike, type Shaped, type Vector } from './core/matrix.js';

export type { DataOf, Dtype, WasmMatrix } from './core/buffer.js';

/** Which dimensions form a rotated pair. */
export type Pairing =
  /** (2i, 2i+1): RoFormer, GPT-J, Meta LLaMA (complex form x₀ + i x₁) */
  | 'interleaved'
  /** (i, i + d/2): GPT-NeoX, Hugging Face LLaMA (`rotate_half`) */
  | 'half';

/** Context-length scaling of the frequencies, with Hugging Face `rope_scaling` semantics. */
export type ScalingType =
  /** no scaling */
  | 'none'
  /** position interpolation: θ'_i = θ_i / s */
  | 'linear'
  /** NTK-aware: base' = base · s^(d/(d−2)) */
  | 'ntk'
  /** dynamic NTK: base' = base · (s·L/L₀ − (s − 1))^(d/(d−2)) once the length L exceeds L₀ */
  | 'dynamic'
  /** YaRN: per-dimension ramp between θ_i and θ_i/s, attention factor 0.1 ln s + 1 */
  | 'yarn'
  /** Llama 3.1: θ_i/s for wavelengths above L₀/lowFreqFactor, θ_i below L₀/highFreqFactor, smooth between */
  | 'llama3';

/** A context-length scaling (Hugging Face `rope_scaling`): its type and parameters. */
export interface Scaling {
  type: ScalingType;
  /** s ≥ 1 (default 1). */
  factor?: number;
  /** L₀, the trained context length (`original_max_position_embeddings`); needed by dynamic, yarn, llama3. */
  originalContext?: number;
  /** Dynamic NTK: the current sequence length L (default: the largest position + 1). */
  length?: number;
  /** YaRN: number of turns bounding the ramp (defaults 32 and 1). */
  betaFast?: number;
  betaSlow?: number;
  /** YaRN: floor/ceil the ramp bounds (default true, as in Hugging Face). */
  truncate?: boolean;
  /** YaRN: overrides the attention factor 0.1 ln s + 1. */
  attentionFactor?: number;
  /** Llama 3.1 (defaults 1 and 4). */
  lowFreqFactor?: number;
  highFreqFactor?: number;
}

/** Options of the frequency schedule θ_i. */
export interface FrequencyOptions {
  /** Default 10000; must exceed 1. */
  base?: number;
  scaling?: Scaling;
}

/** Options of 1-D RoPE: the schedule, the pairing and the rotary dimension. */
export interface RopeOptions extends FrequencyOptions {
  /** Default 'interleaved'. */
  pairing?: Pairing;
  /** Rotate only the first rotaryDim dims of each head (even; default: all). GPT-J, GPT-NeoX `rotary_pct`. */
  rotaryDim?: number;
}

/** Options of {@link RopeApi.apply}. */
export interface ApplyOptions extends RopeOptions {
  /** One position per row (default 0, 1, …, n−1); any finite numbers, |p| ≤ 2^53. */
  positions?: Vector;
  /** The rows hold `heads` heads side by side, each rotated alike (default 1). */
  heads?: number;
  /**
   * Write the result here instead of a new array, and return it:
   * - a Float64Array (Float32Array for float32 input) of rows × cols numbers; it may be x's own data
   *   (in place). Saves an allocation per call.
   * - a resident matrix from {@link RopeApi.buffer} of x's shape and dtype; it may be x itself (in
   *   place). With a resident x too, nothing is copied at all. The call returns this matrix.
   */
  out?: Float64Array | Float32Array | WasmMatrix;
}

/** Frequency schedule of the parts of 2-D / axial RoPE. */
export type AxialFrequencies =
  /** part a is a 1-D RoPE of dimension P = d/axes: θ_j = base^(−2j/P) (default, MATH.md §4b) */
  | 'split'
  /** θ_j = base^(−2j/d), j < P/2: the first P/2 frequencies of the d-dimensional schedule */
  | 'shared';

/** Options of 2-D and N-D (axial) RoPE. */
export interface AxialOptions {
  base?: number;
  /** The layout of the pairs inside each part (default 'interleaved'). */
  pairing?: Pairing;
  frequencies?: AxialFrequencies;
  heads?: number;
}

/** Options of {@link RopeApi.apply2d} and {@link RopeApi.applyAxial}. */
export interface AxialApplyOptions extends AxialOptions {
  /** As in {@link ApplyOptions.out}: a typed array, or a resident matrix (then returned). */
  out?: Float64Array | Float32Array | WasmMatrix;
}

/** Options of {@link RopeApi.buffer}. */
export interface BufferOptions {
  /** The element type (default 'float32'). */
  dtype?: Dtype;
}

/** A float32 batch: what {@link RopeApi.apply} returns for Float32Array input. */
export interface Float32Matrix {
  rows: number;
  cols: number;
  data: Float32Array;
}

/**
 * A batch of vectors: rows × d. Float32Array data stays float32 (angles are computed in float64). A
 * resident matrix ({@link RopeApi.buffer}) is a batch too, read in place.
 */
export type Batch = MatrixLike | Float32Matrix | WasmMatrix;

/** Which conventions to convert between, for weights of how many heads. */
export interface ConversionOptions {
  /** The convention of the given weights (default 'interleaved'). */
  from?: Pairing;
  /** The target convention (default 'half'). */
  to?: Pairing;
  /** Heads in the weight (its rows are heads × head dimension; default 1). */
  heads?: number;
  rotaryDim?: number;
}

/** Options of {@link RopeApi.checkConversion}. */
export interface CheckConversionOptions extends ConversionOptions, FrequencyOptions {
  /** Key/value heads of wk for grouped-query attention (default: heads). */
  kvHeads?: number;
  /** Positions of the rows of x (default 0..n−1). */
  positions?: Vector;
}

/** Whether converted q/k weights give the same attention scores (see {@link RopeApi.checkConversion}). */
export interface ConversionCheck {
  heads: number;
  kvHeads: number;
  headDim: number;
  maxAbsScore: number;
  /** max |converted − original| over every score. */
  maxAbsDifference: number;
  /** maxAbsDifference / maxAbsScore. */
  relativeDifference: number;
  /** The classic bug: the original weights with the other pairing, relative to maxAbsScore. */
  unconvertedRelativeDifference: number;
  /** relativeDifference ≤ 1e-12. */
  agree: boolean;
  /** Scores of every head stacked, (heads·n) × n: original weights and pairing. */
  scores: Matrix;
  /** Permuted weights with the target pairing (equal to `scores`). */
  convertedScores: Matrix;
  /** Original weights with the target pairing (the bug: fluent-looking garbage). */
  unconvertedScores: Matrix;
}

/** Residuals (max abs entry) of the 1-D identities of MATH.md §4c. */
export interface Check {
  /** R_mᵀ R_n − R_{n−m} */
  relativity: number;
  /** R_m R_n − R_{m+n} */
  composition: number;
  /** R_mᵀ R_m − I */
  orthogonality: number;
  /** R_0 − I */
  identity: number;
  /** exp(mB) − R_m, exp evaluated by an independent Taylor scaling-and-squaring expm */
  generator: number;
  /** B + Bᵀ (B is skew-symmetric) */
  skew: number;
}

/** Residuals of the axial identities and the reversibility of p2 ↦ R_{p2}. */
export interface AxialCheck {
  /** R_{p1}ᵀ R_{p2} − R_{p2−p1} */
  relativity: number;
  orthogonality: number;
  /** max |B_a B_b − B_b B_a| */
  commutator: number;
  /** exp(Σ p2_a B_a) − R_{p2} */
  generator: number;
  /** p2 read back from R_{p2} (atan2 of each part's slowest pair, refined by the faster ones). */
  recovered: number[];
  recoveryError: number;
  /** Per axis: coordinates with |p_a| < range[a] = π/θ_min are recoverable. */
  range: number[];
  reversible: boolean;
}

/** Parameters of the post's 4×4 generator family (d and e default to the commuting values c·f and −b·f). */
export interface FamilyParams {
  b?: number;
  c?: number;
  d?: number;
  e?: number;
  f?: number;
  /** Angle scale θ of R_{x,y} = exp(θ(x B1 + y B2)) (default 1). */
  theta?: number;
}

/** The post's 4×4 generator pair, its commutator and the relativity it gives (see {@link RopeApi.generatorFamily}). */
export interface Family {
  /** [[0,−1,−b,0],[1,0,−c,0],[b,c,0,0],[0,0,0,0]] */
  b1: Matrix;
  /** [[0,0,0,−d],[0,0,0,−e],[0,0,0,−f],[d,e,f,0]] */
  b2: Matrix;
  /** B1 B2 − B2 B1 */
  commutator: Matrix;
  maxCommutator: number;
  /** d − c·f and e + b·f: both 0 exactly when the pair commutes. */
  conditionD: number;
  conditionE: number;
  commutes: boolean;
  /** B1, B2 linearly independent (without it (x, y) cannot be recovered). */
  independent: boolean;
  /** exp(θ(x B1 + y B2)) at the two points. */
  rotationFrom: Matrix;
  rotationTo: Matrix;
  /** max |R_fromᵀ R_to − R_{to−from}|: 0 when the pair commutes. */
  relativity: number;
}

/** How a 2-D offset becomes a rotation in {@link RopeApi.scores2d}. */
export type Encoding2d =
  /** the post's 2-D RoPE: qᵀ R_{Δx,Δy} k */
  | 'rope2d'
  /** 1-D RoPE of dimension d on the flattened index x·w + y (what the post shows to be wrong) */
  | 'flattened'
  /** 1-D RoPE on x + y: relative, but not reversible */
  | 'sum';

/** Options of {@link RopeApi.scores2d}. */
export interface Scores2dOptions {
  /** Offsets Δx (rows of the result); a number N means −N..N (default 8). */
  dx?: Vector | number;
  /** Offsets Δy (columns); a number N means −N..N (default 8). */
  dy?: Vector | number;
  encoding?: Encoding2d;
  /** Grid width w of the flattened index x·w + y (needed by 'flattened'). */
  width?: number;
  base?: number;
  pairing?: Pairing;
  frequencies?: AxialFrequencies;
}

/** Options of {@link RopeApi.contextScaling}. */
export interface ContextScalingOptions {
  base?: number;
  /** The scaling and the trained context (`originalContext` is required; `type: 'none'` is allowed). */
  scaling: Scaling;
}

/** A scaling seen per frequency pair at a context length L (see {@link RopeApi.contextScaling}). */
export interface ContextScaling {
  /** θ_i unscaled. */
  theta: Float64Array;
  /** θ'_i after scaling. */
  scaledTheta: Float64Array;
  /** 2π/θ'_i: tokens per turn. */
  wavelength: Float64Array;
  originalWavelength: Float64Array;
  /** θ_i/θ'_i: 1 = unchanged (extrapolated), s = fully interpolated. */
  interpolation: Float64Array;
  /** Lθ'_i/2π: turns over the context. */
  rotations: Float64Array;
  /** Lθ'_i (radians). */
  maxAngle: Float64Array;
  /** L₀θ_i: the largest angle of pair i seen in training. */
  trainedAngle: Float64Array;
  /** L₀θ_i < 2π and Lθ'_i > L₀θ_i: pair i meets angles never seen in training. */
  unseen: boolean[];
  unseenCount: number;
  /** base' (ntk, dynamic), otherwise the base. */
  effectiveBase: number;
  /** YaRN's factor on q and k (1 otherwise). */
  attentionFactor: number;
  contextLength: number;
  originalContext: number;
  /** factor × originalContext (originalContext without scaling). */
  scaledContext: number;
  /** Plain-language notes on settings that are likely wrong. */
  warnings: string[];
}

/** The rope module: `ml.rope`. Every function throws {@link MathLensError} on bad input. */
export interface RopeApi {
  /** θ_i = base^(−2i/dim), i = 0..dim/2−1, after `scaling` (dynamic NTK: at `scaling.length`). */
  frequencies(dim: number, options?: FrequencyOptions): Float64Array;
  /**
   * A rows × cols batch resident in the wasm heap, filled with zeros (float32 unless `dtype` says
   * 'float64'). Given to {@link RopeApi.apply}, {@link RopeApi.apply2d} or {@link RopeApi.applyAxial}
   * as x and/or `out`, it is read and written in place: with both resident, a call copies nothing.
   * Fill it through its live `data` view (re-read `data` after other mathlens calls: a view taken
   * before the wasm memory grew is detached). Free it with `free()` when done; forgotten ones are
   * freed by the garbage collector.
   *
   * ```ts
   * const x = ml.rope.buffer(4096, 128), y = ml.rope.buffer(4096, 128);
   * x.data.set(q);                                // float32 q, copied in once
   * ml.rope.apply(x, { pairing: 'half', out: y }); // y.data: the rotated batch, nothing copied
   * ```
   */
  buffer(rows: number, cols: number, options?: { dtype?: 'float32' }): WasmMatrix<'float32'>;
  /** A float64 resident batch. */
  buffer(rows: number, cols: number, options: { dtype: 'float64' }): WasmMatrix<'float64'>;
  /** A resident batch of the given dtype. */
  buffer(rows: number, cols: number, options?: BufferOptions): WasmMatrix;
  /**
   * With a resident `out` ({@link RopeApi.buffer}, x's shape and dtype, possibly x itself): writes
   * the result there and returns it. With x resident too, nothing is copied.
   */
  apply<B extends WasmMatrix>(x: Batch, options: ApplyOptions & { out: B }): B;
  /**
   * Rotates every row of x (n × d) by R_{p_t}: 1-D RoPE in either pairing, optionally partial
   * (rotaryDim) and per head. Float32 input gives float32 output, computed in float64. A resident x
   * ({@link RopeApi.buffer}) is read in place and left unchanged.
   */
  apply(x: Float32Matrix, options?: ApplyOptions): Float32Matrix;
  /** A float64 resident x: a Float64Array result. */
  apply(x: WasmMatrix<'float64'>, options?: ApplyOptions): Matrix;
  /** A resident x of either dtype: a result of that dtype. */
  apply(x: WasmMatrix, options?: ApplyOptions): Matrix | Float32Matrix;
  /** The same for float64 input (nested arrays, typed rows or `{ rows, cols, data }`): a Float64Array result. */
  apply(x: MatrixLike, options?: ApplyOptions): Matrix;
  /** With a resident `out` (x's shape and dtype, possibly x itself): writes the result there and returns it. */
  apply2d<B extends WasmMatrix>(x: Batch, positions: MatrixLike, options: AxialApplyOptions & { out: B }): B;
  /** The post's 2-D RoPE: positions is n × 2 (x, y); the first half of each head follows x, the second y. */
  apply2d(x: Float32Matrix, positions: MatrixLike, options?: AxialApplyOptions): Float32Matrix;
  /** A float64 resident x. */
  apply2d(x: WasmMatrix<'float64'>, positions: MatrixLike, options?: AxialApplyOptions): Matrix;
  /** A resident x of either dtype. */
  apply2d(x: WasmMatrix, positions: MatrixLike, options?: AxialApplyOptions): Matrix | Float32Matrix;
  /** The same for float64 input. */
  apply2d(x: MatrixLike, positions: MatrixLike, options?: AxialApplyOptions): Matrix;
  /** With a resident `out` (x's shape and dtype, possibly x itself): writes the result there and returns it. */
  applyAxial<B extends WasmMatrix>(x: Batch, positions: MatrixLike, options: AxialApplyOptions & { out: B }): B;
  /** N-D axial RoPE: positions is n × k; part a of each head follows coordinate a. */
  applyAxial(x: Float32Matrix, positions: MatrixLike, options?: AxialApplyOptions): Float32Matrix;
  /** A float64 resident x. */
  applyAxial(x: WasmMatrix<'float64'>, positions: MatrixLike, options?: AxialApplyOptions): Matrix;
  /** A resident x of either dtype. */
  applyAxial(x: WasmMatrix, positions: MatrixLike, options?: AxialApplyOptions): Matrix | Float32Matrix;
  /** The same for float64 input. */
  applyAxial(x: MatrixLike, positions: MatrixLike, options?: AxialApplyOptions): Matrix;
  /** The dense rotation: R_m (position a number) or axial R_{p} (position an array, one coordinate per axis). */
  rotationMatrix(dim: number, position: number, options?: RopeOptions): Matrix;
  /** Axial R_{p}: one coordinate per axis (two: the post's R_{x,y}). */
  rotationMatrix(dim: number, position: ArrayLike<number>, options?: AxialOptions): Matrix;
  /** B with R_m = exp(mB): blockdiag(θ_i J), J = [[0, −1], [1, 0]]. */
  generator(dim: number, options?: RopeOptions): Matrix;
  /** The commuting generators B_1..B_axes of axial RoPE (2-D: R_{x,y} = exp(x B1 + y B2)). */
  generators(dim: number, axes: number, options?: AxialOptions): Matrix[];
  /** converted[j] = original[perm[j]] within a head (interleaved → half: 0, 2, 4, …, 1, 3, 5, …). */
  permutation(headDim: number, options?: Omit<ConversionOptions, 'heads'>): number[];
  /** Permutes the rows of a q or k projection weight (rows = heads × head dim; a bias is one column) head by head. */
  convertWeights(w: Float32Matrix, options?: ConversionOptions): Float32Matrix;
  /** The same for float64 weights. */
  convertWeights(w: MatrixLike, options?: ConversionOptions): Matrix;
  /** Attention scores with the original weights vs. the converted ones (and vs. the unconverted bug). */
  checkConversion(wq: MatrixLike, wk: MatrixLike, x: MatrixLike, options?: CheckConversionOptions): ConversionCheck;
  /** Residuals of R_mᵀR_n = R_{n−m}, R_mR_n = R_{m+n}, orthogonality, R_0 = I, exp(mB) = R_m. */
  check(dim: number, m: number, n: number, options?: RopeOptions): Check;
  /** Residuals of the axial identities, and the coordinates of p2 recovered from R_{p2}. */
  checkAxial(dim: number, p1: ArrayLike<number>, p2: ArrayLike<number>, options?: AxialOptions): AxialCheck;
  /** The post's 4×4 family B1, B2: commutator, the condition d = cf, e = −bf, relativity at two points. */
  generatorFamily(params?: FamilyParams, points?: { from?: ArrayLike<number>; to?: ArrayLike<number> }): Family;
  /** The long-range decay curve f(r) = (2/d) Σ_j |Σ_{i<j} e^{i r θ_i}| at each offset (a number N: 0..N). */
  decay(dim: number, offsets: Vector | number, options?: FrequencyOptions): Float64Array;
  /** qᵀ R_r k = (R_m q)ᵀ (R_{m+r} k) at each relative offset r. */
  scores(q: Vector, k: Vector, offsets: Vector | number, options?: RopeOptions): Float64Array;
  /** qᵀ R k over 2-D offsets (rows Δx, columns Δy): true 2-D RoPE, the flattened index x·w + y, or x + y. */
  scores2d(q: Vector, k: Vector, options?: Scores2dOptions): Matrix;
  /** Per-pair wavelengths, turns and unseen angles of a scaling at a context length, with warnings. */
  contextScaling(dim: number, contextLength: number, options: ContextScalingOptions): ContextScaling;
}

type R = undefined | Error;
interface RopeRaw extends RawModuleBase {
  HEAPF32: Float32Array;
  rope_frequencies(args: number): R;
  rope_apply(args: number): R;
  rope_apply2d(args: number): R;
  rope_applyAxial(args: number): R;
  rope_rotationMatrix(args: number): R;
  rope_generator(args: number): R;
  rope_generators(args: number): R;
  rope_permutation(args: number): R;
  rope_convertWeights(args: number): R;
  rope_checkConversion(args: number): R;
  rope_check(args: number): R;
  rope_checkAxial(args: number): R;
  rope_generatorFamily(args: number): R;
  rope_decay(args: number): R;
  rope_scores(args: number): R;
  rope_scores2d(args: number): R;
  rope_contextScaling(args: number): string | Error;
}

// ---------------------------------------------------------------- argument checks (JS-only knowledge)

const OPTIONS = 16; // doubles of the options block (layout: cpp/bindings/rope.cpp)
const SCALING_TYPES: ScalingType[] = ['none', 'linear', 'ntk', 'dynamic', 'yarn', 'llama3'];
const PAIRING_HINT = `'interleaved' (RoFormer, GPT-J, Meta LLaMA) or 'half' (GPT-NeoX, Hugging Face LLaMA)`;
const INT32 = 2 ** 31 - 1;

/** A number (any value, NaN and ±Infinity included: the core names the range) or the fallback. */
function numberArg(x: unknown, fallback: number, fn: string, name: string): number {
  if (x === undefined) return fallback;
  if (typeof x !== 'number') throw new MathLensError(`${fn}: ${name} must be a number, got ${describe(x)}`);
  return x;
}

/** An int32 integer (the core checks the range) or the fallback. */
function intArg(x: unknown, fallback: number, fn: string, name: string): number {
  if (x === undefined) return fallback;
  if (typeof x !== 'number' || !Number.isInteger(x) || Math.abs(x) > INT32)
    throw new MathLensError(`${fn}: ${name} must be an integer, got ${describe(x)}`);
  return x;
}

function pairingArg(x: unknown, fallback: Pairing, fn: string, name = 'pairing'): number {
  const p = x === undefined ? fallback : x;
  if (p === 'interleaved') return 0;
  if (p === 'half') return 1;
  throw new MathLensError(`${fn}: ${name} must be ${PAIRING_HINT}, got ${describe(p)}`);
}

function choiceArg<T extends string>(x: unknown, choices: readonly T[], fn: string, name: string): number {
  const i = choices.indexOf((x === undefined ? choices[0] : x) as T);
  if (i < 0) throw new MathLensError(`${fn}: ${name} must be ${choices.map((c) => `'${c}'`).join(', ')}, got ${describe(x)}`);
  return i;
}

const SCALING_KEYS = [
  'type', 'factor', 'originalContext', 'length', 'betaFast', 'betaSlow', 'truncate', 'attentionFactor',
  'lowFreqFactor', 'highFreqFactor',
] as const;

/** The 16-double options block of the bindings. */
function optionsBlock(fn: string, o: Partial<RopeOptions & ApplyOptions & AxialOptions>): number[] {
  const block = new Array<number>(OPTIONS).fill(0);
  block[0] = numberArg(o.base, 10000, fn, 'base');
  block[1] = pairingArg(o.pairing, 'interleaved', fn);
  block[2] = intArg(o.rotaryDim, 0, fn, 'rotaryDim');
  if (o.rotaryDim !== undefined && o.rotaryDim === 0)
    throw new MathLensError(`${fn}: rotaryDim must be a positive even integer, got 0`);
  block[3] = intArg(o.heads, 1, fn, 'heads');
  block[4] = choiceArg(o.frequencies, ['split', 'shared'] as const, fn, 'frequencies');
  // scaling
  block[6] = 1;
  block[9] = 32;
  block[10] = 1;
  block[11] = 1;
  block[12] = NaN;
  block[13] = 1;
  block[14] = 4;
  if (o.scaling !== undefined) {
    const s = optionsArg<Scaling>(o.scaling, fn, SCALING_KEYS, 'scaling');
    if (s.type === undefined) throw new MathLensError(`${fn}: scaling.type is required (${SCALING_TYPES.map((t) => `'${t}'`).join(', ')})`);
    block[5] = choiceArg(s.type, SCALING_TYPES, fn, 'scaling.type');
    block[6] = numberArg(s.factor, 1, fn, 'scaling.factor');
    block[7] = numberArg(s.originalContext, 0, fn, 'scaling.originalContext');
    block[8] = numberArg(s.length, 0, fn, 'scaling.length');
    block[9] = numberArg(s.betaFast, 32, fn, 'scaling.betaFast');
    block[10] = numberArg(s.betaSlow, 1, fn, 'scaling.betaSlow');
    if (s.truncate !== undefined && typeof s.truncate !== 'boolean')
      throw new MathLensError(`${fn}: scaling.truncate must be true or false, got ${describe(s.truncate)}`);
    block[11] = s.truncate === false ? 0 : 1;
    block[12] = numberArg(s.attentionFactor, NaN, fn, 'scaling.attentionFactor');
    if (s.attentionFactor !== undefined && Number.isNaN(s.attentionFactor))
      throw new MathLensError(`${fn}: scaling.attentionFactor must be a finite number > 0, got NaN`);
    block[13] = numberArg(s.lowFreqFactor, 1, fn, 'scaling.lowFreqFactor');
    block[14] = numberArg(s.highFreqFactor, 4, fn, 'scaling.highFreqFactor');
  }
  return block;
}

const ROPE_KEYS = ['base', 'pairing', 'rotaryDim', 'scaling'] as const;
const APPLY_KEYS = [...ROPE_KEYS, 'positions', 'heads', 'out'] as const;
const AXIAL_KEYS = ['base', 'pairing', 'frequencies', 'heads', 'out'] as const;
const FREQ_KEYS = ['base', 'scaling'] as const;

/** A batch: float32 when `data` is a Float32Array (kept float32), float64 otherwise. */
interface CheckedBatch extends Shaped {
  f32: boolean;
  /** Doubles the batch occupies in the heap. */
  slots: number;
  writeTo(raw: RopeRaw, heap: Heap, address: number): void;
  /** Set for a resident matrix (RopeApi.buffer): it is read where it is. */
  resident?: Resident;
}

const DETACHED = ' (the wasm memory grew after it was read: read the buffer\'s data again)';

/** A typed array whose memory was detached (a view on the wasm memory from before it grew). */
function isDetached(a: unknown): boolean {
  if (!ArrayBuffer.isView(a) || a.byteLength !== 0 || a.buffer.byteLength !== 0) return false;
  try {
    new Uint8Array(a.buffer); // throws for a detached buffer only
    return false;
  } catch {
    return true;
  }
}

/** A batch, resident (checked: not freed, this instance) or copied. */
function batchArg(x: unknown, fn: string, arg: string, raw: RopeRaw): CheckedBatch {
  const r = residentArg(x, raw, fn, arg);
  if (r)
    return {
      rows: r.rows,
      cols: r.cols,
      f32: r.f32,
      slots: Math.ceil(r.bytes / 8),
      resident: r,
      write: () => {
        throw new Error('unreachable');
      },
      writeTo: (raw, _heap, address) => raw.HEAPU8.copyWithin(address, r.address, r.address + r.bytes),
    };
  const data = typeof x === 'object' && x !== null && 'data' in x ? (x as { data: unknown }).data : undefined;
  if (isDetached(data)) throw new MathLensError(`${fn}: ${arg}.data is a detached view${DETACHED}`);
  const f32 = data instanceof Float32Array;
  // A view on the wasm memory itself (e.g. a buffer's `data`) is found again by its offset: the
  // scratch reserved by this call may grow the memory, which detaches the view.
  const aliased = (f32 || data instanceof Float64Array) && (data as Float64Array).buffer === raw.HEAPU8.buffer;
  if (f32 || aliased) {
    const m = x as { rows: unknown; cols: unknown; data: Float32Array | Float64Array };
    if (!Number.isInteger(m.rows) || !Number.isInteger(m.cols) || (m.rows as number) < 0 || (m.cols as number) < 0)
      throw new MathLensError(`${fn}: ${arg}.rows and ${arg}.cols must be non-negative integers`);
    const rows = m.rows as number;
    const cols = m.cols as number;
    if (m.data.length !== rows * cols)
      throw new MathLensError(`${fn}: ${arg}.data has ${m.data.length} entries, expected rows × cols = ${rows * cols}`);
    if (rows * cols > (f32 ? 2 ** 29 : 2 ** 28)) throw new MathLensError(`${fn}: ${arg} is too large for wasm memory (${rows * cols} numbers)`);
    const view = m.data;
    const { byteOffset, byteLength } = view;
    return {
      rows,
      cols,
      f32,
      slots: f32 ? Math.ceil((rows * cols) / 2) : rows * cols,
      write: () => {
        throw new Error('unreachable');
      },
      writeTo: aliased
        ? (raw, _heap, address) => raw.HEAPU8.copyWithin(address, byteOffset, byteOffset + byteLength)
        : (raw, _heap, address) => raw.HEAPF32.set(view, address / 4),
    };
  }
  const s = matrixArg(x, fn, arg);
  return { ...s, f32: false, slots: s.rows * s.cols, writeTo: (_raw, heap, address) => s.write(heap, address) };
}

/** Offsets: a vector, or a number N meaning `from`..N (integers). */
function offsetsArg(x: unknown, fn: string, arg: string, symmetric: boolean): Vector {
  if (typeof x === 'number') {
    if (!Number.isInteger(x) || x < 0 || x > 1e6)
      throw new MathLensError(`${fn}: ${arg} as a number must be an integer from 0 to 1000000, got ${x}`);
    const from = symmetric ? -x : 0;
    return Float64Array.from({ length: x - from + 1 }, (_, i) => from + i);
  }
  return vectorArg(x, fn, arg);
}

function pointArg(x: unknown, fn: string, arg: string): Vector {
  const v = vectorArg(x, fn, arg);
  if (v.length < 1 || v.length > 64) throw new MathLensError(`${fn}: ${arg} must have from 1 to 64 coordinates, got ${v.length}`);
  return v;
}

export function createRope(rawBase: RawModuleBase, heap: Heap): RopeApi {
  const raw = rawBase as RopeRaw;

  /** Reserves the call's memory (arguments + `extra` doubles), runs `body`, and always releases. */
  function call<T>(fn: string, extra: number, nargs: number, body: (args: number, write: (values: number[]) => void) => T): T {
    heap.begin(fn, OPTIONS + nargs + extra);
    try {
      const args = heap.take(OPTIONS + nargs);
      return body(args, (values) => heap.put(args, values));
    } finally {
      heap.end();
    }
  }
  const matrixAt = (address: number, rows: number, cols: number): Matrix => ({ rows, cols, data: heap.read(address, rows * cols) });

  /** The `out` option: a typed array of the result's type and size, a resident matrix of x's shape and dtype, or undefined. */
  function outArg(out: unknown, b: CheckedBatch, fn: string): Float64Array | Float32Array | Resident | undefined {
    if (out === undefined) return undefined;
    const r = residentArg(out, raw, fn, 'out');
    if (r) {
      if (r.f32 !== b.f32 || r.rows !== b.rows || r.cols !== b.cols)
        throw new MathLensError(`${fn}: out must be a ${b.f32 ? 'float32' : 'float64'} buffer of ${b.rows} × ${b.cols} (the shape and dtype of x), got a ${r.dtype} buffer of ${r.rows} × ${r.cols}`);
      return r;
    }
    if (isDetached(out)) throw new MathLensError(`${fn}: out is a detached view${DETACHED}`);
    const want = b.f32 ? Float32Array : Float64Array;
    if (!(out instanceof want) || out.length !== b.rows * b.cols)
      throw new MathLensError(`${fn}: out must be a ${want.name} of ${b.rows * b.cols} numbers (rows × cols of x), got ${
        ArrayBuffer.isView(out) ? `a ${out.constructor.name} of ${(out as Float64Array).length}` : describe(out)}`);
    return out;
  }

  function applyBatch(
    fn: string,
    binding: (args: number) => R,
    x: unknown,
    positions: Shaped | Vector | null,
    axes: number,
    block: number[],
    outOption: unknown,
  ): Matrix | Float32Matrix | WasmMatrix {
    const b = batchArg(x, fn, 'x', raw);
    const out = outArg(outOption, b, fn);
    const residentOut = out !== undefined && !ArrayBuffer.isView(out) ? out : null;
    const posShaped = positions && 'write' in positions ? positions : null;
    const posVector = positions && !('write' in positions) ? positions : null;
    const posCount = posShaped ? posShaped.rows * posShaped.cols : posVector ? posVector.length : 0;
    // Where the batch is read (xa) and the result written (oa; 0: in place at xa):
    //   x resident, out resident   → x's block → out's block (in place when out is x): no copies;
    //   x resident, out otherwise  → x's block → the scratch, then copied out (x unchanged);
    //   x copied,   out resident   → x copied into the scratch → out's block (out untouched on error);
    //   x copied,   out otherwise  → x copied into the scratch, rotated in place, copied out.
    const scratch = b.resident && residentOut ? 0 : b.slots;
    // A typed `out` on the wasm memory (a buffer's data) is found again by its offset after the call.
    const typedOut = out !== undefined && ArrayBuffer.isView(out) ? out : null;
    const outAliased = typedOut !== null && typedOut.buffer === raw.HEAPU8.buffer;
    const outOffset = typedOut ? typedOut.byteOffset : 0;
    return call(fn, scratch + posCount, 8, (args, write) => {
      let xa: number;
      let oa: number;
      if (b.resident) {
        xa = b.resident.address;
        oa = residentOut ? residentOut.address : heap.take(scratch);
      } else {
        xa = heap.take(scratch);
        b.writeTo(raw, heap, xa);
        oa = residentOut ? residentOut.address : xa;
      }
      let pa = 0; // 0: positions 0..n−1
      if (positions) {
        pa = heap.take(posCount);
        if (posShaped) posShaped.write(heap, pa);
        else if (posVector) heap.put(pa, posVector);
      }
      write([...block, xa, b.rows, b.cols, pa, b.f32 ? 1 : 0, axes, fn === 'rope.apply2d' ? 1 : 0, oa === xa ? 0 : oa]);
      unwrap(binding(args));
      if (residentOut) return residentOut.matrix;
      const count = b.rows * b.cols;
      const view = b.f32
        ? raw.HEAPF32.subarray(oa / 4, oa / 4 + count)
        : raw.HEAPF64.subarray(oa / 8, oa / 8 + count);
      if (typedOut) {
        let target = typedOut;
        if (outAliased && typedOut.buffer !== raw.HEAPU8.buffer) // detached by this call's scratch
          target = b.f32 ? new Float32Array(raw.HEAPU8.buffer, outOffset, count) : new Float64Array(raw.HEAPU8.buffer, outOffset, count);
        target.set(view);
        return b.f32 ? { rows: b.rows, cols: b.cols, data: target as Float32Array } : { rows: b.rows, cols: b.cols, data: target as Float64Array };
      }
      return b.f32 ? { rows: b.rows, cols: b.cols, data: view.slice() as Float32Array } : { rows: b.rows, cols: b.cols, data: view.slice() as Float64Array };
    });
  }

  function axialApply(fn: string, binding: (args: number) => R, x: unknown, positions: unknown, options: unknown, axes: number | null) {
    const o = optionsArg<AxialApplyOptions>(options, fn, AXIAL_KEYS);
    const block = optionsBlock(fn, o);
    const pos = matrixArg(positions, fn, 'positions');
    const rows = batchArg(x, fn, 'x', raw).rows;
    if (pos.rows !== rows) throw new MathLensError(`${fn}: positions has ${pos.rows} rows but x has ${rows} rows`);
    const k = axes ?? pos.cols;
    if (axes !== null && pos.cols !== axes)
      throw new MathLensError(`${fn}: positions must have ${axes} columns (x, y), got ${pos.cols}`);
    if (k < 1 || k > 64) throw new MathLensError(`${fn}: positions must have from 1 to 64 columns (one per axis), got ${k}`);
    return applyBatch(fn, binding, x, pos, k, block, o.out);
  }

  function dimArg(dim: unknown, fn: string, name = 'dim'): number {
    return intArg(dim, NaN, fn, name) as number;
  }
  function requiredNumber(x: unknown, fn: string, name: string): number {
    if (typeof x !== 'number') throw new MathLensError(`${fn}: ${name} must be a number, got ${describe(x)}`);
    return x;
  }
  function requiredDim(x: unknown, fn: string, name = 'dim'): number {
    if (x === undefined) throw new MathLensError(`${fn}: ${name} must be an integer, got undefined`);
    return dimArg(x, fn, name);
  }

  const api: RopeApi = {
    buffer(rows: number, cols: number, options?: BufferOptions) {
      const fn = 'rope.buffer';
      const size = (v: unknown, name: string) => {
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > INT32)
          throw new MathLensError(`${fn}: ${name} must be an integer from 0 to ${INT32}, got ${describe(v)}`);
        return v;
      };
      const r = size(rows, 'rows');
      const c = size(cols, 'cols');
      const o = optionsArg<BufferOptions>(options, fn, ['dtype']);
      const dtype = o.dtype === undefined ? 'float32' : o.dtype;
      if (dtype !== 'float32' && dtype !== 'float64')
        throw new MathLensError(`${fn}: dtype must be 'float32' or 'float64', got ${describe(o.dtype)}`);
      return allocate(raw, r, c, dtype, fn) as never; // overloads: the dtype's matrix type
    },

    frequencies(dim, options) {
      const fn = 'rope.frequencies';
      const d = requiredDim(dim, fn);
      const block = optionsBlock(fn, optionsArg<FrequencyOptions>(options, fn, FREQ_KEYS));
      if (d < 2 || d > 2 ** 20) throw new MathLensError(`${fn}: dim must be an even integer from 2 to 1048576, got ${d}`);
      const m = Math.floor(d / 2);
      return call(fn, m, 3, (args, write) => {
        const out = heap.take(m);
        write([...block, d, block[8], out]);
        unwrap(raw.rope_frequencies(args));
        return heap.read(out, m);
      });
    },

    apply(x: unknown, options?: ApplyOptions) {
      const fn = 'rope.apply';
      const o = optionsArg<ApplyOptions>(options, fn, APPLY_KEYS);
      const block = optionsBlock(fn, o);
      let positions: Vector | null = null;
      if (o.positions !== undefined) {
        positions = vectorArg(o.positions, fn, 'positions');
        const rows = batchArg(x, fn, 'x', raw).rows;
        if (positions.length !== rows)
          throw new MathLensError(`${fn}: positions has ${positions.length} entries but x has ${rows} rows`);
      }
      return applyBatch(fn, (a) => raw.rope_apply(a), x, positions, 0, block, o.out) as never; // overloads: f32 in, f32 out
    },

    apply2d(x: unknown, positions: unknown, options?: AxialApplyOptions) {
      return axialApply('rope.apply2d', (a) => raw.rope_apply2d(a), x, positions, options, 2) as never;
    },

    applyAxial(x: unknown, positions: unknown, options?: AxialApplyOptions) {
      return axialApply('rope.applyAxial', (a) => raw.rope_applyAxial(a), x, positions, options, null) as never;
    },

    rotationMatrix(dim: number, position: number | ArrayLike<number>, options?: RopeOptions | AxialOptions) {
      const fn = 'rope.rotationMatrix';
      const d = requiredDim(dim, fn);
      const axial = typeof position !== 'number';
      const o = axial
        ? optionsArg<AxialOptions>(options, fn, ['base', 'pairing', 'frequencies'])
        : optionsArg<RopeOptions>(options, fn, ROPE_KEYS);
      const block = optionsBlock(fn, o);
      const point = axial ? pointArg(position, fn, 'position') : null;
      if (d < 2 || d > 4096) throw new MathLensError(`${fn}: dim must be an even integer from 2 to 4096, got ${d}`);
      return call(fn, (point?.length ?? 0) + d * d, 5, (args, write) => {
        const pa = point ? heap.take(point.length) : 0;
        if (point) heap.put(pa, point);
        const out = heap.take(d * d);
        write([...block, d, point ? 0 : (position as number), point?.length ?? 0, pa, out]);
        unwrap(raw.rope_rotationMatrix(args));
        return matrixAt(out, d, d);
      });
    },

    generator(dim, options) {
      const fn = 'rope.generator';
      const d = requiredDim(dim, fn);
      const block = optionsBlock(fn, optionsArg<RopeOptions>(options, fn, ROPE_KEYS));
      if (d < 2 || d > 4096) throw new MathLensError(`${fn}: dim must be an even integer from 2 to 4096, got ${d}`);
      return call(fn, d * d, 3, (args, write) => {
        const out = heap.take(d * d);
        write([...block, d, 0, out]);
        unwrap(raw.rope_generator(args));
        return matrixAt(out, d, d);
      });
    },

    generators(dim, axes, options) {
      const fn = 'rope.generators';
      const d = requiredDim(dim, fn);
      const k = requiredDim(axes, fn, 'axes');
      const block = optionsBlock(fn, optionsArg<AxialOptions>(options, fn, ['base', 'pairing', 'frequencies']));
      if (d < 2 || d > 4096) throw new MathLensError(`${fn}: dim must be an even integer from 2 to 4096, got ${d}`);
      if (k < 1 || k > 64) throw new MathLensError(`${fn}: axes must be an integer from 1 to 64, got ${k}`);
      return call(fn, k * d * d, 3, (args, write) => {
        const out = heap.take(k * d * d);
        write([...block, d, k, out]);
        unwrap(raw.rope_generators(args));
        return Array.from({ length: k }, (_, a) => matrixAt(out + 8 * a * d * d, d, d));
      });
    },

    permutation(headDim, options) {
      const fn = 'rope.permutation';
      const d = requiredDim(headDim, fn, 'headDim');
      const o = optionsArg<ConversionOptions>(options, fn, ['from', 'to', 'rotaryDim']);
      const from = pairingArg(o.from, 'interleaved', fn, 'from');
      const to = pairingArg(o.to, 'half', fn, 'to');
      const r = intArg(o.rotaryDim, 0, fn, 'rotaryDim');
      if (d < 2 || d > 2 ** 20) throw new MathLensError(`${fn}: dim must be an even integer from 2 to 1048576, got ${d}`);
      return call(fn, d, 5, (args, write) => {
        const out = heap.take(d);
        write([...optionsBlock(fn, {}), d, from, to, r, out]);
        unwrap(raw.rope_permutation(args));
        return Array.from(heap.read(out, d));
      });
    },

    convertWeights(w: unknown, options?: ConversionOptions) {
      const fn = 'rope.convertWeights';
      const o = optionsArg<ConversionOptions>(options, fn, ['from', 'to', 'heads', 'rotaryDim']);
      const from = pairingArg(o.from, 'interleaved', fn, 'from');
      const to = pairingArg(o.to, 'half', fn, 'to');
      const heads = intArg(o.heads, 1, fn, 'heads');
      const r = intArg(o.rotaryDim, 0, fn, 'rotaryDim');
      const b = batchArg(w, fn, 'w', raw);
      return call(fn, b.slots, 8, (args, write): never => {
        const wa = heap.take(b.slots);
        b.writeTo(raw, heap, wa);
        write([...optionsBlock(fn, {}), wa, b.rows, b.cols, b.f32 ? 1 : 0, heads, from, to, r]);
        unwrap(raw.rope_convertWeights(args));
        if (b.f32) return { rows: b.rows, cols: b.cols, data: raw.HEAPF32.slice(wa / 4, wa / 4 + b.rows * b.cols) } as never;
        return matrixAt(wa, b.rows, b.cols) as never;
      });
    },

    checkConversion(wq, wk, x, options) {
      const fn = 'rope.checkConversion';
      const o = optionsArg<CheckConversionOptions>(options, fn, [
        'from', 'to', 'heads', 'kvHeads', 'rotaryDim', 'base', 'scaling', 'positions',
      ]);
      const block = optionsBlock(fn, { base: o.base, scaling: o.scaling, rotaryDim: o.rotaryDim });
      block[1] = pairingArg(o.from, 'interleaved', fn, 'from');
      const to = pairingArg(o.to, 'half', fn, 'to');
      const heads = intArg(o.heads, 1, fn, 'heads');
      const kv = intArg(o.kvHeads, heads, fn, 'kvHeads');
      const q = matrixArg(wq, fn, 'wq');
      const k = matrixArg(wk, fn, 'wk');
      const xs = matrixArg(x, fn, 'x');
      const pos = o.positions === undefined ? null : vectorArg(o.positions, fn, 'positions');
      if (pos && pos.length !== xs.rows) throw new MathLensError(`${fn}: positions has ${pos.length} entries but x has ${xs.rows} rows`);
      if (xs.rows > 4096) throw new MathLensError(`${fn}: x has ${xs.rows} rows; at most 4096 are compared`);
      const n = xs.rows;
      const scoreSize = Math.max(0, heads) * n * n;
      if (3 * scoreSize > 2 ** 27)
        throw new MathLensError(`${fn}: heads × n × n = ${scoreSize} scores per matrix are too many to return (at most ${Math.floor(2 ** 27 / 3)})`);
      const sizes = [q.rows * q.cols, k.rows * k.cols, xs.rows * xs.cols, pos?.length ?? 0];
      return call(fn, sizes.reduce((a, b) => a + b, 0) + 8 + 3 * scoreSize, 14, (args, write) => {
        const [qa, ka, xa] = [heap.take(sizes[0]), heap.take(sizes[1]), heap.take(sizes[2])];
        q.write(heap, qa);
        k.write(heap, ka);
        xs.write(heap, xa);
        const pa = pos ? heap.take(pos.length) : 0;
        if (pos) heap.put(pa, pos);
        const out = heap.take(8 + 3 * scoreSize);
        write([...block, qa, q.rows, q.cols, ka, k.rows, k.cols, xa, xs.rows, xs.cols, pa, heads, kv, to, out]);
        unwrap(raw.rope_checkConversion(args));
        const s = heap.read(out, 8);
        const scores = (i: number) => matrixAt(out + 64 + 8 * i * scoreSize, heads * n, n);
        return {
          heads: s[0],
          kvHeads: s[1],
          headDim: s[2],
          maxAbsScore: s[3],
          maxAbsDifference: s[4],
          relativeDifference: s[5],
          unconvertedRelativeDifference: s[6],
          agree: s[7] === 1,
          scores: scores(0),
          convertedScores: scores(1),
          unconvertedScores: scores(2),
        };
      });
    },

    check(dim, m, n, options) {
      const fn = 'rope.check';
      const d = requiredDim(dim, fn);
      const mm = requiredNumber(m, fn, 'm');
      const nn = requiredNumber(n, fn, 'n');
      const block = optionsBlock(fn, optionsArg<RopeOptions>(options, fn, ROPE_KEYS));
      return call(fn, 6, 4, (args, write) => {
        const out = heap.take(6);
        write([...block, d, mm, nn, out]);
        unwrap(raw.rope_check(args));
        const r = heap.read(out, 6);
        return { relativity: r[0], composition: r[1], orthogonality: r[2], identity: r[3], generator: r[4], skew: r[5] };
      });
    },

    checkAxial(dim, p1, p2, options) {
      const fn = 'rope.checkAxial';
      const d = requiredDim(dim, fn);
      const a = pointArg(p1, fn, 'p1');
      const b = pointArg(p2, fn, 'p2');
      if (a.length !== b.length)
        throw new MathLensError(`${fn}: p1 and p2 must have the same number of coordinates, got ${a.length} and ${b.length}`);
      const block = optionsBlock(fn, optionsArg<AxialOptions>(options, fn, ['base', 'pairing', 'frequencies']));
      const k = a.length;
      return call(fn, 2 * k + 6 + 2 * k, 5, (args, write) => {
        const [pa, pb] = [heap.take(k), heap.take(k)];
        heap.put(pa, a);
        heap.put(pb, b);
        const out = heap.take(6 + 2 * k);
        write([...block, d, pa, pb, k, out]);
        unwrap(raw.rope_checkAxial(args));
        const r = heap.read(out, 6 + 2 * k);
        return {
          relativity: r[0],
          orthogonality: r[1],
          commutator: r[2],
          generator: r[3],
          recoveryError: r[4],
          reversible: r[5] === 1,
          recovered: Array.from(r.subarray(6, 6 + k)),
          range: Array.from(r.subarray(6 + k, 6 + 2 * k)),
        };
      });
    },

    generatorFamily(params, points) {
      const fn = 'rope.generatorFamily';
      const p = optionsArg<FamilyParams>(params, fn, ['b', 'c', 'd', 'e', 'f', 'theta'], 'params');
      const b = numberArg(p.b, 0, fn, 'b');
      const c = numberArg(p.c, 0, fn, 'c');
      const f = numberArg(p.f, 1, fn, 'f');
      const d = numberArg(p.d, c * f, fn, 'd');
      const e = numberArg(p.e, -b * f, fn, 'e');
      const theta = numberArg(p.theta, 1, fn, 'theta');
      const pts = optionsArg<{ from: ArrayLike<number>; to: ArrayLike<number> }>(points, fn, ['from', 'to'], 'points');
      const two = (x: unknown, fallback: number[], name: string) => {
        if (x === undefined) return fallback;
        const v = vectorArg(x, fn, name);
        if (v.length !== 2) throw new MathLensError(`${fn}: ${name} must have 2 coordinates (x, y), got ${v.length}`);
        return [v[0], v[1]];
      };
      const from = two(pts.from, [1, 2], 'points.from');
      const to = two(pts.to, [4, -1], 'points.to');
      return call(fn, 6 + 80, 11, (args, write) => {
        const out = heap.take(6 + 80);
        write([...optionsBlock(fn, {}), b, c, d, e, f, theta, from[0], from[1], to[0], to[1], out]);
        unwrap(raw.rope_generatorFamily(args));
        const r = heap.read(out, 6);
        const m4 = (i: number) => matrixAt(out + 48 + 128 * i, 4, 4);
        return {
          b1: m4(0),
          b2: m4(1),
          commutator: m4(2),
          maxCommutator: r[0],
          conditionD: r[1],
          conditionE: r[2],
          commutes: r[3] === 1,
          independent: r[4] === 1,
          rotationFrom: m4(3),
          rotationTo: m4(4),
          relativity: r[5],
        };
      });
    },

    decay(dim, offsets, options) {
      const fn = 'rope.decay';
      const d = requiredDim(dim, fn);
      const block = optionsBlock(fn, optionsArg<FrequencyOptions>(options, fn, FREQ_KEYS));
      const r = offsetsArg(offsets, fn, 'offsets', false);
      return call(fn, 2 * r.length, 4, (args, write) => {
        const ra = heap.take(r.length);
        heap.put(ra, r);
        const out = heap.take(r.length);
        write([...block, d, ra, r.length, out]);
        unwrap(raw.rope_decay(args));
        return heap.read(out, r.length);
      });
    },

    scores(q, k, offsets, options) {
      const fn = 'rope.scores';
      const qv = vectorArg(q, fn, 'q');
      const kv = vectorArg(k, fn, 'k');
      if (qv.length !== kv.length) throw new MathLensError(`${fn}: q and k must have the same length, got ${qv.length} and ${kv.length}`);
      const r = offsetsArg(offsets, fn, 'offsets', true);
      const block = optionsBlock(fn, optionsArg<RopeOptions>(options, fn, ROPE_KEYS));
      const d = qv.length;
      return call(fn, 2 * d + 2 * r.length, 6, (args, write) => {
        const [qa, ka, ra] = [heap.take(d), heap.take(d), heap.take(r.length)];
        heap.put(qa, qv);
        heap.put(ka, kv);
        heap.put(ra, r);
        const out = heap.take(r.length);
        write([...block, qa, ka, d, ra, r.length, out]);
        unwrap(raw.rope_scores(args));
        return heap.read(out, r.length);
      });
    },

    scores2d(q, k, options) {
      const fn = 'rope.scores2d';
      const qv = vectorArg(q, fn, 'q');
      const kv = vectorArg(k, fn, 'k');
      if (qv.length !== kv.length) throw new MathLensError(`${fn}: q and k must have the same length, got ${qv.length} and ${kv.length}`);
      const o = optionsArg<Scores2dOptions>(options, fn, ['dx', 'dy', 'encoding', 'width', 'base', 'pairing', 'frequencies']);
      const dx = offsetsArg(o.dx === undefined ? 8 : o.dx, fn, 'dx', true);
      const dy = offsetsArg(o.dy === undefined ? 8 : o.dy, fn, 'dy', true);
      if (dx.length * dy.length > 2 ** 24) throw new MathLensError(`${fn}: dx and dy span more than 2^24 cells`);
      const encoding = choiceArg(o.encoding, ['rope2d', 'flattened', 'sum'] as const, fn, 'encoding');
      const width = numberArg(o.width, encoding === 1 ? NaN : 0, fn, 'width');
      const block = optionsBlock(fn, { base: o.base, pairing: o.pairing, frequencies: o.frequencies });
      const d = qv.length;
      return call(fn, 2 * d + dx.length + dy.length + dx.length * dy.length, 10, (args, write) => {
        const [qa, ka, xa, ya] = [heap.take(d), heap.take(d), heap.take(dx.length), heap.take(dy.length)];
        heap.put(qa, qv);
        heap.put(ka, kv);
        heap.put(xa, dx);
        heap.put(ya, dy);
        const out = heap.take(dx.length * dy.length);
        write([...block, qa, ka, d, xa, dx.length, ya, dy.length, encoding, width, out]);
        unwrap(raw.rope_scores2d(args));
        return matrixAt(out, dx.length, dy.length);
      });
    },

    contextScaling(dim, contextLength, options) {
      const fn = 'rope.contextScaling';
      const d = requiredDim(dim, fn);
      const L = requiredNumber(contextLength, fn, 'contextLength');
      const o = optionsArg<ContextScalingOptions>(options, fn, ['base', 'scaling']);
      if (o.scaling === undefined)
        throw new MathLensError(`${fn}: scaling is required: { type, factor, originalContext } (type 'none' is allowed)`);
      const block = optionsBlock(fn, o);
      if (d < 2 || d > 2 ** 20) throw new MathLensError(`${fn}: dim must be an even integer from 2 to 1048576, got ${d}`);
      const m = Math.floor(d / 2);
      return call(fn, 6 + 9 * m, 3, (args, write) => {
        const out = heap.take(6 + 9 * m);
        write([...block, d, L, out]);
        const warnings = unwrap(raw.rope_contextScaling(args));
        const s = heap.read(out, 6);
        const arr = (i: number) => heap.read(out + 48 + 8 * m * i, m);
        return {
          theta: arr(0),
          scaledTheta: arr(1),
          wavelength: arr(2),
          originalWavelength: arr(3),
          interpolation: arr(4),
          rotations: arr(5),
          maxAngle: arr(6),
          trainedAngle: arr(7),
          unseen: Array.from(arr(8), (u) => u === 1),
          unseenCount: s[0],
          effectiveBase: s[1],
          attentionFactor: s[2],
          contextLength: s[3],
          originalContext: s[4],
          scaledContext: s[5],
          warnings: warnings ? warnings.split('\n') : [],
        };
      });
    },
  };
  return api;
}
