/**
 * The matrix exponential and the two posts built on it (spec/MATH.md §7, §8):
 * "An explicit, always-invertible matrix" (kexue.fm/archives/6407) — exp(x yᵀ) in closed form — and
 * "The identity det(exp A) = exp(Tr A)" (kexue.fm/archives/6377).
 *
 * `expm` is scaling and squaring with Padé approximants of degree 3–13 chosen from 1-norms of matrix
 * powers (Higham 2005; Al-Mohy & Higham 2009), with optional LAPACK-style balancing, exact
 * diagonal/superdiagonal for triangular matrices, a real Schur route for strongly non-normal matrices,
 * the symmetric eigensolver for symmetric ones and the terminating Taylor series for nilpotent ones.
 * @module
 */
import type { RawModuleBase } from './wasm/mathlens.mjs';
import { describe, optionsArg } from './core/args.js';
import { MathLensError, unwrap } from './core/errors.js';
import type { Heap } from './core/heap.js';
import { matrixArg, vectorArg, type Matrix, type MatrixLike, type Shaped, type Vector } from './core/matrix.js';

/** Options of {@link MatexpApi.expm}, {@link MatexpApi.expmInfo} and {@link MatexpApi.detExp}. */
export interface ExpmOptions {
  /**
   * Balance A first (LAPACK gebal: a permutation isolating eigenvalues, then power-of-2 scaling;
   * exp(A) = P D exp(B) D⁻¹ Pᵀ). `'auto'` (default): use the balanced matrix only when its 1-norm is
   * smaller; `true`: always; `false`: never.
   */
  balance?: 'auto' | boolean;
}

/**
 * How exp(B) was evaluated (B = the balanced matrix, or A):
 * `pade` — scaling and squaring (exact diagonal and superdiagonal when B is triangular);
 * `schur` — B = Q T Qᵀ (real Schur, T triangular), chosen for strongly non-normal B with real spectrum;
 * `symmetric` — B = Bᵀ: V e^Λ Vᵀ from the symmetric eigensolver;
 * `taylor` — B², B⁴ or B⁶ is exactly 0: the terminating Taylor series.
 */
export type ExpmRoute = 'pade' | 'schur' | 'symmetric' | 'taylor';

/** exp(A) and how it was computed ({@link MatexpApi.expmInfo}). */
export interface ExpmInfo {
  value: Matrix;
  /** Padé degree m ∈ {3, 5, 7, 9, 13}; 0 for the symmetric and Taylor routes. */
  degree: number;
  /** s: exp(A) = r_m(2⁻ˢA)^(2ˢ). */
  squarings: number;
  /** Whether the balanced matrix was exponentiated. */
  balanced: boolean;
  /** Whether a triangular matrix was exponentiated (B itself, or T of the Schur route). */
  triangular: boolean;
  route: ExpmRoute;
  /** ‖A‖₁. */
  norm1: number;
  /** ‖B‖₁ of the matrix actually exponentiated (= norm1 unless balanced). */
  normUsed: number;
}

/** exp(x yᵀ) = I + φ(s) x yᵀ and its inverse exp(−x yᵀ) = I − ψ(s) x yᵀ, s = yᵀx (spec §7). */
export interface RankOneExp {
  exp: Matrix;
  inverse: Matrix;
  /** yᵀx, summed as if in twice the working precision (correct even when the terms cancel). */
  s: number;
  /** φ(s) = (eˢ − 1)/s = expm1(s)/s, φ(0) = 1. */
  phi: number;
  /** ψ(s) = (1 − e⁻ˢ)/s, ψ(0) = 1. */
  psi: number;
  /** det exp(x yᵀ) = eˢ (0 when eˢ underflows; logDet stays exact). */
  det: number;
  /** log det exp(x yᵀ) = s. */
  logDet: number;
}

/** Options of {@link MatexpApi.expRankOneApply}. */
export interface RankOneApplyOptions {
  /** Apply the inverse exp(−x yᵀ) instead (default false). */
  inverse?: boolean;
}

/** The identity det(exp A) = exp(Tr A), both sides in the log domain ({@link MatexpApi.detExp}). */
export interface DetExpCheck {
  /** Tr A (compensated sum). */
  trace: number;
  /** log|det exp(A)| from the LU factors of the computed exp(A). */
  logAbsDet: number;
  /** Sign of det exp(A) from the LU factors (+1 in exact arithmetic). */
  sign: number;
  /** det exp(A) = sign · e^logAbsDet (±Infinity or 0 outside the double range). */
  det: number;
  /** e^(Tr A) (Infinity or 0 outside the double range). */
  expTrace: number;
  /** log|det exp(A)| − Tr A. */
  logDifference: number;
  /** |det exp(A) − e^(Tr A)| / e^(Tr A), computed without overflow as |expm1(logDifference)|. */
  relativeDifference: number;
  /** c when exp(A) had to be formed as e^c exp(A − cI), c = Tr A / n (it over/underflowed); else 0. */
  shift: number;
  degree: number;
  squarings: number;
  balanced: boolean;
}

/** Options of {@link MatexpApi.logDetSeries}: when to stop the series log det(I + M) = Σ (−1)^{k+1} Tr(M^k)/k. */
export interface LogDetSeriesOptions {
  /** At most this many terms (1 to 100000, default 1000); more needed → MathLensError. */
  maxTerms?: number;
  /** Stop when the remainder bound is ≤ tolerance · scale (default 1e-16; between 0 and 1). */
  tolerance?: number;
}

/** log det(I + M) = Tr log(I + M) = Σ (−1)^(k−1) Tr(M^k)/k for ρ(M) < 1 ({@link MatexpApi.logDetSeries}). */
export interface LogDetSeriesResult {
  /** The partial sum of `terms` terms. */
  value: number;
  terms: number;
  /** |tail| ≤ n ρ^(N+1) / ((N+1)(1 − ρ)), since |Tr(M^k)| ≤ n ρ^k. */
  remainderBound: number;
  /** ρ(M): the series converges iff ρ < 1. */
  spectralRadius: number;
  /** ‖M‖₂: the post's (sufficient, not necessary) condition is ‖M‖₂ < 1. */
  norm2: number;
  /** log det(I + M) from an LU factorisation of I + M, as a check. */
  logDet: number;
  /** value − logDet. */
  difference: number;
  /** After 1, 2, …, terms terms. */
  partialSums: Float64Array;
}

/** Complex numbers as two parallel arrays. */
export interface ComplexArray {
  re: Float64Array;
  im: Float64Array;
}

/** Eigenvalues λ of A and e^λ, the eigenvalues of exp(A), sorted by Re λ then Im λ, descending. */
export interface Spectrum {
  eigenvalues: ComplexArray;
  expEigenvalues: ComplexArray;
}

/** The matexp module: `ml.matexp`. Every function throws {@link MathLensError} on bad input. */
export interface MatexpApi {
  /** exp(A) = Σ Aⁿ/n! for a square, finite A (spec §8). Throws when an entry overflows. */
  expm(A: MatrixLike, options?: ExpmOptions): Matrix;
  /** exp(A) with the choices made: Padé degree, squarings, balancing, route, norms. */
  expmInfo(A: MatrixLike, options?: ExpmOptions): ExpmInfo;
  /** exp(x yᵀ) and exp(−x yᵀ) in closed form, with s = yᵀx, φ, ψ and det = eˢ (spec §7). */
  expRankOne(x: Vector, y: Vector): RankOneExp;
  /** exp(x yᵀ) v = v + φ(s)(yᵀv) x in O(d) without forming a matrix (or the inverse, v − ψ(s)(yᵀv) x). */
  expRankOneApply(x: Vector, y: Vector, v: Vector, options?: RankOneApplyOptions): Float64Array;
  /** The same for a batch: every row of `v` is a vector; returns the rows transformed. */
  expRankOneApply(x: Vector, y: Vector, v: MatrixLike, options?: RankOneApplyOptions): Matrix;
  /** det(exp A) vs exp(Tr A) in the log domain (log|det| via LU), with their relative difference. */
  detExp(A: MatrixLike, options?: ExpmOptions): DetExpCheck;
  /** log det(I + M) by the series Σ (−1)^(k−1) Tr(M^k)/k with a convergence check (ρ(M) < 1). */
  logDetSeries(M: MatrixLike, options?: LogDetSeriesOptions): LogDetSeriesResult;
  /** Eigenvalues λ of A and their images e^λ. */
  spectrum(A: MatrixLike): Spectrum;
}

type Info = Omit<ExpmInfo, 'value'>;
interface MatexpRaw extends RawModuleBase {
  matexp_expm(...args: number[]): undefined | Error;
  matexp_expmInfo(...args: number[]): Info | Error;
  matexp_expRankOne(...args: number[]): Omit<RankOneExp, 'exp' | 'inverse'> | Error;
  matexp_expRankOneApply(...args: number[]): undefined | Error;
  matexp_detExp(...args: number[]): DetExpCheck | Error;
  matexp_logDetSeries(...args: number[]): Omit<LogDetSeriesResult, 'partialSums'> | Error;
  matexp_spectrum(...args: number[]): undefined | Error;
}

/** 0 = auto, 1 = always, 2 = never (the binding's encoding). */
function balanceArg(options: unknown, fn: string): number {
  const o = optionsArg<ExpmOptions>(options, fn, ['balance']);
  const b = o.balance;
  if (b === undefined || b === 'auto') return 0;
  if (b === true) return 1;
  if (b === false) return 2;
  throw new MathLensError(`${fn}: options.balance must be 'auto', true or false, got ${describe(b)}`);
}

/** A vector of numbers (typed array, or an array whose first entry is not itself array-like). */
function isVectorInput(v: unknown): boolean {
  if (ArrayBuffer.isView(v)) return true;
  if (!Array.isArray(v)) return false;
  const first: unknown = v[0];
  return v.length === 0 || !(Array.isArray(first) || ArrayBuffer.isView(first));
}

export function createMatexp(raw: RawModuleBase, heap: Heap): MatexpApi {
  const m = raw as MatexpRaw;

  /** Runs `call` with a square-ish matrix argument in the heap and `extra` output doubles. */
  function withMatrix<T>(fn: string, a: unknown, name: string, extra: (s: Shaped) => number, call: (args: number[], out: number, s: Shaped) => T): T {
    const s = matrixArg(a, fn, name);
    const size = s.rows * s.cols;
    heap.begin(fn, size + extra(s));
    try {
      const address = heap.take(size);
      s.write(heap, address);
      const out = heap.take(extra(s));
      return call([address, s.rows, s.cols], out, s);
    } finally {
      heap.end();
    }
  }

  const square = (s: Shaped) => (s.rows === s.cols ? s.rows * s.rows : 0);

  function expmImpl(a: unknown, options: unknown, fn: string, info: boolean): ExpmInfo | Matrix {
    const balance = balanceArg(options, fn);
    return withMatrix(fn, a, 'A', square, (args, out, s) => {
      const n = s.rows;
      if (!info) {
        unwrap(m.matexp_expm(...args, balance, out));
        return { rows: n, cols: n, data: heap.read(out, n * n) };
      }
      const r = unwrap(m.matexp_expmInfo(...args, balance, out));
      return { value: { rows: n, cols: n, data: heap.read(out, n * n) }, ...r };
    });
  }

  function positiveInteger(value: unknown, fallback: number, fn: string, name: string, max: number): number {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max)
      throw new MathLensError(`${fn}: ${name} must be an integer from 1 to ${max}, got ${describe(value)}`);
    return value;
  }

  return {
    expm: (A, options) => expmImpl(A, options, 'matexp.expm', false) as Matrix,
    expmInfo: (A, options) => expmImpl(A, options, 'matexp.expmInfo', true) as ExpmInfo,

    expRankOne(x, y) {
      const fn = 'matexp.expRankOne';
      const xv = vectorArg(x, fn, 'x');
      const yv = vectorArg(y, fn, 'y');
      const d = xv.length;
      const matrixDoubles = xv.length === yv.length ? d * d : 0;
      heap.begin(fn, xv.length + yv.length + 2 * matrixDoubles);
      try {
        const px = heap.take(xv.length);
        const py = heap.take(yv.length);
        heap.put(px, xv);
        heap.put(py, yv);
        const out = heap.take(2 * matrixDoubles);
        const r = unwrap(m.matexp_expRankOne(px, xv.length, py, yv.length, out));
        return {
          exp: { rows: d, cols: d, data: heap.read(out, d * d) },
          inverse: { rows: d, cols: d, data: heap.read(out + 8 * d * d, d * d) },
          ...r,
        };
      } finally {
        heap.end();
      }
    },

    expRankOneApply(x: Vector, y: Vector, v: Vector | MatrixLike, options?: RankOneApplyOptions): never {
      const fn = 'matexp.expRankOneApply';
      const o = optionsArg<RankOneApplyOptions>(options, fn, ['inverse']);
      if (o.inverse !== undefined && typeof o.inverse !== 'boolean')
        throw new MathLensError(`${fn}: options.inverse must be true or false, got ${describe(o.inverse)}`);
      const xv = vectorArg(x, fn, 'x');
      const yv = vectorArg(y, fn, 'y');
      if (!Array.isArray(v) && !ArrayBuffer.isView(v) && !(typeof v === 'object' && v !== null && 'data' in v))
        throw new MathLensError(`${fn}: v must be an array of numbers or a matrix whose rows are vectors, got ${describe(v)}`);
      const single = isVectorInput(v);
      // A single vector is a batch of one row.
      const batch: Shaped = single
        ? (() => {
            const vv = vectorArg(v, fn, 'v');
            return { rows: 1, cols: vv.length, write: (h: Heap, address: number) => h.put(address, vv) };
          })()
        : matrixArg(v, fn, 'v');
      const count = batch.rows;
      const length = batch.cols;
      heap.begin(fn, xv.length + yv.length + 2 * count * length);
      try {
        const px = heap.take(xv.length);
        const py = heap.take(yv.length);
        heap.put(px, xv);
        heap.put(py, yv);
        const pv = heap.take(count * length);
        batch.write(heap, pv);
        const out = heap.take(count * length);
        unwrap(m.matexp_expRankOneApply(px, xv.length, py, yv.length, pv, length, count, o.inverse ? 1 : 0, out));
        const data = heap.read(out, count * length);
        return (single ? data : { rows: count, cols: length, data }) as never;
      } finally {
        heap.end();
      }
    },

    detExp(A, options) {
      const fn = 'matexp.detExp';
      const balance = balanceArg(options, fn);
      return withMatrix(fn, A, 'A', () => 0, (args) => unwrap(m.matexp_detExp(...args, balance)));
    },

    logDetSeries(M, options) {
      const fn = 'matexp.logDetSeries';
      const o = optionsArg<LogDetSeriesOptions>(options, fn, ['maxTerms', 'tolerance']);
      const maxTerms = positiveInteger(o.maxTerms, 1000, fn, 'options.maxTerms', 100000);
      let tolerance = 1e-16;
      if (o.tolerance !== undefined) {
        if (typeof o.tolerance !== 'number' || !(o.tolerance > 0 && o.tolerance < 1))
          throw new MathLensError(`${fn}: options.tolerance must be a number between 0 and 1, got ${describe(o.tolerance)}`);
        tolerance = o.tolerance;
      }
      return withMatrix(fn, M, 'M', () => maxTerms, (args, out) => {
        const r = unwrap(m.matexp_logDetSeries(...args, maxTerms, tolerance, out));
        return { ...r, partialSums: heap.read(out, r.terms) };
      });
    },

    spectrum(A) {
      const fn = 'matexp.spectrum';
      return withMatrix(fn, A, 'A', (s) => (s.rows === s.cols ? 4 * s.rows : 0), (args, out, s) => {
        unwrap(m.matexp_spectrum(...args, out));
        const n = s.rows;
        return {
          eigenvalues: { re: heap.read(out, n), im: heap.read(out + 8 * n, n) },
          expEigenvalues: { re: heap.read(out + 16 * n, n), im: heap.read(out + 24 * n, n) },
        };
      });
    },
  } as MatexpApi;
}
