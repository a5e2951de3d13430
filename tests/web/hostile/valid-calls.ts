/**
 * ONE VALID CALL PER PUBLIC FUNCTION — the baseline of tests/web/hostile.test.ts and leaks.test.ts.
 *
 * hostile.test.ts enumerates the real exports (`Object.keys(ml)`, then every function of every module
 * object) and FAILS for any function without an entry here, so a new function cannot be forgotten.
 * From each valid call it derives hostile calls, one argument (or one part of one) replaced at a
 * time (see hostile/mutate.ts), and requires a MathLensError whose message starts with
 * "<module>.<fn>: " and names the argument; leaks.test.ts calls the valid examples ~10⁶ times.
 *
 * Module authors: add one entry per function, keyed "<module>.<fn>" as in the API.
 *  - `args` returns fresh arguments. Keep the call TINY (2–4 dimensions, few samples): the leak test
 *    runs it some 10⁵ times. Use several input forms across entries (nested arrays, Float64Array,
 *    {rows, cols, data}) so that each form meets the hostile kinds.
 *  - `options`: index of the options argument (undefined, {} and omitted keys are valid there, a
 *    misspelt key is not); `optional`: indices of other arguments that may be undefined; `text`:
 *    paths of free-text strings (any string is valid there; elsewhere a string is an enumerated value).
 *  - `expected`: the result (a number, compared to 1e-13 relative) when it is a known worked number.
 *  - `invalid`: calls that only the function can know are wrong (out-of-range options, shapes that do
 *    not fit together) with their EXACT messages.
 *  - `accept`: hostile variants that are valid on purpose, by path and kind (see the failure list of
 *    hostile.test.ts for the names), each with the reason.
 *  - `deterministic: false` if the same call may give a different result (nothing so far).
 * @module
 */

export interface ValidCall {
  args: () => unknown[];
  options?: number;
  optional?: number[];
  /** Paths of free-text strings (`args[0]`, `args[1].locale`): only non-strings are hostile there. */
  text?: string[];
  expected?: number;
  invalid?: { args: unknown[]; message: string }[];
  accept?: { path: string; kind: string; why: string }[];
  deterministic?: false;
}

// ---------------------------------------------------------------- gaussian (spec/MATH.md §2)

const P2 = () => ({ mean: [1, 2], cov: [[2, 0.5], [0.5, 1]] });
const Q2 = () => ({ mean: [0, 0], cov: [[1, 0], [0, 3]] });
/** The same normals in the typed forms. */
const P2t = () => ({ mean: new Float64Array([1, 2]), cov: { rows: 2, cols: 2, data: new Float64Array([2, 0.5, 0.5, 1]) } });
const Q2t = () => ({ mean: Float64Array.of(0, 0), cov: [Float64Array.of(1, 0), Float64Array.of(0, 3)] });
const A = () => [[1, 2], [3, 1], [0, 0], [2, 5]];
const B = () => ({ rows: 3, cols: 2, data: Float64Array.of(0, 1, 2, 2, 1, 0) });
const NOT_PD = { mean: [0, 0], cov: [[1, 2], [2, 1]] };
const P3 = { mean: [1, 0, -1], cov: [[2, 1, 0], [1, 2, 1], [0, 1, 2]] };
/** A 3-token chain with end probability 0.1 per row (tests/web/repetition.test.ts). */
const R3 = () => [[0.5, 0.3, 0.1], [0.2, 0.2, 0.5], [0.4, 0.4, 0.1]];

/** Q, K, V of 4 tokens, d = 2, in three forms (attention). */
const AQ = () => [[1, 0], [0, 1], [1, 1], [-1, 0]];
const AK = () => ({ rows: 4, cols: 2, data: Float64Array.of(1, 1, 2, 0, 0, -1, -1, 2) });
const AV = () => [Float64Array.of(1, 0), Float64Array.of(0, 1), Float64Array.of(1, 1), Float64Array.of(2, -1)];

export const VALID: Record<string, ValidCall> = {
  buildInfo: { args: () => [] },
  memory: { args: () => [], deterministic: false },

  'gaussian.kl': {
    args: () => [P2(), Q2()],
    expected: 1.6028315836996772,
    invalid: [
      { args: [P2(), NOT_PD], message: 'gaussian.kl: cov of q is not positive definite (Cholesky failed)' },
      { args: [P2(), { mean: [0, 0], cov: [[1, 0, 0], [0, 1, 0]] }], message: 'gaussian.kl: cov of q must be square, got 2x3' },
      { args: [{ mean: [0, 0, 0], cov: P2().cov }, Q2()], message: 'gaussian.kl: mean of p has 3 entries but cov of p is 2x2' },
      { args: [P2(), P3], message: 'gaussian.kl: p and q have different dimensions (2 and 3)' },
      { args: [P2(), { mean: [0, 0], cov: [[1, 0.5], [0.4, 1]] }], message: 'gaussian.kl: cov of q is not symmetric (max |A - A^T| = 0.1, tolerance 1e-08)' },
    ],
  },
  'gaussian.bhattacharyya': {
    args: () => [P2t(), Q2t()],
    expected: 0.4220947610097875,
    invalid: [{ args: [NOT_PD, Q2()], message: 'gaussian.bhattacharyya: cov of p is not positive definite (Cholesky failed)' }],
  },
  'gaussian.bhattacharyyaCoefficient': {
    args: () => [P2(), Q2t()],
    expected: Math.exp(-0.4220947610097875),
    invalid: [{ args: [P2(), { mean: [0, 0], cov: [[0, 0], [0, 0]] }], message: 'gaussian.bhattacharyyaCoefficient: cov of q is not positive definite (Cholesky failed)' }],
  },
  'gaussian.hellinger': {
    args: () => [P2t(), Q2()],
    expected: Math.sqrt(0.34432809568224554),
    invalid: [{ args: [P2(), { mean: [0], cov: [[1]] }], message: 'gaussian.hellinger: p and q have different dimensions (2 and 1)' }],
  },
  'gaussian.entropy': {
    args: () => [P2()],
    expected: 3.1176849603770567,
    invalid: [{ args: [NOT_PD], message: 'gaussian.entropy: cov of p is not positive definite (Cholesky failed)' }],
  },
  'gaussian.wasserstein2': {
    args: () => [P2(), Q2t(), { formula: 'product' }],
    options: 2,
    expected: Math.sqrt(5.808852870442883),
    invalid: [
      { args: [P2(), Q2(), { formula: 'sqrtm' }], message: `gaussian.wasserstein2: options.formula must be 'symmetric' or 'product', got "sqrtm"` },
      { args: [P2(), Q2(), { formula: null }], message: `gaussian.wasserstein2: options.formula must be 'symmetric' or 'product', got null` },
      { args: [P2(), Q2(), { formula: 1n }], message: `gaussian.wasserstein2: options.formula must be 'symmetric' or 'product', got 1n` },
      { args: [P2(), Q2(), { Formula: 'product' }], message: 'gaussian.wasserstein2: unknown option "Formula" (expected one of formula)' },
      { args: [P2(), { mean: [0, 0], cov: [[1, 0], [0, -1]] }], message: 'gaussian.wasserstein2: cov of q is not positive semidefinite (smallest eigenvalue -1)' },
    ],
  },
  'gaussian.wasserstein2Squared': {
    args: () => [P2t(), Q2(), { formula: 'symmetric' }],
    options: 2,
    expected: 5.808852870442883,
    invalid: [{ args: [P2(), Q2(), []], message: 'gaussian.wasserstein2Squared: options must be an object, got an array' }],
  },
  'gaussian.frechet': {
    args: () => [P2t(), Q2t()],
    expected: 5.808852870442883,
    invalid: [{ args: [{ mean: [0, 0], cov: [[-1, 0], [0, -1]] }, Q2()], message: 'gaussian.frechet: cov of p is not positive semidefinite (smallest eigenvalue -1)' }],
  },
  'gaussian.frechetFromSamples': {
    args: () => [A(), B()],
    invalid: [
      { args: [A(), [[1], [2]]], message: 'gaussian.frechetFromSamples: a and b have different numbers of columns (2 and 1)' },
      { args: [[[1, 2]], B()], message: 'gaussian.frechetFromSamples: a has 1 row; at least 2 samples are needed' },
      // Small input, but a 40000 × 40000 covariance (12.8 GB) that the wasm heap cannot hold: the core's
      // allocation fails inside the call, and the module carries on.
      {
        args: [{ rows: 2, cols: 40000, data: new Float64Array(80000) }, { rows: 2, cols: 40000, data: new Float64Array(80000) }],
        message: 'gaussian.frechetFromSamples: out of memory',
      },
    ],
  },
  'gaussian.coupling': {
    args: () => [P2(), Q2()],
    invalid: [
      {
        args: [{ mean: [0, 0], cov: [[1, 1], [1, 1]] }, { mean: [0, 0], cov: [[0, 0], [0, 0]] }],
        message: 'gaussian.coupling: cov of p and cov of q are both singular; the coupling needs one of them positive definite',
      },
    ],
  },
  'gaussian.fit': {
    args: () => [A()],
    invalid: [
      { args: [[[1, 2]]], message: 'gaussian.fit: samples has 1 row; at least 2 samples are needed' },
      { args: [[[1e300, -1e300], [-1e300, 1e300]]], message: 'gaussian.fit: samples is too large in magnitude: its covariance overflows double precision (largest |entry| 1e+300)' },
    ],
  },
  'gaussian.klMonteCarlo': {
    args: () => [P2(), Q2t(), { samples: 64, seed: 3 }],
    options: 2,
    invalid: [
      { args: [P2(), Q2(), { samples: 1 }], message: 'gaussian.klMonteCarlo: samples must be an integer from 2 to 100000000, got 1' },
      { args: [P2(), Q2(), { samples: 1e9 }], message: 'gaussian.klMonteCarlo: samples must be an integer from 2 to 100000000, got 1000000000' },
      { args: [P2(), Q2(), { samples: 2.5 }], message: 'gaussian.klMonteCarlo: samples must be an integer from 2 to 100000000, got 2.5' },
      { args: [P2(), Q2(), { seed: -1 }], message: 'gaussian.klMonteCarlo: seed must be an integer from 0 to 9007199254740991, got -1' },
      { args: [P2(), Q2(), { seed: 2 ** 53 }], message: 'gaussian.klMonteCarlo: seed must be an integer from 0 to 9007199254740991, got 9007199254740992' },
      { args: [P2(), Q2(), { seed: Object.create(null) }], message: 'gaussian.klMonteCarlo: seed must be an integer from 0 to 9007199254740991, got an object' },
      { args: [P2(), Q2(), { sample: 100 }], message: 'gaussian.klMonteCarlo: unknown option "sample" (expected one of samples, seed)' },
    ],
  },
  'gaussian.compare': {
    args: () => [P2(), Q2()],
    invalid: [{ args: [P2(), P3], message: 'gaussian.compare: p and q have different dimensions (2 and 3)' }],
  },
  // -------------------------------------------------------------- attention (spec/MATH.md §5)
  'attention.exact': {
    args: () => [AQ(), AK(), AV(), { scale: false, causal: true }],
    options: 3,
    accept: [{ path: 'args[3].scale', kind: 'the number 1', why: 'scale takes true, false or a positive number: 1 is the same as false' }],
    invalid: [
      { args: [AQ(), [[1, 2, 3]], AV()], message: 'attention.exact: q and k have different numbers of columns (2 and 3)' },
      { args: [AQ(), AK(), AV(), { heads: 3 }], message: 'attention.exact: heads (3) must divide the columns of q and k (2)' },
      { args: [AQ(), AK(), AV().slice(1)], message: 'attention.exact: k and v have different numbers of rows (4 and 3)' },
    ],
  },
  'attention.linear': { args: () => [AQ(), AK(), AV(), { errors: true, matrix: true }], options: 3 },
  'attention.performer': {
    args: () => [AQ(), AK(), AV(), { features: 8, seed: 3 }],
    options: 3,
    invalid: [{ args: [AQ(), AK(), AV(), { projection: [[1, 2, 3]] }], message: 'attention.performer: projection must be a features×2 matrix (head size 2 columns), got 1x3' }],
  },
  'attention.nystrom': {
    args: () => [AQ(), AK(), AV(), { landmarks: 2, pinv: 'svd', errors: true }],
    options: 3,
    invalid: [
      { args: [AQ(), AK(), AV(), { landmarks: 5 }], message: 'attention.nystrom: landmarks (5) exceeds the sequence length (n = 4)' },
      { args: [AQ(), AK(), AV(), { causal: true }], message: 'attention.nystrom: causal masking is not supported (segment-mean landmarks mix future tokens into every query)' },
      { args: [AQ(), AK(), AV(), { landmarks: 3, segments: 'exact' }], message: "attention.nystrom: landmarks (3) must divide n (4) with segments 'exact' (the authors' code); use segments 'balanced' or 'pad'" },
    ],
  },
  'attention.landmarks': { args: () => [AQ(), 2, { segments: 'pad' }], options: 2 },
  'attention.pinv': { args: () => [[[0.6, 0.4], [0.3, 0.7]], { method: 'svd' }], options: 1 },
  'attention.randomFeatures': { args: () => [4, 2, { seed: 5 }], options: 2 },
  'attention.sampleInputs': { args: () => [4, 2, { structure: 'clustered', clusters: 2 }], options: 2 },

  // -------------------------------------------------------------- flops (spec/MATH.md §1)
  'flops.layer': { args: () => [{ hidden: 768, heads: 12, n: 512 }], options: 0 },
  'flops.attention': { args: () => [{ n: 1024, headSize: 64, variant: 'linear', featureMultiple: 4 }], options: 0 },
  'flops.sweep': { args: () => [{ preset: 'bert-base', causal: true }, [128, 256, 512]], options: 0 },
  'flops.presets': { args: () => [] },

  // -------------------------------------------------------------- orthogonal (spec/MATH.md §3)
  'orthogonal.matrix': { args: () => [[3, 4, 0], Float64Array.of(0, 0, 2), { construction: 'householder' }], options: 2 },
  'orthogonal.minimalRotation': { args: () => [[0.6, 0.8, 0], [0, 0, 1], { fallback: [1, 0, 0] }], options: 2 },
  'orthogonal.householder': { args: () => [Float64Array.of(0.6, 0.8), [0.8, 0.6], {}], options: 2 },
  'orthogonal.simplest': { args: () => [[1, 0, 0, 0], [0, 1, 0, 0], {}], options: 2 },
  'orthogonal.apply': { args: () => [[0.6, 0.8, 0], [0, 0.6, 0.8], [[1, 2, 3], [4, 5, 6]], { inverse: true }], options: 3 },
  'orthogonal.report': { args: () => [[1, 2], [2, 1], { construction: 'simplest' }], options: 2 },

  // -------------------------------------------------------------- repetition (spec/MATH.md §6)
  'repetition.analyze': { args: () => [R3(), { terms: 20 }], options: 1 },
  'repetition.rate': { args: () => [R3(), { temperature: 0.7 }], options: 1 },
  'repetition.transform': { args: () => [{ rows: 3, cols: 3, data: Float64Array.from(R3().flat()) }, { topP: 0.8 }], options: 1 },
  'repetition.simulate': { args: () => [R3(), { samples: 200, seed: 3 }], options: 1 },
  'repetition.sweep': { args: () => [R3(), [0.5, 1, 2], { topK: 2 }], options: 2 },
  'repetition.bigram': { args: () => [[0, 1, 0, -1, 1, 1], 3, { smoothing: 1 }], options: 2 },
  'repetition.tokenize': { args: () => ['The cat sat. The cat ran!', { level: 'word', tokenizer: 'whitespace' }], options: 1, text: ['args[0]'] },
  'repetition.fromText': { args: () => ['ab ab ba. ba ab!', { level: 'char', smoothing: 0.5 }], options: 1, text: ['args[0]'] },

  // -------------------------------------------------------------- matexp (spec/MATH.md §7, §8)
  'matexp.expm': {
    args: () => [[[1, 2], [3, 4]], { balance: 'auto' }],
    options: 1,
    invalid: [
      { args: [[[1, 2, 3], [4, 5, 6]]], message: 'matexp.expm: A must be square, got 2x3' },
      { args: [[[1000]]], message: 'matexp.expm: exp(A) overflows double precision (an entry exceeds 1.8e308)' },
      { args: [[[1, 2], [3, 4]], { balance: 'yes' }], message: `matexp.expm: options.balance must be 'auto', true or false, got "yes"` },
    ],
  },
  'matexp.expmInfo': {
    args: () => [{ rows: 2, cols: 2, data: Float64Array.of(0, -0.5, 0.5, 0) }, { balance: true }],
    options: 1,
    invalid: [{ args: [[[1, 2], [3, 4]], { balanse: true }], message: 'matexp.expmInfo: unknown option "balanse" (expected one of balance)' }],
  },
  'matexp.expRankOne': {
    args: () => [[1, 2, 3], Float64Array.of(0.5, -1, 1)],
    invalid: [
      { args: [[1, 2, 3], [1, 2]], message: 'matexp.expRankOne: x has 3 entries but y has 2' },
      { args: [[40, 0], [20, 1]], message: 'matexp.expRankOne: exp(x y^T) overflows double precision (s = y^T x = 800)' },
    ],
  },
  'matexp.expRankOneApply': {
    args: () => [Float64Array.of(1, 2, 3), [0.5, -1, 1], [[1, 0, 0], [0, 1, 0]], { inverse: true }],
    options: 3,
    invalid: [
      { args: [[1, 2, 3], [1, 0, 0], [1, 1, 1, 1]], message: 'matexp.expRankOneApply: v has vectors of length 4 but x and y have length 3' },
      { args: [[1], [1], [1], { inverse: 'yes' }], message: 'matexp.expRankOneApply: options.inverse must be true or false, got "yes"' },
    ],
  },
  'matexp.detExp': {
    args: () => [[Float64Array.of(1, 1), Float64Array.of(0, 1)], { balance: false }],
    options: 1,
    invalid: [
      {
        args: [[[1000, 0], [0, -1000]]],
        message: 'matexp.detExp: exp(A) is out of the double range even as e^c exp(A - cI) with c = tr(A)/n = 0 (the eigenvalues of A are spread too widely)',
      },
    ],
  },
  'matexp.logDetSeries': {
    args: () => [[[0.2, -0.1, 0.3], [0, 0.1, 0.2], [-0.1, 0.05, -0.3]], { maxTerms: 200, tolerance: 1e-15 }],
    options: 1,
    invalid: [
      { args: [[[1.2, 0], [0, 0.1]]], message: 'matexp.logDetSeries: the series diverges: the spectral radius of M is 1.2 (it must be below 1)' },
      { args: [[[0.5]], { maxTerms: 0 }], message: 'matexp.logDetSeries: options.maxTerms must be an integer from 1 to 100000, got 0' },
      { args: [[[0.5]], { tolerance: 1 }], message: 'matexp.logDetSeries: options.tolerance must be a number between 0 and 1, got 1' },
    ],
  },
  'matexp.spectrum': {
    args: () => [{ rows: 2, cols: 2, data: [-49, 24, -64, 31] }],
    invalid: [{ args: [[[1, 2]]], message: 'matexp.spectrum: A must be square, got 1x2' }],
  },

  // -------------------------------------------------------------- rope (spec/MATH.md §4)
  'rope.frequencies': {
    args: () => [4, { base: 100, scaling: { type: 'linear', factor: 2 } }],
    options: 1,
    accept: [{ path: 'args[1].scaling', kind: 'no field "factor"', why: 'scaling.factor is optional (default 1)' }],
  },
  'rope.apply': { args: () => [[[1, 2, 3, 4], [0, 1, 0, 1]], { positions: [0, 3], pairing: 'half' }], options: 1 },
  'rope.apply2d': { args: () => [{ rows: 1, cols: 4, data: Float64Array.of(1, 0, 1, 0) }, [[2, 3]], { frequencies: 'shared' }], options: 2 },
  'rope.applyAxial': { args: () => [[Float64Array.of(1, 0, 1, 0, 1, 0)], { rows: 1, cols: 3, data: [0.5, -1, 2] }, { pairing: 'half' }], options: 2 },
  'rope.rotationMatrix': {
    args: () => [4, 3, { pairing: 'half' }],
    options: 2,
    accept: [{ path: 'args[1]', kind: '[1]', why: 'an array position is the axial form: [1] is R_p of one axis' }],
  },
  'rope.generator': { args: () => [4, { base: 100 }], options: 1 },
  'rope.generators': { args: () => [4, 2, { pairing: 'half' }], options: 2 },
  'rope.permutation': { args: () => [4, { from: 'half', to: 'interleaved' }], options: 1 },
  'rope.convertWeights': { args: () => [[[1, 2], [3, 4], [5, 6], [7, 8]], { heads: 1 }], options: 1 },
  'rope.checkConversion': {
    args: () => [[[1, 0], [0, 1], [1, 1], [0, 2]], { rows: 4, cols: 2, data: Float64Array.of(1, 2, 0, 1, -1, 0, 2, 1) }, [[1, 2], [0, 1], [3, -1]], { positions: [0, 1, 2] }],
    options: 3,
  },
  'rope.check': { args: () => [4, 2, 5, { pairing: 'half' }], options: 3 },
  'rope.checkAxial': { args: () => [4, [1, 2], Float64Array.of(3, -1), {}], options: 3 },
  'rope.generatorFamily': {
    args: () => [{ b: 0.3, c: -0.7, f: 1.3 }, { from: [1, 2], to: [4, -1] }],
    options: 0,
    optional: [1],
    accept: [
      { path: 'args[1]', kind: '{}', why: 'points is optional, and so are its fields (from [1, 2], to [4, -1])' },
      { path: 'args[1]', kind: 'Object.create(null)', why: 'an empty points bag, as {}' },
      { path: 'args[1]', kind: 'no field "from"', why: 'points.from is optional (default [1, 2])' },
      { path: 'args[1]', kind: 'no field "to"', why: 'points.to is optional (default [4, -1])' },
    ],
  },
  'rope.decay': {
    args: () => [8, Float64Array.of(0, 1, 5), { base: 100 }],
    options: 2,
    accept: [{ path: 'args[1]', kind: 'a number instead of an array', why: 'offsets may be a number N, meaning 0..N' }],
  },
  'rope.scores': {
    args: () => [[1, 0, 0, 1], Float64Array.of(0, 1, 1, 0), [-1, 0, 2], { pairing: 'half' }],
    options: 3,
    accept: [{ path: 'args[2]', kind: 'a number instead of an array', why: 'offsets may be a number N, meaning −N..N' }],
  },
  'rope.scores2d': {
    args: () => [[1, 0, 0, 1], [0, 1, 1, 0], { dx: [-1, 1], dy: [0, 1], encoding: 'flattened', width: 4 }],
    options: 2,
    accept: [
      { path: 'args[2].dx', kind: 'a number instead of an array', why: 'dx may be a number N, meaning −N..N' },
      { path: 'args[2].dy', kind: 'a number instead of an array', why: 'dy may be a number N, meaning −N..N' },
    ],
  },
  'rope.contextScaling': {
    args: () => [8, 16, { scaling: { type: 'yarn', factor: 2, originalContext: 8 } }],
    options: 2,
    accept: [{ path: 'args[2].scaling', kind: 'no field "factor"', why: 'scaling.factor is optional (default 1)' }],
  },
  // Returns a resident WasmMatrix (own enumerable fields rows, cols, dtype; data is a getter): the
  // walk compares and NaN-checks those fields; leaks.test.ts frees what valid calls return.
  'rope.buffer': {
    args: () => [2, 4, { dtype: 'float64' }],
    options: 2,
    invalid: [
      { args: [-1, 4], message: 'rope.buffer: rows must be an integer from 0 to 2147483647, got -1' },
      { args: [2, 2 ** 31], message: 'rope.buffer: cols must be an integer from 0 to 2147483647, got 2147483648' },
      { args: [2, 4, { dtype: 'float16' }], message: "rope.buffer: dtype must be 'float32' or 'float64', got \"float16\"" },
      { args: [65536, 65536], message: 'rope.buffer: rows × cols = 65536 × 65536 is too large for wasm memory (4294967296 numbers)' },
    ],
  },
};
