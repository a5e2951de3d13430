/**
 * The repetition module in a Web Worker: large analyses (vocabularies of thousands of tokens) run here
 * so the page stays responsive, with progress messages. Started by {@link RepetitionWorkerClient}
 * (`new Worker(new URL('./repetition.worker.ts', import.meta.url), { type: 'module' })`).
 *
 * Protocol: the page posts `{ id, method, args }`; the worker answers `{ id, type: 'progress', fraction,
 * stage }` any number of times, then `{ id, type: 'result', value }` or `{ id, type: 'error', name,
 * message }`. Methods: the ml.repetition functions `analyze`, `rate`, `sweep`, `simulate`, `fromText`,
 * `transform`, and `textReport` (fromText + analyze + sweep + simulate in one go, without sending the
 * n × (n+1) matrix back and forth).
 * @module
 */
import { init, type MathLens, type RepetitionAnalyzeOptions, type TemperatureSweep, type TextModel } from '../index.js';
import type { RepetitionAnalysis, RepetitionSimulation, FromTextOptions } from '../repetition.js';

/** The most repetition-prone tokens of a text model: largest Σ_j P_ij². */
export interface ProneToken {
  token: string;
  /** Its most probable successor ('' for EOS). */
  next: string;
  /** P(next | token). */
  probability: number;
  /** Σ_j P_ij², the row sum of S. */
  rowSumS: number;
}

/** What {@link RepetitionWorkerClient.textReport} returns. */
export interface TextReport {
  /** The text's bigram model (vocabulary, counts; without the matrix). */
  model: Omit<TextModel, 'matrix'>;
  /** The analysis of the decoded chain. */
  analysis: RepetitionAnalysis;
  /** R over `temperatures`, if any were given. */
  sweep: TemperatureSweep | null;
  /** The simulated repetition rate, if `samples` > 0. */
  simulation: RepetitionSimulation | null;
  /** The tokens most prone to repetition (largest row sums of S), with their likeliest successor. */
  prone: ProneToken[];
}

/** Options of {@link RepetitionWorkerClient.textReport}: the model, the decoding, the sweep and the simulation. */
export interface TextReportOptions extends FromTextOptions {
  /** Decoding applied to the model before the analysis. */
  decoding?: Pick<RepetitionAnalyzeOptions, 'temperature' | 'topK' | 'topP' | 'greedy'>;
  /** Temperatures to sweep (none by default). */
  temperatures?: number[];
  /** Simulated sequences (0 by default: no simulation; at least 2n when set). */
  samples?: number;
  /** Seed of the simulation (default 1). */
  seed?: number;
}

interface Request {
  id: number;
  method: string;
  args: unknown[];
}

let ml: Promise<MathLens> | undefined;

/**
 * V8 runs wasm first with its baseline compiler and optimises hot functions in the background, but a
 * running call cannot switch to the optimised code: a first n = 2000 analysis would spend seconds in
 * baseline code. So the worker first runs a few small analyses (the same kernels, ~20 ms) and yields.
 */
async function load(): Promise<MathLens> {
  const api = await init();
  const n = 96;
  const p = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) p[i * n + j] = ((i * 31 + j * 17) % 23) / (23 * n);
  const t0 = performance.now();
  for (let k = 0; k < 4 || performance.now() - t0 < 20; k++) {
    api.repetition.analyze({ rows: n, cols: n, data: p }, { eigenvalues: false, paper: false });
    if (k > 50) break;
  }
  await new Promise((r) => setTimeout(r, 30));
  return api;
}

function textReport(api: MathLens, text: string, o: TextReportOptions, progress: (f: number, s: string) => void): TextReport {
  const { decoding = {}, temperatures = [], samples = 0, seed = 1, ...textOptions } = o;
  const model = api.repetition.fromText(text, textOptions);
  progress(0.02, 'model');
  const n = model.vocabulary.length;
  // Work ∝ n³ for the analysis and for each sweep point; the simulation is cheap in comparison.
  const wSweep = temperatures.length;
  const total = 1 + wSweep + (samples > 0 ? 0.2 : 0);
  const analysis = api.repetition.analyze(model.matrix, {
    ...decoding,
    onProgress: (f, s) => progress(0.02 + (0.98 * f) / total, s),
  });
  let sweep: TemperatureSweep | null = null;
  if (wSweep) {
    const { temperature: _t, ...rest } = decoding;
    sweep = api.repetition.sweep(model.matrix, temperatures, {
      ...rest,
      onProgress: (f, s) => progress(0.02 + (0.98 * (1 + f * wSweep)) / total, s),
    });
  }
  let simulation: RepetitionSimulation | null = null;
  if (samples > 0)
    simulation = api.repetition.simulate(model.matrix, {
      ...decoding,
      samples: Math.max(samples, 2 * n),
      seed,
      onProgress: (f, s) => progress(0.02 + (0.98 * (1 + wSweep + 0.2 * f)) / total, s),
    });
  // The rows most prone to repetition, with their most likely successor (after decoding).
  const decoded = api.repetition.transform(model.matrix, decoding);
  const order = Array.from(analysis.rowSumsS.keys()).sort((a, b) => analysis.rowSumsS[b] - analysis.rowSumsS[a]);
  const prone: ProneToken[] = order.slice(0, 8).map((i) => {
    let best = 0;
    for (let j = 1; j <= n; j++) if (decoded.full.data[i * (n + 1) + j] > decoded.full.data[i * (n + 1) + best]) best = j;
    return {
      token: model.vocabulary[i],
      next: best === n ? '' : model.vocabulary[best],
      probability: decoded.full.data[i * (n + 1) + best],
      rowSumS: analysis.rowSumsS[i],
    };
  });
  const { matrix: _m, ...rest } = model;
  progress(1, 'done');
  return { model: rest, analysis, sweep, simulation, prone };
}

self.onmessage = async (e: MessageEvent<Request>) => {
  const { id, method, args } = e.data;
  const post = (msg: object) => (self as unknown as Worker).postMessage({ id, ...msg });
  let last = -1;
  const progress = (fraction: number, stage: string) => {
    // At most ~200 messages per call.
    if (fraction - last < 0.005 && fraction < 1) return;
    last = fraction;
    post({ type: 'progress', fraction, stage });
  };
  try {
    ml ??= load();
    const api = await ml;
    let value: unknown;
    if (method === 'textReport') value = textReport(api, args[0] as string, (args[1] ?? {}) as TextReportOptions, progress);
    else if (['analyze', 'simulate', 'sweep'].includes(method)) {
      const options = { ...((args[method === 'sweep' ? 2 : 1] ?? {}) as object), onProgress: progress };
      const call = args.slice(0, method === 'sweep' ? 2 : 1);
      value = (api.repetition as unknown as Record<string, (...a: unknown[]) => unknown>)[method](...call, options);
    } else if (['rate', 'fromText', 'transform', 'tokenize'].includes(method))
      value = (api.repetition as unknown as Record<string, (...a: unknown[]) => unknown>)[method](...args);
    else throw new Error(`unknown method ${method}`);
    post({ type: 'result', value });
  } catch (err) {
    const x = err as Error;
    post({ type: 'error', name: x?.name ?? 'Error', message: x?.message ?? String(err) });
  }
};
