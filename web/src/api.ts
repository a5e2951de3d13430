/**
 * The public API object shared by the browser and Node entries. One registration line per module.
 * @module
 */
import type { RawModuleBase } from './wasm/mathlens.mjs';
import { Heap } from './core/heap.js';
import { createGaussian, type GaussianApi } from './gaussian.js';

export { MathLensError } from './core/errors.js';
export { toRows, fromRows } from './core/matrix.js';
export type { Matrix, MatrixLike, Vector } from './core/matrix.js';
export type * from './gaussian.js';

/** The loaded library: `const ml = await init()`. Every call on it is synchronous. */
export interface MathLens {
  /** KL, Bhattacharyya, Hellinger, W2/FID between multivariate normals (kexue.fm/archives/8512). */
  gaussian: GaussianApi;
  /** Version, Eigen version and whether wasm SIMD is on. */
  buildInfo(): string;
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
    gaussian: createGaussian(raw, heap),
    buildInfo: () => raw.buildInfo(),
  };
}
