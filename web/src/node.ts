/**
 * The Node.js entry of mathlens (chosen by the "node" export condition): the same API, with the
 * .wasm read from disk, since Emscripten's fetch() cannot load file: URLs in Node 20.
 * @module
 */
import { readFile } from 'node:fs/promises';
import createMathLensModule from './wasm/mathlens.mjs';
import { createApi, type InitOptions, type MathLens } from './api.js';

export * from './api.js';

let loaded: Promise<MathLens> | undefined;

/** Loads the wasm module once (memoised) and returns the API. */
export function init(options: InitOptions = {}): Promise<MathLens> {
  if (!loaded) {
    loaded = (async () => {
      const wasmBinary =
        options.wasmBinary ?? (await readFile(options.wasmUrl ?? new URL('./wasm/mathlens.wasm', import.meta.url)));
      return createApi(await createMathLensModule({ wasmBinary }));
    })();
    loaded.catch(() => (loaded = undefined));
  }
  return loaded;
}
