/**
 * mathlens — the mathematics of eight Scientific Spaces (kexue.fm) posts, computed by one C++ core
 * compiled to WebAssembly.
 *
 * ```ts
 * import { init } from 'mathlens';
 * const ml = await init();
 * ml.gaussian.kl({ mean: [1, 2], cov: [[2, 0.5], [0.5, 1]] }, { mean: [0, 0], cov: [[1, 0], [0, 3]] });
 * ```
 * @module
 */
import createMathLensModule, { type EmscriptenModuleOptions } from './wasm/mathlens.mjs';
import { createApi, type InitOptions, type MathLens } from './api.js';

export * from './api.js';

let loaded: Promise<MathLens> | undefined;

/**
 * Loads the wasm module once (memoised: later calls return the same instance) and returns the API.
 * In browsers and bundlers the .wasm is found next to this module; pass `wasmUrl` to serve it elsewhere.
 */
export function init(options: InitOptions = {}): Promise<MathLens> {
  if (!loaded) {
    const opts: EmscriptenModuleOptions = {};
    if (options.wasmBinary) opts.wasmBinary = options.wasmBinary;
    else if (options.wasmUrl) {
      const url = String(options.wasmUrl);
      opts.locateFile = (path, dir) => (path.endsWith('.wasm') ? url : dir + path);
    }
    loaded = createMathLensModule(opts).then(createApi);
    loaded.catch(() => (loaded = undefined));
  }
  return loaded;
}
