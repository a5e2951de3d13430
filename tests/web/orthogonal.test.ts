// The orthogonal module through the public API on the real wasm build: the worked numbers of
// spec/MATH.md §3, properties, apply() up to d = 10⁶ (Float64Array and Float32Array), the
// independent fixtures (tests/fixtures/gen_orthogonal.py: mpmath at 60 digits), every input form,
// and the exact error messages of both layers.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { init, MathLensError, toRows, type MathLens, type Matrix, type OrthogonalConstruction } from 'mathlens';
import { errorOf } from './errors';

let ml: MathLens;
beforeAll(async () => {
  ml = await init();
});

const EPS = 2 ** -52;
const ALL: OrthogonalConstruction[] = ['rotation', 'householder', 'simplest'];

function maxDiff(m: Matrix, want: number[][], scale = 1): number {
  const r = toRows(m);
  let worst = 0;
  for (let i = 0; i < want.length; i++)
    for (let j = 0; j < want[i].length; j++) worst = Math.max(worst, Math.abs(r[i][j] - want[i][j] / scale));
  return worst;
}
function matVec(m: Matrix, x: ArrayLike<number>, transpose = false): Float64Array {
  const y = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) {
    let s = 0;
    for (let j = 0; j < m.cols; j++) s += (transpose ? m.data[j * m.cols + i] : m.data[i * m.cols + j]) * x[j];
    y[i] = s;
  }
  return y;
}
const norm = (x: ArrayLike<number>) => Math.sqrt(Array.from(x).reduce((s, v) => s + v * v, 0));
const dist = (x: ArrayLike<number>, y: ArrayLike<number>) => norm(Array.from(x, (v, i) => v - y[i]));

describe('worked numbers (MATH.md §3d)', () => {
  it('2-D: a = (1, 0), b = (0.6, 0.8)', () => {
    const a = [1, 0];
    const b = [0.6, 0.8];
    expect(maxDiff(ml.orthogonal.minimalRotation(a, b), [[0.6, -0.8], [0.8, 0.6]])).toBeLessThan(2 * EPS);
    expect(maxDiff(ml.orthogonal.householder(a, b), [[0.6, 0.8], [0.8, -0.6]])).toBeLessThan(2 * EPS);
    expect(maxDiff(ml.orthogonal.simplest(a, b), [[0.6, 0.8], [0.8, -0.6]])).toBeLessThan(2 * EPS);
  });

  it('3-D exact rationals: a = (1,2,2)/3, b = (2,−1,2)/3', () => {
    const a = [1, 2, 2];
    const b = [2, -1, 2];
    const rot = [[88, 77, -4], [-53, 56, -88], [-56, 68, 77]];
    expect(maxDiff(ml.orthogonal.minimalRotation(a, b), rot, 117)).toBeLessThan(3 * EPS);
    expect(maxDiff(ml.orthogonal.matrix(a, b), rot, 117)).toBeLessThan(3 * EPS);
    expect(maxDiff(ml.orthogonal.householder(a, b), [[0.8, 0.6, 0], [0.6, -0.8, 0], [0, 0, 1]])).toBeLessThan(3 * EPS);
    const simplest = [[-4, 3, 12], [3, -12, 4], [12, 4, 3]];
    expect(maxDiff(ml.orthogonal.simplest(a, b), simplest, 13)).toBeLessThan(3 * EPS);
    expect(maxDiff(ml.orthogonal.matrix(a, b, { construction: 'simplest' }), simplest, 13)).toBeLessThan(3 * EPS);
    const r = ml.orthogonal.report(a, b);
    expect(Math.abs(r.cosine - 4 / 9)).toBeLessThan(EPS);
    expect(Math.abs(r.trace - (1 + 8 / 9))).toBeLessThan(4 * EPS);
    expect(Math.abs(r.determinant - 1)).toBeLessThan(4 * EPS);
    expect(r.normA).toBe(3);
    expect(r.normB).toBe(3);
  });

  it('a = −b: the spec’s plane u = (2,−1,0)/√5 as the fallback, and the default axis', () => {
    const a = [1, 2, 2];
    const b = [-1, -2, -2];
    const want = [[-37, 16, -20], [16, -13, -40], [-20, -40, 5]];
    expect(maxDiff(ml.orthogonal.minimalRotation(a, b, { fallback: [2, -1, 0] }), want, 45)).toBeLessThan(3 * EPS);
    expect(Math.abs(-37 / 45 - -0.8222222222222222)).toBeLessThan(1e-15);
    const r = ml.orthogonal.report(a, b);
    expect(r.degenerate).toBe(true);
    expect(r.fallbackAxis).toBe(0);
    expect(maxDiff(r.matrix, [[-1, 0, 0], [0, 0, -1], [0, -1, 0]])).toBeLessThan(3 * EPS);
    expect(r.sensitivity).toBe(Infinity);
    expect(r.angle).toBe(Math.PI);
    expect(r.warnings).toEqual([
      'b = -a: every rotation by pi in a plane containing a maps a to b; this one turns the plane of a and the coordinate axis with index 0 (the one least aligned with a; options.fallback chooses another)',
    ]);
  });

  it('the post’s 5-D check: T_S·a = 0.464420364013·b', () => {
    const a = [1, 2, 3, 4, 5];
    const b = [9, 8, 7, 6, 5];
    const t = ml.orthogonal.simplest(a, b);
    const ta = matVec(t, a);
    for (let i = 0; i < 5; i++) expect(Math.abs(ta[i] / b[i] - 0.464420364013)).toBeLessThan(5e-13);
    const row0 = [-0.7293162581181842, 0.29867192057902026, 0.32666009927622475, 0.35464827797342924, 0.38263645667063373];
    for (let j = 0; j < 5; j++) expect(Math.abs(t.data[j] - row0[j])).toBeLessThanOrEqual(2 * EPS);
    const y = ml.orthogonal.apply(a, b, a, { construction: 'simplest' });
    for (let i = 0; i < 5; i++) expect(Math.abs(y[i] / b[i] - Math.sqrt(55 / 255))).toBeLessThan(4 * EPS);
  });
});

describe('properties (MATH.md §3c)', () => {
  it('orthogonal, T a = b, det signs, symmetric involutions, in d = 2 … 12', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
    for (let d = 2; d <= 12; d++) {
      const a = Array.from({ length: d }, rnd);
      const b = Array.from({ length: d }, rnd);
      for (const construction of ALL) {
        const r = ml.orthogonal.report(a, b, { construction });
        expect(r.construction).toBe(construction);
        expect(r.orthogonalityError).toBeLessThan(8 * d * EPS);
        expect(r.residual).toBeLessThan(8 * EPS);
        expect(r.inverseResidual).toBeLessThan(8 * EPS);
        const want = construction === 'rotation' ? 1 : construction === 'householder' ? -1 : d % 2 === 1 ? 1 : -1;
        expect(r.expectedDeterminant).toBe(want);
        expect(Math.abs(r.determinant - want)).toBeLessThan(32 * d * EPS);
        if (construction !== 'rotation') {
          const t = toRows(r.matrix);
          for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) expect(t[i][j]).toBe(t[j][i]); // exactly symmetric
        } else expect(Math.abs(r.trace - (d - 2 + 2 * r.cosine))).toBeLessThan(8 * d * EPS);
        expect(r.warnings).toEqual([]);
      }
    }
  });

  it('apply() = matrix · x, inverse = Tᵀ x, and batches row by row', () => {
    const a = [0.3, -1.2, 2.5, 0.7];
    const b = [1, 1, -0.5, 2];
    const x = [0.25, -3, 1.5, 4];
    const rows = [x, [1, 0, 0, 0], [-2, 0.5, 0.125, 9]];
    for (const construction of ALL) {
      const t = ml.orthogonal.matrix(a, b, { construction });
      expect(dist(ml.orthogonal.apply(a, b, x, { construction }), matVec(t, x))).toBeLessThan(16 * EPS * norm(x));
      expect(dist(ml.orthogonal.apply(a, b, x, { construction, inverse: true }), matVec(t, x, true))).toBeLessThan(16 * EPS * norm(x));
      const batch = ml.orthogonal.apply(a, b, rows, { construction });
      expect([batch.rows, batch.cols]).toEqual([3, 4]);
      const flat = ml.orthogonal.apply(a, b, { rows: 3, cols: 4, data: new Float64Array(rows.flat()) }, { construction });
      expect(Array.from(flat.data)).toEqual(Array.from(batch.data));
      rows.forEach((row, i) => expect(dist(batch.data.subarray(4 * i, 4 * i + 4), matVec(t, row))).toBeLessThan(16 * EPS * norm(row)));
    }
    const empty = ml.orthogonal.apply(a, b, { rows: 0, cols: 4, data: [] });
    expect([empty.rows, empty.cols, empty.data.length]).toEqual([0, 4, 0]);
  });

  it('accepts typed arrays for a, b, x and the fallback', () => {
    const t1 = ml.orthogonal.matrix([1, 2, 2], [2, -1, 2]);
    const t2 = ml.orthogonal.matrix(new Float32Array([1, 2, 2]), new Float64Array([2, -1, 2]));
    expect(Array.from(t2.data)).toEqual(Array.from(t1.data));
    const y = ml.orthogonal.apply([1, 2, 2], [2, -1, 2], new Float32Array([1, 2, 2]));
    expect(y).toBeInstanceOf(Float64Array);
    expect(dist(y, [2, -1, 2])).toBeLessThan(8 * EPS);
    const f = ml.orthogonal.minimalRotation([1, 2, 2], [-1, -2, -2], { fallback: new Int8Array([2, -1, 0]) });
    expect(maxDiff(f, [[-37, 16, -20], [16, -13, -40], [-20, -40, 5]], 45)).toBeLessThan(3 * EPS);
  });
});

describe('apply() at d = 10⁶ without forming T', () => {
  const d = 1_000_000;
  const a = new Float64Array(d);
  const b = new Float64Array(d);
  const x = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    a[i] = Math.sin(0.37 * i) + 0.01;
    b[i] = Math.cos(0.11 * i) * (1 + (i % 7));
    x[i] = Math.sin(1.3 * i + 0.5);
  }
  /** The closed forms in O(d) in plain JS (reference; its own rounding error is ~1e-13 relative). */
  function reference(construction: OrthogonalConstruction, xs: ArrayLike<number>): Float64Array {
    const na = norm(a);
    const nb = norm(b);
    let c = 0;
    let ax = 0;
    let bx = 0;
    for (let i = 0; i < d; i++) {
      c += (a[i] / na) * (b[i] / nb);
      ax += (a[i] / na) * xs[i];
      bx += (b[i] / nb) * xs[i];
    }
    const y = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      const ai = a[i] / na;
      const bi = b[i] / nb;
      if (construction === 'rotation') y[i] = xs[i] + 2 * bi * ax - ((ai + bi) * (ax + bx)) / (1 + c);
      else if (construction === 'householder') y[i] = xs[i] - (2 * (ai - bi) * (ax - bx)) / (2 - 2 * c);
      else y[i] = ((ai + bi) * (ax + bx)) / (1 + c) - xs[i];
    }
    return y;
  }

  it('Float64Array: matches the closed forms, keeps the norm, maps â to b̂', () => {
    const nx = norm(x);
    for (const construction of ALL) {
      const y = ml.orthogonal.apply(a, b, x, { construction });
      expect(y.length).toBe(d);
      expect(dist(y, reference(construction, x))).toBeLessThan(1e-12 * nx);
      expect(Math.abs(norm(y) / nx - 1)).toBeLessThan(1e-13);
      const back = ml.orthogonal.apply(a, b, y, { construction, inverse: true });
      expect(dist(back, x)).toBeLessThan(1e-13 * nx);
    }
    const y = ml.orthogonal.apply(a, b, a);
    const na = norm(a);
    const nb = norm(b);
    expect(dist(y, Array.from(b, (v) => (v / nb) * na))).toBeLessThan(1e-13 * na);
  });

  it('Float32Array input is computed in double precision', () => {
    const x32 = Float32Array.from(x);
    const y = ml.orthogonal.apply(a, b, x32, { construction: 'householder' });
    expect(dist(y, reference('householder', x32))).toBeLessThan(1e-12 * norm(x32));
  });

  it('a d = 10⁶ matrix is refused with a pointer to apply()', () => {
    expect(errorOf(() => ml.orthogonal.matrix(a, b))).toBe(
      'orthogonal.matrix: a 1000000 × 1000000 matrix does not fit in wasm memory (d at most 12000); apply() maps vectors in O(d) without forming it',
    );
  });
});

// ---------------------------------------------------------------- fixtures from mpmath

type Encoded = number[] | number[][] | { rows: number; cols: number; b64: string };
function decode(m: Encoded): number[] | number[][] | { rows: number; cols: number; data: Float64Array } {
  if (Array.isArray(m)) return m;
  const bytes = Buffer.from(m.b64, 'base64');
  const data = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return m.rows === 1 ? Array.from(data) : { rows: m.rows, cols: m.cols, data };
}
const flat = (m: ReturnType<typeof decode>): number[] =>
  Array.isArray(m) ? (m as (number | number[])[]).flat() : Array.from(m.data);
const maxAbs = (x: number[], y: number[]) => x.reduce((w, v, i) => Math.max(w, Math.abs(v - y[i])), 0);

const fixtures = JSON.parse(readFileSync(new URL('../fixtures/orthogonal.json', import.meta.url), 'utf8'));

describe('fixtures (the closed forms in mpmath at 60 digits)', () => {
  it('has the cases', () => expect(fixtures.cases.length).toBeGreaterThanOrEqual(25));
  for (const c of fixtures.cases) {
    it(`${c.name} (d = ${c.d})`, () => {
      const a = decode(c.a) as number[];
      const b = decode(c.b) as number[];
      const fallback = c.fallback ? (decode(c.fallback) as number[]) : undefined;
      for (const construction of ALL) {
        const m = c.maps[construction];
        const opts = fallback ? { construction, fallback } : { construction };
        if (m.matrix) {
          const r = ml.orthogonal.report(a, b, opts);
          expect(maxAbs(Array.from(r.matrix.data), flat(decode(m.matrix))), construction).toBeLessThanOrEqual(m.tol);
          expect(r.degenerate).toBe(c.degenerate);
          expect(r.expectedDeterminant).toBe(m.det);
          expect(Math.abs(r.angle - c.angle)).toBeLessThanOrEqual(4 * EPS);
          if (c.fallback_axis !== undefined) expect(r.fallbackAxis).toBe(c.fallback_axis);
        }
        c.x.forEach((xe: Encoded, k: number) => {
          const x = decode(xe) as number[];
          const tol = m.tol * norm(x);
          expect(maxAbs(Array.from(ml.orthogonal.apply(a, b, x, opts)), decode(m.apply[k]) as number[])).toBeLessThanOrEqual(tol);
          expect(
            maxAbs(Array.from(ml.orthogonal.apply(a, b, x, { ...opts, inverse: true })), decode(m.apply_transpose[k]) as number[]),
          ).toBeLessThanOrEqual(tol);
        });
        if (c.batch) {
          const batch = decode(c.batch) as number[][] | { rows: number; cols: number; data: Float64Array };
          const y = ml.orthogonal.apply(a, b, batch, opts);
          const values = flat(batch);
          let scale = 0;
          for (let i = 0; i < y.rows; i++) scale = Math.max(scale, norm(values.slice(i * y.cols, (i + 1) * y.cols)));
          expect(maxAbs(Array.from(y.data), flat(decode(m.batch)))).toBeLessThanOrEqual(m.tol * scale);
        }
      }
    });
  }
});

// ---------------------------------------------------------------- bad input

describe('bad input: exact messages, and the module keeps working', () => {
  const o = () => ml.orthogonal;
  const a = [1, 2, 2];
  const b = [2, -1, 2];
  it('messages from the C++ core arrive unchanged', () => {
    expect(errorOf(() => o().matrix([], b))).toBe('orthogonal.matrix: a is empty');
    expect(errorOf(() => o().matrix([1], [2]))).toBe('orthogonal.matrix: a must have at least 2 entries, got 1');
    expect(errorOf(() => o().householder(a, [1, 2]))).toBe('orthogonal.householder: a and b have different lengths (3 and 2)');
    expect(errorOf(() => o().simplest([NaN, 1, 0], b))).toBe('orthogonal.simplest: a has a non-finite entry (nan) at [0]');
    expect(errorOf(() => o().report(a, [0, -Infinity, 1]))).toBe('orthogonal.report: b has a non-finite entry (-inf) at [1]');
    expect(errorOf(() => o().minimalRotation([0, 0, 0], b))).toBe('orthogonal.minimalRotation: a is the zero vector');
    expect(errorOf(() => o().apply(a, [0, 0, 0], a))).toBe('orthogonal.apply: b is the zero vector');
    expect(errorOf(() => o().apply(a, b, [1, 2]))).toBe('orthogonal.apply: x has 2 entries but a has 3');
    expect(errorOf(() => o().apply(a, b, [[1, 2, 3, 4]]))).toBe('orthogonal.apply: x has 4 columns but a has 3 entries');
    expect(errorOf(() => o().apply(a, b, [1, Infinity, 2]))).toBe('orthogonal.apply: x has a non-finite entry (inf) at [1]');
    expect(errorOf(() => o().apply(a, b, [[1, 2, 3], [4, NaN, 6]]))).toBe('orthogonal.apply: x has a non-finite entry (nan) at (1, 1)');
    expect(errorOf(() => o().matrix(a, b, { fallback: [1, 2] }))).toBe('orthogonal.matrix: options.fallback has 2 entries but a has 3');
    expect(errorOf(() => o().matrix(a, b, { fallback: [-2, -4, -4] }))).toBe('orthogonal.matrix: options.fallback is parallel to a');
    expect(errorOf(() => o().matrix(a, b, { fallback: [0, 0, 0] }))).toBe('orthogonal.matrix: options.fallback is the zero vector');
  });

  it('messages from the JS layer: wrong types never escape as TypeError', () => {
    expect(errorOf(() => o().matrix(undefined as never, b))).toBe('orthogonal.matrix: a must be an array of numbers, got undefined');
    expect(errorOf(() => o().householder(a, null as never))).toBe('orthogonal.householder: b must be an array of numbers, got null');
    expect(errorOf(() => o().simplest('abc' as never, b))).toBe('orthogonal.simplest: a must be an array of numbers, got string');
    expect(errorOf(() => o().report({ x: 1 } as never, b))).toBe('orthogonal.report: a must be an array of numbers, got object');
    expect(errorOf(() => o().report(a, [1, '2', 3] as never))).toBe('orthogonal.report: b has a non-numeric entry (string) at [1]');
    expect(errorOf(() => o().apply(a, b, undefined as never))).toBe('orthogonal.apply: x must be an array of numbers, got undefined');
    expect(errorOf(() => o().apply(a, b, [[1, 2, 3], [4, 5]]))).toBe('orthogonal.apply: x row 1 has 2 entries, expected 3 like row 0');
    expect(errorOf(() => o().apply(a, b, { rows: 2, cols: 3, data: [1, 2, 3] }))).toBe(
      'orthogonal.apply: x.data has 3 entries, expected rows × cols = 6',
    );
    expect(errorOf(() => o().matrix(a, b, { construction: 'reflection' as never }))).toBe(
      `orthogonal.matrix: options.construction must be 'rotation', 'householder' or 'simplest', got "reflection"`,
    );
    expect(errorOf(() => o().matrix(a, b, { construction: 2 as never }))).toBe(
      `orthogonal.matrix: options.construction must be 'rotation', 'householder' or 'simplest', got 2`,
    );
    expect(errorOf(() => o().matrix(a, b, { constructon: 'rotation' } as never))).toBe(
      'orthogonal.matrix: unknown option "constructon" (expected one of construction, fallback)',
    );
    expect(errorOf(() => o().minimalRotation(a, b, { construction: 'householder' } as never))).toBe(
      'orthogonal.minimalRotation: unknown option "construction" (expected one of fallback)',
    );
    expect(errorOf(() => o().apply(a, b, a, { inverse: 'yes' as never }))).toBe(
      'orthogonal.apply: options.inverse must be true or false, got "yes"',
    );
    expect(errorOf(() => o().apply(a, b, a, 'rotation' as never))).toBe('orthogonal.apply: options must be an object, got "rotation"');
    expect(errorOf(() => o().report(a, b, null as never))).toBe('orthogonal.report: options must be an object, got null');
    expect(errorOf(() => o().matrix(a, b, { fallback: 'x' as never }))).toBe(
      'orthogonal.matrix: options.fallback must be an array of numbers, got string',
    );
    expect(errorOf(() => o().report(new Float64Array(20000), new Float64Array(20000)))).toBe(
      'orthogonal.report: a 20000 × 20000 matrix does not fit in wasm memory (d at most 12000); apply() maps vectors in O(d) without forming it',
    );
  });

  it('after 10,000 errors the module still computes correctly', () => {
    for (let i = 0; i < 10000; i++) expect(() => o().apply(a, [0, 0, 0], a)).toThrow(MathLensError);
    expect(maxDiff(o().minimalRotation(a, b), [[88, 77, -4], [-53, 56, -88], [-56, 68, 77]], 117)).toBeLessThan(3 * EPS);
  });
});
