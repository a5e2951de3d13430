// The attention module through the public API on the real wasm build: the worked example of
// spec/MATH.md §5 (d), the property tests of §5 (c), the independent fixtures
// (tests/fixtures/gen_attention.py: numpy, mpmath), every input form, large sizes, and the exact
// error messages of both layers.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { init, MathLensError, toRows, type AttentionResult, type Matrix, type MathLens } from 'mathlens';
import { errorOf } from './errors';

let ml: MathLens;
beforeAll(async () => {
  ml = await init();
});

const fixtures = JSON.parse(readFileSync(new URL('../fixtures/attention.json', import.meta.url), 'utf8'));

const Q = [[1, 0], [0, 1], [1, 1], [-1, 0], [0, -1], [2, 1]];
const K = [[1, 1], [2, 0], [0, -1], [-1, 2], [1, -2], [0, 0]];
const V = [[1, 0], [0, 1], [1, 1], [2, -1], [-1, 3], [0.5, 0.5]];
const NYSTROM = [
  [0.14715233491316937, 1.0975761361416283], [1.4811179806451271, -0.4782767439270194],
  [0.8013237686497208, 0.19772096822705917], [1.4926501711994768, -0.3181915765372021],
  [-1.2261659305926393, 3.075533187596998], [0.7138924604227139, 0.24363942493645457],
];
const EXACT = [
  [0.1471523349131694, 1.0975761361416285], [1.4455304765454884, -0.4056262203005159],
  [0.6928823735509163, 0.3453743357128424], [1.2410264874498365, 0.003701983604961226],
  [-0.28010067126783583, 2.081599083468573], [0.281268107452887, 0.736257222329799],
];
const AINV = [
  [5.31221800322409, -2.522028871088913, -1.7901891321351766],
  [1.8261405821583991, 2.1253823185690703, -2.951522900727469],
  [-15.111905243841958, 6.073700791499217, 10.03820445234274],
];

/** max |x − ref| / max(1, max |ref|). */
function relDiff(x: Matrix | number[][], ref: number[][]): number {
  const rows = Array.isArray(x) ? x : toRows(x);
  expect(rows.length).toBe(ref.length);
  let diff = 0;
  let scale = 1;
  ref.forEach((r, i) => {
    expect(rows[i].length).toBe(r.length);
    r.forEach((y, j) => {
      diff = Math.max(diff, Math.abs(rows[i][j] - y));
      scale = Math.max(scale, Math.abs(y));
    });
  });
  return diff / scale;
}

const rowSums = (m: Matrix) => toRows(m).map((r) => r.reduce((s, x) => s + x, 0));

describe('worked example (MATH.md §5 d: no scaling, n = 6, d = 2, m = 3)', () => {
  it('landmarks are segment means', () => {
    expect(toRows(ml.attention.landmarks(Q, 3))).toEqual([[0.5, 0.5], [0, 0.5], [1, 0]]);
    expect(toRows(ml.attention.landmarks(K, 3))).toEqual([[1.5, 0.5], [-0.5, 0.5], [0.5, -1]]);
  });

  it('exact attention', () => {
    const r = ml.attention.exact(Q, K, V, { scale: false, errors: true });
    expect(relDiff(r.output, EXACT)).toBeLessThan(4e-16);
    expect(r.errors?.rowSumDeviation).toBeLessThan(1e-15);
    expect(r.matrix).toBeNull();
  });

  it('Nyström with the exact inverse; row 0 (q₀ = q̃₂) equals exact attention; rows sum to 1', () => {
    const r = ml.attention.nystrom(Q, K, V, { scale: false, landmarks: 3, pinv: 'svd', errors: true, matrix: true });
    expect(relDiff(r.output, NYSTROM)).toBeLessThan(22.45 * 4e-16);
    expect(relDiff([[r.output.data[0], r.output.data[1]]], [EXACT[0]])).toBeLessThan(1e-14);
    expect(r.errors!.rowSumDeviation).toBeLessThan(1e-14);
    expect(Math.max(...rowSums(r.matrix!).map((s) => Math.abs(s - 1)))).toBeLessThan(1e-14);
    expect(r.kernelRank).toEqual([3]);
    expect(r.kernelCondition![0]).toBeCloseTo(22.4460547295745, 10);
    expect(r.pinvResidual[0]).toBeLessThan(1e-14);
    expect(r.initScale).toBeNull();
    expect(r.warnings).toEqual([]);
    const flat = (rows: number[][]) => rows.flat();
    const diff = flat(NYSTROM).map((x, i) => x - flat(EXACT)[i]);
    expect(r.errors!.outputMaxAbs).toBeCloseTo(Math.max(...diff.map(Math.abs)), 14);
  });

  it('the 6-iteration pseudo-inverse: row 0 = (0.16161…, 1.07463…), max |V₆ − A⁻¹| = 2.80, and a warning', () => {
    const r = ml.attention.nystrom(Q, K, V, { scale: false, landmarks: 3 });
    expect(Math.abs(r.output.data[0] - 0.1616176249193817)).toBeLessThan(1e-14);
    expect(Math.abs(r.output.data[1] - 1.0746339201473112)).toBeLessThan(1e-14);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/^the iterative pseudo-inverse has not converged after 6 iterations \(Moore–Penrose residual /);
    expect(r.pinvResidual[0]).toBeGreaterThan(0.1);
    const a = fixtures.worked.A as number[][];
    const v6 = ml.attention.pinv(a, { iterations: 6 });
    const maxDiff = Math.max(...toRows(v6.inverse).flatMap((row, i) => row.map((x, j) => Math.abs(x - AINV[i][j]))));
    expect(maxDiff).toBeCloseTo(2.8, 2);
    expect(relDiff(ml.attention.pinv(a, { iterations: 10 }).inverse, AINV)).toBeLessThan(1e-13);
    const ten = ml.attention.nystrom(Q, K, V, { scale: false, landmarks: 3, iterations: 10 });
    expect(relDiff(ten.output, NYSTROM)).toBeLessThan(1e-13);
    expect(ten.warnings).toEqual([]);
  });

  it('the SVD pseudo-inverse of A', () => {
    const p = ml.attention.pinv(fixtures.worked.A, { method: 'svd' });
    expect(relDiff(p.inverse, AINV)).toBeLessThan(22.45 * 4e-16);
    expect(p.rank).toBe(3);
    expect(p.condition).toBeCloseTo(22.4460547295745, 10);
    expect(p.residual).toBeLessThan(1e-14);
    expect(p.penrose).toBeLessThan(1e-15);
  });
});

describe('properties (MATH.md §5 c)', () => {
  it('m = n gives exact attention', () => {
    const x = ml.attention.sampleInputs(32, 8, { dv: 5, seed: 11 });
    const r = ml.attention.nystrom(x.q, x.k, x.v, { landmarks: 32, pinv: 'svd', errors: true });
    expect(r.errors!.matrixMaxAbs).toBeLessThan(1e-12);
    expect(r.errors!.outputRelativeFrobenius).toBeLessThan(1e-12);
  });

  it('rows of the Nyström approximation sum to 1; entries may be negative', () => {
    const x = ml.attention.sampleInputs(100, 16, { dv: 4, seed: 2 });
    const r = ml.attention.nystrom(x.q, x.k, x.v, { landmarks: 10, pinv: 'svd', errors: true, matrix: true });
    expect(r.errors!.rowSumDeviation).toBeLessThan(1e-12 * r.kernelCondition![0]);
    expect(Math.min(...r.matrix!.data)).toBeLessThan(0);
  });

  it('a query equal to a landmark reproduces its exact row', () => {
    const x = ml.attention.sampleInputs(16, 4, { dv: 3, seed: 21 });
    const q = toRows(x.q);
    q[7] = q[6].slice(); // segment 3 of 8 is rows 6, 7: now q₆ = q̃₃
    const ny = ml.attention.nystrom(q, x.k, x.v, { landmarks: 8, pinv: 'svd', matrix: true });
    const ex = ml.attention.exact(q, x.k, x.v, { matrix: true });
    const rowOf = (m: Matrix, i: number) => [Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols))];
    expect(relDiff(rowOf(ny.matrix!, 6), rowOf(ex.matrix!, 6))).toBeLessThan(1e-13);
    expect(relDiff(rowOf(ny.output, 7), rowOf(ex.output, 7))).toBeLessThan(1e-13);
  });

  it('the pseudo-inverse error recursion E_{k+1} = ¼E_k³(3I + E_k)', () => {
    const a = ml.attention.exact(ml.attention.sampleInputs(12, 12, { seed: 31 }).q, ml.attention.sampleInputs(12, 12, { seed: 32 }).q,
      [[1], [1], [1], [1], [1], [1], [1], [1], [1], [1], [1], [1]], { matrix: true, scale: 1 }).matrix!;
    const A = toRows(a);
    const mul = (x: number[][], y: number[][]) => x.map((r) => y[0].map((_, j) => r.reduce((s, v, t) => s + v * y[t][j], 0)));
    const I = A.map((r, i) => r.map((_, j) => (i === j ? 1 : 0)));
    const E = (k: number) => {
      const av = mul(A, toRows(ml.attention.pinv(A, { iterations: k }).inverse));
      return I.map((r, i) => r.map((x, j) => x - av[i][j]));
    };
    for (let k = 0; k < 6; k++) {
      const e = E(k);
      const e3 = mul(mul(e, e), e);
      const predicted = mul(e3, I.map((r, i) => r.map((x, j) => 3 * x + e[i][j]))).map((r) => r.map((x) => x / 4));
      expect(relDiff(E(k + 1), predicted)).toBeLessThan(1e-13);
    }
  });

  it('linear attention rows sum to 1 (also causal)', () => {
    const x = ml.attention.sampleInputs(200, 8, { dv: 4, seed: 5 });
    for (const causal of [false, true]) {
      const r = ml.attention.linear(x.q, x.k, x.v, { causal, errors: true, matrix: true });
      expect(r.errors!.rowSumDeviation).toBeLessThan(1e-14);
      expect(Math.max(...rowSums(r.matrix!).map((s) => Math.abs(s - 1)))).toBeLessThan(1e-14);
    }
  });

  it('Performer error shrinks with more features, on average over seeds', () => {
    const x = ml.attention.sampleInputs(64, 8, { dv: 4, seed: 9 });
    const half = (m: Matrix) => ({ ...m, data: m.data.map((y) => 0.5 * y) });
    const mean = [8, 32, 128, 512].map((features) => {
      let s = 0;
      for (let seed = 1; seed <= 12; seed++)
        s += ml.attention.performer(half(x.q), half(x.k), x.v, { features, seed, errors: true }).errors!.matrixRelativeFrobenius;
      return s / 12;
    });
    for (let i = 1; i < mean.length; i++) expect(mean[i]).toBeLessThan(mean[i - 1]);
    expect(mean[3] / mean[0]).toBeLessThan(0.25); // ~1/√m: 64× the features, ~⅛ of the error
  });

  it('a seed gives the same features and outputs every time; orthogonal blocks are orthogonal', () => {
    const w = ml.attention.randomFeatures(8, 4, { seed: 3 });
    expect(ml.attention.randomFeatures(8, 4, { seed: 3 }).data).toEqual(w.data);
    const rows = toRows(w);
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < i; j++) expect(Math.abs(rows[i].reduce((s, x, t) => s + x * rows[j][t], 0))).toBeLessThan(1e-13);
    const x = ml.attention.sampleInputs(20, 4, { seed: 1 });
    const a = ml.attention.performer(x.q, x.k, x.v, { features: 16, seed: 5 });
    const b = ml.attention.performer(x.q, x.k, x.v, { projection: ml.attention.randomFeatures(16, 4, { seed: 5 }) });
    expect(b.output.data).toEqual(a.output.data);
  });

  it('clustered inputs: nearly block-diagonal attention that segment means capture well', () => {
    const c = ml.attention.sampleInputs(256, 16, { dv: 8, structure: 'clustered', seed: 3 });
    const r = ml.attention.sampleInputs(256, 16, { dv: 8, seed: 3 });
    const err = (x: typeof c) => ml.attention.nystrom(x.q, x.k, x.v, { landmarks: 8, pinv: 'svd', errors: true }).errors!;
    expect(err(c).outputRelativeFrobenius).toBeLessThan(0.5 * err(r).outputRelativeFrobenius);
  });
});

describe('fixtures (independent numpy / mpmath implementation)', () => {
  it('has the cases', () => {
    expect(fixtures.cases.length).toBeGreaterThanOrEqual(20);
  });
  for (const c of fixtures.cases as {
    kind: 'exact' | 'linear' | 'performer' | 'nystrom';
    name: string;
    q: number[][];
    k: number[][];
    v: number[][];
    options: Record<string, unknown>;
    output: number[][];
    matrix?: number[][];
    errors?: Record<string, number>;
    pinvResidual?: number[];
    rtol: number;
  }[])
    it(`${c.kind}: ${c.name}`, () => {
      const r: AttentionResult = (ml.attention[c.kind] as (...a: unknown[]) => AttentionResult)(c.q, c.k, c.v, {
        ...c.options,
        errors: true,
        matrix: true,
      });
      expect(relDiff(r.output, c.output)).toBeLessThan(c.rtol);
      if (c.matrix) expect(relDiff(r.matrix!, c.matrix)).toBeLessThan(c.rtol);
      if (c.errors)
        for (const [key, want] of Object.entries(c.errors)) {
          const got = r.errors![key as keyof typeof r.errors & string] as number;
          if (want < 1e-9) expect(got, key).toBeLessThan(1e-9);
          else expect(Math.abs(got - want), key).toBeLessThanOrEqual(1e-9 * want);
        }
      if (c.pinvResidual) {
        const got = (r as unknown as { pinvResidual: number[] }).pinvResidual;
        c.pinvResidual.forEach((want, h) => {
          if (want < 1e-8) expect(got[h]).toBeLessThan(1e-8);
          else expect(Math.abs(got[h] - want)).toBeLessThanOrEqual(1e-9 * want);
        });
      }
    });

  it('landmarks, random features (the documented generator) and generated inputs', () => {
    for (const c of fixtures.landmarks)
      expect(relDiff(ml.attention.landmarks(c.x, c.m, { segments: c.segments }), c.result)).toBeLessThan(4e-16);
    for (const c of fixtures.randomFeatures)
      expect(relDiff(ml.attention.randomFeatures(c.features, c.d, { seed: c.seed, orthogonal: c.orthogonal }), c.result)).toBeLessThan(1e-14);
    for (const c of fixtures.sampleInputs) {
      const x = ml.attention.sampleInputs(c.n, c.d, { dv: c.dv, structure: c.structure, seed: c.seed, clusters: c.clusters });
      expect(relDiff(x.q, c.q)).toBeLessThan(1e-15);
      expect(relDiff(x.k, c.k)).toBeLessThan(1e-15);
      expect(relDiff(x.v, c.v)).toBeLessThan(1e-15);
    }
  });

  it('the worked example at 50 digits', () => {
    const w = fixtures.worked;
    expect(relDiff(ml.attention.nystrom(w.q, w.k, w.v, { scale: false, landmarks: 3, pinv: 'svd' }).output, w.nystrom)).toBeLessThan(1e-14);
    expect(relDiff(ml.attention.exact(w.q, w.k, w.v, { scale: false }).output, w.exact)).toBeLessThan(4e-16);
  });
});

describe('input forms and sizes', () => {
  it('nested arrays, typed-array rows, {rows, cols, data} with Float64Array or Float32Array give the same result', () => {
    const x = ml.attention.sampleInputs(40, 6, { seed: 8 });
    const f32 = (m: Matrix) => ({ rows: m.rows, cols: m.cols, data: Float32Array.from(m.data) });
    const asF64 = (m: Matrix) => ({ rows: m.rows, cols: m.cols, data: Float64Array.from(Float32Array.from(m.data)) });
    const ref = ml.attention.nystrom(asF64(x.q), asF64(x.k), asF64(x.v), { landmarks: 5 }).output.data;
    expect(ml.attention.nystrom(f32(x.q), f32(x.k), f32(x.v), { landmarks: 5 }).output.data).toEqual(ref);
    const nested = (m: Matrix) => toRows(asF64(m));
    expect(ml.attention.nystrom(nested(x.q), nested(x.k), nested(x.v), { landmarks: 5 }).output.data).toEqual(ref);
    const typedRows = (m: Matrix) => nested(m).map((r) => Float64Array.from(r));
    expect(ml.attention.nystrom(typedRows(x.q), typedRows(x.k), typedRows(x.v), { landmarks: 5 }).output.data).toEqual(ref);
  });

  it('heads split the columns: 2 heads = two single-head runs side by side', () => {
    const x = ml.attention.sampleInputs(30, 8, { dv: 6, seed: 4 });
    const cols = (m: Matrix, a: number, b: number) => toRows(m).map((r) => r.slice(a, b));
    const two = toRows(ml.attention.exact(x.q, x.k, x.v, { heads: 2, causal: true }).output);
    for (const h of [0, 1]) {
      const one = toRows(ml.attention.exact(cols(x.q, 4 * h, 4 * h + 4), cols(x.k, 4 * h, 4 * h + 4), cols(x.v, 3 * h, 3 * h + 3), { causal: true }).output);
      expect(relDiff(two.map((r) => r.slice(3 * h, 3 * h + 3)), one)).toBe(0);
    }
  });

  it('n = 8192, d = 128 in wasm: every kernel, without an n×n matrix', () => {
    const x = ml.attention.sampleInputs(8192, 128, { seed: 2 });
    const finite = (r: AttentionResult) => r.output.data.every(Number.isFinite);
    expect(finite(ml.attention.nystrom(x.q, x.k, x.v, { landmarks: 64 }))).toBe(true);
    expect(finite(ml.attention.linear(x.q, x.k, x.v, { causal: true }))).toBe(true);
    expect(finite(ml.attention.performer(x.q, x.k, x.v, { features: 128 }))).toBe(true);
    const ex = ml.attention.exact(x.q, x.k, x.v);
    expect(ex.output.rows).toBe(8192);
    expect(finite(ex)).toBe(true);
  }, 60000);
});

describe('bad input: exact messages, and the module keeps working', () => {
  const a = () => ml.attention;
  it('messages from the C++ core arrive unchanged', () => {
    expect(errorOf(() => a().exact([], K, V))).toBe('attention.exact: q is empty');
    expect(errorOf(() => a().exact(Q, [[1, 2, 3]], V))).toBe('attention.exact: q and k have different numbers of columns (2 and 3)');
    expect(errorOf(() => a().linear(Q, K, V.slice(1)))).toBe('attention.linear: k and v have different numbers of rows (6 and 5)');
    expect(errorOf(() => a().exact(Q, K, V, { heads: 3 }))).toBe('attention.exact: heads (3) must divide the columns of q and k (2)');
    expect(errorOf(() => a().nystrom(Q, K, V, { landmarks: 7 }))).toBe('attention.nystrom: landmarks (7) exceeds the sequence length (n = 6)');
    expect(errorOf(() => a().nystrom(Q, K, V, { landmarks: 4, segments: 'exact' }))).toBe(
      "attention.nystrom: landmarks (4) must divide n (6) with segments 'exact' (the authors' code); use segments 'balanced' or 'pad'",
    );
    expect(errorOf(() => a().nystrom(Q, K, V, { causal: true }))).toBe(
      'attention.nystrom: causal masking is not supported (segment-mean landmarks mix future tokens into every query)',
    );
    expect(errorOf(() => a().exact(Q, K.slice(1), V.slice(1), { causal: true }))).toBe(
      'attention.exact: causal masking needs as many queries as keys (q has 6 rows, k has 5)',
    );
    const nan = Q.map((r) => r.slice());
    nan[3][1] = NaN;
    expect(errorOf(() => a().performer(nan, K, V))).toBe('attention.performer: q has a non-finite entry (nan) at (3, 1)');
    expect(errorOf(() => a().nystrom(Q, K, [[Infinity, 0], ...V.slice(1)]))).toBe('attention.nystrom: v has a non-finite entry (inf) at (0, 0)');
    expect(errorOf(() => a().exact([[1e200]], [[1e200]], [[1]]))).toBe(
      'attention.exact: the logits q·kᵀ overflow double precision; scale q and k down (or pass a smaller scale)',
    );
    expect(errorOf(() => a().performer(Q, K, V, { projection: [[1, 2, 3]] }))).toBe(
      'attention.performer: projection must be a features×2 matrix (head size 2 columns), got 1x3',
    );
    const tall = { rows: 5000, cols: 1, data: new Float64Array(5000) };
    expect(errorOf(() => a().exact(tall, tall, tall, { matrix: true }))).toBe(
      'attention.exact: matrix: the attention matrix would have 2.5e+07 entries (heads·n·N); at most 16777216 are returned (the errors option compares large n without forming it)',
    );
    const long = { rows: 4000, cols: 2, data: new Float64Array(8000) };
    expect(errorOf(() => a().performer(long, long, long, { features: 1048576 }))).toBe(
      'attention.performer: features = 1048576 needs about 125 GB of working memory; at most 2 GB',
    );
    expect(errorOf(() => a().pinv([[1, 2, 3]]))).toBe('attention.pinv: a must be square, got 1x3');
    expect(errorOf(() => a().landmarks(Q, 7))).toBe('attention.landmarks: m must be an integer from 1 to the number of rows (6), got 7');
    expect(errorOf(() => a().sampleInputs(10, 4, { structure: 'clustered', clusters: 11 }))).toBe(
      'attention.sampleInputs: clusters must be an integer from 1 to n (10), got 11',
    );
  });

  it('messages from the JS layer: any wrong type is a MathLensError, never a TypeError', () => {
    expect(errorOf(() => a().exact(undefined as never, K, V))).toBe(
      'attention.exact: q must be a matrix (array of rows or {rows, cols, data}), got undefined',
    );
    expect(errorOf(() => a().exact(Q, null as never, V))).toBe('attention.exact: k must be a matrix (array of rows or {rows, cols, data}), got null');
    expect(errorOf(() => a().linear(Q, K, 'abc' as never))).toBe(
      'attention.linear: v must be a matrix (array of rows or {rows, cols, data}), got string',
    );
    expect(errorOf(() => a().exact(Q, K, [[1, 0], [0]]))).toBe('attention.exact: v row 1 has 1 entries, expected 2 like row 0');
    expect(errorOf(() => a().exact(Q, [[1, '2' as never]], V))).toBe('attention.exact: k has a non-numeric entry (string) at (0, 1)');
    expect(errorOf(() => a().exact(Q, K, V, 'fast' as never))).toBe('attention.exact: options must be an object, got "fast"');
    expect(errorOf(() => a().exact(Q, K, V, { heds: 2 } as never))).toBe(
      'attention.exact: unknown option "heds" (expected one of heads, scale, causal, errors, matrix)',
    );
    expect(errorOf(() => a().exact(Q, K, V, { heads: 1.5 }))).toBe('attention.exact: heads must be an integer from 1 to 4096, got 1.5');
    expect(errorOf(() => a().exact(Q, K, V, { scale: NaN }))).toBe(
      'attention.exact: scale must be true (1/√head size), false (1) or a positive number, got NaN',
    );
    expect(errorOf(() => a().exact(Q, K, V, { scale: -Infinity }))).toBe(
      'attention.exact: scale must be true (1/√head size), false (1) or a positive number, got -Infinity',
    );
    expect(errorOf(() => a().linear(Q, K, V, { causal: 'yes' as never }))).toBe('attention.linear: causal must be true or false, got "yes"');
    expect(errorOf(() => a().performer(Q, K, V, { features: 0 }))).toBe('attention.performer: features must be an integer from 1 to 1048576, got 0');
    expect(errorOf(() => a().performer(Q, K, V, { seed: -1 }))).toBe(
      'attention.performer: seed must be an integer from 0 to 9007199254740991, got -1',
    );
    expect(errorOf(() => a().performer(Q, K, V, { projection: [] }))).toBe(
      'attention.performer: projection must have at least one row (one random feature)',
    );
    expect(errorOf(() => a().nystrom(Q, K, V, { pinv: 'qr' as never }))).toBe(
      `attention.nystrom: pinv must be 'iterative' or 'svd', got "qr"`,
    );
    expect(errorOf(() => a().nystrom(Q, K, V, { init: {} as never }))).toBe(
      `attention.nystrom: init must be 'original' or 'per-matrix', got an object`,
    );
    expect(errorOf(() => a().nystrom(Q, K, V, { segments: null as never }))).toBe(
      `attention.nystrom: segments must be 'balanced' or 'pad' or 'exact', got null`,
    );
    expect(errorOf(() => a().nystrom(Q, K, V, { landmarks: 0 }))).toBe(
      'attention.nystrom: landmarks must be an integer from 1 to 2147483647, got 0',
    );
    expect(errorOf(() => a().nystrom(Q, K, V, { iterations: 1001 }))).toBe(
      'attention.nystrom: iterations must be an integer from 0 to 1000, got 1001',
    );
    expect(errorOf(() => a().pinv(Q, { c: -1 }))).toBe('attention.pinv: c must be a positive number, got -1');
    expect(errorOf(() => a().landmarks(Q, Infinity))).toBe('attention.landmarks: m must be an integer from 1 to 2147483647, got Infinity');
    expect(errorOf(() => a().randomFeatures(8, undefined as never))).toBe(
      'attention.randomFeatures: d must be an integer from 1 to 65536, got undefined',
    );
    expect(errorOf(() => a().sampleInputs(10, 4, { structure: 'blocks' as never }))).toBe(
      `attention.sampleInputs: structure must be 'random' or 'clustered', got "blocks"`,
    );
    expect(errorOf(() => a().exact({ rows: 1e6, cols: 1e6, data: { length: 1e12 } as never }, K, V))).toBe(
      'attention.exact: q.data is too large for wasm memory (1000000000000 numbers)',
    );
  });

  it('after 10,000 errors the module still computes correctly', () => {
    for (let i = 0; i < 10000; i++) expect(() => a().nystrom(Q, K, V, { landmarks: 7 })).toThrow(MathLensError);
    expect(relDiff(a().nystrom(Q, K, V, { scale: false, landmarks: 3, pinv: 'svd' }).output, NYSTROM)).toBeLessThan(1e-14);
  });
});
