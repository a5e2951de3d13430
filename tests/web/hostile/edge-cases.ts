/**
 * Issue 8, item 6: near-singular and ill-conditioned inputs, per module. Each case calls the public
 * API and checks the outcome: an accurate result (against tests/fixtures/hostile.json, made by
 * tests/fixtures/gen_hostile.py with mpmath from the exact double inputs), or an explicit
 * warning/diagnostic in the result, or a MathLensError — never a silent NaN (hostile.test.ts also
 * scans every result for NaN). Module authors: add the cases of your functions here.
 * @module
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { GaussianComparison, MathLens } from 'mathlens';

export type EdgeOutcome = { result: unknown } | { error: string };

export interface EdgeCase {
  name: string;
  call(ml: MathLens): unknown;
  check(outcome: EdgeOutcome): void;
}

const EPS = 2 ** -52;

// ---------------------------------------------------------------- gaussian

interface Normal {
  mean: number[];
  cov: number[][];
}
interface GaussianFixture {
  name: string;
  p: Normal;
  q: Normal;
  p_info: { eigenvalues: number[]; pd: boolean; cond: number | null };
  q_info: { eigenvalues: number[]; pd: boolean; cond: number | null };
  cond: number | null;
  /** max(1e-13, 10 n eps cond): what a float64 implementation can promise for KL, BD, entropy. */
  rtol: number | null;
  ref: Partial<Record<'kl_pq' | 'kl_qp' | 'bd' | 'w2sq' | 'entropy_p' | 'entropy_q', number>>;
}
interface Fixtures {
  gaussian: GaussianFixture[];
  fit: { name: string; samples: number[][]; mean: number[]; cov: number[][]; cond: number }[];
  frechet_from_samples: { a: number[][]; b: number[][]; frechet: number };
}

const fx = JSON.parse(readFileSync(new URL('../../fixtures/hostile.json', import.meta.url), 'utf8')) as Fixtures;

/** Beyond this relative tolerance, no digit is promised: the value must then be flagged or refused. */
const NO_DIGITS = 1e-2;

const trace = (m: number[][]) => m.reduce((s, r, i) => s + r[i], 0);
const normOf = (m: number[][]) => Math.max(...m.flat().map(Math.abs));

/**
 * Absolute error bound of W2² for float64 input: 1e-13 of its scale (‖Δ‖² + Tr Σp + Tr Σq) plus the
 * square-root sensitivity of the trace term Σ√ν at tiny ν: an eigenvalue error of n·eps·‖Σp‖‖Σq‖
 * moves √ν by up to its square root, for each of the n eigenvalues.
 */
function w2Tolerance(c: GaussianFixture): number {
  const n = c.p.mean.length;
  const scale = c.p.mean.reduce((s, x, i) => s + (x - c.q.mean[i]) ** 2, 0) + trace(c.p.cov) + trace(c.q.cov);
  return 1e-13 * scale + 2 * n * Math.sqrt(n * EPS * normOf(c.p.cov) * normOf(c.q.cov));
}

function expectClose(actual: unknown, expected: number, tol: number, what: string): void {
  expect(typeof actual, what).toBe('number');
  expect(Math.abs((actual as number) - expected), `${what}: ${actual} vs ${expected} (tolerance ${tol.toExponential(2)})`).toBeLessThanOrEqual(tol);
}

function gaussianCases(): EdgeCase[] {
  const cases: EdgeCase[] = [];
  for (const c of fx.gaussian) {
    const promised = c.rtol !== null && c.rtol <= NO_DIGITS;
    const single: [string, keyof GaussianFixture['ref'], (ml: MathLens) => number][] = [
      ['kl(p, q)', 'kl_pq', (ml) => ml.gaussian.kl(c.p, c.q)],
      ['kl(q, p)', 'kl_qp', (ml) => ml.gaussian.kl(c.q, c.p)],
      ['bhattacharyya', 'bd', (ml) => ml.gaussian.bhattacharyya(c.p, c.q)],
      ['entropy(p)', 'entropy_p', (ml) => ml.gaussian.entropy(c.p)],
      ['entropy(q)', 'entropy_q', (ml) => ml.gaussian.entropy(c.q)],
      ['wasserstein2Squared', 'w2sq', (ml) => ml.gaussian.wasserstein2Squared(c.p, c.q)],
    ];
    for (const [label, key, call] of single) {
      const ref = c.ref[key];
      const isW2 = key === 'w2sq';
      const isEntropy = key.startsWith('entropy');
      cases.push({
        name: `gaussian ${label}, ${c.name}`,
        call,
        check(out) {
          if (ref === undefined) {
            // Not defined for the stored input (a covariance is singular): an explicit error.
            expect('error' in out ? out.error : `returned ${String((out as { result: unknown }).result)}`).toMatch(
              /^gaussian\.\w+: cov of [pq] is not positive (semi)?definite/,
            );
            return;
          }
          // Entropy needs only its own covariance; it is as accurate as that one's conditioning allows.
          const info = key === 'entropy_q' ? c.q_info : key === 'entropy_p' ? c.p_info : null;
          const rtol = info ? (info.cond === null ? Infinity : Math.max(1e-13, 10 * c.p.mean.length * EPS * info.cond)) : (c.rtol ?? Infinity);
          if (isW2) {
            expect('result' in out, `W2² must be computed: ${'error' in out ? out.error : ''}`).toBe(true);
            expectClose((out as { result: unknown }).result, ref, w2Tolerance(c), label);
          } else if (rtol <= NO_DIGITS || promised) {
            expect('result' in out, `${label} must be computed: ${'error' in out ? out.error : ''}`).toBe(true);
            // log-determinants: the error is absolute (n·eps·cond), not relative to a value near 0.
            const tol = isEntropy ? rtol * Math.max(1, Math.abs(ref)) : rtol * Math.abs(ref);
            expectClose((out as { result: unknown }).result, ref, tol, label);
          } else if ('result' in out) {
            // No digit can be promised: the value must at least be a number of the right sign.
            const v = out.result as number;
            expect(Number.isFinite(v) || v === Infinity, `${label} = ${v}`).toBe(true);
            if (!isEntropy) expect(v).toBeGreaterThanOrEqual(0);
          } else expect(out.error).toMatch(/^gaussian\.\w+: /);
        },
      });
    }
    cases.push({
      name: `gaussian compare(), ${c.name}`,
      call: (ml) => ml.gaussian.compare(c.p, c.q),
      check(out) {
        expect('result' in out, `compare must not fail: ${'error' in out ? out.error : ''}`).toBe(true);
        const r = (out as { result: GaussianComparison }).result;
        const warnings = r.diagnostics.warnings.join(' | ');
        const pd = c.p_info.pd && c.q_info.pd;
        // Singular or ill-conditioned input is flagged in the result.
        if (!pd) expect(warnings).toMatch(/singular/);
        if (c.cond !== null && c.cond > 1e10) expect(warnings, `cond ${c.cond}`).toMatch(/ill-conditioned/);
        expect(r.klPQ === null).toBe(!pd);
        if (pd && promised && c.ref.kl_pq !== undefined) expectClose(r.klPQ, c.ref.kl_pq, c.rtol! * c.ref.kl_pq, 'compare klPQ');
        if (c.ref.w2sq !== undefined) expectClose(r.wasserstein2Squared, c.ref.w2sq, w2Tolerance(c), 'compare W2²');
        expect(r.diagnostics.conditionP > 0 && r.diagnostics.conditionQ > 0).toBe(true);
      },
    });
  }

  // Sample statistics of near-collinear points far from the origin.
  for (const f of fx.fit)
    cases.push({
      name: `gaussian fit(), ${f.name} (cond ${f.cond.toExponential(1)})`,
      call: (ml) => ml.gaussian.fit(f.samples),
      check(out) {
        expect('result' in out).toBe(true);
        const r = (out as { result: { mean: Float64Array; cov: { data: Float64Array } } }).result;
        // Centring at ~2e8 costs |x|·eps per entry; the covariance entries then carry ~|x|·eps·spread.
        const big = Math.max(...f.samples.flat().map(Math.abs));
        f.mean.forEach((m, j) => expectClose(r.mean[j], m, 4 * big * EPS, `mean[${j}]`));
        const spread = Math.sqrt(normOf(f.cov));
        f.cov.flat().forEach((v, k) => expectClose(r.cov.data[k], v, 1e-13 * normOf(f.cov) + 8 * big * EPS * spread, `cov[${k}]`));
      },
    });
  const fid = fx.frechet_from_samples;
  cases.push({
    name: 'gaussian frechetFromSamples(), near-collinear sample sets',
    call: (ml) => ml.gaussian.frechetFromSamples(fid.a, fid.b),
    check(out) {
      expect('result' in out).toBe(true);
      // The trace term takes square roots of covariance eigenvalues that the centring error (~1e-8)
      // swamps: ~n·sqrt(1e-8·‖Σ‖) absolute is all float64 input allows.
      expectClose((out as { result: unknown }).result, fid.frechet, 2 * Math.sqrt(1e-8 * 67.5), 'FID');
    },
  });
  return cases;
}

// ---------------------------------------------------------------- matexp (exact references, no fixture)

interface MatexpMatrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

function matexpCases(): EdgeCase[] {
  const result = <T>(out: EdgeOutcome): T => {
    expect('result' in out, 'error' in out ? out.error : '').toBe(true);
    return (out as { result: T }).result;
  };
  const error = (out: EdgeOutcome): string => {
    expect('error' in out).toBe(true);
    return (out as { error: string }).error;
  };
  // N = 1e4 · u vᵀ with vᵀu = 0: N² = 0 exactly, exp(N) = I + N exactly (scipy 1.10 is off by 1e-5).
  const N = [[1e4, 1e4, -1e4], [2e4, 2e4, -2e4], [3e4, 3e4, -3e4]];
  return [
    {
      name: 'matexp expm(), nilpotent of norm 6e4: exactly I + N',
      call: (ml) => ml.matexp.expm(N),
      check(out) {
        const e = result<MatexpMatrix>(out);
        expect(Array.from(e.data)).toEqual(N.flatMap((r, i) => r.map((v, j) => v + (i === j ? 1 : 0))));
      },
    },
    {
      name: 'matexp expm(), [[−1000, 999], [999, −1000]]: e^−1/2 · [[1, 1], [1, 1]] to 1e−13 (scipy 1.10: NaN)',
      call: (ml) => ml.matexp.expm([[-1000, 999], [999, -1000]]),
      check(out) {
        const e = result<MatexpMatrix>(out);
        e.data.forEach((v) => expect(Math.abs(v - Math.exp(-1) / 2)).toBeLessThan(1e-13));
      },
    },
    {
      name: 'matexp expm(), a result beyond 1.8e308: an error, not Infinity or NaN',
      call: (ml) => ml.matexp.expm([[710, 1], [0, 710]]),
      check: (out) => expect(error(out)).toBe('matexp.expm: exp(A) overflows double precision (an entry exceeds 1.8e308)'),
    },
    {
      name: 'matexp detExp(), det exp(A) = e^2400 and e^−2400: exact in the log domain',
      call: (ml) => [800, -800].map((c) => ml.matexp.detExp([[c, 1, 0], [0, c, 2], [0.5, 0, c]])),
      check(out) {
        const [up, down] = result<{ logAbsDet: number; det: number; shift: number }[]>(out);
        expect(Math.abs(up.logAbsDet - 2400)).toBeLessThan(1e-12 * 2400);
        expect(Math.abs(down.logAbsDet + 2400)).toBeLessThan(1e-12 * 2400);
        expect([up.det, down.det, up.shift, down.shift]).toEqual([Infinity, 0, 800, -800]);
      },
    },
    {
      name: 'matexp expRankOne(), s = 1e−12 − 2^−54 from cancelling terms: s exact, φ to the last bit',
      call: (ml) => ml.matexp.expRankOne([3, 1, 1e-12], [1 / 3, -1, 1]),
      check(out) {
        const r = result<{ s: number; phi: number }>(out);
        expect(r.s).toBe(1e-12 - 2 ** -54);
        expect(Math.abs(r.phi - (1 + r.s / 2))).toBeLessThanOrEqual(EPS);
      },
    },
    {
      name: 'matexp logDetSeries(), spectral radius 0.9999: refused with the number of terms it would need',
      call: (ml) => ml.matexp.logDetSeries([[0.9999, 0], [0, 0.5]]),
      check: (out) => expect(error(out)).toMatch(/^matexp\.logDetSeries: the series converges too slowly: with spectral radius 0\.9999 it needs more than maxTerms = 1000 terms/),
    },
    {
      name: 'matexp spectrum(), e^800: +Infinity, never NaN',
      call: (ml) => ml.matexp.spectrum([[800, 0], [0, -800]]),
      check(out) {
        const r = result<{ expEigenvalues: { re: Float64Array; im: Float64Array } }>(out);
        expect(Array.from(r.expEigenvalues.re)).toEqual([Infinity, 0]);
        expect(Array.from(r.expEigenvalues.im)).toEqual([0, 0]);
      },
    },
  ];
}

// ---------------------------------------------------------------- repetition (spec/MATH.md §6)

interface RepetitionFixtures {
  repetition: { name: string; P: number[][]; rate: number }[];
  repetition_overflow: { name: string; P: number[][]; layout?: 'full' }[];
}

interface AnalysisLike {
  rate: number;
  divergent: boolean;
  spectralRadius: number;
  rateFromEigenvalues: number | null;
}

function repetitionCases(): EdgeCase[] {
  const rx = fx as unknown as RepetitionFixtures;
  const cases: EdgeCase[] = [];
  // ρ(S) → 1: R = Tr(S(I − S)⁻¹) ~ 1/(1 − ρ) is huge, but the module computes the slacks 1 − ΣP²
  // without cancellation, so R keeps its relative accuracy (mpmath reference from the exact input).
  for (const c of rx.repetition) {
    cases.push({
      name: `repetition rate(), ${c.name}`,
      call: (ml) => ml.repetition.rate(c.P),
      check(out) {
        expect('result' in out, `rate must be computed: ${'error' in out ? out.error : ''}`).toBe(true);
        expectClose((out as { result: unknown }).result, c.rate, 1e-12 * c.rate, 'R');
      },
    });
    cases.push({
      name: `repetition analyze(), ${c.name}`,
      call: (ml) => ml.repetition.analyze(c.P),
      check(out) {
        expect('result' in out).toBe(true);
        const a = (out as { result: AnalysisLike }).result;
        expectClose(a.rate, c.rate, 1e-12 * c.rate, 'analyze R');
        expect(a.spectralRadius).toBeLessThanOrEqual(1);
      },
    });
  }
  // True R overflows, or the chain is divergent up to rounding: +Infinity or a huge number (or an
  // error naming the function), never NaN. The first and third inputs were found by the fuzzer.
  for (const c of rx.repetition_overflow) {
    const options = c.layout ? { layout: c.layout } : {};
    cases.push({
      name: `repetition analyze(), ${c.name}`,
      call: (ml) => ml.repetition.analyze(c.P, options),
      check(out) {
        if ('error' in out) return void expect(out.error).toMatch(/^repetition\.analyze: /);
        const a = out.result as AnalysisLike;
        expect(a.rate).toBeGreaterThan(1e250);
      },
    });
    cases.push({
      name: `repetition rate(), ${c.name}`,
      call: (ml) => ml.repetition.rate(c.P, options),
      check(out) {
        if ('error' in out) return void expect(out.error).toMatch(/^repetition\.rate: /);
        expect(out.result as number).toBeGreaterThan(1e250);
      },
    });
  }
  return cases;
}

// ---------------------------------------------------------------- orthogonal (spec/MATH.md §3)

/** Pairs at the degenerate ends (b = ±a up to tiny angles) and at extreme magnitudes. */
const ORTHOGONAL_PAIRS: [string, number[], number[]][] = [
  ['b = −a up to 1e-300', [1, 0, 0], [-1, 1e-300, 0]],
  ['b = a up to one ulp', [1, 2, 3], [1, 2, 3 + 4 * 2 ** -52]],
  ['b = −a exactly', [0.6, 0.8, 0], [-0.6, -0.8, 0]],
  ['angle 1e-8', [1, 0], [1, 1e-8]],
  ['huge and tiny magnitudes', [1e300, 1e300, 0], [0, 1e-300, 1e-300]],
  ['denormal entries', [5e-324, 0, 1e-310], [0, 5e-324, 0]],
];

function orthogonalCases(): EdgeCase[] {
  const cases: EdgeCase[] = [];
  for (const [name, a, b] of ORTHOGONAL_PAIRS)
    for (const construction of ['rotation', 'householder', 'simplest'] as const)
      cases.push({
        name: `orthogonal report(), ${construction}, ${name}`,
        call: (ml) => ml.orthogonal.report(a, b, { construction }),
        check(out) {
          expect('result' in out, `report must be computed: ${'error' in out ? out.error : ''}`).toBe(true);
          const r = (out as { result: { dim: number; matrix: { data: Float64Array }; unitA: Float64Array; unitB: Float64Array } }).result;
          const d = r.dim;
          const t = (i: number, j: number) => r.matrix.data[i * d + j];
          // Orthogonal and T â = b̂ to a few ulps, however degenerate the pair (the module's promise).
          let orth = 0;
          let res = 0;
          for (let i = 0; i < d; i++) {
            let ta = 0;
            for (let j = 0; j < d; j++) {
              let dot = 0;
              for (let k = 0; k < d; k++) dot += t(k, i) * t(k, j);
              orth = Math.max(orth, Math.abs(dot - (i === j ? 1 : 0)));
              ta += t(i, j) * r.unitA[j];
            }
            res = Math.max(res, Math.abs(ta - r.unitB[i]));
          }
          expect(orth, '‖TᵀT − I‖max').toBeLessThanOrEqual(1e-14);
          expect(res, '‖T â − b̂‖max').toBeLessThanOrEqual(1e-14);
        },
      });
  return cases;
}

export const EDGE_CASES: EdgeCase[] = [...gaussianCases(), ...matexpCases(), ...repetitionCases(), ...orthogonalCases()];
