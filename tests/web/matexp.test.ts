// The matexp module through the public API on the real wasm build: the worked numbers of
// spec/MATH.md §7 and §8, the independent fixtures (tests/fixtures/gen_matexp.py: mpmath at 50
// digits, exact structured references), every input form, a 512 × 512 case, and the exact error
// messages of both layers.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { init, MathLensError, toRows, type Matrix, type MathLens } from 'mathlens';
import { errorOf } from './errors';

let ml: MathLens;
beforeAll(async () => {
  ml = await init();
});

const EPS = 2 ** -52;

function expectRel(actual: number, expected: number, rtol: number, what = '') {
  expect(Math.abs(actual - expected), what).toBeLessThanOrEqual(rtol * Math.max(Math.abs(expected), 1e-300));
}

type Dense = { rows: number; cols: number; data: ArrayLike<number> };
const dense = (m: number[][] | Dense): Dense =>
  Array.isArray(m) ? { rows: m.length, cols: m[0]?.length ?? 0, data: m.flat() } : m;

/** max |a − b| / max |b|. */
function normwise(a: Matrix | Dense, b: number[][] | Dense): number {
  const x = dense(b);
  let diff = 0;
  let size = 0;
  for (let k = 0; k < x.data.length; k++) {
    diff = Math.max(diff, Math.abs(a.data[k] - x.data[k]));
    size = Math.max(size, Math.abs(x.data[k]));
  }
  return diff / size;
}

/** max |a − b| / |b| over entries (b = 0 requires a = 0). */
function elementwise(a: Matrix | Dense, b: number[][] | Dense): number {
  const x = dense(b);
  let err = 0;
  for (let k = 0; k < x.data.length; k++) {
    if (x.data[k] === 0) {
      if (a.data[k] !== 0) return Infinity;
    } else err = Math.max(err, Math.abs(a.data[k] - x.data[k]) / Math.abs(x.data[k]));
  }
  return err;
}

function matmul(a: Dense, b: Dense): Dense {
  const out = new Float64Array(a.rows * b.cols);
  for (let i = 0; i < a.rows; i++)
    for (let k = 0; k < a.cols; k++) {
      const v = a.data[i * a.cols + k];
      for (let j = 0; j < b.cols; j++) out[i * b.cols + j] += v * b.data[k * b.cols + j];
    }
  return { rows: a.rows, cols: b.cols, data: out };
}

const A2 = [[1, 2], [3, 4]];
const M = [[0.2, -0.1, 0.3], [0, 0.1, 0.2], [-0.1, 0.05, -0.3]];

describe('worked numbers (MATH.md §8d)', () => {
  it('expm of [[1, 2], [3, 4]] and det = e^5', () => {
    const e = ml.matexp.expm(A2);
    expect(elementwise(e, [[51.96895619870499, 74.73656456700321], [112.10484685050481, 164.07380304920983]])).toBeLessThan(1e-14);
    const d = ml.matexp.detExp(A2);
    expectRel(d.det, 148.4131591025766, 1e-14);
    expect(d.trace).toBe(5);
    expect(Math.abs(d.logAbsDet - 5)).toBeLessThan(1e-13);
    expect(d.sign).toBe(1);
    expect(d.shift).toBe(0);
    expect(d.relativeDifference).toBeLessThan(1e-13);
  });

  it('Jordan block, the 3 × 3 example, the rotation generator', () => {
    const e = Math.E;
    expect(elementwise(ml.matexp.expm([[1, 1], [0, 1]]), [[e, e], [0, e]])).toBeLessThanOrEqual(2 * EPS);
    expectRel(ml.matexp.detExp([[1, 1], [0, 1]]).det, 7.38905609893065, 4 * EPS);
    expectRel(ml.matexp.detExp([[0, 1, 2], [-1, 0.5, 0], [3, 0, -2]]).det, 0.22313016014842982, 1e-14);
    const r = ml.matexp.expm([[0, -0.5], [0.5, 0]]);
    expect(elementwise(r, [[0.8775825618903728, -0.479425538604203], [0.479425538604203, 0.8775825618903728]])).toBeLessThanOrEqual(2 * EPS);
  });

  it('log det(I + M) = Tr log(I + M) = −0.05445618579605874 by the series', () => {
    const s = ml.matexp.logDetSeries(M);
    expect(Math.abs(s.value - -0.05445618579605874)).toBeLessThanOrEqual(1e-16);
    expect(Math.abs(s.logDet - -0.05445618579605874)).toBeLessThanOrEqual(1e-16);
    expect(s.spectralRadius).toBeLessThan(0.5);
    expect(s.terms).toBeGreaterThan(10);
    expect(s.partialSums.length).toBe(s.terms);
    expect(s.partialSums[s.terms - 1]).toBe(s.value);
    expect(s.remainderBound).toBeLessThanOrEqual(1e-16 * 0.0545);
  });

  it('d/dt log det exp(tA) at t = 0.7 is Tr A = 5', () => {
    const at = (t: number) => ml.matexp.detExp(A2.map((r) => r.map((v) => v * t))).logAbsDet;
    expect(Math.abs((at(0.7 + 1e-6) - at(0.7 - 1e-6)) / 2e-6 - 5)).toBeLessThan(1e-7);
  });
});

describe('worked numbers (MATH.md §7d): exp(x yᵀ)', () => {
  it('x = (1, 2, 3), y = (0.5, −1, 1): s = 1.5', () => {
    const r = ml.matexp.expRankOne([1, 2, 3], [0.5, -1, 1]);
    expect(r.s).toBe(1.5);
    expectRel(r.phi, 2.321126046892043, EPS);
    expectRel(r.psi, 0.5179132265677134, EPS);
    expectRel(r.det, 4.481689070338064, EPS);
    expect(r.logDet).toBe(1.5);
    expect(
      elementwise(r.exp, [
        [2.160563023446022, -2.321126046892043, 2.321126046892043],
        [2.321126046892043, -3.6422520937840863, 4.642252093784086],
        [3.4816890703380645, -6.963378140676129, 7.963378140676129],
      ]),
    ).toBeLessThanOrEqual(2 * EPS);
    expect(
      elementwise(r.inverse, [
        [0.7410433867161432, 0.5179132265677134, -0.5179132265677134],
        [-0.5179132265677134, 2.035826453135427, -1.0358264531354269],
        [-0.7768698398515701, 1.5537396797031402, -0.5537396797031402],
      ]),
    ).toBeLessThanOrEqual(4 * EPS);
    // The closed form is the matrix exponential of x yᵀ.
    expect(normwise(ml.matexp.expm([[0.5, -1, 1], [1, -2, 2], [1.5, -3, 3]]), r.exp)).toBeLessThan(1e-15);
  });

  it('x ⟂ y: s = 0, exact matrices, det 1', () => {
    const r = ml.matexp.expRankOne([1, 2, -1], [0.5, 0.25, 1]);
    expect([r.s, r.phi, r.psi, r.det]).toEqual([0, 1, 1, 1]);
    expect(toRows(r.exp)).toEqual([[1.5, 0.25, 1], [1, 1.5, 2], [-0.5, -0.25, 0]]);
    expect(toRows(r.inverse)).toEqual([[0.5, -0.25, -1], [-1, 0.5, -2], [0.5, 0.25, 2]]);
  });

  it('|s| ~ 1e−12: expm1, and s summed without cancellation', () => {
    const r = ml.matexp.expRankOne([1, 0, 0], [1e-12, 5, -7]);
    expectRel(r.phi, 1.0000000000005, EPS);
    // 3·fl(1/3) − 1 + 1e−12: the plain dot product gives exactly 1e−12.
    const c = ml.matexp.expRankOne([3, 1, 1e-12], [1 / 3, -1, 1]);
    expect(3 * (1 / 3) - 1 + 1e-12).toBe(1e-12);
    expect(c.s).toBe(1e-12 - 2 ** -54);
  });

  it('apply in O(d): one vector, a batch of rows, the inverse', () => {
    const x = [1, 2, 3];
    const y = [0.5, -1, 1];
    const e = ml.matexp.expRankOne(x, y);
    const v = [1, -2, 0.5];
    const w = ml.matexp.expRankOneApply(x, y, v);
    expect(w).toBeInstanceOf(Float64Array);
    const ev = matmul(e.exp, { rows: 3, cols: 1, data: v }).data;
    for (let i = 0; i < 3; i++) expect(Math.abs(w[i] - ev[i])).toBeLessThan(1e-14);
    const back = ml.matexp.expRankOneApply(x, y, w, { inverse: true });
    for (let i = 0; i < 3; i++) expect(Math.abs(back[i] - v[i])).toBeLessThan(1e-14);
    const batch = ml.matexp.expRankOneApply(x, y, [v, [0, 0, 1], [2, 1, 0]]);
    expect([batch.rows, batch.cols]).toEqual([3, 3]);
    expect(Array.from(batch.data.subarray(0, 3))).toEqual(Array.from(w));
    const typed = ml.matexp.expRankOneApply(new Float64Array(x), new Float32Array(y), { rows: 1, cols: 3, data: new Float64Array(v) });
    expect(Array.from(typed.data)).toEqual(Array.from(w));
  });

  it('d = 10⁶ apply, there and back', () => {
    const d = 1_000_000;
    const x = new Float64Array(d);
    const y = new Float64Array(d);
    const v = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      x[i] = Math.sin(i * 0.001);
      y[i] = Math.cos(i * 0.002) / d;
      v[i] = 1 / (1 + i);
    }
    const w = ml.matexp.expRankOneApply(x, y, v);
    const back = ml.matexp.expRankOneApply(x, y, w, { inverse: true });
    let err = 0;
    for (let i = 0; i < d; i++) err = Math.max(err, Math.abs(back[i] - v[i]));
    expect(err).toBeLessThan(1e-15);
  });

  it('products of rank-one exponentials ≠ the exponential of the sum (max diff 0.5430806348152437)', () => {
    const p = matmul(ml.matexp.expRankOne([1, 0], [0, 1]).exp, ml.matexp.expRankOne([0, 1], [1, 0]).exp);
    const s = ml.matexp.expm([[0, 1], [1, 0]]);
    let diff = 0;
    for (let k = 0; k < 4; k++) diff = Math.max(diff, Math.abs(p.data[k] - s.data[k]));
    expectRel(diff, 0.5430806348152437, 4 * EPS);
  });
});

describe('expmInfo, routes, balancing, spectrum', () => {
  it('reports degree, squarings, route', () => {
    const i = ml.matexp.expmInfo(A2);
    expect([i.degree, i.squarings, i.route, i.balanced, i.triangular]).toEqual([13, 1, 'pade', false, false]);
    expect(i.norm1).toBe(6);
    expect(ml.matexp.expmInfo([[1e4, 1e4], [-1e4, -1e4]]).route).toBe('taylor');
    expect(ml.matexp.expmInfo([[-1000, 999], [999, -1000]]).route).toBe('symmetric');
    expect(ml.matexp.expmInfo([[-49, 24], [-64, 31]]).route).toBe('schur');
    expect(ml.matexp.expmInfo([[1, 1e6], [0, 1]]).triangular).toBe(true);
  });

  it("Moler's example: balancing shrinks the norm from 2e10 to ~100 and the result is accurate entry by entry", () => {
    const A = [[0, 1e-8, 0], [-(2e10 + 4e8 / 6), -3, 2e10], [200 / 3, 0, -200 / 3]];
    const want = [
      [0.4468494682831738, 1.5404415738395202e-9, 0.4628114535587736],
      [-5743067.779479561, -0.01528300386868225, -4526542.712784101],
      [0.44772297784949333, 1.5427048451959122e-9, 0.46348064883765006],
    ];
    const auto = ml.matexp.expmInfo(A);
    const never = ml.matexp.expmInfo(A, { balance: false });
    const always = ml.matexp.expmInfo(A, { balance: true });
    expect(auto.balanced && always.balanced && !never.balanced).toBe(true);
    expect(auto.normUsed).toBeLessThan(200);
    expect(elementwise(auto.value, want)).toBeLessThan(2e-13);
    expect(elementwise(never.value, want)).toBeLessThan(5e-13);
    expect(ml.matexp.expmInfo(A, { balance: 'auto' }).normUsed).toBe(auto.normUsed);
  });

  it('spectrum: λ and e^λ', () => {
    const s = ml.matexp.spectrum([[-49, 24], [-64, 31]]);
    expect(Math.abs(s.eigenvalues.re[0] + 1)).toBeLessThan(1e-13);
    expect(Math.abs(s.eigenvalues.re[1] + 17)).toBeLessThan(1e-13);
    expectRel(s.expEigenvalues.re[0], Math.exp(-1), 1e-13);
    const r = ml.matexp.spectrum([[0, -0.5], [0.5, 0]]);
    expect(Math.abs(r.eigenvalues.im[0] - 0.5)).toBeLessThan(1e-15);
    expect(Math.abs(Math.atan2(r.expEigenvalues.im[0], r.expEigenvalues.re[0]) - 0.5)).toBeLessThan(1e-15);
    expect(ml.matexp.spectrum([[800]]).expEigenvalues.re[0]).toBe(Infinity);
  });

  it('detExp in the log domain: det overflows, and exp(A) itself over- and underflows', () => {
    const big = [[800, 1, 0], [0, 800, 2], [0.5, 0, 800]];
    expect(errorOf(() => ml.matexp.expm(big))).toBe('matexp.expm: exp(A) overflows double precision (an entry exceeds 1.8e308)');
    const d = ml.matexp.detExp(big);
    expect(d.shift).toBe(800);
    expect(Math.abs(d.logAbsDet - 2400)).toBeLessThan(1e-12 * 2400);
    expect(d.det).toBe(Infinity);
    expect(d.expTrace).toBe(Infinity);
    expect(d.relativeDifference).toBeLessThan(1e-12);
    const u = ml.matexp.detExp(big.map((r) => r.map((v) => -v)));
    expect(u.shift).toBe(-800);
    expect(u.det).toBe(0);
  });
});

// ---------------------------------------------------------------- input forms and large matrices

describe('input forms and size', () => {
  it('nested arrays, rows of typed arrays, {rows, cols, data}, Float32Array', () => {
    const want = ml.matexp.expm(A2);
    const forms = [
      [new Float64Array([1, 2]), new Float64Array([3, 4])],
      { rows: 2, cols: 2, data: new Float64Array([1, 2, 3, 4]) },
      { rows: 2, cols: 2, data: new Float32Array([1, 2, 3, 4]) },
      { rows: 2, cols: 2, data: [1, 2, 3, 4] },
    ];
    for (const f of forms) expect(Array.from(ml.matexp.expm(f).data)).toEqual(Array.from(want.data));
  });

  it('512 × 512: exp(B ⊕ C) = exp(B) ⊗ exp(C), and det(exp A) = exp(Tr A)', () => {
    // B 16 × 16 and C 32 × 32 with dyadic entries, so every entry of B ⊕ C is exact.
    const rnd = (seed: number) => () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed / 2 ** 31);
    const r = rnd(5);
    const mk = (n: number) => Array.from({ length: n }, () => Array.from({ length: n }, () => Math.round((r() - 0.5) * 64) / (8 * n)));
    const B = mk(16);
    const C = mk(32);
    const n = 512;
    const A = new Float64Array(n * n);
    for (let i = 0; i < 16; i++)
      for (let j = 0; j < 16; j++)
        for (let k = 0; k < 32; k++) {
          A[(32 * i + k) * n + 32 * j + k] += B[i][j];
          if (i === j) for (let m = 0; m < 32; m++) A[(32 * i + k) * n + 32 * j + m] += C[k][m];
        }
    const eb = toRows(ml.matexp.expm(B));
    const ec = toRows(ml.matexp.expm(C));
    const want = new Float64Array(n * n);
    for (let i = 0; i < 16; i++)
      for (let j = 0; j < 16; j++)
        for (let k = 0; k < 32; k++) for (let m = 0; m < 32; m++) want[(32 * i + k) * n + 32 * j + m] = eb[i][j] * ec[k][m];
    const e = ml.matexp.expm({ rows: n, cols: n, data: A });
    expect(normwise(e, { rows: n, cols: n, data: want })).toBeLessThan(1e-13);
    expect(Math.abs(ml.matexp.detExp({ rows: n, cols: n, data: A }).logDifference)).toBeLessThan(1e-11);
  });
});

// ---------------------------------------------------------------- fixtures

type Encoded = number[] | number[][] | { rows: number; cols: number; b64: string };
function decode(m: Encoded): Dense {
  if (Array.isArray(m)) return Array.isArray(m[0]) ? dense(m as number[][]) : { rows: m.length, cols: 1, data: m as number[] };
  const bytes = Buffer.from(m.b64, 'base64');
  return { rows: m.rows, cols: m.cols, data: new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)) };
}
const fixtures = JSON.parse(readFileSync(new URL('../fixtures/matexp.json', import.meta.url), 'utf8'));

describe('fixtures (mpmath at 50 digits; exact structured references)', () => {
  it('has the hard cases', () => {
    const names = fixtures.expm_cases.map((c: { name: string }) => c.name);
    for (const n of ['moler_balancing', 'nonnormal_jordan_1e6', 'nilpotent_rank_one_large', 'large_norm_cancel_2x2', 'kron_sum_n128'])
      expect(names).toContain(n);
  });

  for (const c of fixtures.expm_cases) {
    it(`expm ${c.name} (n = ${c.n})`, () => {
      const r = ml.matexp.expmInfo(decode(c.A));
      const want = decode(c.expm);
      expect(normwise(r.value, want)).toBeLessThanOrEqual(c.rtol);
      if (c.elementwise_rtol !== undefined) expect(elementwise(r.value, want)).toBeLessThanOrEqual(c.elementwise_rtol);
      if (r.balanced) expectRel(r.normUsed, c.balanced_norm1_lapack, 1e-15);
    });
  }

  it('where scipy 1.10 fails or loses digits, mathlens does not', () => {
    const byName = Object.fromEntries(fixtures.expm_cases.map((c: { name: string }) => [c.name, c]));
    const err = (name: string) => normwise(ml.matexp.expm(decode(byName[name].A)), decode(byName[name].expm));
    expect(byName.large_norm_cancel_2x2.scipy_error).toBeNull(); // scipy returns NaN
    expect(err('large_norm_cancel_2x2')).toBeLessThan(1e-13);
    expect(byName.nilpotent_rank_one_large.scipy_error).toBeGreaterThan(1e-6);
    expect(err('nilpotent_rank_one_large')).toBe(0);
    expect(err('nonnormal_rotated')).toBeLessThan(byName.nonnormal_rotated.scipy_error / 2);
  });

  for (const c of fixtures.rank_one_cases) {
    it(`exp(x yᵀ) ${c.name}`, () => {
      const r = ml.matexp.expRankOne(c.x, c.y);
      expect(Math.abs(r.s - c.s)).toBeLessThanOrEqual(2 * EPS * Math.abs(c.s) + 5e-324);
      expectRel(r.phi, c.phi, 2 * EPS);
      expectRel(r.psi, c.psi, 2 * EPS);
      expectRel(r.det, c.det, 2 * EPS);
      const size = (k: number) => 4 * EPS * (1 + Math.abs(k) * Math.max(...c.x.map(Math.abs)) * Math.max(...c.y.map(Math.abs)));
      const e = decode(c.exp);
      const inv = decode(c.inverse);
      for (let k = 0; k < e.data.length; k++) {
        expect(Math.abs(r.exp.data[k] - e.data[k])).toBeLessThanOrEqual(size(r.phi));
        expect(Math.abs(r.inverse.data[k] - inv.data[k])).toBeLessThanOrEqual(size(r.psi));
      }
    });
  }

  for (const c of fixtures.det_exp_cases) {
    it(`det(exp A) = exp(tr A): ${c.name}`, () => {
      const d = ml.matexp.detExp(decode(c.A));
      expectRel(d.trace, c.trace, EPS);
      expect(Math.abs(d.logAbsDet - c.trace)).toBeLessThanOrEqual(c.atol);
      expect(d.sign).toBe(1);
    });
  }

  for (const c of fixtures.log_det_series_cases) {
    it(`log det(I + M) series: ${c.name}`, () => {
      const s = ml.matexp.logDetSeries(decode(c.M));
      expect(Math.abs(s.value - c.log_det)).toBeLessThanOrEqual(c.rtol * Math.max(1, Math.abs(c.log_det)));
      expectRel(s.spectralRadius, c.spectral_radius, 1e-12);
      expectRel(s.norm2, c.norm2, 1e-14);
    });
  }
});

// ---------------------------------------------------------------- bad input

describe('bad input: exact messages from both layers, and the module keeps working', () => {
  const x = () => ml.matexp;
  it('C++ messages arrive unchanged', () => {
    expect(errorOf(() => x().expm([]))).toBe('matexp.expm: A is empty');
    expect(errorOf(() => x().expm([[1, 2, 3], [4, 5, 6]]))).toBe('matexp.expm: A must be square, got 2x3');
    expect(errorOf(() => x().expm([[1, NaN], [0, 1]]))).toBe('matexp.expm: A has a non-finite entry (nan) at (0, 1)');
    expect(errorOf(() => x().expmInfo([[0, 1], [Infinity, 0]]))).toBe('matexp.expmInfo: A has a non-finite entry (inf) at (1, 0)');
    expect(errorOf(() => x().expm([[1000]]))).toBe('matexp.expm: exp(A) overflows double precision (an entry exceeds 1.8e308)');
    expect(errorOf(() => x().detExp([[1], [2], [3]]))).toBe('matexp.detExp: A must be square, got 3x1');
    expect(errorOf(() => x().detExp([[1000, 0], [0, -1000]]))).toBe(
      'matexp.detExp: exp(A) is out of the double range even as e^c exp(A - cI) with c = tr(A)/n = 0 (the eigenvalues of A are spread too widely)',
    );
    expect(errorOf(() => x().spectrum([[1, 2]]))).toBe('matexp.spectrum: A must be square, got 1x2');
    expect(errorOf(() => x().expRankOne([1, 2, 3], [1, 2]))).toBe('matexp.expRankOne: x has 3 entries but y has 2');
    expect(errorOf(() => x().expRankOne([], [1]))).toBe('matexp.expRankOne: x is empty');
    expect(errorOf(() => x().expRankOne([1, 2], [1, -Infinity]))).toBe('matexp.expRankOne: y has a non-finite entry (-inf) at [1]');
    expect(errorOf(() => x().expRankOne([40, 0], [20, 1]))).toBe('matexp.expRankOne: exp(x y^T) overflows double precision (s = y^T x = 800)');
    expect(errorOf(() => x().expRankOneApply([1, 2, 3], [1, 0, 0], [1, 1, 1, 1]))).toBe(
      'matexp.expRankOneApply: v has vectors of length 4 but x and y have length 3',
    );
    expect(errorOf(() => x().expRankOneApply([1, 2, 3], [1, 0, 0], [[1, 2], [3, 4]]))).toBe(
      'matexp.expRankOneApply: v has vectors of length 2 but x and y have length 3',
    );
    expect(errorOf(() => x().expRankOneApply([1], [1], []))).toBe('matexp.expRankOneApply: v is empty');
    expect(errorOf(() => x().logDetSeries([[1.2, 0], [0, 0.1]]))).toBe(
      'matexp.logDetSeries: the series diverges: the spectral radius of M is 1.2 (it must be below 1)',
    );
    expect(errorOf(() => x().logDetSeries([[0.999, 0], [0, 0]], { maxTerms: 100 }))).toBe(
      'matexp.logDetSeries: the series converges too slowly: with spectral radius 0.999 it needs more than maxTerms = 100 terms to reach the tolerance 1e-16 (remainder bound after 100 terms: 17.9)',
    );
  });

  it('wrong JS types and options: MathLensError, never TypeError', () => {
    const bad: unknown[] = [undefined, null, 'abc', 42, {}, { rows: 2 }, [[1, 'a'], [0, 1]], [[1, 2], [3]], [1, 2]];
    for (const b of bad) {
      const msg = errorOf(() => x().expm(b as never));
      expect(msg.startsWith('matexp.expm: A ')).toBe(true);
    }
    expect(errorOf(() => x().expm(undefined as never))).toBe(
      'matexp.expm: A must be a matrix (array of rows or {rows, cols, data}), got undefined',
    );
    expect(errorOf(() => x().expm([[1, 'a'], [0, 1]] as never))).toBe('matexp.expm: A has a non-numeric entry (string) at (0, 1)');
    expect(errorOf(() => x().expm([[1, 2], [3]]))).toBe('matexp.expm: A row 1 has 1 entries, expected 2 like row 0');
    expect(errorOf(() => x().expm(A2, { balance: 'yes' } as never))).toBe(
      `matexp.expm: options.balance must be 'auto', true or false, got "yes"`,
    );
    expect(errorOf(() => x().expm(A2, { balanse: true } as never))).toBe('matexp.expm: unknown option "balanse" (expected one of balance)');
    expect(errorOf(() => x().detExp(A2, 'auto' as never))).toBe('matexp.detExp: options must be an object, got "auto"');
    expect(errorOf(() => x().expmInfo(A2, null as never))).toBe('matexp.expmInfo: options must be an object, got null');
    expect(errorOf(() => x().expRankOne(undefined as never, [1]))).toBe('matexp.expRankOne: x must be an array of numbers, got undefined');
    expect(errorOf(() => x().expRankOne([1], 'ab' as never))).toBe('matexp.expRankOne: y must be an array of numbers, got string');
    expect(errorOf(() => x().expRankOneApply([1], [1], null as never))).toBe(
      'matexp.expRankOneApply: v must be an array of numbers or a matrix whose rows are vectors, got null',
    );
    expect(errorOf(() => x().expRankOneApply([1], [1], [1], { inverse: 'yes' } as never))).toBe(
      'matexp.expRankOneApply: options.inverse must be true or false, got "yes"',
    );
    expect(errorOf(() => x().logDetSeries(M, { maxTerms: 2.5 }))).toBe(
      'matexp.logDetSeries: options.maxTerms must be an integer from 1 to 100000, got 2.5',
    );
    expect(errorOf(() => x().logDetSeries(M, { maxTerms: NaN }))).toBe(
      'matexp.logDetSeries: options.maxTerms must be an integer from 1 to 100000, got NaN',
    );
    expect(errorOf(() => x().logDetSeries(M, { tolerance: 0 }))).toBe(
      'matexp.logDetSeries: options.tolerance must be a number between 0 and 1, got 0',
    );
    expect(errorOf(() => x().logDetSeries(M, { tolerance: Infinity }))).toBe(
      'matexp.logDetSeries: options.tolerance must be a number between 0 and 1, got Infinity',
    );
    expect(errorOf(() => x().logDetSeries(M, { terms: 5 } as never))).toBe(
      'matexp.logDetSeries: unknown option "terms" (expected one of maxTerms, tolerance)',
    );
  });

  it('thousands of errors leak nothing and the module keeps working', () => {
    const before = ml.memory().allocatedBytes;
    for (let i = 0; i < 2000; i++) {
      errorOf(() => x().expm([[1, NaN], [0, 1]]));
      errorOf(() => x().logDetSeries([[2]]));
      errorOf(() => x().expRankOne([1], [1, 2]));
    }
    expect(ml.memory().allocatedBytes).toBeLessThanOrEqual(before);
    expect(x().expm([[0]]).data[0]).toBe(1);
  });
});
