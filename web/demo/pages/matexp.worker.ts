/**
 * Worker of the matexp page: exp(A) of a random n × n matrix (n up to 512) and the det/trace check,
 * off the main thread, with progress messages. Messages in: { id, n }; out: progress / done / error.
 */
import { init, MathLensError } from '../../src/index.js';

export interface LargeRequest {
  id: number;
  n: number;
}
export type LargeMessage =
  | { type: 'progress'; id: number; step: number; label: 'matrix' | 'expm' | 'identity' }
  | {
      type: 'done';
      id: number;
      n: number;
      expmMs: number;
      detMs: number;
      degree: number;
      squarings: number;
      route: string;
      balanced: boolean;
      norm1: number;
      trace: number;
      logAbsDet: number;
      relativeDifference: number;
      corner: number;
    }
  | { type: 'error'; id: number; message: string };

const post = (m: LargeMessage) => (self as unknown as Worker).postMessage(m);

self.onmessage = async (e: MessageEvent<LargeRequest>) => {
  const { id, n } = e.data;
  try {
    const ml = await init();
    post({ type: 'progress', id, step: 1, label: 'matrix' });
    // A deterministic pseudo-random matrix (xorshift + Box–Muller), entries of standard deviation 2/√n.
    let state = 0x9e3779b9 ^ n;
    const uniform = () => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return ((state >>> 0) + 0.5) / 2 ** 32;
    };
    const data = new Float64Array(n * n);
    for (let k = 0; k < n * n; k++) data[k] = (2 / Math.sqrt(n)) * Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
    const a = { rows: n, cols: n, data };
    post({ type: 'progress', id, step: 2, label: 'expm' });
    const t0 = performance.now();
    const info = ml.matexp.expmInfo(a);
    const expmMs = performance.now() - t0;
    post({ type: 'progress', id, step: 3, label: 'identity' });
    const t1 = performance.now();
    const d = ml.matexp.detExp(a);
    const detMs = performance.now() - t1;
    post({
      type: 'done',
      id,
      n,
      expmMs,
      detMs,
      degree: info.degree,
      squarings: info.squarings,
      route: info.route,
      balanced: info.balanced,
      norm1: info.norm1,
      trace: d.trace,
      logAbsDet: d.logAbsDet,
      relativeDifference: d.relativeDifference,
      corner: info.value.data[0],
    });
  } catch (err) {
    post({ type: 'error', id, message: err instanceof MathLensError || err instanceof Error ? err.message : String(err) });
  }
};
