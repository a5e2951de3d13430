// The repetition module through the public API on the real wasm build: the worked numbers of
// spec/MATH.md §6, the independent fixtures (tests/fixtures/gen_repetition.py), every input form,
// text models, progress callbacks, and the exact error messages of both layers.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { init, MathLensError, toRows, type MathLens, type RepetitionAnalysis } from 'mathlens';
import { errorOf } from './errors';

let ml: MathLens;
beforeAll(async () => {
  ml = await init();
});

const P3 = [
  [0.5, 0.3, 0.1],
  [0.2, 0.2, 0.5],
  [0.4, 0.4, 0.1],
];

function expectRel(actual: number | null | undefined, expected: number, rtol: number, what = '') {
  expect(actual, what).not.toBeNull();
  expect(actual, what).not.toBeUndefined();
  expect(Math.abs((actual as number) - expected), what).toBeLessThanOrEqual(rtol * Math.max(Math.abs(expected), 1e-300));
}

const bound = (a: RepetitionAnalysis, name: string) => a.lowerBounds.find((b) => b.name === name)!;

describe('worked numbers (MATH.md §6 d)', () => {
  it('R, Tr(S^k), eigenvalues, ρ and the bounds', () => {
    const a = ml.repetition.analyze(P3);
    expect(a.n).toBe(3);
    expectRel(a.rate, 0.512720388821962, 1e-14, 'R');
    [0.3, 0.1546, 0.037062, 0.01421138].forEach((t, k) => expectRel(a.traces[k], t, 1e-14, `Tr S^${k + 1}`));
    expect(a.eigenvalues).not.toBeNull();
    const re = Array.from(a.eigenvalues!.re);
    expect(re[0]).toBeCloseTo(0.340198837339, 12);
    expect(re[1]).toBeCloseTo(-0.158042845137, 12);
    expect(re[2]).toBeCloseTo(0.117844007798, 12);
    expect(Array.from(a.eigenvalues!.im)).toEqual([0, 0, 0]);
    expectRel(a.spectralRadius, 0.340198837339473, 1e-13, 'rho');
    expect(a.spectralRadiusBracket[0]).toBeLessThanOrEqual(a.spectralRadius);
    expect(a.spectralRadiusBracket[1]).toBeGreaterThanOrEqual(a.spectralRadius);
    expectRel(a.upperBound, 1.5468243613015855, 1e-13, 'n rho/(1 - rho)');
    expectRel(a.dominantTerm, 0.5156081204338618, 1e-13, 'rho/(1 - rho)');
    [0.35, 0.33, 0.33].forEach((s, i) => expectRel(a.rowSumsS[i], s, 1e-15));
    expectRel(a.perronBracket[0], 0.33, 1e-15);
    expectRel(a.perronBracket[1], 0.35, 1e-15);
    expectRel(bound(a, 'power').value, 0.3296757831039277, 1e-14, 'power');
    expectRel(bound(a, 'per-node').value, 0.419271424807312, 1e-14, 'per-node');
    // R with its bracket: the best rigorous lower bound and the upper bound.
    expectRel(a.rateBracket[0], 0.419271424807312, 1e-14);
    expect(a.rateBracket[1]).toBe(a.upperBound);
    expect(a.rateBracket[0]).toBeLessThan(a.rate);
    // Closed form = truncated series = Σλ/(1−λ).
    expectRel(a.partialSums[a.partialSums.length - 1], a.rate, 1e-14, 'series');
    expectRel(a.rateFromEigenvalues, a.rate, 1e-14, 'eigenvalues');
    expect(a.diagnostics.warnings).toEqual([]);
    expect(a.divergent).toBe(false);
    expect(a.cycles).toEqual([]);
  });

  it('the rigorous bounds are labelled rigorous and the ζ-based ones heuristic', () => {
    const a = ml.repetition.analyze(P3);
    const kinds = Object.fromEntries(a.lowerBounds.map((b) => [b.name, b.kind]));
    expect(kinds).toEqual({
      count: 'rigorous',
      power: 'rigorous',
      'per-node': 'rigorous',
      'per-node-count': 'rigorous',
      zeta: 'heuristic',
      'zeta-per-node': 'heuristic',
    });
    for (const b of a.lowerBounds) expect(b.converged, b.name).toBe(true);
  });

  it("Fu et al.'s ARP, Theorem 1's closed form and bound", () => {
    const p = ml.repetition.analyze(P3).paper!;
    expect(p.kind).toBe('paper');
    expect(p.theorem1Applies).toBe(true);
    expectRel(p.arp, 0.40041869650590484, 1e-14);
    expectRel(p.nuclearNorm, 0.9186798039524593, 1e-14);
    expectRel(p.sigmaMin, 2.183460103981443, 1e-14);
    expectRel(p.bound, 0.4207449461876071, 1e-14);
    expectRel(p.arpSeries.value, p.arp, 1e-14);
    expect(p.arpSeries.converged).toBe(true);
  });

  it('decoding: top-2, temperature, uniform rows, greedy divergence with its cycle', () => {
    const r = ml.repetition;
    expectRel(r.rate(P3, { topK: 2 }), 1.1409523809523812, 1e-14, 'top-2');
    const a2 = r.analyze(P3, { topK: 2 });
    expectRel(a2.spectralRadius, 0.5388190699209314, 1e-13);
    expectRel(a2.zeta, 2 / 3, 1e-15);
    expectRel(r.rate(P3, { temperature: 0.5 }), 1.3045654574307783, 2e-15, 't = 0.5');
    expectRel(r.rate(P3, { temperature: 2 }), 0.3120081325452374, 1e-14, 't = 2');
    expectRel(r.rate([[0.3, 0.3, 0.3], [0.3, 0.3, 0.3], [0.3, 0.3, 0.3]]), 0.3698630136986301, 1e-15, 'uniform');
    const g = r.analyze(P3, { greedy: true });
    expect(g.rate).toBe(Infinity);
    expect(g.divergent).toBe(true);
    expect(g.cycles).toEqual([[0]]);
    expect(g.spectralRadius).toBe(1);
    expect(g.upperBound).toBe(Infinity);
    expect(r.rate(P3, { topK: 1 })).toBe(Infinity);
    expect(toRows(r.transform(P3, { greedy: true }).block)).toEqual([
      [1, 0, 0],
      [0, 0, 1],
      [1, 0, 0],
    ]);
  });
});

describe('transform, sweep, input forms', () => {
  it('transform returns block, EOS and full rows', () => {
    const t = ml.repetition.transform(P3, { topP: 0.8 });
    expect(t.n).toBe(3);
    expect(t.full.rows).toBe(3);
    expect(t.full.cols).toBe(4);
    expectRel(t.block.data[0], 0.625, 1e-15);
    expectRel(t.block.data[1], 0.375, 1e-15);
    expect(Array.from(t.eos)).toEqual([0, 0, 0]);
    const plain = ml.repetition.transform(P3);
    expect(Array.from(plain.eos).map((e) => Math.round(e * 1e12) / 1e12)).toEqual([0.1, 0.1, 0.1]);
  });

  it('sweep: R falls as the temperature rises, each point equals rate()', () => {
    const ts = [0.25, 0.5, 1, 2, 4];
    const s = ml.repetition.sweep(P3, ts);
    expect(Array.from(s.temperatures)).toEqual(ts);
    for (let i = 1; i < ts.length; i++) expect(s.rates[i]).toBeLessThan(s.rates[i - 1]);
    ts.forEach((t, i) => expect(s.rates[i]).toBe(ml.repetition.rate(P3, { temperature: t })));
    expectRel(s.rates[2], 0.512720388821962, 1e-14);
    for (let i = 0; i < ts.length; i++) expect(s.rates[i]).toBeLessThanOrEqual(s.upperBounds[i]);
    const g = ml.repetition.sweep(P3, [0.5, 1], { greedy: true });
    expect(Array.from(g.rates)).toEqual([Infinity, Infinity]);
  });

  it('accepts nested arrays, typed rows, {rows, cols, data}, sparse COO and full rows with an EOS column', () => {
    const expected = ml.repetition.rate(P3);
    expect(ml.repetition.rate(P3.map((r) => new Float64Array(r)))).toBe(expected);
    expect(ml.repetition.rate({ rows: 3, cols: 3, data: new Float64Array(P3.flat()) })).toBe(expected);
    const coo = { rows: 3, cols: 3, row: [0, 0, 0, 1, 1, 1, 2, 2, 2], col: [0, 1, 2, 0, 1, 2, 0, 1, 2], value: P3.flat() };
    expect(ml.repetition.rate(coo)).toBe(expected);
    const full = P3.map((r) => [...r, 0.1]);
    expectRel(ml.repetition.rate(full), expected, 1e-15);
    // The (n+1)×(n+1) matrix of Fu et al. Definition 2.1 needs layout 'full'.
    const def21 = [...full, [0, 0, 0, 1]];
    expectRel(ml.repetition.rate(def21, { layout: 'full' }), expected, 1e-15);
  });

  it('keeps full accuracy next to divergence (mpmath: 1666666528.1177082)', () => {
    expectRel(ml.repetition.rate([[1 - 3e-10, 1e-10], [0.3, 0.3]]), 1666666528.1177082, 1e-14);
    const a = ml.repetition.analyze([[1 - 3e-10, 1e-10], [0.3, 0.3]]);
    expect(a.diagnostics.warnings[0]).toMatch(/^ρ\(S\) is within 6e-10 of 1/);
  });
});

describe('Monte Carlo check', () => {
  it('agrees with the truncated closed form within 4 standard errors and is seeded', () => {
    const a = ml.repetition.simulate(P3, { samples: 30000, seed: 3 });
    const b = ml.repetition.simulate(P3, { samples: 30000, seed: 3 });
    expect(a).toEqual(b);
    expect(ml.repetition.simulate(P3, { samples: 30000, seed: 4 }).estimate).not.toBe(a.estimate);
    expect(a.samples).toBe(30000);
    expect(a.truncatedRate).not.toBeNull();
    expect(a.tailBound).toBeLessThan(1e-6);
    expect(Math.abs(a.estimate - a.truncatedRate!)).toBeLessThan(4 * a.standardError);
    expectRel(a.truncatedRate!, 0.512720388821962, 1e-5);
    [0.3, 0.1546, 0.037062].forEach((t, k) => expect(Math.abs(a.traceEstimates[k] - t)).toBeLessThan(4 * a.traceStandardErrors[k]));
    const t2 = ml.repetition.simulate(P3, { samples: 30000, topK: 2, maxK: 30 });
    expect(t2.maxK).toBe(30);
    expect(Math.abs(t2.estimate - t2.truncatedRate!)).toBeLessThan(4 * t2.standardError);
  });
});

describe('text models', () => {
  const zh = '我们今天去北京大学看看。北京大学很大，我们看了很久。今天天气很好！';

  it('bigram counts with add-k smoothing', () => {
    const m = ml.repetition.bigram([0, 1, 0, -1, 1, 1], 2);
    expect(toRows(m)[0]).toEqual([0, 0.5, 0.5]);
    const s = toRows(ml.repetition.bigram([0, 1, 0, -1, 1, 1], 3, { smoothing: 1 }));
    expectRel(s[0][1], 2 / 6, 1e-15);
    expectRel(s[2][3], 0.25, 1e-15);
  });

  it('character and word level (Intl.Segmenter) from a Chinese text', () => {
    const c = ml.repetition.fromText(zh, { level: 'char' });
    const w = ml.repetition.fromText(zh, { level: 'word' });
    expect(c.tokenizer).toBe('segmenter');
    expect(c.sentences).toBe(3);
    expect(w.vocabulary).toContain('北京');
    expect(w.vocabulary).toContain('大学');
    expect(c.vocabulary).toContain('北');
    expect(c.vocabulary.length).toBeGreaterThan(w.vocabulary.length);
    expect(c.matrix.cols).toBe(c.vocabulary.length + 1);
    // The most frequent character comes first.
    expect(c.counts[0]).toBe(Math.max(...c.counts));
    expect(c.tokens).toBe(c.counts.reduce((x, y) => x + y, 0));
    // Rows of the model sum to 1 and it analyses as a full layout.
    for (let i = 0; i < c.matrix.rows; i++) {
      let s = 0;
      for (let j = 0; j < c.matrix.cols; j++) s += c.matrix.data[i * c.matrix.cols + j];
      expectRel(s, 1, 1e-15);
    }
    const rc = ml.repetition.analyze(c.matrix);
    const rw = ml.repetition.analyze(w.matrix);
    expect(Number.isFinite(rc.rate) && Number.isFinite(rw.rate)).toBe(true);
    // The post's claim on this text: '北京'→'大学' is one word-level transition where the characters made
    // near-deterministic pairs (北→京, 大→学); per start token the word model repeats less.
    expect(rw.rate / rw.n).toBeLessThan(rc.rate / rc.n);
  });

  it('whitespace tokenizer and English text', () => {
    const t = ml.repetition.tokenize('The cat sat. The cat ran!', { level: 'word', tokenizer: 'whitespace' });
    expect(t.tokenizer).toBe('whitespace');
    expect(t.sentences).toEqual([
      ['The', 'cat', 'sat', '.'],
      ['The', 'cat', 'ran', '!'],
    ]);
    const ch = ml.repetition.tokenize('ab c', { level: 'char', tokenizer: 'whitespace' });
    expect(ch.sentences).toEqual([['a', 'b', ' ', 'c']]);
    const m = ml.repetition.fromText('The cat sat. The cat ran!', { level: 'word', smoothing: 0.5 });
    expect(m.vocabulary.slice(0, 2)).toEqual(['The', 'cat']);
    expect(m.smoothing).toBe(0.5);
  });
});

describe('progress callbacks', () => {
  it('reports increasing fractions up to 1, and a throwing callback surfaces after the call', () => {
    const n = 300;
    const P = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => ((i * 7 + j * 13) % 17 === 0 ? 0.03 : 0.0005)));
    const seen: [number, string][] = [];
    const a = ml.repetition.analyze(P, { onProgress: (f, s) => seen.push([f, s]) });
    expect(Number.isFinite(a.rate)).toBe(true);
    expect(seen.length).toBeGreaterThan(3);
    for (let i = 1; i < seen.length; i++) expect(seen[i][0]).toBeGreaterThanOrEqual(seen[i - 1][0]);
    expect(seen[seen.length - 1][0]).toBe(1);
    expect(seen.some(([, s]) => s === 'factorize')).toBe(true);
    const boom = new RangeError('stop');
    expect(() =>
      ml.repetition.analyze(P, {
        onProgress: () => {
          throw boom;
        },
      }),
    ).toThrow(boom);
    // The module keeps working.
    expectRel(ml.repetition.rate(P3), 0.512720388821962, 1e-14);
  });
});

// ---------------------------------------------------------------- fixtures (mpmath / numpy)

const fixtures = JSON.parse(readFileSync(new URL('../fixtures/repetition.json', import.meta.url), 'utf8'));

function recipeMatrix(n: number): Float64Array {
  const v = new Float64Array(n * n);
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    let total = 0;
    for (let j = 0; j < n; j++) {
      const h = (7919 * i + 104729 * j + 12345) % 1000003;
      if (Math.floor(h / 7) % 10 === 0 || j === (i + 1) % n) {
        v[i * n + j] = (h % 1000) + 1;
        total += v[i * n + j];
      }
    }
    for (let j = 0; j < n; j++) if (v[i * n + j]) out[i * n + j] = (0.9 * v[i * n + j]) / total;
  }
  return out;
}

describe('fixtures (independent reference: mpmath at 50 digits, numpy for n = 300)', () => {
  it('has the cases', () => {
    expect(fixtures.cases.length).toBeGreaterThanOrEqual(20);
  });

  for (const c of fixtures.cases) {
    it(`${c.name} (n = ${c.n})`, () => {
      const options = { ...c.decoding, layout: c.layout };
      const a = ml.repetition.analyze(c.matrix, options);
      expect(a.n).toBe(c.n);
      const t = ml.repetition.transform(c.matrix, options);
      const want = (c.decoded_block as number[][]).flat();
      for (let k = 0; k < want.length; k++) expect(Math.abs(t.block.data[k] - want[k])).toBeLessThan(4e-15);
      expectRel(a.zeta, c.zeta, 1e-15, 'zeta');
      expect(a.divergent).toBe(c.divergent);
      if (c.rate === null) expect(a.rate).toBe(Infinity);
      else expectRel(a.rate, c.rate, c.rtol, 'R');
      expectRel(a.spectralRadius, c.spectral_radius, 1e-12, 'rho');
      (c.traces as number[]).forEach((tr, k) => expectRel(a.traces[k], tr, 1e-13, `Tr S^${k + 1}`));
      if (c.lower_bounds) for (const b of a.lowerBounds) expectRel(b.value, c.lower_bounds[b.name], 1e-13, b.name);
      if (c.paper.arp !== null) expectRel(a.paper!.arp, c.paper.arp, 1e-12, 'arp');
      else expect(a.paper!.arp).toBe(Infinity);
      expectRel(a.paper!.nuclearNorm, c.paper.nuclear_norm, 1e-12, 'nuclear norm');
    });
  }

  it(`${fixtures.large.name}`, () => {
    const n = fixtures.large.n;
    const a = ml.repetition.analyze({ rows: n, cols: n, data: recipeMatrix(n) });
    expectRel(a.zeta, fixtures.large.zeta, 1e-15);
    expectRel(a.rate, fixtures.large.rate, fixtures.large.rtol);
    expectRel(a.spectralRadius, fixtures.large.spectral_radius, 1e-11);
  });

  it('bigram models', () => {
    for (const c of fixtures.bigram.cases) {
      if (c.matrix === null) continue;
      const m = toRows(ml.repetition.bigram(fixtures.bigram.tokens, c.vocab_size, { smoothing: c.smoothing }));
      (c.matrix as number[][]).forEach((row, i) => row.forEach((x, j) => expect(Math.abs(m[i][j] - x)).toBeLessThan(2e-16)));
    }
  });
});

// ---------------------------------------------------------------- bad input

describe('bad input: exact messages, and the module keeps working', () => {
  const r = () => ml.repetition;
  it('messages from the C++ core arrive unchanged', () => {
    expect(errorOf(() => r().analyze([]))).toBe('repetition.analyze: P is empty');
    expect(errorOf(() => r().rate([[0.5, -0.1], [0.2, 0.2]]))).toBe('repetition.rate: P has a negative entry (-0.1) at (0, 1)');
    expect(errorOf(() => r().analyze([[0.5, NaN], [0.2, 0.2]]))).toBe('repetition.analyze: P has a non-finite entry (nan) at (0, 1)');
    expect(errorOf(() => r().analyze([[0.5, 0.5], [0.7, 0.5]]))).toBe('repetition.analyze: P row 1 sums to 1.2 > 1 (tolerance 1e-09)');
    expect(errorOf(() => r().analyze([[0.5, 0.2, 0.3, 0], [0.1, 0.1, 0.1, 0]]))).toBe(
      'repetition.analyze: P must be n×n (the non-EOS block) or n×(n+1) (full rows with an EOS column), got 2x4',
    );
    expect(errorOf(() => r().analyze([[0.5, 0.3, 0.1], [0.2, 0.2, 0.6]]))).toBe(
      'repetition.analyze: P row 0 sums to 0.9, expected 1 (a full row includes EOS; tolerance 1e-09)',
    );
    expect(errorOf(() => r().rate([[0.5, 0.5], [0.5, 0.5]], { layout: 'full' }))).toBe(
      'repetition.rate: P: the last row of an (n+1)×(n+1) matrix must be the EOS row (0 … 0 1), got 0.5 at (1, 0)',
    );
    expect(errorOf(() => r().simulate(P3, { samples: 5 }))).toBe(
      'repetition.simulate: samples must be an integer from 2n = 6 to 100000000, got 5',
    );
    expect(errorOf(() => r().sweep(P3, []))).toBe('repetition.sweep: temperatures is empty');
    expect(errorOf(() => r().sweep(P3, [1, -1]))).toBe('repetition.sweep: temperatures[1] must be a positive number, got -1');
    expect(errorOf(() => r().bigram([0, 1], 3))).toBe(
      'repetition.bigram: token 2 never occurs and smoothing is 0, so its row is undefined',
    );
  });

  it('messages from the JS layer: types, option names and values', () => {
    expect(errorOf(() => r().analyze(undefined as never))).toBe(
      'repetition.analyze: P must be a matrix (array of rows or {rows, cols, data}), got undefined',
    );
    expect(errorOf(() => r().analyze(null as never))).toBe(
      'repetition.analyze: P must be a matrix (array of rows or {rows, cols, data}), got null',
    );
    expect(errorOf(() => r().rate('0.5' as never))).toBe(
      'repetition.rate: P must be a matrix (array of rows or {rows, cols, data}), got string',
    );
    expect(errorOf(() => r().rate([[0.5, 0.2], [0.1]]))).toBe('repetition.rate: P row 1 has 1 entries, expected 2 like row 0');
    expect(errorOf(() => r().rate([[0.5, '0.2' as never], [0.1, 0.1]]))).toBe(
      'repetition.rate: P has a non-numeric entry (string) at (0, 1)',
    );
    expect(errorOf(() => r().analyze(P3, { temprature: 0.5 } as never))).toBe(
      'repetition.analyze: unknown option "temprature" (expected one of layout, temperature, topK, topP, greedy, eigenvalues, paper, terms, onProgress)',
    );
    expect(errorOf(() => r().analyze(P3, 'fast' as never))).toBe('repetition.analyze: options must be an object, got "fast"');
    // undefined = not given; null is a wrong type.
    expect(errorOf(() => r().rate(P3, null as never))).toBe('repetition.rate: options must be an object, got null');
    expect(errorOf(() => r().rate(P3, { temperature: null as never }))).toBe(
      'repetition.rate: temperature must be a positive number, got null',
    );
    expect(errorOf(() => r().bigram([0, 1, 0, -1], 2, { smoothing: null as never }))).toBe(
      'repetition.bigram: smoothing must be a non-negative number, got null',
    );
    expect(errorOf(() => r().tokenize('ab', { level: null as never }))).toBe(
      `repetition.tokenize: level must be 'char' or 'word', got null`,
    );
    expect(errorOf(() => r().bigram([0, 1, 0, -1, 1, 1], undefined as never, { smoothing: 1 }))).toBe(
      'repetition.bigram: vocabSize must be an integer from 1 to 10000, got undefined',
    );
    expect(r().rate(P3, undefined)).toBe(r().rate(P3, { temperature: undefined }));
    expect(errorOf(() => r().rate(P3, { temperature: 0 }))).toBe('repetition.rate: temperature must be a positive number, got 0');
    expect(errorOf(() => r().rate(P3, { temperature: NaN }))).toBe('repetition.rate: temperature must be a positive number, got NaN');
    expect(errorOf(() => r().rate(P3, { temperature: '2' as never }))).toBe(
      'repetition.rate: temperature must be a positive number, got "2"',
    );
    expect(errorOf(() => r().rate(P3, { topK: 1.5 }))).toBe('repetition.rate: topK must be a non-negative integer (0 = off), got 1.5');
    expect(errorOf(() => r().rate(P3, { topP: 0 }))).toBe('repetition.rate: topP must be in (0, 1] (1 = off), got 0');
    expect(errorOf(() => r().rate(P3, { topP: Infinity }))).toBe('repetition.rate: topP must be in (0, 1] (1 = off), got Infinity');
    expect(errorOf(() => r().rate(P3, { greedy: 1 as never }))).toBe('repetition.rate: greedy must be true or false, got 1');
    expect(errorOf(() => r().rate(P3, { layout: 'eos' as never }))).toBe(
      `repetition.rate: layout must be 'auto', 'block' or 'full', got "eos"`,
    );
    expect(errorOf(() => r().analyze(P3, { eigenvalues: 'yes' as never }))).toBe(
      `repetition.analyze: eigenvalues must be true, false or 'auto', got "yes"`,
    );
    expect(errorOf(() => r().analyze(P3, { terms: 0 }))).toBe(
      `repetition.analyze: terms must be an integer from 1 to 100000 or 'auto', got 0`,
    );
    expect(errorOf(() => r().analyze(P3, { onProgress: 'log' as never }))).toBe(
      'repetition.analyze: onProgress must be a function, got "log"',
    );
    expect(errorOf(() => r().simulate(P3, { samples: 1.5 }))).toBe(
      'repetition.simulate: samples must be an integer from 2n to 100000000, got 1.5',
    );
    expect(errorOf(() => r().simulate(P3, { maxK: 0 }))).toBe(
      `repetition.simulate: maxK must be an integer from 1 to 1000 or 'auto', got 0`,
    );
    expect(errorOf(() => r().simulate(P3, { seed: -1 }))).toBe(
      'repetition.simulate: seed must be an integer from 0 to 9007199254740991, got -1',
    );
    expect(errorOf(() => r().sweep(P3, [1, 2], { temperature: 2 } as never))).toBe(
      'repetition.sweep: unknown option "temperature" (expected one of layout, topK, topP, greedy, onProgress)',
    );
    expect(errorOf(() => r().sweep(P3, 'hot' as never))).toBe('repetition.sweep: temperatures must be an array of numbers, got string');
    expect(errorOf(() => r().rate({ rows: 2, cols: 2, row: [0, 2], col: [0, 0], value: [0.5, 0.5] }))).toBe(
      'repetition.rate: P entry 1 is at (2, 0), outside the 2×2 matrix',
    );
    expect(errorOf(() => r().bigram([0, 5], 3))).toBe(
      'repetition.bigram: tokens[1] = 5 is not a token id in [0, 3) or −1 (end of sequence)',
    );
    expect(errorOf(() => r().bigram([0, 1.5], 3))).toBe(
      'repetition.bigram: tokens[1] = 1.5 is not a token id in [0, 3) or −1 (end of sequence)',
    );
    expect(errorOf(() => r().bigram([0], 3, { smoothing: -1 }))).toBe(
      'repetition.bigram: smoothing must be a non-negative number, got -1',
    );
    expect(errorOf(() => r().fromText(''))).toBe('repetition.fromText: text has no tokens (it is empty or only whitespace)');
    expect(errorOf(() => r().fromText('  \n ', { level: 'word' }))).toBe(
      'repetition.fromText: text has no tokens (it is empty or only whitespace)',
    );
    expect(errorOf(() => r().fromText(42 as never))).toBe('repetition.fromText: text must be a string, got 42');
    expect(errorOf(() => r().fromText('abc', { level: 'byte' as never }))).toBe(
      `repetition.fromText: level must be 'char' or 'word', got "byte"`,
    );
    expect(errorOf(() => r().fromText('abcdef', { maxVocab: 3 }))).toBe(
      'repetition.fromText: the text has 6 distinct characters, more than maxVocab = 3',
    );
    expect(errorOf(() => r().tokenize('abc', { locale: 'not a tag!' }))).toBe(
      'repetition.tokenize: locale "not a tag!" is not a valid BCP 47 language tag',
    );
  });

  it('after 10,000 errors the module still computes correctly', () => {
    for (let i = 0; i < 10000; i++) expect(() => r().rate([[0.5, 0.7]], { layout: 'block' })).toThrow(MathLensError);
    expectRel(r().rate(P3), 0.512720388821962, 1e-14);
    expectRel(r().analyze(P3, { topK: 2 }).rate, 1.1409523809523812, 1e-14);
  });
});
