/**
 * Exact softmax attention and three linear-time approximations of it — linear attention, Performer
 * FAVOR+ and Nyström attention, the subject of the post "Nyströmformer" (kexue.fm/archives/8180,
 * spec/MATH.md §5) — each with its error against exact attention on request.
 *
 * Shapes: `q` is n×d, `k` is N×d, `v` is N×dv; the output is n×dv. With `heads: h` the columns are
 * split into h contiguous heads. Logits are s·qᵢ·kⱼ with s = 1/√(d/h) by default (`scale: false`
 * gives Su's formulas, s = 1). Matrices may be nested arrays, arrays of typed arrays, or
 * `{ rows, cols, data }` with row-major Float64Array or Float32Array data (one copy into wasm).
 *
 * Memory: the approximations never form an n×N matrix, and exact attention streams blocks of
 * query rows; `errors: true` compares with exact attention in the same streaming way (about the
 * cost of one exact attention). Only `matrix: true` returns the full attention matrix (for
 * heatmaps; at most 16,777,216 entries).
 * @module
 */
import type { RawModuleBase } from './wasm/mathlens.mjs';
import { booleanArg, describe, integerArg, optionsArg } from './core/args.js';
import { MathLensError, unwrap } from './core/errors.js';
import type { Heap } from './core/heap.js';
import { matrixArg, type Matrix, type MatrixLike, type Shaped } from './core/matrix.js';

/** Options shared by every kernel. */
export interface AttentionOptions {
  /** Heads the columns of q, k and v are split into (default 1). */
  heads?: number;
  /** Logit scale: `true` (default) = 1/√(head size), `false` = 1 (the post's formulas), or a positive number. */
  scale?: boolean | number;
  /** Query i attends to keys j ≤ i only (needs as many queries as keys). Not available for Nyström. */
  causal?: boolean;
  /** Compare with exact softmax attention (streamed; costs about one exact attention). */
  errors?: boolean;
  /** Also return the (heads·n)×N attention matrix, head after head (at most 16,777,216 entries). */
  matrix?: boolean;
}

/** Options of {@link AttentionApi.performer}. */
export interface PerformerOptions extends AttentionOptions {
  /** Number m of random features (default 256). */
  features?: number;
  /** Seed of the features (default 1): the same seed gives the same features in Node, browsers and C++. */
  seed?: number;
  /** Orthogonal random features (default true): blocks of d orthogonal rows with χ_d lengths. */
  orthogonal?: boolean;
  /** Use this m×(head size) projection W instead of drawing one (`features`, `seed`, `orthogonal` are then ignored). */
  projection?: MatrixLike;
}

/** How the m×m landmark kernel A is pseudo-inverted. */
export type PinvMethod =
  /** the paper's iteration V ← ¼V(13I − AV(15I − AV(7I − AV))), `iterations` times (default) */
  | 'iterative'
  /** the exact Moore–Penrose pseudo-inverse from an SVD (singular values ≤ m·ε·σmax dropped) */
  | 'svd';

/** The iteration's start V₀ = Aᵀ/c. */
export type PinvInit =
  /** c = max over all heads of the max column sum of A: the authors' default code */
  | 'original'
  /** c = ‖A‖₁‖A‖∞ of each head's A (MATH.md §5; equals the max column sum for softmax rows) */
  | 'per-matrix';

/** What happens when the number of landmarks m does not divide n. */
export type SegmentPolicy =
  /** segment j = rows ⌊jn/m⌋ … ⌊(j+1)n/m⌋ − 1; sizes differ by at most one (default) */
  | 'balanced'
  /** Su's zero padding: pad to a multiple of m with zero rows; segments of ⌈n/m⌉ rows, so the last means shrink towards 0; padded keys are not attended to */
  | 'pad'
  /** the authors' code: m must divide n (and N) */
  | 'exact';

/** Options of {@link AttentionApi.nystrom}. */
export interface NystromOptions extends Omit<AttentionOptions, 'causal'> {
  /** Number m of landmarks (default min(64, n, N)). */
  landmarks?: number;
  /** Pseudo-inverse of A (default 'iterative'). */
  pinv?: PinvMethod;
  /** Iterations of the iterative pseudo-inverse (default 6, as in the paper; 0 … 1000). */
  iterations?: number;
  /** Start of the iteration (default 'original'). */
  init?: PinvInit;
  /** Segmentation when m does not divide n (default 'balanced'). */
  segments?: SegmentPolicy;
  /** Not supported (landmark pooling mixes future tokens); `true` is an error. */
  causal?: boolean;
}

/** How far an approximation is from exact softmax attention (over all heads). */
export interface AttentionErrors {
  /** ‖Ô − O‖_F / ‖O‖_F of the outputs. */
  outputRelativeFrobenius: number;
  /** max |Ô − O|. */
  outputMaxAbs: number;
  /** ‖Â − P‖_F / ‖P‖_F of the attention matrices (computed in row blocks, never stored). */
  matrixRelativeFrobenius: number;
  /** max |Â − P|. */
  matrixMaxAbs: number;
  /** max over rows of |Σⱼ Âᵢⱼ − 1| (0 up to round-off for exact, linear and Performer attention). */
  rowSumDeviation: number;
}

/** What every kernel returns. */
export interface AttentionResult {
  /** n × dv. */
  output: Matrix;
  /** The (heads·n)×N attention matrix when `matrix: true`, else null. */
  matrix: Matrix | null;
  /** The comparison with exact attention when `errors: true`, else null. */
  errors: AttentionErrors | null;
  /** Accuracy notes (e.g. an unconverged pseudo-inverse), in English. */
  warnings: string[];
}

/** What {@link AttentionApi.nystrom} returns in addition. */
export interface NystromResult extends AttentionResult {
  /** m used. */
  landmarks: number;
  /** ‖I − A·A⁺‖_F per head (at least √(m − rank A) when A is singular, whatever A⁺ is). */
  pinvResidual: number[];
  /** max(‖AXA − A‖_F/‖A‖_F, ‖XAX − X‖_F/‖X‖_F) per head, X = A⁺: about ε·cond(A) when converged. */
  pinvPenrose: number[];
  /** σmax/σmin of A per head (Infinity when singular); 'svd' only, else null. */
  kernelCondition: number[] | null;
  /** Numerical rank of A per head; 'svd' only, else null. */
  kernelRank: number[] | null;
  /** c of V₀ = Aᵀ/c for head 0; 'iterative' only, else null. */
  initScale: number | null;
}

/** Options of {@link AttentionApi.pinv}. */
export interface PinvOptions {
  /** 'iterative' (default) or 'svd'. */
  method?: PinvMethod;
  /** Iterations (default 6). */
  iterations?: number;
  /** c of V₀ = Aᵀ/c (default: ‖A‖₁‖A‖∞). */
  c?: number;
}

/** A pseudo-inverse with its diagnostics. */
export interface PinvResult {
  inverse: Matrix;
  /** ‖I − A·A⁺‖_F. */
  residual: number;
  /** max(‖AXA − A‖_F/‖A‖_F, ‖XAX − X‖_F/‖X‖_F). */
  penrose: number;
  /** Numerical rank ('svd' only, else null). */
  rank: number | null;
  /** σmax/σmin ('svd' only, else null). */
  condition: number | null;
}

/** Options of {@link AttentionApi.randomFeatures}. */
export interface RandomFeaturesOptions {
  seed?: number;
  orthogonal?: boolean;
}

/** Structure of {@link AttentionApi.sampleInputs}. */
export type InputStructure =
  /** i.i.d. N(0, 1) entries */
  | 'random'
  /** tokens in contiguous clusters: qᵢ, kᵢ = centre of cluster ⌊iC/n⌋ + 0.5·noise (nearly block-diagonal attention) */
  | 'clustered';

/** Options of {@link AttentionApi.sampleInputs}. */
export interface SampleInputsOptions {
  /** Columns of v (default d). */
  dv?: number;
  /** Default 'random'. */
  structure?: InputStructure;
  /** Default 1. */
  seed?: number;
  /** Number C of clusters (default 8). */
  clusters?: number;
}

/** Seeded inputs: q, k (n×d), v (n×dv). */
export interface AttentionInputs {
  q: Matrix;
  k: Matrix;
  v: Matrix;
}

/** The attention module: `ml.attention`. Every function throws {@link MathLensError} on bad input. */
export interface AttentionApi {
  /** softmax(s·QKᵀ [causal mask])·V, each row shifted by its maximum (no overflow for finite logits). */
  exact(q: MatrixLike, k: MatrixLike, v: MatrixLike, options?: AttentionOptions): AttentionResult;
  /** Linear attention with φ(x) = elu(x) + 1: φ(Q)(φ(K)ᵀV) / φ(Q)(φ(K)ᵀ1), O(n·d·dv); causal by prefix sums. */
  linear(q: MatrixLike, k: MatrixLike, v: MatrixLike, options?: AttentionOptions): AttentionResult;
  /** Performer FAVOR+: positive (orthogonal) random features φ(x) = exp(Wx − ‖x‖²/2)/√m, E[φ(q)ᵀφ(k)] = exp(qᵀk). */
  performer(q: MatrixLike, k: MatrixLike, v: MatrixLike, options?: PerformerOptions): AttentionResult;
  /** Nyström attention softmax(QK̃ᵀ)·softmax(Q̃K̃ᵀ)⁺·softmax(Q̃Kᵀ)·V with segment-mean landmarks Q̃, K̃ (MATH.md §5). */
  nystrom(q: MatrixLike, k: MatrixLike, v: MatrixLike, options?: NystromOptions): NystromResult;
  /** Segment means of the rows of x: the m×cols landmarks. */
  landmarks(x: MatrixLike, m: number, options?: { segments?: SegmentPolicy }): Matrix;
  /** The iterative (default) or SVD pseudo-inverse of a, with ‖I − A·A⁺‖_F and the Moore–Penrose residual. */
  pinv(a: MatrixLike, options?: PinvOptions): PinvResult;
  /** The m×d projection the Performer draws for (features, d, seed, orthogonal). */
  randomFeatures(features: number, d: number, options?: RandomFeaturesOptions): Matrix;
  /** Seeded inputs, random or clustered (the same numbers in Node, browsers and C++). */
  sampleInputs(n: number, d: number, options?: SampleInputsOptions): AttentionInputs;
}

type Obj = Record<string, unknown>;
interface KernelRaw {
  errors: AttentionErrors | null;
  warnings: string[];
}
type NystromRaw = KernelRaw & Omit<NystromResult, keyof AttentionResult>;
interface AttentionRawModule extends RawModuleBase {
  attention_exact(...args: (number | boolean)[]): KernelRaw | Error;
  attention_linear(...args: (number | boolean)[]): KernelRaw | Error;
  attention_performer(...args: (number | boolean)[]): KernelRaw | Error;
  attention_nystrom(...args: (number | boolean)[]): NystromRaw | Error;
  attention_randomFeatures(...args: (number | boolean)[]): undefined | Error;
  attention_landmarks(...args: number[]): undefined | Error;
  attention_pinv(...args: number[]): Omit<PinvResult, 'inverse'> | Error;
  attention_sampleInputs(...args: number[]): undefined | Error;
}

/** The largest attention matrix returned by `matrix: true` (the C++ limit, kMaxMatrixEntries). */
const MAX_MATRIX = 16777216;




function enumOption<T extends string>(o: Obj, name: string, values: readonly T[], fn: string): number {
  const x = o[name];
  if (x === undefined) return 0;
  const i = values.indexOf(x as T);
  if (i < 0)
    throw new MathLensError(`${fn}: ${name} must be ${values.map((v) => `'${v}'`).join(' or ')}, got ${describe(x)}`);
  return i;
}

/** scale: true → NaN (the core's default 1/√head size), false → 1, or a positive finite number. */
function scaleOption(o: Obj, fn: string): number {
  const x = o.scale;
  if (x === undefined || x === true) return NaN;
  if (x === false) return 1;
  if (typeof x !== 'number' || !Number.isFinite(x) || x <= 0)
    throw new MathLensError(`${fn}: scale must be true (1/√head size), false (1) or a positive number, got ${describe(x)}`);
  return x;
}

const COMMON = ['heads', 'scale', 'causal', 'errors', 'matrix'] as const;
const PERFORMER = [...COMMON, 'features', 'seed', 'orthogonal', 'projection'] as const;
const NYSTROM = [...COMMON, 'landmarks', 'pinv', 'iterations', 'init', 'segments'] as const;
const PINV_METHODS = ['iterative', 'svd'] as const;
const INITS = ['original', 'per-matrix'] as const;
const SEGMENTS = ['balanced', 'pad', 'exact'] as const;
const STRUCTURES = ['random', 'clustered'] as const;
const MAX_SEED = Number.MAX_SAFE_INTEGER;

interface Common {
  heads: number;
  scale: number;
  causal: boolean;
  errors: boolean;
  matrix: boolean;
}

function commonOptions(o: Obj, fn: string): Common {
  return {
    heads: integerArg(o.heads, 1, fn, 'heads', 1, 4096),
    scale: scaleOption(o, fn),
    causal: booleanArg(o.causal, false, fn, 'causal'),
    errors: booleanArg(o.errors, false, fn, 'errors'),
    matrix: booleanArg(o.matrix, false, fn, 'matrix'),
  };
}

const size = (m: Shaped) => m.rows * m.cols;

export function createAttention(raw: RawModuleBase, heap: Heap): AttentionApi {
  const mod = raw as AttentionRawModule;

  /**
   * Copies q, k, v (and extra matrices) into the heap, reserves the output and the matrix, calls
   * the binding and reads the results back.
   */
  function kernel<R extends KernelRaw>(
    fn: string,
    q: unknown,
    k: unknown,
    v: unknown,
    c: Common,
    extra: Shaped | null,
    call: (args: (number | boolean)[], extraArgs: number[], out: number, matrixOut: number) => R | Error,
  ): { raw: R; output: Matrix; matrix: Matrix | null } {
    const sq = matrixArg(q, fn, 'q');
    const sk = matrixArg(k, fn, 'k');
    const sv = matrixArg(v, fn, 'v');
    const outDoubles = sq.rows * sv.cols;
    const entries = c.heads * sq.rows * sk.rows;
    // An oversized matrix is rejected by the core before anything is written: reserve nothing.
    const matrixDoubles = c.matrix && entries <= MAX_MATRIX ? entries : 0;
    const extraDoubles = extra ? size(extra) : 0;
    heap.begin(fn, size(sq) + size(sk) + size(sv) + extraDoubles + outDoubles + matrixDoubles);
    try {
      const args: (number | boolean)[] = [];
      for (const s of [sq, sk, sv]) {
        const address = heap.take(size(s));
        s.write(heap, address);
        args.push(address, s.rows, s.cols);
      }
      args.push(c.heads, c.scale, c.causal, c.errors, c.matrix);
      let extraArgs = [0, 0, 0];
      if (extra) {
        const address = heap.take(extraDoubles);
        extra.write(heap, address);
        extraArgs = [address, extra.rows, extra.cols];
      }
      const out = heap.take(outDoubles);
      const matrixOut = heap.take(matrixDoubles);
      const r = unwrap(call(args, extraArgs, out, matrixOut));
      return {
        raw: r,
        output: { rows: sq.rows, cols: sv.cols, data: heap.read(out, outDoubles) },
        matrix: c.matrix ? { rows: c.heads * sq.rows, cols: sk.rows, data: heap.read(matrixOut, matrixDoubles) } : null,
      };
    } finally {
      heap.end();
    }
  }

  const plain = (r: { raw: KernelRaw; output: Matrix; matrix: Matrix | null }): AttentionResult => ({
    output: r.output,
    matrix: r.matrix,
    errors: r.raw.errors,
    warnings: r.raw.warnings,
  });

  /** Runs a binding on one input matrix whose result (of `outDoubles(shape)` doubles) it writes. */
  function oneMatrix<T>(
    fn: string,
    x: unknown,
    name: string,
    outDoubles: (s: Shaped) => number,
    call: (address: number, s: Shaped, out: number) => T | Error,
  ): { value: T; data: Float64Array; shape: Shaped } {
    const s = matrixArg(x, fn, name);
    const n = outDoubles(s);
    heap.begin(fn, size(s) + n);
    try {
      const address = heap.take(size(s));
      s.write(heap, address);
      const out = heap.take(n);
      const value = unwrap(call(address, s, out));
      return { value, data: heap.read(out, n), shape: s };
    } finally {
      heap.end();
    }
  }

  return {
    exact(q, k, v, options) {
      const fn = 'attention.exact';
      const c = commonOptions(optionsArg(options, fn, COMMON), fn);
      return plain(kernel(fn, q, k, v, c, null, (a, _e, out, mo) => mod.attention_exact(...a, out, mo)));
    },
    linear(q, k, v, options) {
      const fn = 'attention.linear';
      const c = commonOptions(optionsArg(options, fn, COMMON), fn);
      return plain(kernel(fn, q, k, v, c, null, (a, _e, out, mo) => mod.attention_linear(...a, out, mo)));
    },
    performer(q, k, v, options) {
      const fn = 'attention.performer';
      const o = optionsArg(options, fn, PERFORMER);
      const c = commonOptions(o, fn);
      const features = integerArg(o.features, 256, fn, 'features', 1, 1048576);
      const seed = integerArg(o.seed, 1, fn, 'seed', 0, MAX_SEED);
      const orthogonal = booleanArg(o.orthogonal, true, fn, 'orthogonal');
      const projection = o.projection === undefined ? null : matrixArg(o.projection, fn, 'projection');
      if (projection && projection.rows === 0)
        throw new MathLensError(`${fn}: projection must have at least one row (one random feature)`);
      return plain(
        kernel(fn, q, k, v, c, projection, (a, e, out, mo) =>
          mod.attention_performer(...a, features, seed, orthogonal, ...e, out, mo),
        ),
      );
    },
    nystrom(q, k, v, options) {
      const fn = 'attention.nystrom';
      const o = optionsArg(options, fn, NYSTROM);
      const c = commonOptions(o, fn);
      const landmarks = integerArg(o.landmarks, 0, fn, 'landmarks', 1, 2 ** 31 - 1);
      const pinv = enumOption(o, 'pinv', PINV_METHODS, fn);
      const iterations = integerArg(o.iterations, 6, fn, 'iterations', 0, 1000);
      const init = enumOption(o, 'init', INITS, fn);
      const segments = enumOption(o, 'segments', SEGMENTS, fn);
      const r = kernel(fn, q, k, v, c, null, (a, _e, out, mo) =>
        mod.attention_nystrom(...a, landmarks, pinv, iterations, init, segments, out, mo),
      );
      const x = r.raw;
      return {
        ...plain(r),
        landmarks: x.landmarks,
        pinvResidual: x.pinvResidual,
        pinvPenrose: x.pinvPenrose,
        kernelCondition: x.kernelCondition,
        kernelRank: x.kernelRank,
        initScale: x.initScale,
      };
    },
    landmarks(x, m, options) {
      const fn = 'attention.landmarks';
      const o = optionsArg(options, fn, ['segments']);
      const mm = integerArg(m, undefined, fn, 'm', 1, 2 ** 31 - 1);
      const segments = enumOption(o, 'segments', SEGMENTS, fn);
      // m > rows is rejected by the core before it writes: reserve nothing then.
      const r = oneMatrix(fn, x, 'x', (s) => (mm <= s.rows ? mm * s.cols : 0), (address, s, out) =>
        mod.attention_landmarks(address, s.rows, s.cols, mm, segments, out),
      );
      return { rows: mm, cols: r.shape.cols, data: r.data };
    },
    pinv(a, options) {
      const fn = 'attention.pinv';
      const o = optionsArg(options, fn, ['method', 'iterations', 'c']);
      const method = enumOption(o, 'method', PINV_METHODS, fn);
      const iterations = integerArg(o.iterations, 6, fn, 'iterations', 0, 1000);
      const c = o.c;
      if (c !== undefined && (typeof c !== 'number' || !Number.isFinite(c) || c <= 0))
        throw new MathLensError(`${fn}: c must be a positive number, got ${describe(c)}`);
      const r = oneMatrix(fn, a, 'a', size, (address, s, out) =>
        mod.attention_pinv(address, s.rows, s.cols, method, iterations, (c as number | undefined) ?? 0, out),
      );
      return { inverse: { rows: r.shape.cols, cols: r.shape.rows, data: r.data }, ...r.value };
    },
    randomFeatures(features, d, options) {
      const fn = 'attention.randomFeatures';
      const o = optionsArg(options, fn, ['seed', 'orthogonal']);
      const f = integerArg(features, undefined, fn, 'features', 1, 1048576);
      const dd = integerArg(d, undefined, fn, 'd', 1, 65536);
      const seed = integerArg(o.seed, 1, fn, 'seed', 0, MAX_SEED);
      const orthogonal = booleanArg(o.orthogonal, true, fn, 'orthogonal');
      const n = f * dd;
      heap.begin(fn, n);
      try {
        const out = heap.take(n);
        unwrap(mod.attention_randomFeatures(f, dd, seed, orthogonal, out));
        return { rows: f, cols: dd, data: heap.read(out, n) };
      } finally {
        heap.end();
      }
    },
    sampleInputs(n, d, options) {
      const fn = 'attention.sampleInputs';
      const o = optionsArg(options, fn, ['dv', 'structure', 'seed', 'clusters']);
      const rows = integerArg(n, undefined, fn, 'n', 1, 2 ** 31 - 1);
      const cols = integerArg(d, undefined, fn, 'd', 1, 2 ** 31 - 1);
      const dv = integerArg(o.dv, cols, fn, 'dv', 1, 2 ** 31 - 1);
      const structure = enumOption(o, 'structure', STRUCTURES, fn);
      const seed = integerArg(o.seed, 1, fn, 'seed', 0, MAX_SEED);
      const clusters = integerArg(o.clusters, 8, fn, 'clusters', 1, 2 ** 31 - 1);
      const nq = rows * cols;
      const nv = rows * dv;
      heap.begin(fn, 2 * nq + nv);
      try {
        const out = heap.take(2 * nq + nv);
        unwrap(mod.attention_sampleInputs(rows, cols, dv, structure, seed, clusters, out));
        return {
          q: { rows, cols, data: heap.read(out, nq) },
          k: { rows, cols, data: heap.read(out + 8 * nq, nq) },
          v: { rows, cols: dv, data: heap.read(out + 16 * nq, nv) },
        };
      } finally {
        heap.end();
      }
    },
  };
}
