// Hand-written declarations for the Emscripten output mathlens.mjs (emcc 3.1.6 emits none).
// The per-module raw functions are typed next to their wrappers (web/src/<module>.ts).
export interface EmscriptenModuleOptions {
  wasmBinary?: ArrayBuffer | Uint8Array;
  locateFile?: (path: string, scriptDirectory: string) => string;
  instantiateWasm?: (
    imports: WebAssembly.Imports,
    done: (instance: WebAssembly.Instance, module?: WebAssembly.Module) => void,
  ) => WebAssembly.Exports | object;
}

export interface RawModuleBase {
  HEAPF64: Float64Array;
  HEAPU8: Uint8Array;
  _malloc(bytes: number): number;
  _free(address: number): void;
  buildInfo(): string;
}

declare function createMathLensModule(options?: EmscriptenModuleOptions): Promise<RawModuleBase>;
export default createMathLensModule;
