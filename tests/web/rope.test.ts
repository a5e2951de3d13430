// The rope module through the public API on the real wasm build: the worked numbers of
// spec/MATH.md §4, the properties of §4c, the independent fixtures (tests/fixtures/gen_rope.py:
// Hugging Face's rotate_half form, Meta's complex form, HF's scaling formulas, mpmath, scipy expm),
// every input form (float32 and float64, nested arrays), and the exact error messages.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { init, MathLensError, toRows, type MathLens, type Matrix } from 'mathlens';
import { errorOf } from './errors';

let ml: MathLens;
beforeAll(async () => {
  ml = await init();
});

const EPS = 2 ** -52;
const Q = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];
const K = [-0.1, 0.05, 0.2, -0.03, 0.07, 0.11, -0.2, 0.04];

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, x, i) => s + x * b[i], 0);
const matVec = (m: Matrix, v: ArrayLike<number>) =>
  Array.from({ length: m.rows }, (_, i) => dot(m.data.subarray(i * m.cols, (i + 1) * m.cols), v));

/** Seeded normal numbers (Box–Muller on a 32-bit LCG), for inputs only. */
function randn(n: number, seed: number): Float64Array {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  return Float64Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()));
}

describe('worked numbers (MATH.md §4d)', () => {
  it('θ for d = 8, R_5 q and ⟨R_5 q, R_2 k⟩', () => {
    const t = ml.rope.frequencies(8);
    expect(t[0]).toBe(1);
    expect(maxDiff(t, [1, 0.1, 0.01, 0.001])).toBeLessThanOrEqual(1e-17);
    const q5 = ml.rope.apply([Q], { positions: [5] });
    const want = [
      0.22015107347895035, -0.0391599903736686, 0.07150455312543058, 0.4948606863374099, 0.46938762863507616,
      0.6242397408723189, 0.695991266684875, 0.8034899854375184,
    ];
    expect(maxDiff(q5.data, want)).toBeLessThan(2e-16);
    const k2 = ml.rope.apply([K], { positions: [2] });
    expect(Math.abs(dot(q5.data, k2.data) - 0.016991833351582643)).toBeLessThan(1e-16);
    expect(Math.abs(ml.rope.scores(Q, K, [-3])[0] - 0.016991833351582643)).toBeLessThan(1e-16);
    expect(Math.abs(dot(Q, matVec(ml.rope.rotationMatrix(8, -3), K)) - 0.016991833351582643)).toBeLessThan(1e-16);
  });

  it('decay curve f(0) … f(256) for d = 128', () => {
    const offsets = [0, 1, 2, 5, 10, 20, 50, 100, 200, 256];
    const want = [32.5, 31.5381661427, 28.9559884736, 20.8453577784, 17.9541371371, 15.2424301087, 12.6294524883, 10.2273299485, 7.2447707485, 6.543097323];
    const f = ml.rope.decay(128, offsets);
    expect(maxDiff(f, want)).toBeLessThan(6e-11);
    expect(f[0]).toBe(32.5);
    const g = ml.rope.decay(128, 256); // 0..256
    expect(g.length).toBe(257);
    expect(g[256]).toBe(f[9]);
  });

  it('the 2-D example: R_{2,3} v and ⟨R_{1,2} v, R_{4,−1} w⟩', () => {
    const v = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];
    const w = [0.05, -0.1, 0.025, 0.2, -0.05, 0.1, 0.15, -0.2];
    const want = [
      -0.22347416901985057, 0.007700375373139681, 0.29194053532264014, 0.4059196026746311, -0.579668253136143,
      -0.5234354939303336, 0.6756886234622949, 0.8206368771409372,
    ];
    expect(maxDiff(ml.rope.apply2d([v], [[2, 3]]).data, want)).toBeLessThanOrEqual(2.3e-16);
    expect(maxDiff(matVec(ml.rope.rotationMatrix(8, [2, 3]), v), want)).toBeLessThanOrEqual(2.3e-16);
    const s = dot(ml.rope.apply2d([v], [[1, 2]]).data, ml.rope.apply2d([w], [[4, -1]]).data);
    expect(Math.abs(s - 0.017498921908046)).toBeLessThan(1e-15);
    const map = ml.rope.scores2d(v, w, { dx: [3], dy: [-3] });
    expect(Math.abs(map.data[0] - 0.017498921908046)).toBeLessThan(1e-15);
  });
});

describe('properties (MATH.md §4c)', () => {
  it('relativity, composition, orthogonality, R_0 = I, exp(mB) = R_m in both pairings', () => {
    for (const pairing of ['interleaved', 'half'] as const)
      for (const [d, m, n] of [[8, 5, 2], [64, -37.5, 120], [128, 1000, -250]] as const) {
        const c = ml.rope.check(d, m, n, { pairing });
        const bound = 8 * EPS * (1 + Math.abs(m) + Math.abs(n));
        expect(c.relativity).toBeLessThan(bound);
        expect(c.composition).toBeLessThan(bound);
        expect(c.orthogonality).toBeLessThan(8 * EPS);
        expect(c.identity).toBe(0);
        expect(c.skew).toBe(0);
        expect(c.generator).toBeLessThan(64 * EPS * (1 + Math.abs(m)));
      }
  });

  it('the elementwise form equals the dense R_m, for integer and fractional positions, partial rotary', () => {
    const d = 16;
    const x = { rows: 40, cols: d, data: randn(40 * d, 1) };
    for (const pairing of ['interleaved', 'half'] as const)
      for (const rotaryDim of [undefined, 6]) {
        for (const positions of [Array.from({ length: 40 }, (_, t) => 5 * t - 60), Array.from({ length: 40 }, (_, t) => t / 3 - 4)]) {
          const y = ml.rope.apply(x, { positions, pairing, rotaryDim });
          for (let t = 0; t < 40; t += 7) {
            const r = ml.rope.rotationMatrix(d, positions[t], { pairing, rotaryDim });
            const want = matVec(r, x.data.subarray(t * d, (t + 1) * d));
            expect(maxDiff(y.data.subarray(t * d, (t + 1) * d), want)).toBeLessThan(32 * EPS * (1 + Math.abs(positions[t])));
          }
        }
      }
  });

  it('scores depend only on the offset', () => {
    const q = randn(32, 2);
    const k = randn(32, 3);
    for (const shift of [0, 11, -300, 4096]) {
      const a = ml.rope.apply({ rows: 1, cols: 32, data: q }, { positions: [5 + shift] });
      const b = ml.rope.apply({ rows: 1, cols: 32, data: k }, { positions: [-12 + shift] });
      expect(Math.abs(dot(a.data, b.data) - ml.rope.scores(q, k, [-17])[0])).toBeLessThan(1e-12);
    }
    const s = ml.rope.scores(q, k, 20); // offsets −20..20
    expect(s.length).toBe(41);
    expect(s[20]).toBeCloseTo(dot(q, k), 13);
  });

  it('the converted weights give identical scores; the unconverted ones do not', () => {
    const heads = 4;
    const kvHeads = 2;
    const hd = 8;
    const dm = 12;
    const wq = { rows: heads * hd, cols: dm, data: randn(heads * hd * dm, 4) };
    const wk = { rows: kvHeads * hd, cols: dm, data: randn(kvHeads * hd * dm, 5) };
    const x = { rows: 7, cols: dm, data: randn(7 * dm, 6) };
    const c = ml.rope.checkConversion(wq, wk, x, { heads, kvHeads });
    expect(c.agree).toBe(true);
    expect(c.relativeDifference).toBeLessThan(1e-14);
    expect(c.unconvertedRelativeDifference).toBeGreaterThan(0.05);
    expect(c.scores.rows).toBe(heads * 7);
    expect(maxDiff(c.convertedScores.data, c.scores.data)).toBeLessThan(1e-13 * c.maxAbsScore);
    // The permuted weight itself: rows permuted within each head, and back.
    const w2 = ml.rope.convertWeights(wq, { heads });
    const perm = ml.rope.permutation(hd);
    expect(perm).toEqual([0, 2, 4, 6, 1, 3, 5, 7]);
    expect(Array.from(w2.data.subarray(1 * dm, 2 * dm))).toEqual(Array.from(wq.data.subarray(2 * dm, 3 * dm)));
    expect(Array.from(ml.rope.convertWeights(w2, { heads, from: 'half', to: 'interleaved' }).data)).toEqual(Array.from(wq.data));
    // Float32 weights stay float32 and are permuted exactly.
    const w32 = ml.rope.convertWeights({ rows: 8, cols: 2, data: new Float32Array(Array.from({ length: 16 }, (_, i) => i + 0.5)) });
    expect(w32.data).toBeInstanceOf(Float32Array);
    expect(Array.from(w32.data.subarray(2, 4))).toEqual([4.5, 5.5]);
  });

  it('2-D: relativity in both coordinates, commuting generators, reversibility', () => {
    const c = ml.rope.checkAxial(16, [1, 2], [40, -25]);
    expect(c.relativity).toBeLessThan(1e-13);
    expect(c.commutator).toBe(0);
    expect(c.generator).toBeLessThan(1e-12);
    expect(c.reversible).toBe(true);
    expect(maxDiff(c.recovered, [40, -25])).toBeLessThan(1e-12);
    const far = ml.rope.checkAxial(8, [0, 0], [320, -2]);
    expect(far.reversible).toBe(false);
    expect(far.range[0]).toBeCloseTo(Math.PI / 0.01, 9);
    const [b1, b2] = ml.rope.generators(8, 2);
    expect(b1.data[1]).toBe(-1); // B1(0, 1)
    expect(b2.data[4 * 8 + 5]).toBe(-1); // B2(4, 5)
  });

  it("the post's 4×4 family: d = cf, e = −bf commute; a 0.1 perturbation of d gives max |[B1, B2]| = 0.1", () => {
    const base = ml.rope.generatorFamily();
    expect(base.commutes).toBe(true);
    expect(base.maxCommutator).toBe(0);
    expect(base.relativity).toBeLessThan(1e-14);
    const general = ml.rope.generatorFamily({ b: 0.3, c: -0.7, f: 1.3 }); // d, e default to the commuting values
    expect(general.commutes).toBe(true);
    expect(general.conditionD).toBe(0);
    const pert = ml.rope.generatorFamily({ d: 0.1 });
    expect(Math.abs(pert.maxCommutator - 0.1)).toBeLessThan(1e-16);
    expect(pert.commutes).toBe(false);
    expect(pert.relativity).toBeGreaterThan(0.01);
    expect(toRows(pert.b2)[3][0]).toBe(0.1);
  });

  it('flattened x·w + y treats the two neighbour directions differently; 2-D RoPE does not', () => {
    const ones = new Array(8).fill(1);
    const rope = toRows(ml.rope.scores2d(ones, ones, { dx: 1, dy: 1 }));
    const flat = toRows(ml.rope.scores2d(ones, ones, { dx: 1, dy: 1, encoding: 'flattened', width: 16 }));
    expect(Math.abs(rope[2][1] - rope[1][2])).toBeLessThan(1e-15);
    expect(Math.abs(flat[2][1] - flat[1][2])).toBeGreaterThan(0.1);
    expect(rope[1][1]).toBe(8);
  });
});

describe('input forms', () => {
  it('Float32Array in, Float32Array out (the float64 result rounded once); Float64Array and nested arrays', () => {
    const d = 32;
    const x64 = randn(50 * d, 7);
    const x32 = Float32Array.from(x64);
    const y32 = ml.rope.apply({ rows: 50, cols: d, data: x32 }, { pairing: 'half' });
    expect(y32.data).toBeInstanceOf(Float32Array);
    const y64 = ml.rope.apply({ rows: 50, cols: d, data: Float64Array.from(x32) }, { pairing: 'half' });
    expect(y64.data).toBeInstanceOf(Float64Array);
    expect(Array.from(y32.data)).toEqual(Array.from(Math.fround === undefined ? [] : y64.data, Math.fround));
    const nested = ml.rope.apply(toRows({ rows: 50, cols: d, data: Float64Array.from(x32) }), { pairing: 'half' });
    expect(Array.from(nested.data)).toEqual(Array.from(y64.data));
    // heads: two heads side by side equal each head alone
    const two = ml.rope.apply({ rows: 50, cols: d, data: x64 }, { heads: 2 });
    const left = ml.rope.apply(toRows({ rows: 50, cols: d, data: x64 }).map((r) => r.slice(0, 16)));
    for (let t = 0; t < 50; t++) expect(Array.from(two.data.subarray(t * d, t * d + 16))).toEqual(Array.from(left.data.subarray(t * 16, t * 16 + 16)));
  });

  it('out: the result is written into the given array (also in place), which must match type and size', () => {
    const d = 16;
    const x = randn(10 * d, 9);
    const want = ml.rope.apply({ rows: 10, cols: d, data: x });
    const out = new Float64Array(10 * d);
    const r = ml.rope.apply({ rows: 10, cols: d, data: x }, { out });
    expect(r.data).toBe(out);
    expect(Array.from(out)).toEqual(Array.from(want.data));
    const copy = Float64Array.from(x);
    ml.rope.apply({ rows: 10, cols: d, data: copy }, { out: copy }); // in place
    expect(Array.from(copy)).toEqual(Array.from(want.data));
    const x32 = Float32Array.from(x);
    const out32 = new Float32Array(10 * d);
    expect(ml.rope.apply({ rows: 10, cols: d, data: x32 }, { out: out32 }).data).toBe(out32);
    const o2 = new Float64Array(8);
    expect(ml.rope.apply2d([[1, 0, 1, 0, 1, 0, 1, 0]], [[1, 2]], { out: o2 }).data).toBe(o2);
    expect(errorOf(() => ml.rope.apply({ rows: 10, cols: d, data: x32 }, { out: new Float64Array(10 * d) }))).toBe(
      'rope.apply: out must be a Float32Array of 160 numbers (rows × cols of x), got a Float64Array of 160',
    );
    expect(errorOf(() => ml.rope.apply({ rows: 10, cols: d, data: x }, { out: [] as never }))).toBe(
      'rope.apply: out must be a Float64Array of 160 numbers (rows × cols of x), got an array',
    );
  });

  it('an empty batch is fine; axial accepts positions as {rows, cols, data}', () => {
    expect(ml.rope.apply({ rows: 0, cols: 8, data: new Float64Array(0) }).rows).toBe(0);
    const y = ml.rope.applyAxial([[1, 0, 1, 0, 1, 0]], { rows: 1, cols: 3, data: [0.5, -1, 2] });
    expect(Math.hypot(y.data[0], y.data[1])).toBeCloseTo(1, 15);
    expect(Math.atan2(y.data[3], y.data[2])).toBeCloseTo(-1, 15);
  });
});

describe('context scaling', () => {
  it('per-pair wavelengths and unseen angles; the warnings of common mis-settings', () => {
    const none = ml.rope.contextScaling(128, 8192, { scaling: { type: 'none', originalContext: 4096 } });
    expect(none.unseenCount).toBeGreaterThan(0);
    expect(none.warnings).toEqual([
      `the context length 8192 exceeds the original context 4096 and no scaling is set: ${none.unseenCount} of 64 frequency pairs rotate through angles never seen in training (up to 2× the trained angle)`,
    ]);
    const pi = ml.rope.contextScaling(128, 8192, { scaling: { type: 'linear', factor: 2, originalContext: 4096 } });
    expect(pi.unseenCount).toBe(0);
    expect(pi.warnings).toEqual([]);
    expect(maxDiff(pi.interpolation, new Array(64).fill(2))).toBeLessThan(1e-15);
    const dyn = ml.rope.contextScaling(128, 16384, { scaling: { type: 'dynamic', factor: 8, originalContext: 2048 } });
    expect(dyn.warnings[0]).toBe(
      'dynamic NTK scales the base as for a context 57× the original (factor 8 at 8× the original length): the factor multiplies the growth with length, so it is usually 1–2, not the target extension',
    );
    const yarn = ml.rope.contextScaling(128, 131072, { base: 1e6, scaling: { type: 'yarn', factor: 4, originalContext: 32768 } });
    expect(yarn.unseenCount).toBe(0);
    expect(yarn.attentionFactor).toBeCloseTo(0.1 * Math.log(4) + 1, 15);
    expect(yarn.interpolation[0]).toBeCloseTo(1, 15);
    expect(yarn.interpolation[63]).toBeCloseTo(4, 13);
    expect(yarn.unseen).toHaveLength(64);
  });

  it('YaRN multiplies the rotated dims by its attention factor; attentionFactor overrides it', () => {
    const s = { type: 'yarn' as const, factor: 8, originalContext: 2048 };
    const y = ml.rope.apply([[1, 0, 0, 0]], { positions: [0], scaling: s });
    expect(y.data[0]).toBeCloseTo(0.1 * Math.log(8) + 1, 15);
    expect(ml.rope.apply([[1, 0, 0, 0]], { positions: [0], scaling: { ...s, attentionFactor: 1 } }).data[0]).toBe(1);
  });
});

// ---------------------------------------------------------------- fixtures from numpy / scipy / mpmath

type Encoded = number[] | number[][] | { shape: number[]; b64: string };
function decode(e: Encoded): { rows: number; cols: number; data: Float64Array } {
  if (Array.isArray(e)) {
    if (e.length && Array.isArray(e[0])) {
      const rows = e as number[][];
      return { rows: rows.length, cols: rows[0].length, data: Float64Array.from(rows.flat()) };
    }
    return { rows: e.length, cols: 1, data: Float64Array.from(e as number[]) };
  }
  const bytes = Buffer.from(e.b64, 'base64');
  const data = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return { rows: e.shape[0], cols: e.shape[1] ?? 1, data };
}

const fixtures = JSON.parse(readFileSync(new URL('../fixtures/rope.json', import.meta.url), 'utf8'));

describe('fixtures (independent: transformers rotate_half, Meta complex form, HF scaling, mpmath, scipy expm)', () => {
  it('has the cases', () => {
    expect(fixtures.apply.length).toBeGreaterThanOrEqual(16);
    expect(fixtures.axial.length).toBeGreaterThanOrEqual(12);
    expect(fixtures.scaling.length).toBeGreaterThanOrEqual(8);
  });

  for (const c of fixtures.apply)
    it(`apply: ${c.name} (${c.reference})`, () => {
      const x = decode(c.x);
      const y = ml.rope.apply(x, {
        pairing: c.pairing,
        heads: c.heads,
        rotaryDim: c.rotary_dim || undefined,
        base: c.base,
        positions: c.positions === null ? undefined : decode(c.positions).data,
      });
      expect(maxDiff(y.data, decode(c.expected).data)).toBeLessThanOrEqual(c.atol);
      if (c.mp_expected) expect(maxDiff(y.data, decode(c.mp_expected).data)).toBeLessThanOrEqual(c.atol);
    });

  for (const c of fixtures.float32)
    it(`float32: ${c.name}`, () => {
      const x = decode(c.x);
      const y = ml.rope.apply({ rows: x.rows, cols: x.cols, data: Float32Array.from(x.data) }, { pairing: c.pairing });
      const want = decode(c.expected32).data;
      for (let i = 0; i < want.length; i++) {
        const ulp = Math.abs(Math.fround(want[i] * (1 + 2 ** -23)) - want[i]) || 2 ** -149;
        expect(Math.abs(y.data[i] - want[i])).toBeLessThanOrEqual(ulp);
      }
    });

  for (const c of fixtures.scaling)
    it(`scaling: ${c.name}`, () => {
      const scaling = {
        type: c.type,
        factor: c.factor,
        originalContext: c.originalContext,
        length: c.length,
        betaFast: c.betaFast,
        betaSlow: c.betaSlow,
        truncate: c.truncate,
        attentionFactor: c.attentionFactor,
        lowFreqFactor: c.lowFreqFactor,
        highFreqFactor: c.highFreqFactor,
      };
      const theta = ml.rope.frequencies(c.dim, { base: c.base, scaling });
      const want = decode(c.theta).data;
      for (let i = 0; i < want.length; i++) expect(Math.abs(theta[i] - want[i])).toBeLessThanOrEqual(c.rtol * want[i]);
    });

  it('yarn applied (HF multiplies cos and sin by the attention factor)', () => {
    const c = fixtures.yarn_apply;
    const y = ml.rope.apply(decode(c.x), {
      pairing: 'half',
      base: c.base,
      positions: decode(c.positions).data,
      scaling: { type: 'yarn', factor: c.factor, originalContext: c.originalContext },
    });
    expect(maxDiff(y.data, decode(c.expected).data)).toBeLessThanOrEqual(c.atol);
  });

  for (const c of fixtures.context)
    it(`context: ${c.name}`, () => {
      const r = ml.rope.contextScaling(c.dim, c.L, {
        base: c.base,
        scaling: { type: c.type, factor: c.factor, originalContext: c.originalContext },
      });
      const wl = decode(c.wavelength).data;
      for (let i = 0; i < wl.length; i++) expect(Math.abs(r.wavelength[i] - wl[i])).toBeLessThanOrEqual(64 * EPS * wl[i]);
      expect(r.unseen).toEqual(c.unseen);
      expect(r.unseenCount).toBe(c.unseen_count);
    });

  it('decay (numpy and mpmath)', () => {
    const d = fixtures.decay;
    const f = ml.rope.decay(d.dim, d.offsets);
    const want = d.numpy;
    for (let i = 0; i < want.length; i++) expect(Math.abs(f[i] - want[i])).toBeLessThanOrEqual(1e-12 * want[i]);
    const fm = ml.rope.decay(d.dim, d.mp_offsets);
    for (let i = 0; i < fm.length; i++) expect(Math.abs(fm[i] - d.mpmath[i])).toBeLessThanOrEqual(1e-13 * fm[i]);
  });

  for (const c of fixtures.axial)
    it(`axial: ${c.name}`, () => {
      const pos = decode(c.positions);
      const x = decode(c.x);
      const opts = { pairing: c.pairing, frequencies: c.frequencies };
      const y = c.axes === 2 ? ml.rope.apply2d(x, pos, opts) : ml.rope.applyAxial(x, pos, opts);
      expect(maxDiff(y.data, decode(c.expected).data)).toBeLessThanOrEqual(c.atol);
    });

  it("conversion: HF's convert_llama_weights_to_hf permute, and the scores before/after", () => {
    const c = fixtures.conversion;
    const wq = decode(c.wq);
    const wk = decode(c.wk);
    expect(Array.from(ml.rope.convertWeights(wq, { heads: c.heads }).data)).toEqual(Array.from(decode(c.wq_half).data));
    expect(ml.rope.permutation(c.head_dim)).toEqual(c.permutation);
    const r = ml.rope.checkConversion(wq, wk, decode(c.x), { heads: c.heads, kvHeads: c.kv_heads });
    expect(maxDiff(r.scores.data, decode(c.scores).data)).toBeLessThanOrEqual(c.atol);
    expect(maxDiff(r.unconvertedScores.data, decode(c.unconverted_scores).data)).toBeLessThanOrEqual(c.atol);
    expect(r.unconvertedRelativeDifference).toBeCloseTo(c.unconverted_relative_difference, 12);
  });

  it('R_m against scipy expm(mB); scores and 2-D maps; the 4×4 family against scipy', () => {
    for (const m of fixtures.matrices) {
      const r = ml.rope.rotationMatrix(m.dim, m.position, { pairing: m.pairing });
      expect(maxDiff(r.data, decode(m.rotation_expm).data)).toBeLessThanOrEqual(m.atol);
    }
    const s = fixtures.scores;
    expect(maxDiff(ml.rope.scores(s.q, s.k, s.offsets), s.scores)).toBeLessThanOrEqual(s.atol);
    for (const [encoding, key] of [['rope2d', 'rope2d'], ['flattened', 'flattened'], ['sum', 'sum']] as const) {
      const map = ml.rope.scores2d(s.q2, s.k2, { dx: s.d, dy: s.d, encoding, width: s.width });
      expect(maxDiff(map.data, decode(s[key]).data)).toBeLessThanOrEqual(s.atol);
    }
    for (const f of fixtures.family) {
      const r = ml.rope.generatorFamily({ b: f.b, c: f.c, d: f.d, e: f.e, f: f.f });
      expect(maxDiff(r.commutator.data, decode(f.commutator).data)).toBeLessThanOrEqual(1e-15);
      expect(maxDiff(r.rotationTo.data, decode(f.rotation_to).data)).toBeLessThanOrEqual(1e-14);
      expect(Math.abs(r.relativity - f.relativity)).toBeLessThanOrEqual(1e-13);
    }
  });
});

// ---------------------------------------------------------------- bad input

describe('bad input: exact messages, and the module keeps working', () => {
  const rope = () => ml.rope;
  it('messages from the C++ core arrive unchanged (issue item 5)', () => {
    expect(errorOf(() => rope().apply([[1, 2, 3]]))).toBe(
      'rope.apply: x has 3 columns; the dimension must be a positive even number (RoPE rotates pairs)',
    );
    expect(errorOf(() => rope().apply([[1, 2, 3, 4]], { rotaryDim: 6 }))).toBe(
      'rope.apply: rotaryDim must be an even integer from 2 to 4 (the head dimension), got 6',
    );
    expect(errorOf(() => rope().apply([[1, 2, 3, 4]], { rotaryDim: 3 }))).toBe(
      'rope.apply: rotaryDim must be an even integer from 2 to 4 (the head dimension), got 3',
    );
    expect(errorOf(() => rope().apply2d([[1, 2, 3, 4, 5, 6]], [[1, 2]]))).toBe(
      'rope.apply2d: the head dimension must be a multiple of 4 for 2-D RoPE (two halves of even size), got 6',
    );
    expect(errorOf(() => rope().apply([[1, 2]], { base: 1 }))).toBe('rope.apply: base must be a finite number greater than 1, got 1');
    expect(errorOf(() => rope().apply([[1, 2]], { base: 0.5 }))).toBe('rope.apply: base must be a finite number greater than 1, got 0.5');
    expect(errorOf(() => rope().apply([[1, 2], [3, 4]], { positions: [0, NaN] }))).toBe(
      'rope.apply: positions has a non-finite entry (nan) at [1]',
    );
    expect(errorOf(() => rope().apply([[1, 2], [3, Infinity]]))).toBe('rope.apply: x has a non-finite entry (inf) at (1, 1)');
    expect(errorOf(() => rope().apply({ rows: 1, cols: 2, data: new Float32Array([NaN, 1]) }))).toBe(
      'rope.apply: x has a non-finite entry (nan) at (0, 0)',
    );
    expect(errorOf(() => rope().apply({ rows: 1, cols: 2, data: new Float32Array([3e38, 0]) }))).toBe(
      'rope.apply: x has entries up to 3e+38 in magnitude; rotated they could exceed the largest float32',
    );
    expect(ml.rope.convertWeights({ rows: 4, cols: 1, data: new Float32Array([3e38, 1, 2, 3]) }).data[1]).toBe(2); // a permutation cannot overflow
    expect(errorOf(() => rope().apply2d([[1, 2, 3, 4]], [[1, -Infinity]]))).toBe(
      'rope.apply2d: positions has a non-finite entry (-inf) at (0, 1)',
    );
    expect(errorOf(() => rope().frequencies(7))).toBe('rope.frequencies: dim must be an even integer from 2 to 1048576, got 7');
    expect(errorOf(() => rope().check(8, 1, 2, { scaling: { type: 'yarn', factor: 4 } }))).toBe(
      "rope.check: scaling.originalContext must be a positive number (the trained context length) for 'yarn', got 0",
    );
    expect(errorOf(() => rope().convertWeights([[1], [2], [3]], { heads: 1 }))).toBe(
      'rope.convertWeights: w has 3 rows = 1 heads × 3; the head dimension must be an even number up to 1048576',
    );
    expect(errorOf(() => rope().decay(2 ** 20, 1000000))).toBe('rope.decay: offsets × dim/2 = 5.24e+11 terms; at most 1e+08 per call');
    expect(errorOf(() => rope().contextScaling(64, 4096, { scaling: { type: 'linear', factor: 2 } }))).toBe(
      'rope.contextScaling: scaling.originalContext must be a positive number (the trained context length), got 0',
    );
  });

  it('length mismatches and what only JS can check', () => {
    expect(errorOf(() => rope().apply([[1, 2], [3, 4]], { positions: [0, 1, 2] }))).toBe(
      'rope.apply: positions has 3 entries but x has 2 rows',
    );
    expect(errorOf(() => rope().apply2d([[1, 2, 3, 4]], [[1, 2], [3, 4]]))).toBe('rope.apply2d: positions has 2 rows but x has 1 rows');
    expect(errorOf(() => rope().apply2d([[1, 2, 3, 4]], [[1, 2, 3]]))).toBe('rope.apply2d: positions must have 2 columns (x, y), got 3');
    expect(errorOf(() => rope().scores([1, 2], [1, 2, 3, 4], [0]))).toBe('rope.scores: q and k must have the same length, got 2 and 4');
    expect(errorOf(() => rope().checkAxial(8, [1, 2], [1, 2, 3]))).toBe(
      'rope.checkAxial: p1 and p2 must have the same number of coordinates, got 2 and 3',
    );
    expect(errorOf(() => rope().apply(undefined as never))).toBe(
      'rope.apply: x must be a matrix (array of rows or {rows, cols, data}), got undefined',
    );
    expect(errorOf(() => rope().apply(null as never))).toBe('rope.apply: x must be a matrix (array of rows or {rows, cols, data}), got null');
    expect(errorOf(() => rope().apply('abc' as never))).toBe('rope.apply: x must be a matrix (array of rows or {rows, cols, data}), got string');
    expect(errorOf(() => rope().apply([[1, '2' as never]]))).toBe('rope.apply: x has a non-numeric entry (string) at (0, 1)');
    expect(errorOf(() => rope().apply([[1, 2]], { pairing: 'neox' as never }))).toBe(
      `rope.apply: pairing must be 'interleaved' (RoFormer, GPT-J, Meta LLaMA) or 'half' (GPT-NeoX, Hugging Face LLaMA), got "neox"`,
    );
    expect(errorOf(() => rope().apply([[1, 2]], { rotary_dim: 2 } as never))).toBe(
      'rope.apply: unknown option "rotary_dim" (expected one of base, pairing, rotaryDim, scaling, positions, heads, out)',
    );
    expect(errorOf(() => rope().apply([[1, 2]], 'half' as never))).toBe('rope.apply: options must be an object, got "half"');
    expect(errorOf(() => rope().apply([[1, 2]], { base: '10000' as never }))).toBe('rope.apply: base must be a number, got "10000"');
    expect(errorOf(() => rope().apply([[1, 2]], { heads: 1.5 }))).toBe('rope.apply: heads must be an integer, got 1.5');
    expect(errorOf(() => rope().apply([[1, 2]], { positions: 'abc' as never }))).toBe(
      'rope.apply: positions must be an array of numbers, got string',
    );
    expect(errorOf(() => rope().apply([[1, 2]], { scaling: { factor: 2 } as never }))).toBe(
      `rope.apply: scaling.type is required ('none', 'linear', 'ntk', 'dynamic', 'yarn', 'llama3')`,
    );
    expect(errorOf(() => rope().apply([[1, 2]], { scaling: { type: 'ntk-aware' as never } }))).toBe(
      `rope.apply: scaling.type must be 'none', 'linear', 'ntk', 'dynamic', 'yarn', 'llama3', got "ntk-aware"`,
    );
    expect(errorOf(() => rope().apply([[1, 2]], { scaling: { type: 'yarn', original_max_position_embeddings: 4096 } as never }))).toBe(
      'rope.apply: unknown option "original_max_position_embeddings" in scaling (expected one of type, factor, originalContext, length, betaFast, betaSlow, truncate, attentionFactor, lowFreqFactor, highFreqFactor)',
    );
    expect(errorOf(() => rope().frequencies(undefined as never))).toBe('rope.frequencies: dim must be an integer, got undefined');
    expect(errorOf(() => rope().frequencies(NaN))).toBe('rope.frequencies: dim must be an integer, got NaN');
    expect(errorOf(() => rope().frequencies('8' as never))).toBe('rope.frequencies: dim must be an integer, got "8"');
    expect(errorOf(() => rope().rotationMatrix(8, '3' as never))).toBe('rope.rotationMatrix: position must be an array of numbers, got string');
    expect(errorOf(() => rope().rotationMatrix(8, NaN))).toBe('rope.rotationMatrix: position must be a finite number, got nan');
    expect(errorOf(() => rope().check(8, null as never, 2))).toBe('rope.check: m must be a number, got null');
    expect(errorOf(() => rope().decay(8, -1))).toBe('rope.decay: offsets as a number must be an integer from 0 to 1000000, got -1');
    expect(errorOf(() => rope().generatorFamily({ b: 'x' as never }))).toBe('rope.generatorFamily: b must be a number, got "x"');
    expect(errorOf(() => rope().generatorFamily({}, { from: [1] }))).toBe('rope.generatorFamily: points.from must have 2 coordinates (x, y), got 1');
    expect(errorOf(() => rope().scores2d([1, 2, 3, 4], [1, 2, 3, 4], { encoding: 'flat' as never }))).toBe(
      `rope.scores2d: encoding must be 'rope2d', 'flattened', 'sum', got "flat"`,
    );
    expect(errorOf(() => rope().scores2d([1, 2, 3, 4], [1, 2, 3, 4], { encoding: 'flattened' }))).toBe(
      'rope.scores2d: width must be a number ≥ 1 (the grid width of the flattened index x·w + y), got nan',
    );
    expect(errorOf(() => rope().contextScaling(64, 4096, undefined as never))).toBe(
      'rope.contextScaling: scaling is required: { type, factor, originalContext } (type \'none\' is allowed)',
    );
  });

  it('after 10,000 errors the module still computes correctly', () => {
    for (let i = 0; i < 10000; i++) expect(() => rope().apply([[1, 2, 3]])).toThrow(MathLensError);
    expect(Math.abs(rope().scores(Q, K, [-3])[0] - 0.016991833351582643)).toBeLessThan(1e-16);
  });
});
