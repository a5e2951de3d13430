/**
 * The public API object shared by the browser and Node entries. One registration line per module.
 * @module
 */
import type { RawModuleBase } from './wasm/mathlens.mjs';
import { Heap } from './core/heap.js';
import { createAttention, type AttentionApi } from './attention.js';
import { createFlops, type FlopsApi } from './flops.js';
import { createGaussian, type GaussianApi } from './gaussian.js';
import { createMatexp, type MatexpApi } from './matexp.js';
import { createOrthogonal, type OrthogonalApi } from './orthogonal.js';
import { createRepetition, type RepetitionApi } from './repetition.js';
import { createRope, type RopeApi } from './rope.js';

export { MathLensError } from './core/errors.js';
export { toRows, fromRows } from './core/matrix.js';
export { WasmMatrix } from './core/buffer.js';
export type { Matrix, MatrixLike, Vector } from './core/matrix.js';
export type * from './attention.js';
export type * from './flops.js';
export type * from './gaussian.js';
export type * from './matexp.js';
export type * from './orthogonal.js';
export type * from './repetition.js';
export type * from './rope.js';

/** The loaded library: `const ml = await init()`. Every call on it is synchronous. */
export interface MathLens {
  /** Exact softmax attention and its linear-time approximations: linear, Performer, Nyström (kexue.fm/archives/8180). */
  attention: AttentionApi;
  /** Cost model of a Transformer layer: per-term MACs/FLOPs, crossovers, sweeps, presets (kexue.fm/archives/8610). */
  flops: FlopsApi;
  /** KL, Bhattacharyya, Hellinger, W2/FID between multivariate normals (kexue.fm/archives/8512). */
  gaussian: GaussianApi;
  /** Matrix exponential, exp(x yᵀ) in closed form, det(exp A) = exp(Tr A) (kexue.fm/archives/6407, 6377). */
  matexp: MatexpApi;
  /** Orthogonal maps taking a to b in any dimension: rotation, Householder, the post's (kexue.fm/archives/8453). */
  orthogonal: OrthogonalApi;
  /** Why decoders repeat: R = Tr(S(I − S)⁻¹), bounds, decoding transforms, Monte Carlo, text models (kexue.fm/archives/8128). */
  repetition: RepetitionApi;
  /** Rotary position embedding in 1-D, 2-D and N-D, both pairings, context scaling (kexue.fm/archives/8265, 8397). */
  rope: RopeApi;
  /** Version, Eigen version and whether wasm SIMD is on. */
  buildInfo(): string;
  /** The wasm heap: its size and the bytes in use (for leak checks in long-running pages and tests). */
  memory(): MemoryInfo;
}

/** What {@link MathLens.memory} reports. */
export interface MemoryInfo {
  /** Size of the wasm linear memory in bytes; it grows on demand and never shrinks. */
  wasmHeapBytes: number;
  /** Bytes malloc has currently handed out, including mathlens' own reusable scratch block. */
  allocatedBytes: number;
}

/** Options of {@link init}. */
export interface InitOptions {
  /** Where to fetch mathlens.wasm from (default: next to the module, found by bundlers and browsers). */
  wasmUrl?: string | URL;
  /** The wasm bytes themselves (skips fetching; Node reads the file for you). */
  wasmBinary?: ArrayBuffer | Uint8Array;
}

export function createApi(raw: RawModuleBase): MathLens {
  const heap = new Heap(raw);
  return {
    attention: createAttention(raw, heap),
    flops: createFlops(raw, heap),
    gaussian: createGaussian(raw, heap),
    matexp: createMatexp(raw, heap),
    orthogonal: createOrthogonal(raw, heap),
    repetition: createRepetition(raw, heap),
    rope: createRope(raw, heap),
    buildInfo: () => raw.buildInfo(),
    memory: () => ({
      wasmHeapBytes: raw.HEAPU8.length,
      allocatedBytes: (raw as RawModuleBase & { allocatedBytes(): number }).allocatedBytes(),
    }),
  };
}
