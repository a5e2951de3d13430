// The gaussian module through the public API on the real wasm build: the worked numbers of
// spec/MATH.md §2, the independent fixtures (tests/fixtures/gen_gaussian.py), every input form,
// and the exact error messages.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { init, MathLensError, toRows, type MathLens, type NormalLike } from 'mathlens';
import { errorOf } from './errors';

let ml: MathLens;
beforeAll(async () => {
  ml = await init();
});

const P2 = { mean: [1, 2], cov: [[2, 0.5], [0.5, 1]] };
const Q2 = { mean: [0, 0], cov: [[1, 0], [0, 3]] };
const P3 = { mean: [1, 0, -1], cov: [[2, 1, 0], [1, 2, 1], [0, 1, 2]] };
const Q3 = { mean: [0, 1, 1], cov: [[1, 0, 0], [0, 2, 0], [0, 0, 3]] };

function expectRel(actual: number | null, expected: number, rtol: number, what = '') {
  expect(actual, what).not.toBeNull();
  expect(Math.abs((actual as number) - expected), what).toBeLessThanOrEqual(rtol * Math.max(Math.abs(expected), 1e-300));
}

describe('worked numbers (MATH.md §2d)', () => {
  it('1-D', () => {
    const p = { mean: [0], cov: [[1]] };
    const q = { mean: [1], cov: [[4]] };
    expectRel(ml.gaussian.kl(p, q), 0.4431471805599453, 1e-15);
    expectRel(ml.gaussian.kl(q, p), 1.3068528194400546, 1e-15);
    expectRel(ml.gaussian.bhattacharyya(p, q), 0.16157177565710487, 1e-15);
    expectRel(ml.gaussian.wasserstein2Squared(p, q), 2, 1e-15);
  });

  it('2-D, every quantity', () => {
    const g = ml.gaussian;
    expectRel(g.kl(P2, Q2), 1.6028315836996772, 1e-15);
    expectRel(g.kl(Q2, P2), 2.7305017496336568, 1e-15);
    expectRel(g.bhattacharyya(P2, Q2), 0.4220947610097875, 1e-15);
    expectRel(g.bhattacharyyaCoefficient(P2, Q2), Math.exp(-0.4220947610097875), 1e-15);
    expectRel(g.hellinger(P2, Q2) ** 2, 0.34432809568224554, 1e-15);
    expectRel(g.wasserstein2Squared(P2, Q2), 5.808852870442883, 1e-15);
    expectRel(g.wasserstein2Squared(P2, Q2, { formula: 'product' }), 5.808852870442883, 1e-14);
    expectRel(g.wasserstein2(P2, Q2), Math.sqrt(5.808852870442883), 1e-15);
    expectRel(g.frechet(P2, Q2), 5.808852870442883, 1e-15);
    expectRel(g.entropy(P2), 3.1176849603770567, 1e-15);
    expectRel(g.entropy(Q2), 3.3871832107434003, 1e-15);
    const std = { mean: [0, 0], cov: [[1, 0], [0, 1]] };
    expectRel(g.kl(P2, std), 2.7201921060322887, 1e-15);
    expectRel(g.wasserstein2Squared(P2, std), 5.247842043422973, 1e-15);
    const c = toRows(g.coupling(P2, Q2));
    const want = [[1.386265826890434, 0.484562866496536], [0.161520955498845, 1.709307737888125]];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) expect(Math.abs(c[i][j] - want[i][j])).toBeLessThan(1e-14);
  });

  it('3-D', () => {
    expectRel(ml.gaussian.kl(P3, Q3), 1.9527325540540819, 1e-15);
    expectRel(ml.gaussian.kl(Q3, P3), 2.1722674459459177, 1e-15);
    expectRel(ml.gaussian.bhattacharyya(P3, Q3), 0.4875414770176554, 1e-15);
    expectRel(ml.gaussian.wasserstein2(P3, Q3), 2.6188112102401924, 1e-15);
    expectRel(ml.gaussian.entropy(P3), 4.949962780173964, 1e-15);
  });

  it('equal covariances: KL = 4·BD = ½ Mahalanobis², W2² = ‖Δ‖²', () => {
    const s = [[2, 0.5], [0.5, 1]];
    const a = { mean: [1, -2], cov: s };
    const b = { mean: [0, 0], cov: s };
    expectRel(ml.gaussian.kl(a, b), 22 / 7, 1e-15);
    expectRel(ml.gaussian.bhattacharyya(a, b), 11 / 14, 1e-15);
    expectRel(ml.gaussian.wasserstein2Squared(a, b), 5, 1e-15);
  });
});

describe('compare()', () => {
  it('returns everything, consistent with the single functions', () => {
    const r = ml.gaussian.compare(P2, Q2);
    expect(r.dim).toBe(2);
    expectRel(r.klPQ, 1.6028315836996772, 1e-15);
    expectRel(r.klQP, 2.7305017496336568, 1e-15);
    expectRel(r.bhattacharyya, 0.4220947610097875, 1e-15);
    expectRel(r.hellinger! ** 2, 0.34432809568224554, 1e-15);
    expectRel(r.traceTerm, 3.0955735647785585, 1e-15);
    expectRel(r.wasserstein2SquaredProduct, r.wasserstein2Squared, 1e-14);
    const big = { mean: new Float64Array(300), cov: { rows: 300, cols: 300, data: new Float64Array(300 * 300).map((_, k) => (k % 301 === 0 ? 1 : 0)) } };
    expect(ml.gaussian.compare(big, big).wasserstein2SquaredProduct).toBeNull(); // n > 256: cross-check skipped
    expect(r.meanDistanceSquared).toBe(5);
    expect(r.coupling?.rows).toBe(2);
    expect(r.diagnostics.route).toBe('cholesky(p)');
    expect(r.diagnostics.positiveDefiniteP).toBe(true);
    expectRel(r.diagnostics.minEigenvalueQ, 1, 1e-15);
    expectRel(r.diagnostics.conditionQ, 3, 1e-15);
    expect(r.diagnostics.warnings).toEqual([]);
  });

  it('semidefinite covariances: W2 only, with a warning instead of NaN', () => {
    const p = { mean: [0, 0], cov: [[1, 1], [1, 1]] };
    const r = ml.gaussian.compare(p, Q2);
    expect(r.klPQ).toBeNull();
    expect(r.bhattacharyya).toBeNull();
    expect(r.entropyP).toBeNull();
    expect(r.entropyQ).not.toBeNull();
    expect(r.diagnostics.route).toBe('cholesky(q)');
    expect(r.diagnostics.conditionP).toBe(Infinity);
    expect(r.diagnostics.warnings[0]).toBe(
      'cov of p is singular (only semidefinite): KL, Bhattacharyya and Hellinger are not defined, only W2 is',
    );
    expect(Number.isFinite(r.wasserstein2)).toBe(true);
    const point = { mean: [1, 2], cov: [[0, 0], [0, 0]] };
    const r2 = ml.gaussian.compare(point, { mean: [4, 6], cov: [[0, 0], [0, 0]] });
    expect(r2.wasserstein2).toBe(5);
    expect(r2.coupling).toBeNull();
    expect(r2.diagnostics.route).toBe('eigen');
  });

  it('flags ill-conditioning', () => {
    const r = ml.gaussian.compare({ mean: [0, 0], cov: [[1, 0], [0, 1e-12]] }, Q2);
    expect(r.diagnostics.warnings.some((w) => w.startsWith('cov of p is ill-conditioned (condition number 1e+12)'))).toBe(true);
  });
});

describe('input forms', () => {
  it('accepts nested arrays, typed arrays, Float32Array and {rows, cols, data}', () => {
    const expected = ml.gaussian.kl(P2, Q2);
    const typed: NormalLike = { mean: new Float64Array([1, 2]), cov: [new Float64Array([2, 0.5]), new Float64Array([0.5, 1])] };
    const flat: NormalLike = { mean: [1, 2], cov: { rows: 2, cols: 2, data: new Float64Array([2, 0.5, 0.5, 1]) } };
    const f32: NormalLike = { mean: new Float32Array([1, 2]), cov: { rows: 2, cols: 2, data: new Float32Array([2, 0.5, 0.5, 1]) } };
    expect(ml.gaussian.kl(typed, Q2)).toBe(expected);
    expect(ml.gaussian.kl(flat, Q2)).toBe(expected);
    expect(ml.gaussian.kl(f32, Q2)).toBe(expected); // these values are exact in float32
  });

  it('fit() returns a normal usable as input, and FID from samples equals FID of the fits', () => {
    const a = [[1, 2], [3, 5], [0, 1], [2, 2]];
    const b = [[0, 1], [1, 0], [2, 3], [-1, 1], [0, 0]];
    const fa = ml.gaussian.fit(a);
    expect(Array.from(fa.mean)).toEqual([1.5, 2.5]);
    const cov = toRows(fa.cov);
    expectRel(cov[0][0], 5 / 3, 1e-15);
    expect(cov[0][1]).toBe(2);
    expect(cov[1][0]).toBe(2);
    expect(cov[1][1]).toBe(3);
    expect(ml.gaussian.frechetFromSamples(a, b)).toBe(ml.gaussian.frechet(fa, ml.gaussian.fit(b)));
  });

  it('large dimension: 512 diagonal (commuting) covariances match the closed form', () => {
    const n = 512;
    const pa = new Float64Array(n * n);
    const qb = new Float64Array(n * n);
    let expected = 0;
    for (let i = 0; i < n; i++) {
      const a = 0.5 + i / 100;
      const b = 3 - i / 300;
      pa[i * n + i] = a;
      qb[i * n + i] = b;
      expected += (Math.sqrt(a) - Math.sqrt(b)) ** 2 + 1;
    }
    const p = { mean: new Float64Array(n).fill(1), cov: { rows: n, cols: n, data: pa } };
    const q = { mean: new Float64Array(n), cov: { rows: n, cols: n, data: qb } };
    expectRel(ml.gaussian.frechet(p, q), expected, 1e-12);
  });
});

describe('Monte Carlo KL', () => {
  it('agrees with the closed form within 5 standard errors and is reproducible by seed', () => {
    const a = ml.gaussian.klMonteCarlo(P2, Q2, { samples: 100000, seed: 7 });
    const b = ml.gaussian.klMonteCarlo(P2, Q2, { samples: 100000, seed: 7 });
    const c = ml.gaussian.klMonteCarlo(P2, Q2, { samples: 100000, seed: 8 });
    expect(a).toEqual(b);
    expect(c.estimate).not.toBe(a.estimate);
    expect(a.samples).toBe(100000);
    expect(Math.abs(a.estimate - 1.6028315836996772)).toBeLessThan(5 * a.standardError);
  });
});

// ---------------------------------------------------------------- fixtures from scipy / mpmath

type Encoded = number[] | number[][] | { rows: number; cols: number; b64: string };
function decode(m: Encoded): { rows: number; cols: number; data: Float64Array } | number[] | number[][] {
  if (Array.isArray(m)) return m;
  const bytes = Buffer.from(m.b64, 'base64');
  const data = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return { rows: m.rows, cols: m.cols, data };
}
const normal = (x: { mean: Encoded; cov: Encoded }) => ({ mean: decode(x.mean) as number[], cov: decode(x.cov) }) as NormalLike;

const fixtures = JSON.parse(readFileSync(new URL('../fixtures/gaussian.json', import.meta.url), 'utf8'));

describe('fixtures (independent reference: mpmath at 50 digits, scipy for large n)', () => {
  it('has the cases', () => {
    expect(fixtures.cases.length).toBeGreaterThanOrEqual(10);
    expect(fixtures.psd_cases.length).toBeGreaterThanOrEqual(3);
  });

  for (const c of fixtures.cases) {
    it(`${c.name} (n = ${c.n})`, () => {
      const p = normal(c.p);
      const q = normal(c.q);
      const r = ml.gaussian.compare(p, q);
      expectRel(ml.gaussian.kl(p, q), c.kl_pq, c.rtol, 'kl');
      expectRel(r.klQP, c.kl_qp, c.rtol, 'kl_qp');
      expectRel(r.bhattacharyya, c.bhattacharyya, c.rtol, 'bd');
      expectRel(r.hellinger, c.hellinger, c.rtol, 'hellinger');
      expectRel(r.entropyP, c.entropy_p, c.rtol, 'entropy');
      // W2² cancels (‖Δ‖² + Tr Σp + Tr Σq − 2 Tr R): the fixture adds an absolute tolerance.
      const close = (x: number, ref: number) => Math.abs(x - ref) <= c.atol + c.rtol * Math.abs(ref);
      expect(close(r.traceTerm, c.trace_term), 'trace term').toBe(true);
      expect(close(ml.gaussian.wasserstein2Squared(p, q), c.w2_squared), 'w2²').toBe(true);
    });
  }

  for (const c of fixtures.psd_cases) {
    it(`semidefinite: ${c.name} (n = ${c.n})`, () => {
      expect(Math.abs(ml.gaussian.wasserstein2Squared(normal(c.p), normal(c.q)) - c.w2_squared)).toBeLessThanOrEqual(c.atol);
    });
  }

  for (const c of fixtures.frechet_from_samples) {
    it(`FID from samples: ${c.name}`, () => {
      expectRel(ml.gaussian.frechetFromSamples(decode(c.a) as number[][], decode(c.b) as number[][]), c.frechet, c.rtol);
    });
  }
});

// ---------------------------------------------------------------- bad input

describe('bad input: exact messages, and the module keeps working', () => {
  const g = () => ml.gaussian;
  it('messages from the C++ core arrive unchanged', () => {
    expect(errorOf(() => g().kl(P2, { mean: [0, 0], cov: [[1, 2], [2, 1]] }))).toBe(
      'gaussian.kl: cov of q is not positive definite (Cholesky failed)',
    );
    expect(errorOf(() => g().kl(P2, { mean: [0, 0], cov: [[1, 2, 3], [2, 1, 3]] }))).toBe(
      'gaussian.kl: cov of q must be square, got 2x3',
    );
    expect(errorOf(() => g().hellinger(P2, { mean: [0, 0], cov: [[1, 0.5], [0.4, 1]] }))).toBe(
      'gaussian.hellinger: cov of q is not symmetric (max |A - A^T| = 0.1, tolerance 1e-08)',
    );
    expect(errorOf(() => g().entropy({ mean: [0, 0, 0], cov: [[1, 0], [0, 1]] }))).toBe(
      'gaussian.entropy: mean of p has 3 entries but cov of p is 2x2',
    );
    expect(errorOf(() => g().compare(P2, Q3))).toBe('gaussian.compare: p and q have different dimensions (2 and 3)');
    expect(errorOf(() => g().kl({ mean: [], cov: [] }, Q2))).toBe('gaussian.kl: mean of p is empty');
    expect(errorOf(() => g().bhattacharyya({ mean: [NaN, 0], cov: Q2.cov }, Q2))).toBe(
      'gaussian.bhattacharyya: mean of p has a non-finite entry (nan) at [0]',
    );
    expect(errorOf(() => g().wasserstein2(P2, { mean: [0, 0], cov: [[1, 0], [0, Infinity]] }))).toBe(
      'gaussian.wasserstein2: cov of q has a non-finite entry (inf) at (1, 1)',
    );
    expect(errorOf(() => g().frechet(P2, { mean: [0, 0], cov: [[1, 0], [0, -1]] }))).toBe(
      'gaussian.frechet: cov of q is not positive semidefinite (smallest eigenvalue -1)',
    );
    expect(errorOf(() => g().fit([[1, 2]]))).toBe('gaussian.fit: samples has 1 row; at least 2 samples are needed');
    expect(errorOf(() => g().frechetFromSamples([[1, 2], [3, 4]], [[1], [2]]))).toBe(
      'gaussian.frechetFromSamples: a and b have different numbers of columns (2 and 1)',
    );
  });

  it('messages from the JS layer (what only JS can check)', () => {
    expect(errorOf(() => g().kl(null as never, Q2))).toBe('gaussian.kl: p must be an object {mean, cov}');
    expect(errorOf(() => g().kl(P2, { mean: [0, 0], cov: [[1, 0], [0]] }))).toBe(
      'gaussian.kl: cov of q row 1 has 1 entries, expected 2 like row 0',
    );
    expect(errorOf(() => g().kl({ mean: 'ab' as never, cov: Q2.cov }, Q2))).toBe(
      'gaussian.kl: mean of p must be an array of numbers, got string',
    );
    expect(errorOf(() => g().kl({ mean: [0, '1' as never], cov: Q2.cov }, Q2))).toBe(
      'gaussian.kl: mean of p has a non-numeric entry (string) at [1]',
    );
    expect(errorOf(() => g().kl(P2, { mean: [0, 0], cov: { rows: 2, cols: 2, data: [1, 0, 0] } }))).toBe(
      'gaussian.kl: cov of q.data has 3 entries, expected rows × cols = 4',
    );
    expect(errorOf(() => g().wasserstein2(P2, Q2, { formula: 'sqrtm' as never }))).toBe(
      `gaussian.wasserstein2: options.formula must be 'symmetric' or 'product', got "sqrtm"`,
    );
    expect(errorOf(() => g().klMonteCarlo(P2, Q2, { samples: 1.5 }))).toBe(
      'gaussian.klMonteCarlo: samples must be an integer from 2 to 100000000, got 1.5',
    );
    expect(errorOf(() => g().fit({ rows: 1e6, cols: 1e6, data: { length: 1e12 } as never }))).toBe(
      'gaussian.fit: samples.data is too large for wasm memory (1000000000000 numbers)',
    );
    const rows = Array.from({ length: 20000 }, () => new Float64Array(20000));
    expect(errorOf(() => g().fit(rows))).toBe(
      'gaussian.fit: input too large for wasm memory (800020000 numbers)',
    );
  });

  it('after 10,000 errors the module still computes correctly', () => {
    const bad = { mean: [0, 0], cov: [[1, 2], [2, 1]] };
    for (let i = 0; i < 10000; i++) expect(() => g().kl(P2, bad)).toThrow(MathLensError);
    expectRel(g().kl(P2, Q2), 1.6028315836996772, 1e-15);
    expectRel(g().compare(P3, Q3).wasserstein2, 2.6188112102401924, 1e-15);
  });

  it('init() is memoised', async () => {
    expect(await init()).toBe(ml);
  });
});
