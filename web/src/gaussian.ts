/**
 * Distances between two multivariate normals — the post "KL divergence, Bhattacharyya distance
 * and W distance between two multivariate normals" (kexue.fm/archives/8512, spec/MATH.md §2).
 *
 * p = N(μp, Σp), q = N(μq, Σq); natural logs (nats). KL, Bhattacharyya, Hellinger and entropy need
 * positive definite covariances; the W2 family accepts positive semidefinite ones.
 * @module
 */
import type { RawModuleBase } from './wasm/mathlens.mjs';
import { describe, integerArg, optionsArg } from './core/args.js';
import { MathLensError, unwrap } from './core/errors.js';
import type { Heap } from './core/heap.js';
import { matrixArg, vectorArg, type Matrix, type MatrixLike, type Shaped, type Vector } from './core/matrix.js';

/** A multivariate normal N(mean, cov): `{ mean: number[], cov: number[][] }` or typed-array forms. */
export interface NormalLike {
  mean: Vector;
  cov: MatrixLike;
}

/** A fitted normal, as returned by {@link GaussianApi.fit}. Accepted wherever a NormalLike is. */
export interface Normal {
  mean: Float64Array;
  cov: Matrix;
}

/** Which of the post's two (equal) W2 formulas to evaluate. */
export type W2Formula =
  /** version 1: Tr((Σp^½ Σq Σp^½)^½) via a Cholesky factor and a symmetric eigenproblem (default) */
  | 'symmetric'
  /** version 2, FID's: Tr((Σp Σq)^½) from the eigenvalues of the non-symmetric product */
  | 'product';

/** Options of the W2 functions. */
export interface W2Options {
  /** Which of the two equal closed forms to evaluate (default `symmetric`; see {@link W2Formula}). */
  formula?: W2Formula;
}

/** Options of {@link GaussianApi.klMonteCarlo}. */
export interface MonteCarloOptions {
  /** Number of samples drawn from p (default 20000). */
  samples?: number;
  /** Seed of the generator (default 1); the same seed gives the same estimate in Node and browsers. */
  seed?: number;
}

/** A seeded Monte Carlo estimate of KL(p‖q), to compare with the closed form. */
export interface MonteCarloEstimate {
  /** Mean of log p(x) − log q(x) over the samples x ~ p. */
  estimate: number;
  /** Standard error of that mean (sample standard deviation / √samples). */
  standardError: number;
  /** Number of samples drawn. */
  samples: number;
}

/** How the W2 trace term was computed. */
export type W2Route = 'cholesky(p)' | 'cholesky(q)' | 'eigen';

/** Numerical diagnostics of a comparison: spectra, conditioning and the W2 route taken. */
export interface GaussianDiagnostics {
  /** Smallest and largest eigenvalues of Σp and Σq. */
  minEigenvalueP: number;
  maxEigenvalueP: number;
  minEigenvalueQ: number;
  maxEigenvalueQ: number;
  /** λmax/λmin of Σp (Infinity when singular). */
  conditionP: number;
  conditionQ: number;
  positiveDefiniteP: boolean;
  positiveDefiniteQ: boolean;
  /** `cholesky(p)`: Σp = LLᵀ and eigenvalues of LᵀΣqL; `cholesky(q)`: the same with p, q swapped; `eigen`: both singular. */
  route: W2Route;
  /** Plain-language notes: singular covariances, ill-conditioning, disagreeing W2 formulas. */
  warnings: string[];
}

/** Everything {@link GaussianApi.compare} computes. `null` marks a quantity that needs positive definite covariances. */
export interface GaussianComparison {
  dim: number;
  klPQ: number | null;
  klQP: number | null;
  bhattacharyya: number | null;
  bhattacharyyaCoefficient: number | null;
  hellinger: number | null;
  entropyP: number | null;
  entropyQ: number | null;
  wasserstein2: number;
  wasserstein2Squared: number;
  /** W2² by the product formula (version 2), as a cross-check; null for dimensions above 256 (too slow to be worth it). */
  wasserstein2SquaredProduct: number | null;
  /** Tr((Σp^½ Σq Σp^½)^½). */
  traceTerm: number;
  /** ‖μp − μq‖². */
  meanDistanceSquared: number;
  /** Cross-covariance C* of the optimal coupling (null when both covariances are singular). */
  coupling: Matrix | null;
  diagnostics: GaussianDiagnostics;
}

/** The gaussian module: `ml.gaussian`. Every function throws {@link MathLensError} on bad input. */
export interface GaussianApi {
  /** KL(p‖q) = ½[Δᵀ Σq⁻¹ Δ − log det(Σq⁻¹Σp) + Tr(Σq⁻¹Σp) − n], Δ = μp − μq. Not symmetric. */
  kl(p: NormalLike, q: NormalLike): number;
  /** Bhattacharyya distance −log ∫√(pq) = ½ log(det Σ / √(det Σp det Σq)) + ⅛ Δᵀ Σ⁻¹ Δ, Σ = (Σp+Σq)/2. */
  bhattacharyya(p: NormalLike, q: NormalLike): number;
  /** Bhattacharyya coefficient ∫√(pq) = exp(−BD), in (0, 1]. */
  bhattacharyyaCoefficient(p: NormalLike, q: NormalLike): number;
  /** Hellinger distance H with the post's normalisation H² = ½∫(√p − √q)² = 1 − exp(−BD). */
  hellinger(p: NormalLike, q: NormalLike): number;
  /** Differential entropy n/2 (1 + log 2π) + ½ log det Σ. */
  entropy(p: NormalLike): number;
  /** W2 distance √(‖Δ‖² + Tr Σp + Tr Σq − 2 Tr((Σp^½ Σq Σp^½)^½)). PSD covariances allowed. */
  wasserstein2(p: NormalLike, q: NormalLike, options?: W2Options): number;
  /** W2², clamped at 0 against round-off. */
  wasserstein2Squared(p: NormalLike, q: NormalLike, options?: W2Options): number;
  /** Fréchet distance between two sets of statistics, as FID reports it (= W2²). */
  frechet(p: NormalLike, q: NormalLike): number;
  /** FID from two sample sets (rows are samples, at least 2 each): frechet(fit(a), fit(b)). */
  frechetFromSamples(a: MatrixLike, b: MatrixLike): number;
  /** Cross-covariance C* = Σp^½ R Σp^{-½}, R = (Σp^½ Σq Σp^½)^½, of the optimal W2 coupling; Tr C* = Tr R. */
  coupling(p: NormalLike, q: NormalLike): Matrix;
  /** Sample mean and unbiased (N − 1) covariance of the rows of `samples` (N ≥ 2). */
  fit(samples: MatrixLike): Normal;
  /** Monte Carlo estimate of KL(p‖q) = E_p[log p − log q] with its standard error. */
  klMonteCarlo(p: NormalLike, q: NormalLike, options?: MonteCarloOptions): MonteCarloEstimate;
  /** Every quantity at once, plus diagnostics (eigenvalues, condition numbers, route, warnings). */
  compare(p: NormalLike, q: NormalLike): GaussianComparison;
}

type R = number | Error;
interface GaussianRaw extends RawModuleBase {
  gaussian_kl(...args: number[]): R;
  gaussian_bhattacharyya(...args: number[]): R;
  gaussian_bhattacharyyaCoefficient(...args: number[]): R;
  gaussian_hellinger(...args: number[]): R;
  gaussian_entropy(...args: number[]): R;
  gaussian_wasserstein2(...args: number[]): R;
  gaussian_wasserstein2Squared(...args: number[]): R;
  gaussian_frechet(...args: number[]): R;
  gaussian_coupling(...args: number[]): undefined | Error;
  gaussian_fit(...args: number[]): undefined | Error;
  gaussian_frechetFromSamples(...args: number[]): R;
  gaussian_klMonteCarlo(...args: number[]): MonteCarloEstimate | Error;
  gaussian_compare(...args: number[]): (Omit<GaussianComparison, 'coupling'> & { hasCoupling: boolean }) | Error;
}

interface CheckedNormal {
  mean: Vector;
  cov: Shaped;
}

function normalArg(x: unknown, fn: string, name: string): CheckedNormal {
  if (typeof x !== 'object' || x === null || !('mean' in x) || !('cov' in x))
    throw new MathLensError(`${fn}: ${name} must be an object {mean, cov}`);
  const n = x as { mean: unknown; cov: unknown };
  return { mean: vectorArg(n.mean, fn, `mean of ${name}`), cov: matrixArg(n.cov, fn, `cov of ${name}`) };
}

const size = (n: CheckedNormal) => n.mean.length + n.cov.rows * n.cov.cols;

/** Copies a normal into the heap; returns the binding arguments (address, n, rows, cols). */
function putNormal(heap: Heap, n: CheckedNormal): number[] {
  const address = heap.take(size(n));
  heap.put(address, n.mean);
  n.cov.write(heap, address + 8 * n.mean.length);
  return [address, n.mean.length, n.cov.rows, n.cov.cols];
}

/** A value in an error message, whatever it is (String() throws for Object.create(null) and friends). */
function formulaArg(options: W2Options | undefined, fn: string): number {
  const f = optionsArg(options, fn, ['formula']).formula;
  if (f === undefined || f === 'symmetric') return 0;
  if (f === 'product') return 1;
  throw new MathLensError(`${fn}: options.formula must be 'symmetric' or 'product', got ${describe(f)}`);
}


export function createGaussian(raw: RawModuleBase, heap: Heap): GaussianApi {
  const m = raw as GaussianRaw;

  /** Runs a binding on two normals (plus extra output slots and arguments). */
  function pair<T>(
    fn: string,
    p: unknown,
    q: unknown,
    call: (args: number[], out: number) => T | Error,
    outDoubles = (_n: CheckedNormal) => 0,
  ): T {
    const cp = normalArg(p, fn, 'p');
    const cq = normalArg(q, fn, 'q');
    heap.begin(fn, size(cp) + size(cq) + outDoubles(cp));
    try {
      const args = [...putNormal(heap, cp), ...putNormal(heap, cq)];
      const out = heap.take(outDoubles(cp));
      return unwrap(call(args, out));
    } finally {
      heap.end();
    }
  }

  const square = (n: CheckedNormal) => n.cov.rows * n.cov.rows;

  return {
    kl: (p, q) => pair('gaussian.kl', p, q, (a) => m.gaussian_kl(...a)),
    bhattacharyya: (p, q) => pair('gaussian.bhattacharyya', p, q, (a) => m.gaussian_bhattacharyya(...a)),
    bhattacharyyaCoefficient: (p, q) =>
      pair('gaussian.bhattacharyyaCoefficient', p, q, (a) => m.gaussian_bhattacharyyaCoefficient(...a)),
    hellinger: (p, q) => pair('gaussian.hellinger', p, q, (a) => m.gaussian_hellinger(...a)),
    entropy(p) {
      const fn = 'gaussian.entropy';
      const cp = normalArg(p, fn, 'p');
      heap.begin(fn, size(cp));
      try {
        return unwrap(m.gaussian_entropy(...putNormal(heap, cp)));
      } finally {
        heap.end();
      }
    },
    wasserstein2(p, q, options) {
      const fn = 'gaussian.wasserstein2';
      const f = formulaArg(options, fn);
      return pair(fn, p, q, (a) => m.gaussian_wasserstein2(...a, f));
    },
    wasserstein2Squared(p, q, options) {
      const fn = 'gaussian.wasserstein2Squared';
      const f = formulaArg(options, fn);
      return pair(fn, p, q, (a) => m.gaussian_wasserstein2Squared(...a, f));
    },
    frechet: (p, q) => pair('gaussian.frechet', p, q, (a) => m.gaussian_frechet(...a)),
    frechetFromSamples(a, b) {
      const fn = 'gaussian.frechetFromSamples';
      const sa = matrixArg(a, fn, 'a');
      const sb = matrixArg(b, fn, 'b');
      heap.begin(fn, sa.rows * sa.cols + sb.rows * sb.cols);
      try {
        const pa = heap.take(sa.rows * sa.cols);
        const pb = heap.take(sb.rows * sb.cols);
        sa.write(heap, pa);
        sb.write(heap, pb);
        return unwrap(m.gaussian_frechetFromSamples(pa, sa.rows, sa.cols, pb, sb.rows, sb.cols));
      } finally {
        heap.end();
      }
    },
    coupling(p, q) {
      let n = 0;
      const data = pair(
        'gaussian.coupling',
        p,
        q,
        (a, out) => {
          const r = m.gaussian_coupling(...a, out);
          n = a[1];
          return r instanceof Error ? r : heap.read(out, n * n);
        },
        square,
      );
      return { rows: n, cols: n, data };
    },
    fit(samples) {
      const fn = 'gaussian.fit';
      const s = matrixArg(samples, fn, 'samples');
      const d = s.cols;
      heap.begin(fn, s.rows * d + d + d * d);
      try {
        const ps = heap.take(s.rows * d);
        s.write(heap, ps);
        const out = heap.take(d + d * d);
        unwrap(m.gaussian_fit(ps, s.rows, d, out));
        return { mean: heap.read(out, d), cov: { rows: d, cols: d, data: heap.read(out + 8 * d, d * d) } };
      } finally {
        heap.end();
      }
    },
    klMonteCarlo(p, q, options) {
      const fn = 'gaussian.klMonteCarlo';
      const opts = optionsArg(options, fn, ['samples', 'seed']);
      const samples = integerArg(opts.samples, 20000, fn, 'samples', 2, 100000000);
      const seed = integerArg(opts.seed, 1, fn, 'seed', 0, Number.MAX_SAFE_INTEGER);
      return pair(fn, p, q, (a) => m.gaussian_klMonteCarlo(...a, samples, seed));
    },
    compare(p, q) {
      return pair(
        'gaussian.compare',
        p,
        q,
        (a, out) => {
          const r = m.gaussian_compare(...a, out);
          if (r instanceof Error) return r;
          const n = a[1];
          const { hasCoupling, ...rest } = r;
          return { ...rest, coupling: hasCoupling ? { rows: n, cols: n, data: heap.read(out, n * n) } : null };
        },
        square,
      );
    },
  };
}
