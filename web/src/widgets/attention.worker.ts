/**
 * The worker of `<mathlens-attention>`: the heavy runs that would freeze the page — the timing of
 * every kernel over n (with progress) and the error-vs-landmarks/features sweep. It loads its own
 * instance of the library (the .wasm file is shared with the page) and yields between runs, so a
 * newer request supersedes an older one; the widget terminates the worker to cancel a run at once.
 *
 * Messages in: {@link WorkerRequest}; out: {@link WorkerMessage}.
 * @module
 */
import { init, MathLensError, type MathLens, type MatrixLike } from '../index.js';
import { predictedMacs, type KernelName } from './attention-cost.js';

/** Q, K, V: either seeded (regenerated here from the same seed) or given. */
export type InputSpec =
  | { kind: 'sample'; n: number; d: number; structure: 'random' | 'clustered'; seed: number; clusters: number }
  | { kind: 'given'; q: MatrixLike; k: MatrixLike; v: MatrixLike };

export interface SweepRequest {
  type: 'sweep';
  id: number;
  inputs: InputSpec;
  /** Landmark / feature counts to try. */
  ms: number[];
  /** Logit scale option as the library takes it. */
  scale: boolean | number;
  iterations: number;
  init: 'original' | 'per-matrix';
  /** Performer errors are averaged over this many seeds. */
  seeds: number;
}

export interface TimingRequest {
  type: 'timing';
  id: number;
  ns: number[];
  d: number;
  landmarks: number;
  features: number;
  iterations: number;
  /** Runs per (kernel, n); the best is kept. */
  reps: number;
  /** Skip exact attention above this n (its time grows as n²). */
  exactMaxN: number;
}

export type WorkerRequest = SweepRequest | TimingRequest;

export interface SweepPoint {
  m: number;
  /** Output relative Frobenius errors (null when the run failed, e.g. m > n). */
  nystromIterative: number | null;
  nystromSvd: number | null;
  performer: number | null;
}

export interface TimingPoint {
  kernel: KernelName;
  n: number;
  /** Best wall time in ms. */
  ms: number;
  /** Predicted multiply-adds (`ml.flops.attention`, spec MATH.md §1/§5 counts). */
  macs: number;
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'sweep'; id: number; points: SweepPoint[]; linear: number | null; done: boolean }
  | { type: 'progress'; id: number; done: number; total: number; kernel: KernelName; n: number }
  | { type: 'timing-point'; id: number; point: TimingPoint }
  | { type: 'timing-done'; id: number }
  | { type: 'error'; id: number; message: string };

const scope = self as unknown as {
  postMessage(m: WorkerMessage): void;
  onmessage: ((e: MessageEvent<WorkerRequest>) => void) | null;
};
const post = (m: WorkerMessage) => scope.postMessage(m);

let ml: MathLens | null = null;
const latest: Record<WorkerRequest['type'], number> = { sweep: 0, timing: 0 };
/** Lets queued messages (a newer request) arrive between two runs. */
const yieldNow = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function inputsOf(spec: InputSpec, lib: MathLens): { q: MatrixLike; k: MatrixLike; v: MatrixLike } {
  if (spec.kind === 'given') return spec;
  return lib.attention.sampleInputs(spec.n, spec.d, { structure: spec.structure, seed: spec.seed, clusters: spec.clusters });
}

function tryError(f: () => number): number | null {
  try {
    return f();
  } catch (e) {
    if (e instanceof MathLensError) return null;
    throw e;
  }
}

async function sweep(r: SweepRequest, lib: MathLens): Promise<void> {
  const { q, k, v } = inputsOf(r.inputs, lib);
  const a = lib.attention;
  const linear = tryError(() => a.linear(q, k, v, { errors: true }).errors!.outputRelativeFrobenius);
  const points: SweepPoint[] = [];
  for (const m of r.ms) {
    await yieldNow();
    if (latest.sweep !== r.id) return;
    const common = { landmarks: m, scale: r.scale, errors: true } as const;
    const point: SweepPoint = {
      m,
      nystromIterative: tryError(
        () => a.nystrom(q, k, v, { ...common, iterations: r.iterations, init: r.init }).errors!.outputRelativeFrobenius,
      ),
      nystromSvd: tryError(() => a.nystrom(q, k, v, { ...common, pinv: 'svd' }).errors!.outputRelativeFrobenius),
      performer: tryError(() => {
        let sum = 0;
        for (let seed = 1; seed <= r.seeds; seed++)
          sum += a.performer(q, k, v, { features: m, seed, scale: r.scale, errors: true }).errors!.outputRelativeFrobenius;
        return sum / r.seeds;
      }),
    };
    points.push(point);
    post({ type: 'sweep', id: r.id, points: points.slice(), linear, done: false });
  }
  post({ type: 'sweep', id: r.id, points, linear, done: true });
}

async function timing(r: TimingRequest, lib: MathLens): Promise<void> {
  const a = lib.attention;
  const kernels: KernelName[] = ['exact', 'linear', 'performer', 'nystrom'];
  const jobs = r.ns.flatMap((n) => kernels.filter((kn) => kn !== 'exact' || n <= r.exactMaxN).map((kernel) => ({ kernel, n })));
  // Warm-up: one small run of each kernel, so that the first timed call does not pay for tiering.
  const warm = a.sampleInputs(256, r.d, { seed: 99 });
  a.exact(warm.q, warm.k, warm.v);
  a.linear(warm.q, warm.k, warm.v);
  a.performer(warm.q, warm.k, warm.v, { features: r.features });
  a.nystrom(warm.q, warm.k, warm.v, { landmarks: Math.min(r.landmarks, 256), iterations: r.iterations });
  let inputs: { n: number; x: ReturnType<typeof a.sampleInputs> } | null = null;
  for (let j = 0; j < jobs.length; j++) {
    const { kernel, n } = jobs[j];
    post({ type: 'progress', id: r.id, done: j, total: jobs.length, kernel, n });
    await yieldNow();
    if (latest.timing !== r.id) return;
    if (!inputs || inputs.n !== n) inputs = { n, x: a.sampleInputs(n, r.d, { seed: 1 }) };
    const { q, k, v } = inputs.x;
    const run = (): void => {
      if (kernel === 'exact') a.exact(q, k, v);
      else if (kernel === 'linear') a.linear(q, k, v);
      else if (kernel === 'performer') a.performer(q, k, v, { features: r.features });
      else a.nystrom(q, k, v, { landmarks: Math.min(r.landmarks, n), iterations: r.iterations });
    };
    let best = Infinity;
    for (let rep = 0; rep < r.reps; rep++) {
      const t0 = performance.now();
      run();
      best = Math.min(best, performance.now() - t0);
      if (best > 400) break; // long runs: one sample is enough
    }
    const macs = predictedMacs(lib, kernel, { n, d: r.d, landmarks: r.landmarks, features: r.features, iterations: r.iterations });
    post({ type: 'timing-point', id: r.id, point: { kernel, n, ms: best, macs } });
  }
  post({ type: 'progress', id: r.id, done: jobs.length, total: jobs.length, kernel: 'nystrom', n: r.ns[r.ns.length - 1] });
  post({ type: 'timing-done', id: r.id });
}

scope.onmessage = (e) => {
  const r = e.data;
  latest[r.type] = r.id;
  (async () => {
    ml ??= await init();
    if (r.type === 'sweep') await sweep(r, ml);
    else await timing(r, ml);
  })().catch((err: unknown) => post({ type: 'error', id: r.id, message: err instanceof Error ? err.message : String(err) }));
};

post({ type: 'ready' });
