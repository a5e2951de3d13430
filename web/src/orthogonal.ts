/**
 * Orthogonal matrices taking one unit vector to another, in any dimension d ≥ 2 — the post
 * "An orthogonal matrix that maps one unit vector to another" (kexue.fm/archives/8453,
 * spec/MATH.md §3).
 *
 * Inputs a and b are normalised first (a zero vector is an error), so T a = (‖a‖/‖b‖) b. With
 * c = aᵀb (unit a, b) there are three constructions:
 * - `'rotation'` (default): the minimal rotation T = I + 2baᵀ − (a+b)(a+b)ᵀ/(1+c), det +1, the
 *   identity on everything orthogonal to a and b;
 * - `'householder'`: the reflection T = I − 2vvᵀ, v = (b−a)/‖b−a‖, det −1, symmetric, T² = I;
 * - `'simplest'`: the post's favourite T = (a+b)(a+b)ᵀ/(1+c) − I = 2uuᵀ − I, det (−1)^{d+1}.
 *
 * The formulas are evaluated without dividing by 1 ± c (a 2 × 2 block in the plane of a and b with
 * half-angle sines), so T is orthogonal and T a = b to a few ulps for every pair. When b = ±a (to
 * within 7.1e-15 in angle) the plane is completed by `options.fallback`, by default the coordinate
 * axis least aligned with a (Gram–Schmidt): at b = −a the rotation is the π-rotation
 * I − 2aaᵀ − 2eeᵀ, the simplest map 2eeᵀ − I; at b = a the Householder map is I − 2eeᵀ (det −1).
 * @module
 */
import type { RawModuleBase } from './wasm/mathlens.mjs';
import { describe, optionsArg as plainOptions } from './core/args.js';
import { MathLensError, unwrap } from './core/errors.js';
import type { Heap } from './core/heap.js';
import { matrixArg, vectorArg, type Matrix, type MatrixLike, type Shaped, type Vector } from './core/matrix.js';

/** Which orthogonal map taking a to b (see the module comment). */
export type OrthogonalConstruction = 'rotation' | 'householder' | 'simplest';

/** Options of the matrix shorthands {@link OrthogonalApi.minimalRotation} & co. */
export interface OrthogonalFallbackOptions {
  /**
   * Direction that completes the plane when b = ±a, and only then (any vector of length d not
   * parallel to a). Default: the coordinate axis least aligned with a (smallest |a_k|, first on ties).
   */
  fallback?: Vector;
}

/** Options of {@link OrthogonalApi.matrix} and {@link OrthogonalApi.report}. */
export interface OrthogonalOptions extends OrthogonalFallbackOptions {
  /** Default `'rotation'`. */
  construction?: OrthogonalConstruction;
}

/** Options of {@link OrthogonalApi.apply}. */
export interface OrthogonalApplyOptions extends OrthogonalOptions {
  /** Apply Tᵀ = T⁻¹ instead of T (maps b back to a). Default false. */
  inverse?: boolean;
}

/** A matrix with its checks and the geometry of the pair, as {@link OrthogonalApi.report} returns it. */
export interface OrthogonalReport {
  dim: number;
  construction: OrthogonalConstruction;
  /** T (d × d). */
  matrix: Matrix;
  /** â = a/‖a‖ and b̂ = b/‖b‖. */
  unitA: Float64Array;
  unitB: Float64Array;
  /** e: unit, orthogonal to â, with b̂ = cos θ â + sin θ e (the fallback direction when degenerate). */
  planeVector: Float64Array;
  /** u = (â + b̂)/‖â + b̂‖ (= e when b = −a); the simplest map is 2uuᵀ − I. */
  bisector: Float64Array;
  /** v = (b̂ − â)/‖b̂ − â‖ (= e when b = a): the mirror's normal; the Householder map is I − 2vvᵀ. */
  mirrorNormal: Float64Array;
  /** cos θ = âᵀb̂ and sin θ, with θ = ∠(a, b) ∈ [0, π] in `angle` (radians). */
  cosine: number;
  sine: number;
  angle: number;
  /** ‖a‖ and ‖b‖ of the inputs (Infinity if beyond the double range). */
  normA: number;
  normB: number;
  /** ‖TᵀT − I‖_F, from the formed matrix. */
  orthogonalityError: number;
  /** ‖T â − b̂‖₂. */
  residual: number;
  /** ‖Tᵀ b̂ − â‖₂. */
  inverseResidual: number;
  /** det T by LU with partial pivoting. */
  determinant: number;
  /** +1 (rotation), −1 (householder), (−1)^{d+1} (simplest). */
  expectedDeterminant: number;
  /** Tr T (the rotation's is d − 2 + 2 cos θ). */
  trace: number;
  /** b = ±a to within 7.1e-15 in angle: the plane of a and b was completed by the fallback direction. */
  degenerate: boolean;
  /** The coordinate axis (index) that completed the plane, or null. */
  fallbackAxis: number | null;
  /**
   * How much T can move per unit change of â or b̂ (Frobenius norm, first order): √2 in 2-D;
   * in d ≥ 3, 2√2/‖â+b̂‖ (rotation, simplest) or 2√2/‖â−b̂‖ (householder); Infinity at b = −a
   * (b = a for householder), where the plane or mirror is not determined by a and b.
   */
  sensitivity: number;
  /** Plain-language notes: the choice made at a degenerate pair, or ill-conditioning. */
  warnings: string[];
}

/** The orthogonal module: `ml.orthogonal`. Every function throws {@link MathLensError} on bad input. */
export interface OrthogonalApi {
  /** The d × d matrix T of `options.construction` (default the minimal rotation) with T â = b̂. O(d²). */
  matrix(a: Vector, b: Vector, options?: OrthogonalOptions): Matrix;
  /** The minimal rotation T = I + 2baᵀ − (a+b)(a+b)ᵀ/(1 + aᵀb) (unit a, b), det +1. */
  minimalRotation(a: Vector, b: Vector, options?: OrthogonalFallbackOptions): Matrix;
  /** The Householder reflection T = I − 2vvᵀ, v = (b − a)/‖b − a‖ (unit a, b), det −1. */
  householder(a: Vector, b: Vector, options?: OrthogonalFallbackOptions): Matrix;
  /** The post's T = (a+b)(a+b)ᵀ/(1 + aᵀb) − I (unit a, b), symmetric, det (−1)^{d+1}. */
  simplest(a: Vector, b: Vector, options?: OrthogonalFallbackOptions): Matrix;
  /**
   * T x (or T⁻¹ x with `inverse`) in O(d), without forming T: two dot products and two axpys.
   * `x` may be a Float64Array or Float32Array (computed in double precision) of length d up to 10⁶
   * and beyond; the result is a new Float64Array.
   */
  apply(a: Vector, b: Vector, x: Vector, options?: OrthogonalApplyOptions): Float64Array;
  /** The same for a batch: each row of `x` (n × d) is mapped; O(n d). */
  apply(a: Vector, b: Vector, x: MatrixLike, options?: OrthogonalApplyOptions): Matrix;
  /** The matrix with its checks (‖TᵀT − I‖, ‖Ta − b‖, det), the angle, the plane and warnings. O(d³). */
  report(a: Vector, b: Vector, options?: OrthogonalOptions): OrthogonalReport;
}

type R = undefined | Error;
interface OrthogonalRaw extends RawModuleBase {
  orthogonal_matrix(...args: number[]): R;
  orthogonal_minimalRotation(...args: number[]): R;
  orthogonal_householder(...args: number[]): R;
  orthogonal_simplest(...args: number[]): R;
  orthogonal_apply(...args: number[]): R;
  orthogonal_report(...args: number[]): string[] | Error;
}

const CONSTRUCTIONS: OrthogonalConstruction[] = ['rotation', 'householder', 'simplest'];
/** The largest d whose d × d matrix (plus a few vectors) fits in one wasm allocation. */
const MAX_MATRIX_DIM = 12000;
/** Number of scalars report() writes after the matrix and the five vectors (bindings/orthogonal.cpp). */
const REPORT_SCALARS = 14;

interface Checked {
  construction: number;
  fallback: Vector | null;
  inverse: boolean;
}

/** Validates an options object: known keys only (core/args.ts), with valid values. */
function optionsArg(options: unknown, fn: string, allowed: readonly (keyof OrthogonalApplyOptions)[]): Checked {
  const out: Checked = { construction: 0, fallback: null, inverse: false };
  const o = plainOptions<Record<string, unknown>>(options, fn, allowed);
  if (o.construction !== undefined) {
    const k = CONSTRUCTIONS.indexOf(o.construction as OrthogonalConstruction);
    if (k < 0)
      throw new MathLensError(
        `${fn}: options.construction must be 'rotation', 'householder' or 'simplest', got ${
          describe(o.construction)
        }`,
      );
    out.construction = k;
  }
  if (o.fallback !== undefined) out.fallback = vectorArg(o.fallback, fn, 'options.fallback');
  if (o.inverse !== undefined) {
    if (typeof o.inverse !== 'boolean')
      throw new MathLensError(`${fn}: options.inverse must be true or false, got ${describe(o.inverse)}`);
    out.inverse = o.inverse;
  }
  return out;
}

/** A batch (matrix) rather than one vector: `{rows, cols, data}` or an array whose first entry is an array. */
function isBatch(x: unknown): boolean {
  if (typeof x !== 'object' || x === null) return false;
  if (!ArrayBuffer.isView(x) && !Array.isArray(x) && 'data' in x) return true;
  if (!Array.isArray(x) || x.length === 0) return false;
  const first: unknown = x[0];
  return typeof first === 'object' && first !== null;
}

export function createOrthogonal(raw: RawModuleBase, heap: Heap): OrthogonalApi {
  const m = raw as OrthogonalRaw;

  /**
   * Copies a, b (and the fallback) into the heap after `extra` reserved doubles, runs `call` with
   * the pair's binding arguments, and releases the heap.
   */
  function withPair<T>(
    fn: string,
    a: unknown,
    b: unknown,
    o: Checked,
    extra: (d: number) => number,
    call: (pair: number[], reserve: (doubles: number) => number) => T,
  ): T {
    const av = vectorArg(a, fn, 'a');
    const bv = vectorArg(b, fn, 'b');
    const f = o.fallback;
    const d = av.length;
    // The core reads length 0 as "no fallback"; a given but empty one has the wrong length.
    if (f && f.length === 0) throw new MathLensError(`${fn}: options.fallback has 0 entries but a has ${d}`);
    heap.begin(fn, d + bv.length + (f?.length ?? 0) + extra(d));
    try {
      const pa = heap.take(d);
      heap.put(pa, av);
      const pb = heap.take(bv.length);
      heap.put(pb, bv);
      const pf = heap.take(f?.length ?? 0);
      if (f) heap.put(pf, f);
      return call([pa, d, pb, bv.length, pf, f?.length ?? 0], (n) => heap.take(n));
    } finally {
      heap.end();
    }
  }

  function checkMatrixSize(fn: string, a: unknown): void {
    const n = (a as { length?: unknown } | null)?.length;
    if (typeof n === 'number' && n > MAX_MATRIX_DIM)
      throw new MathLensError(
        `${fn}: a ${n} × ${n} matrix does not fit in wasm memory (d at most ${MAX_MATRIX_DIM}); apply() maps vectors in O(d) without forming it`,
      );
  }

  function matrixFn(
    fn: string,
    a: Vector,
    b: Vector,
    options: unknown,
    allowed: readonly (keyof OrthogonalApplyOptions)[],
    bind: (args: number[]) => R,
    passConstruction = false,
  ): Matrix {
    const o = optionsArg(options, fn, allowed);
    checkMatrixSize(fn, a);
    return withPair(
      fn,
      a,
      b,
      o,
      (d) => d * d,
      (pair, reserve) => {
        const d = pair[1];
        const out = reserve(d * d);
        unwrap(bind(passConstruction ? [...pair, o.construction, out] : [...pair, out]));
        return { rows: d, cols: d, data: heap.read(out, d * d) };
      },
    );
  }

  const FALLBACK_ONLY = ['fallback'] as const;
  const MAP = ['construction', 'fallback'] as const;

  function apply(a: Vector, b: Vector, x: Vector | MatrixLike, options?: OrthogonalApplyOptions): Float64Array | Matrix {
    const fn = 'orthogonal.apply';
    const o = optionsArg(options, fn, ['construction', 'fallback', 'inverse']);
    const batch = isBatch(x);
    let shaped: Shaped;
    if (batch) shaped = matrixArg(x, fn, 'x');
    else {
      const v = vectorArg(x, fn, 'x');
      shaped = { rows: 1, cols: v.length, write: (h, address) => h.put(address, v) };
    }
    const size = shaped.rows * shaped.cols;
    const data = withPair(
      fn,
      a,
      b,
      o,
      () => size,
      (pair, reserve) => {
        const px = reserve(size);
        shaped.write(heap, px);
        unwrap(m.orthogonal_apply(...pair, o.construction, o.inverse ? 1 : 0, px, shaped.rows, shaped.cols, batch ? 0 : 1));
        return heap.read(px, size);
      },
    );
    return batch ? { rows: shaped.rows, cols: shaped.cols, data } : data;
  }

  return {
    matrix: (a, b, options) =>
      matrixFn('orthogonal.matrix', a, b, options, MAP, (args) => m.orthogonal_matrix(...args), true),
    minimalRotation: (a, b, options) =>
      matrixFn('orthogonal.minimalRotation', a, b, options, FALLBACK_ONLY, (args) => m.orthogonal_minimalRotation(...args)),
    householder: (a, b, options) =>
      matrixFn('orthogonal.householder', a, b, options, FALLBACK_ONLY, (args) => m.orthogonal_householder(...args)),
    simplest: (a, b, options) =>
      matrixFn('orthogonal.simplest', a, b, options, FALLBACK_ONLY, (args) => m.orthogonal_simplest(...args)),
    apply: apply as OrthogonalApi['apply'],
    report(a, b, options) {
      const fn = 'orthogonal.report';
      const o = optionsArg(options, fn, MAP);
      checkMatrixSize(fn, a);
      return withPair(
        fn,
        a,
        b,
        o,
        (d) => d * d + 5 * d + REPORT_SCALARS,
        (pair, reserve) => {
          const d = pair[1];
          const out = reserve(d * d + 5 * d + REPORT_SCALARS);
          const warnings = unwrap(m.orthogonal_report(...pair, o.construction, out));
          let p = out + 8 * d * d;
          const vec = () => {
            const v = heap.read(p, d);
            p += 8 * d;
            return v;
          };
          const matrix = { rows: d, cols: d, data: heap.read(out, d * d) };
          const [unitA, unitB, planeVector, bisector, mirrorNormal] = [vec(), vec(), vec(), vec(), vec()];
          const s = heap.read(p, REPORT_SCALARS);
          return {
            dim: d,
            construction: CONSTRUCTIONS[o.construction],
            matrix,
            unitA,
            unitB,
            planeVector,
            bisector,
            mirrorNormal,
            cosine: s[0],
            sine: s[1],
            angle: s[2],
            normA: s[3],
            normB: s[4],
            orthogonalityError: s[5],
            residual: s[6],
            inverseResidual: s[7],
            determinant: s[8],
            expectedDeterminant: s[9],
            trace: s[10],
            degenerate: s[11] === 1,
            fallbackAxis: s[12] >= 0 ? s[12] : null,
            sensitivity: s[13],
            warnings,
          };
        },
      );
    },
  };
}
