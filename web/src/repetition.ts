/**
 * Why decoders repeat themselves — the post "Seq2Seq重复解码现象的理论分析尝试" (kexue.fm/archives/8128,
 * spec/MATH.md §6) and the ARP of Fu et al. (AAAI 2021, arXiv 2012.14660).
 *
 * A bigram decoder is a Markov chain on n tokens plus an absorbing end-of-sequence token (EOS). `P` is
 * the n×n non-EOS block of its transition matrix (rows sum to ≤ 1, the rest of each row goes to EOS),
 * or the full n×(n+1) matrix with the EOS column last. With S = P∘P (entrywise square), the post's
 * repetition rate is R = Σ_k Tr(S^k) = Tr(S(I − S)^{-1}) = Σ λ/(1 − λ): the chance, summed over start
 * tokens and loop lengths, that a loop w1→…→wk→w1 is walked twice in a row. R = ∞ when the decoded
 * chain has a deterministic cycle (greedy decoding with a cycle), or — with a warning — when R is
 * finite but beyond the double range (a loop that leaks less than ~1e-308 per step).
 *
 * ```ts
 * const P = [[0.5, 0.3, 0.1], [0.2, 0.2, 0.5], [0.4, 0.4, 0.1]];
 * ml.repetition.rate(P);                          // 0.512720388821962
 * ml.repetition.rate(P, { topK: 2 });             // 1.1409523809523812
 * ml.repetition.analyze(P, { greedy: true });     // { rate: Infinity, divergent: true, cycles: [[0]], … }
 * ```
 * @module
 */
import type { RawModuleBase } from './wasm/mathlens.mjs';
import { describe, integerArg, optionsArg } from './core/args.js';
import { MathLensError, unwrap } from './core/errors.js';
import type { Heap } from './core/heap.js';
import { matrixArg, vectorArg, type Matrix, type MatrixLike, type Shaped } from './core/matrix.js';

// ---------------------------------------------------------------------------------------------------
// Types

/**
 * How the rows of `P` are laid out: `block` — the n×n non-EOS block, rows sum to ≤ 1 (EOS gets the
 * rest); `full` — rows including EOS as the last column, summing to 1: n×(n+1), or (n+1)×(n+1) with
 * the absorbing EOS row (0 … 0 1) last (Fu et al. Definition 2.1); `auto` (default) — square means
 * block, n×(n+1) means full. Rows may exceed their sum by 1e-9 (they are then rescaled).
 */
export type ChainLayout = 'auto' | 'block' | 'full';

/**
 * A decoding strategy, applied to every full row (EOS included) in this order: temperature, top-k,
 * top-p, renormalisation. Ties are broken towards the lower token index (EOS counts as the last).
 */
export interface DecodingOptions {
  /** t > 0: p^{1/t} / Σ p^{1/t} (default 1). t < 1 sharpens the rows, t > 1 flattens them. */
  temperature?: number;
  /** Keep the k most probable entries of each row, 0 = off (default). */
  topK?: number;
  /** Nucleus sampling: keep the shortest prefix (by decreasing probability) with mass ≥ topP, 1 = off (default). */
  topP?: number;
  /** One-hot argmax of each row (= topK 1). Default false. */
  greedy?: boolean;
}

export interface RepetitionOptions extends DecodingOptions {
  layout?: ChainLayout;
}

/** Progress callback: the fraction done (0…1) and the stage ("factorize", "spectral radius", "series", …). */
export type RepetitionProgress = (fraction: number, stage: string) => void;

export interface RepetitionAnalyzeOptions extends RepetitionOptions {
  /** All eigenvalues of S (O(25 n³)); `'auto'` (default): when n ≤ 256. */
  eigenvalues?: boolean | 'auto';
  /** Fu et al.'s ARP, Theorem 1 and its bound; `'auto'` (default): when n ≤ 256. */
  paper?: boolean | 'auto';
  /**
   * Cap on the terms of every matrix-power series (Tr S^k partial sums, lower bounds, the ARP series);
   * `'auto'` (default): 200 for n ≤ 64, 30 for n ≤ 256, else 2 (terms k ≤ 2 cost O(n²), later ones O(n³)).
   */
  terms?: number | 'auto';
  onProgress?: RepetitionProgress;
}

export interface RepetitionSimulateOptions extends RepetitionOptions {
  /** Number of sequences (default 20000; at least 2n, at most 10⁸). Starts cycle through all n tokens. */
  samples?: number;
  /** Seed of the generator (default 1); the same seed gives the same estimate in Node and browsers. */
  seed?: number;
  /** Longest loop length K counted (sequences have at most 2K + 1 tokens); `'auto'` (default): the tail Σ_{k>K} Tr S^k ≤ 1e-6, K ≤ 200. */
  maxK?: number | 'auto';
  onProgress?: RepetitionProgress;
}

/** Options of {@link RepetitionApi.sweep}: the decoding settings other than the temperature, which the sweep varies. */
export interface TemperatureSweepOptions extends Omit<RepetitionOptions, 'temperature'> {
  /** Called with the fraction done and the current stage. */
  onProgress?: RepetitionProgress;
}

/** A sparse matrix in coordinate form: entry (row[k], col[k]) = value[k]; repeated coordinates add up. */
export interface SparseTransitionMatrix {
  rows: number;
  cols: number;
  row: ArrayLike<number>;
  col: ArrayLike<number>;
  value: ArrayLike<number>;
}

/** A transition matrix: nested arrays, `{ rows, cols, data }` (row-major) or a {@link SparseTransitionMatrix}. */
export type TransitionMatrix = MatrixLike | SparseTransitionMatrix;

/** One series Σ_k t_k of nonnegative terms; its true sum lies in [value, value + tailBound]. */
export interface RepetitionSeries {
  name: string;
  /** `rigorous`: a proven lower bound on R. `heuristic`: the post's ζ-based estimate (N_k ≈ ζ^k n^k), not a bound. */
  kind: 'rigorous' | 'heuristic';
  /** The sum of the terms computed (Infinity when the series provably diverges). */
  value: number;
  /** A proven bound on the terms left out. */
  tailBound: number;
  terms: number;
  /** tailBound ≤ 1e-16 · value: the value is the full sum to double precision. */
  converged: boolean;
  divergent: boolean;
}

/**
 * The lower bounds on R of spec §6 (a), by Cauchy–Schwarz over the k-cycles:
 * `count` Σ (Tr P^k)²/N_k (N_k = number of nonzero k-cycles), `power` Σ (Tr P^k)²/n^k,
 * `per-node` Σ Tr(P^k∘P^k)/n^{k−1}, `per-node-count` Σ_k Σ_i ((P^k)_ii)²/(B^k)_ii — all rigorous —
 * and the post's heuristics `zeta` Σ (Tr P^k)²/(ζn)^k and `zeta-per-node` Σ Tr(P^k∘P^k)/(ζ^k n^{k−1}).
 */
export interface RepetitionLowerBound extends RepetitionSeries {
  name: 'count' | 'power' | 'per-node' | 'per-node-count' | 'zeta' | 'zeta-per-node';
}

/** Fu et al. with B = P (spec §6 (a')): Definition 2.2 and Theorem 1. Cor. 1.1/1.2 and Thm 2 are not implemented. */
export interface PaperArp {
  /** ζ = (1/n²) Σ 1(B_ij > 0). */
  zeta: number;
  /** ρ(B²). */
  spectralRadiusB2: number;
  /** ζn > ρ(B²): the closed form holds. */
  theorem1Applies: boolean;
  /** The ARP Σ_k tr(B^{2k})/(ζn)^k = tr(B²(ζnI − B²)^{-1}) (Theorem 1); Infinity when ζn ≤ ρ(B²). */
  arp: number;
  /** Definition 2.2 summed term by term. */
  arpSeries: RepetitionSeries;
  /** ‖B²‖_* (nuclear norm). */
  nuclearNorm: number;
  /** σ_min(ζnI − B²). */
  sigmaMin: number;
  /** Theorem 1's bound ‖B²‖_* ∕ σ_min(ζnI − B²) ≥ ARP. */
  bound: number;
  /** The paper's series uses tr(B^{2k}); Su notes it conflates ((P^k)_ii)² with (P^{2k})_ii, so it is not Su's R. */
  kind: 'paper';
}

/** Everything {@link RepetitionApi.analyze} computes. */
export interface RepetitionAnalysis {
  n: number;
  /** Fraction of nonzero entries of the (decoded) P. */
  zeta: number;
  /** R = Tr(S(I − S)^{-1}); Infinity when divergent. Accurate to a few n·ε relative even when ρ(S) ≈ 1. */
  rate: number;
  /** ρ(S) = 1: the decoded chain has a deterministic cycle; or (with a warning) R is beyond the double range. */
  divergent: boolean;
  /** The deterministic cycles (P = 1 along each), each from its smallest token index. */
  cycles: number[][];
  /** ρ(S), the largest eigenvalue modulus (the Perron root: S ≥ 0). */
  spectralRadius: number;
  /** A proven bracket of ρ(S) (Collatz–Wielandt, per strongly connected component). */
  spectralRadiusBracket: [number, number];
  /** Min and max row sum of S = Σ_j P_ij²: the Perron–Frobenius bracket of ρ(S). */
  perronBracket: [number, number];
  /** Eigenvalues of S by decreasing modulus (when computed). */
  eigenvalues: { re: Float64Array; im: Float64Array } | null;
  /** Σ λ/(1 − λ) over the eigenvalues (real part), a cross-check of `rate`. */
  rateFromEigenvalues: number | null;
  /** ρ/(1 − ρ), the dominant term of Σ λ/(1 − λ). */
  dominantTerm: number;
  /** n ρ/(1 − ρ) ≥ R (with the bracket's upper end for ρ). */
  upperBound: number;
  /** n r/(1 − r) ≥ R, r = the largest row sum of S (needs no eigenvalues). */
  rowSumUpperBound: number;
  /** R bracketed: the best rigorous lower bound and the upper bound. */
  rateBracket: [number, number];
  /** Σ_j P_ij², the row sums of S. */
  rowSumsS: Float64Array;
  /** Tr(S^k), k = 1…K. */
  traces: Float64Array;
  /** Σ_{j≤k} Tr(S^j): the series converging to R. */
  partialSums: Float64Array;
  /** R − (last partial sum) ≤ this. */
  partialTailBound: number;
  lowerBounds: RepetitionLowerBound[];
  paper: PaperArp | null;
  diagnostics: {
    spectralRadiusIterations: number;
    spectralRadiusConverged: boolean;
    /** Strongly connected components of S's pattern. */
    components: number;
    /** Plain-language notes: near divergence, slow power iteration, disagreeing eigenvalue sum. */
    warnings: string[];
  };
}

/** The Monte Carlo check ({@link RepetitionApi.simulate}). */
export interface RepetitionSimulation {
  /** Estimate of R_K = Σ_{k≤K} Tr(S^k): repeated loops counted per sequence, summed over start tokens. */
  estimate: number;
  standardError: number;
  samples: number;
  /** K: loops of length 1…K are counted. */
  maxK: number;
  /** Estimates of Tr(S^k), k = 1…K, and their standard errors. */
  traceEstimates: Float64Array;
  traceStandardErrors: Float64Array;
  /** The exact R_K when cheap to compute (n³K ≤ 5·10⁷), else null. */
  truncatedRate: number | null;
  /** R − R_K ≤ tailBound (Infinity when divergent). */
  tailBound: number;
  /** Mean tokens per sequence, the start token included. */
  meanLength: number;
  /** Fraction of sequences that reached EOS within 2K + 1 tokens. */
  eosFraction: number;
}

/** R, ρ(S) and n ρ/(1 − ρ) per temperature. */
export interface TemperatureSweep {
  temperatures: Float64Array;
  rates: Float64Array;
  spectralRadii: Float64Array;
  upperBounds: Float64Array;
}

/** A chain after decoding: the n×n block, the EOS column, and both together as full rows. */
export interface DecodedChain {
  n: number;
  block: Matrix;
  eos: Float64Array;
  /** n × (n+1), EOS last. */
  full: Matrix;
}

/** Options of {@link RepetitionApi.bigram}. */
export interface BigramOptions {
  /** Add-k smoothing over the n + 1 outcomes of each row (default 0). */
  smoothing?: number;
}

/** Options of {@link RepetitionApi.tokenize}: the token level and how text is split. */
export interface TokenizeOptions {
  /** `char` (graphemes; whitespace runs become one ' ' token) or `word` (default `char`). */
  level?: 'char' | 'word';
  /**
   * `auto` (default): Intl.Segmenter where available (words of Chinese, Japanese, Thai, … in browsers
   * and Node), else whitespace; `segmenter` requires it; `whitespace` never uses it.
   */
  tokenizer?: 'auto' | 'segmenter' | 'whitespace';
  /** BCP 47 locale for Intl.Segmenter (default 'zh'). */
  locale?: string;
}

/** Options of {@link RepetitionApi.fromText}: tokenization, smoothing and the vocabulary limit. */
export interface FromTextOptions extends TokenizeOptions {
  /** Add-k smoothing (default 0: the empirical bigram model). */
  smoothing?: number;
  /** Largest vocabulary accepted (default 4000; the dense analysis is O(n³)). */
  maxVocab?: number;
}

/** Tokens of a text, split into sentences (each sentence ends with EOS). */
export interface Tokenization {
  level: 'char' | 'word';
  /** What split the text: Intl.Segmenter, or whitespace and punctuation. */
  tokenizer: 'segmenter' | 'whitespace';
  sentences: string[][];
}

/** A bigram model of a text ({@link RepetitionApi.fromText}). */
export interface TextModel {
  level: 'char' | 'word';
  tokenizer: 'segmenter' | 'whitespace';
  /** Distinct tokens by decreasing frequency (ties: first appearance); row/column i of `matrix` is vocabulary[i]. */
  vocabulary: string[];
  /** Occurrences of each vocabulary token. */
  counts: number[];
  /** Tokens in the text. */
  tokens: number;
  sentences: number;
  smoothing: number;
  /** n × (n+1) full rows, EOS last: (c_ij + k)/(c_i + k(n + 1)). Pass it to analyze() as is. */
  matrix: Matrix;
}

/** The repetition module: `ml.repetition`. Every function throws {@link MathLensError} on bad input. */
export interface RepetitionApi {
  /**
   * R with its bracket, ρ(S) with a proven bracket, the lower bounds (rigorous ones labelled
   * `rigorous`, the ζ-based ones `heuristic`), partial sums of Σ Tr(S^k), eigenvalues (n ≤ 256 by
   * default), Fu et al.'s ARP and Theorem 1 (n ≤ 256 by default), after an optional decoding strategy.
   * O(4/3 n³) for R; n = 2000 takes about a second natively. Run large n in a Worker (onProgress).
   */
  analyze(P: TransitionMatrix, options?: RepetitionAnalyzeOptions): RepetitionAnalysis;
  /** R alone (Infinity when divergent). */
  rate(P: TransitionMatrix, options?: RepetitionOptions): number;
  /** The chain after a decoding strategy (or just validated and split when no strategy is given). */
  transform(P: TransitionMatrix, options?: RepetitionOptions): DecodedChain;
  /**
   * Monte Carlo check: sequences sampled from the decoded chain, counting "tokens 0…k equal tokens
   * k…2k" for k ≤ K; the estimate of R_K comes with its standard error (stratified by start token).
   */
  simulate(P: TransitionMatrix, options?: RepetitionSimulateOptions): RepetitionSimulation;
  /** R, ρ(S) and the upper bound for each temperature (other decoding settings as given). */
  sweep(P: TransitionMatrix, temperatures: ArrayLike<number>, options?: TemperatureSweepOptions): TemperatureSweep;
  /** A bigram model from token ids in [0, vocabSize), −1 ending a sequence: n × (n+1) full rows. */
  bigram(tokens: ArrayLike<number>, vocabSize: number, options?: BigramOptions): Matrix;
  /** Splits a text into sentences of character or word tokens (Intl.Segmenter where available). */
  tokenize(text: string, options?: TokenizeOptions): Tokenization;
  /** The bigram model of a text at character or word level, ready for analyze(). */
  fromText(text: string, options?: FromTextOptions): TextModel;
}

// ---------------------------------------------------------------------------------------------------
// Argument checks (what only JS can know; the C++ core checks the numbers)

type RawAnalysis = Omit<RepetitionAnalysis, 'spectralRadiusBracket' | 'perronBracket' | 'rateBracket' | 'diagnostics' | 'paper'> & {
  spectralRadiusLower: number;
  spectralRadiusUpper: number;
  spectralRadiusIterations: number;
  spectralRadiusConverged: boolean;
  components: number;
  perronLower: number;
  perronUpper: number;
  warnings: string[];
  paper: Omit<PaperArp, 'kind'> | null;
};
type R<T> = T | Error;
interface RepetitionRaw extends RawModuleBase {
  repetition_analyze(...args: unknown[]): R<RawAnalysis>;
  repetition_rate(...args: unknown[]): R<number>;
  repetition_transform(...args: unknown[]): R<number>;
  repetition_simulate(...args: unknown[]): R<Omit<RepetitionSimulation, 'truncatedRate'> & { truncatedRate: number | null }>;
  repetition_sweep(...args: unknown[]): R<undefined>;
  repetition_bigram(...args: unknown[]): R<undefined>;
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);


interface Decoding {
  layout: number;
  temperature: number;
  topK: number;
  topP: number;
  greedy: boolean;
}

const CHAIN_KEYS = ['layout', 'temperature', 'topK', 'topP', 'greedy'] as const;

function decodingArgs(o: Record<string, unknown>, fn: string): Decoding {
  const layout = o.layout === undefined ? 'auto' : o.layout;
  if (layout !== 'auto' && layout !== 'block' && layout !== 'full')
    throw new MathLensError(`${fn}: layout must be 'auto', 'block' or 'full', got ${describe(layout)}`);
  const t = o.temperature === undefined ? 1 : o.temperature;
  if (!isNum(t) || !(t > 0)) throw new MathLensError(`${fn}: temperature must be a positive number, got ${describe(t)}`);
  const topK = o.topK === undefined ? 0 : o.topK;
  if (!isNum(topK) || !Number.isInteger(topK) || topK < 0 || topK > 2 ** 31 - 1)
    throw new MathLensError(`${fn}: topK must be a non-negative integer (0 = off), got ${describe(topK)}`);
  const topP = o.topP === undefined ? 1 : o.topP;
  if (!isNum(topP) || !(topP > 0 && topP <= 1)) throw new MathLensError(`${fn}: topP must be in (0, 1] (1 = off), got ${describe(topP)}`);
  const greedy = o.greedy === undefined ? false : o.greedy;
  if (typeof greedy !== 'boolean') throw new MathLensError(`${fn}: greedy must be true or false, got ${describe(greedy)}`);
  return { layout: layout === 'block' ? 1 : layout === 'full' ? 2 : 0, temperature: t, topK, topP, greedy };
}

function partArg(v: unknown, fn: string, name: string): number {
  if (v === undefined || v === 'auto') return 0;
  if (v === true) return 1;
  if (v === false) return 2;
  throw new MathLensError(`${fn}: ${name} must be true, false or 'auto', got ${describe(v)}`);
}

function isSparse(x: unknown): x is SparseTransitionMatrix {
  return typeof x === 'object' && x !== null && 'row' in x && 'col' in x && 'value' in x;
}

/** Dense or sparse input, checked for what JS can see; sparse input is expanded once, in JS. */
function transitionArg(x: unknown, fn: string): Shaped {
  if (!isSparse(x)) return matrixArg(x, fn, 'P');
  const m = x as unknown as Record<string, unknown>;
  const { rows, cols } = m;
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || (rows as number) < 0 || (cols as number) < 0)
    throw new MathLensError(`${fn}: P.rows and P.cols must be non-negative integers`);
  const nr = rows as number;
  const nc = cols as number;
  if (nr * nc > 2 ** 28) throw new MathLensError(`${fn}: P is too large for wasm memory (${nr} × ${nc})`);
  const row = vectorArg(m.row, fn, 'P.row');
  const col = vectorArg(m.col, fn, 'P.col');
  const value = vectorArg(m.value, fn, 'P.value');
  if (row.length !== value.length || col.length !== value.length)
    throw new MathLensError(`${fn}: P.row, P.col and P.value must have the same length, got ${row.length}, ${col.length} and ${value.length}`);
  const dense = new Float64Array(nr * nc);
  for (let k = 0; k < value.length; k++) {
    const i = row[k];
    const j = col[k];
    if (!Number.isInteger(i) || i < 0 || i >= nr || !Number.isInteger(j) || j < 0 || j >= nc)
      throw new MathLensError(`${fn}: P entry ${k} is at (${i}, ${j}), outside the ${nr}×${nc} matrix`);
    dense[i * nc + j] += value[k];
  }
  return { rows: nr, cols: nc, write: (heap, address) => heap.put(address, dense) };
}

function progressArg(v: unknown, fn: string) {
  if (v === undefined) return { callback: undefined, rethrow: () => {} };
  if (typeof v !== 'function') throw new MathLensError(`${fn}: onProgress must be a function, got ${describe(v)}`);
  let failed = false;
  let error: unknown;
  // A throw must not unwind through wasm frames: keep the first error and rethrow it after the call.
  const callback = (fraction: number, stage: string) => {
    if (failed) return;
    try {
      (v as RepetitionProgress)(fraction, stage);
    } catch (e) {
      failed = true;
      error = e;
    }
  };
  return {
    callback,
    rethrow: () => {
      if (failed) throw error;
    },
  };
}

function textArg(x: unknown, fn: string): string {
  if (typeof x !== 'string') throw new MathLensError(`${fn}: text must be a string, got ${describe(x)}`);
  return x;
}

// ---------------------------------------------------------------------------------------------------
// Tokenizing (JS only: Intl.Segmenter where available, whitespace elsewhere)

interface SegmenterLike {
  segment(text: string): Iterable<{ segment: string; isWordLike?: boolean }>;
}
type SegmenterCtor = new (locale?: string, options?: { granularity: 'grapheme' | 'word' | 'sentence' }) => SegmenterLike;

function segmenterCtor(): SegmenterCtor | undefined {
  const s = (Intl as unknown as { Segmenter?: SegmenterCtor }).Segmenter;
  return typeof s === 'function' ? s : undefined;
}

const SENTENCE_END = /(?<=[.!?。！？…；;])\s*|\n+/u;
const WORD_OR_MARK = /[\p{L}\p{M}\p{N}_'’-]+|[^\s\p{L}\p{M}\p{N}]/gu;

function tokenizeImpl(text: string, o: Record<string, unknown>, fn: string): Tokenization {
  const level = o.level === undefined ? 'char' : o.level;
  if (level !== 'char' && level !== 'word') throw new MathLensError(`${fn}: level must be 'char' or 'word', got ${describe(level)}`);
  const mode = o.tokenizer === undefined ? 'auto' : o.tokenizer;
  if (mode !== 'auto' && mode !== 'segmenter' && mode !== 'whitespace')
    throw new MathLensError(`${fn}: tokenizer must be 'auto', 'segmenter' or 'whitespace', got ${describe(mode)}`);
  const locale = o.locale === undefined ? 'zh' : o.locale;
  if (typeof locale !== 'string') throw new MathLensError(`${fn}: locale must be a string, got ${describe(locale)}`);
  const Seg = mode === 'whitespace' ? undefined : segmenterCtor();
  if (mode === 'segmenter' && !Seg) throw new MathLensError(`${fn}: Intl.Segmenter is not available here; use tokenizer 'whitespace'`);
  let make: (g: 'grapheme' | 'word' | 'sentence') => SegmenterLike | undefined = () => undefined;
  if (Seg)
    make = (g) => {
      try {
        return new Seg(locale, { granularity: g });
      } catch {
        throw new MathLensError(`${fn}: locale ${describe(locale)} is not a valid BCP 47 language tag`);
      }
    };
  const sentencesText = Seg
    ? [...make('sentence')!.segment(text)].flatMap((s) => s.segment.split(/\n+/))
    : text.split(SENTENCE_END);
  const sentences: string[][] = [];
  const graphemes = make('grapheme');
  const words = level === 'word' ? make('word') : undefined;
  for (const raw of sentencesText) {
    const s = raw.trim();
    if (!s) continue;
    let tokens: string[];
    if (level === 'char') {
      const chars = graphemes ? [...graphemes.segment(s)].map((g) => g.segment) : Array.from(s);
      tokens = [];
      for (const c of chars) {
        if (/^\s+$/u.test(c)) {
          if (tokens.length && tokens[tokens.length - 1] !== ' ') tokens.push(' ');
        } else tokens.push(c);
      }
    } else if (words) {
      tokens = [...words.segment(s)].map((w) => w.segment).filter((w) => !/^\s*$/u.test(w));
    } else {
      tokens = s.match(WORD_OR_MARK) ?? [];
    }
    if (tokens.length) sentences.push(tokens);
  }
  return { level, tokenizer: Seg ? 'segmenter' : 'whitespace', sentences };
}

// ---------------------------------------------------------------------------------------------------

export function createRepetition(raw: RawModuleBase, heap: Heap): RepetitionApi {
  const m = raw as RepetitionRaw;

  /** Runs a binding on P plus `extra` output doubles; `call` gets (address, rows, cols, out). */
  function withChain<T>(fn: string, P: unknown, extra: (s: Shaped) => number, call: (a: number, s: Shaped, out: number) => T): T {
    const s = transitionArg(P, fn);
    const size = s.rows * s.cols;
    const more = Math.max(0, extra(s));
    heap.begin(fn, size + more);
    try {
      const a = heap.take(size);
      s.write(heap, a);
      const out = heap.take(more);
      return call(a, s, out);
    } finally {
      heap.end();
    }
  }

  const chainN = (s: Shaped, layout: number) => (layout === 2 ? s.cols - 1 : s.rows);

  const api: RepetitionApi = {
    analyze(P, options) {
      const fn = 'repetition.analyze';
      const o = optionsArg(options, fn, [...CHAIN_KEYS, 'eigenvalues', 'paper', 'terms', 'onProgress']);
      const d = decodingArgs(o, fn);
      const eig = partArg(o.eigenvalues, fn, 'eigenvalues');
      const paper = partArg(o.paper, fn, 'paper');
      const terms = o.terms === undefined || o.terms === 'auto' ? -1 : integerArg(o.terms, -1, fn, 'terms', 1, 100000, "from 1 to 100000 or 'auto'");
      const progress = progressArg(o.onProgress, fn);
      const r = withChain(fn, P, () => 0, (a, s) =>
        unwrap(m.repetition_analyze(a, s.rows, s.cols, d.layout, d.temperature, d.topK, d.topP, d.greedy, eig, paper, terms, progress.callback)),
      );
      progress.rethrow();
      const best = Math.max(0, ...r.lowerBounds.filter((b) => b.kind === 'rigorous').map((b) => b.value));
      return {
        n: r.n,
        zeta: r.zeta,
        rate: r.rate,
        divergent: r.divergent,
        cycles: r.cycles,
        spectralRadius: r.spectralRadius,
        spectralRadiusBracket: [r.spectralRadiusLower, r.spectralRadiusUpper],
        perronBracket: [r.perronLower, r.perronUpper],
        eigenvalues: r.eigenvalues,
        rateFromEigenvalues: r.rateFromEigenvalues,
        dominantTerm: r.dominantTerm,
        upperBound: r.upperBound,
        rowSumUpperBound: r.rowSumUpperBound,
        rateBracket: [best, r.upperBound],
        rowSumsS: r.rowSumsS,
        traces: r.traces,
        partialSums: r.partialSums,
        partialTailBound: r.partialTailBound,
        lowerBounds: r.lowerBounds as RepetitionLowerBound[],
        paper: r.paper && { ...r.paper, kind: 'paper' },
        diagnostics: {
          spectralRadiusIterations: r.spectralRadiusIterations,
          spectralRadiusConverged: r.spectralRadiusConverged,
          components: r.components,
          warnings: r.warnings,
        },
      };
    },

    rate(P, options) {
      const fn = 'repetition.rate';
      const d = decodingArgs(optionsArg(options, fn, CHAIN_KEYS), fn);
      return withChain(fn, P, () => 0, (a, s) =>
        unwrap(m.repetition_rate(a, s.rows, s.cols, d.layout, d.temperature, d.topK, d.topP, d.greedy)),
      );
    },

    transform(P, options) {
      const fn = 'repetition.transform';
      const d = decodingArgs(optionsArg(options, fn, CHAIN_KEYS), fn);
      return withChain(
        fn,
        P,
        (s) => {
          const n = chainN(s, d.layout);
          return n > 0 ? n * (n + 1) : 0;
        },
        (a, s, out) => {
          const n = unwrap(m.repetition_transform(a, s.rows, s.cols, d.layout, d.temperature, d.topK, d.topP, d.greedy, out));
          const full = heap.read(out, n * (n + 1));
          const block = new Float64Array(n * n);
          const eos = new Float64Array(n);
          for (let i = 0; i < n; i++) {
            block.set(full.subarray(i * (n + 1), i * (n + 1) + n), i * n);
            eos[i] = full[i * (n + 1) + n];
          }
          return { n, block: { rows: n, cols: n, data: block }, eos, full: { rows: n, cols: n + 1, data: full } };
        },
      );
    },

    simulate(P, options) {
      const fn = 'repetition.simulate';
      const o = optionsArg(options, fn, [...CHAIN_KEYS, 'samples', 'seed', 'maxK', 'onProgress']);
      const d = decodingArgs(o, fn);
      const samples = integerArg(o.samples, 20000, fn, 'samples', 2, 1e8, 'from 2n to 100000000');
      const seed = integerArg(o.seed, 1, fn, 'seed', 0, Number.MAX_SAFE_INTEGER);
      const maxK = o.maxK === undefined || o.maxK === 'auto' ? 0 : integerArg(o.maxK, 0, fn, 'maxK', 1, 1000, "from 1 to 1000 or 'auto'");
      const progress = progressArg(o.onProgress, fn);
      const r = withChain(fn, P, () => 0, (a, s) =>
        unwrap(m.repetition_simulate(a, s.rows, s.cols, d.layout, d.temperature, d.topK, d.topP, d.greedy, samples, seed, maxK, progress.callback)),
      );
      progress.rethrow();
      return r;
    },

    sweep(P, temperatures, options) {
      const fn = 'repetition.sweep';
      const o = optionsArg(options, fn, ['layout', 'topK', 'topP', 'greedy', 'onProgress']);
      const d = decodingArgs(o, fn);
      const t = vectorArg(temperatures, fn, 'temperatures');
      const count = t.length;
      const progress = progressArg(o.onProgress, fn);
      const out = withChain(fn, P, () => 4 * count, (a, s, outAddr) => {
        heap.put(outAddr, t);
        unwrap(m.repetition_sweep(a, s.rows, s.cols, d.layout, 1, d.topK, d.topP, d.greedy, outAddr, count, progress.callback, outAddr + 8 * count));
        return heap.read(outAddr + 8 * count, 3 * count);
      });
      progress.rethrow();
      return {
        temperatures: Float64Array.from(t),
        rates: out.slice(0, count),
        spectralRadii: out.slice(count, 2 * count),
        upperBounds: out.slice(2 * count),
      };
    },

    bigram(tokens, vocabSize, options) {
      const fn = 'repetition.bigram';
      const ids = vectorArg(tokens, fn, 'tokens');
      if (vocabSize === undefined) throw new MathLensError(`${fn}: vocabSize must be an integer from 1 to 10000, got undefined`);
      const n = integerArg(vocabSize, 0, fn, 'vocabSize', 1, 10000);
      const o = optionsArg(options, fn, ['smoothing']);
      const k = o.smoothing === undefined ? 0 : o.smoothing;
      if (!isNum(k) || k < 0) throw new MathLensError(`${fn}: smoothing must be a non-negative number, got ${describe(k)}`);
      for (let i = 0; i < ids.length; i++)
        if (!Number.isInteger(ids[i]) || ids[i] < -1 || ids[i] >= n)
          throw new MathLensError(`${fn}: tokens[${i}] = ${describe(ids[i])} is not a token id in [0, ${n}) or −1 (end of sequence)`);
      heap.begin(fn, ids.length + n * (n + 1));
      try {
        const a = heap.take(ids.length);
        heap.put(a, ids);
        const out = heap.take(n * (n + 1));
        unwrap(m.repetition_bigram(a, ids.length, n, k, out));
        return { rows: n, cols: n + 1, data: heap.read(out, n * (n + 1)) };
      } finally {
        heap.end();
      }
    },

    tokenize(text, options) {
      const fn = 'repetition.tokenize';
      return tokenizeImpl(textArg(text, fn), optionsArg(options, fn, ['level', 'tokenizer', 'locale']), fn);
    },

    fromText(text, options) {
      const fn = 'repetition.fromText';
      const t = textArg(text, fn);
      const o = optionsArg(options, fn, ['level', 'tokenizer', 'locale', 'smoothing', 'maxVocab']);
      const k = o.smoothing === undefined ? 0 : o.smoothing;
      if (!isNum(k) || k < 0) throw new MathLensError(`${fn}: smoothing must be a non-negative number, got ${describe(k)}`);
      const maxVocab = integerArg(o.maxVocab, 4000, fn, 'maxVocab', 1, 10000);
      const tok = tokenizeImpl(t, o, fn);
      if (tok.sentences.length === 0) throw new MathLensError(`${fn}: text has no tokens (it is empty or only whitespace)`);
      // Vocabulary by decreasing frequency, ties by first appearance.
      const count = new Map<string, number>();
      const first = new Map<string, number>();
      let total = 0;
      for (const s of tok.sentences)
        for (const w of s) {
          count.set(w, (count.get(w) ?? 0) + 1);
          if (!first.has(w)) first.set(w, total);
          total++;
        }
      const vocabulary = [...count.keys()].sort((a, b) => count.get(b)! - count.get(a)! || first.get(a)! - first.get(b)!);
      if (vocabulary.length > maxVocab)
        throw new MathLensError(
          `${fn}: the text has ${vocabulary.length} distinct ${tok.level === 'char' ? 'characters' : 'words'}, more than maxVocab = ${maxVocab}`,
        );
      const id = new Map(vocabulary.map((w, i) => [w, i]));
      const ids = new Float64Array(total + tok.sentences.length);
      let p = 0;
      for (const s of tok.sentences) {
        for (const w of s) ids[p++] = id.get(w)!;
        ids[p++] = -1;
      }
      const matrix = api.bigram(ids, vocabulary.length, { smoothing: k });
      return {
        level: tok.level,
        tokenizer: tok.tokenizer,
        vocabulary,
        counts: vocabulary.map((w) => count.get(w)!),
        tokens: total,
        sentences: tok.sentences.length,
        smoothing: k,
        matrix,
      };
    },
  };
  return api;
}
