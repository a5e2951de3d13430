/**
 * Wasm-resident matrices: a rows × cols block of float32 or float64 numbers that lives in the wasm
 * heap, so that a function given it as input or output copies nothing. The copying API (plain arrays
 * and typed arrays, one copy in and one out per call) stays the default; a resident matrix is for
 * hot loops over large batches, where those copies cost as much as the computation.
 *
 * A module hands them out (`ml.rope.buffer(rows, cols)`); this file is shared by every module that
 * accepts them. Module wrappers use {@link residentArg} to check one and get its address.
 * @module
 */
import type { RawModuleBase } from '../wasm/mathlens.mjs';
import { MathLensError } from './errors.js';

/** The element type of a resident matrix. */
export type Dtype = 'float32' | 'float64';

/** The typed array of a dtype: Float32Array for 'float32', Float64Array for 'float64'. */
export type DataOf<D extends Dtype> = D extends 'float32' ? Float32Array : Float64Array;

/** What the wasm module must provide for resident matrices. */
interface ResidentModule extends RawModuleBase {
  HEAPF32: Float32Array;
}

/** The state behind a {@link WasmMatrix} (kept out of the object, so users see rows, cols, dtype only). */
interface State {
  readonly mod: ResidentModule;
  /** Byte address in the wasm heap (unsigned). */
  readonly address: number;
  readonly length: number;
  readonly f32: boolean;
  /** The function that created it, for messages (`rope.buffer`). */
  readonly fn: string;
  view: Float32Array | Float64Array | null;
  freed: boolean;
}

/** A checked resident argument, as module wrappers use it. */
export interface Resident {
  /** Byte address of the first entry in the wasm heap. */
  address: number;
  rows: number;
  cols: number;
  dtype: Dtype;
  f32: boolean;
  /** Bytes of the block (rows × cols × 4 or 8). */
  bytes: number;
  matrix: WasmMatrix;
}

/** Bytes per entry. */
const SIZE: Record<Dtype, number> = { float32: 4, float64: 8 };
/** wasm32 addresses: no block can reach 4 GB (the module's maximum memory). */
const MAX_BYTES = 2 ** 32;

const states = new WeakMap<WasmMatrix, State>();
/**
 * View → its matrix. A WeakMap entry keeps its value alive while its key is: a user who holds only
 * `m.data` keeps `m` (and so its memory) alive, so a view never aliases memory freed by the
 * finalizer.
 */
const owners = new WeakMap<ArrayBufferView, WasmMatrix>();
/** Frees the memory of matrices that were dropped without free(). */
const finalizer = new FinalizationRegistry<{ mod: ResidentModule; address: number }>(({ mod, address }) => mod._free(address));

const CREATE = Symbol('WasmMatrix');

function stateOf(m: WasmMatrix): State {
  return states.get(m) as State;
}

/**
 * A rows × cols matrix (row-major, float32 or float64) that lives in the wasm heap: functions given
 * it as input or `out` read and write it in place, with no copy. Made by a module, e.g.
 * `ml.rope.buffer(rows, cols, { dtype })`; filled with zeros.
 *
 * ```ts
 * const x = ml.rope.buffer(4096, 128);            // float32
 * const y = ml.rope.buffer(4096, 128);
 * x.data.set(myFloat32Array);                     // one copy in, once
 * ml.rope.apply(x, { out: y });                   // no copies
 * use(y.data);                                    // a live view: no copy out
 * x.free(); y.free();                             // or let them be garbage collected
 * ```
 *
 * `data` is a view on the wasm memory, not a copy. **Re-read `data` after any other mathlens call**:
 * a call may grow the wasm memory, which detaches every earlier view (it then has length 0); the
 * getter returns a fresh view when that happened. Memory is freed by {@link WasmMatrix.free}, or,
 * for a matrix that is no longer reachable (neither it nor a view of its `data`), by the garbage
 * collector at some later time — call free() in loops that create many. A matrix belongs to the
 * mathlens instance that made it.
 * @typeParam D - the element type, 'float32' or 'float64'.
 */
export class WasmMatrix<D extends Dtype = Dtype> {
  /** Number of rows. */
  readonly rows: number;
  /** Number of columns. */
  readonly cols: number;
  /** The element type: 'float32' (data is a Float32Array) or 'float64' (a Float64Array). */
  readonly dtype: D;

  /**
   * Not for users: a module makes resident matrices (`ml.rope.buffer`).
   * @internal
   */
  constructor(token: symbol, mod: RawModuleBase, rows: number, cols: number, dtype: D, fn: string) {
    if (token !== CREATE) throw new MathLensError('WasmMatrix: made by a module, e.g. ml.rope.buffer(rows, cols)');
    const m = mod as ResidentModule;
    const length = rows * cols;
    const bytes = length * SIZE[dtype];
    // At least 8 bytes: every matrix, even an empty one, has its own non-zero address.
    const address = m._malloc(Math.max(bytes, 8)) >>> 0; // >>> 0: addresses above 2 GB arrive signed
    if (!address)
      throw new MathLensError(
        `${fn}: out of memory (could not reserve ${bytes} bytes for rows × cols = ${rows} × ${cols} ${dtype} numbers)`,
      );
    const f32 = dtype === 'float32';
    if (f32) m.HEAPF32.fill(0, address / 4, address / 4 + length);
    else m.HEAPF64.fill(0, address / 8, address / 8 + length);
    this.rows = rows;
    this.cols = cols;
    this.dtype = dtype;
    const state: State = { mod: m, address, length, f32, fn, view: null, freed: false };
    states.set(this, state);
    finalizer.register(this, { mod: m, address }, state);
  }

  /**
   * The entries, row-major (`data[i * cols + j]`): a live Float32Array/Float64Array view on the wasm
   * memory. Writes go straight to the matrix. Re-read it after other mathlens calls (see the class
   * comment): a view taken before the wasm memory grew is detached and has length 0.
   * @throws MathLensError after free().
   */
  get data(): DataOf<D> {
    const s = stateOf(this);
    if (s.freed) throw new MathLensError(`${s.fn}: data of a freed buffer (free() was called)`);
    const heap = s.f32 ? s.mod.HEAPF32 : s.mod.HEAPF64;
    let view = s.view;
    if (view === null || view.buffer !== heap.buffer) {
      view = s.f32 ? new Float32Array(heap.buffer, s.address, s.length) : new Float64Array(heap.buffer, s.address, s.length);
      s.view = view;
      owners.set(view, this);
    }
    return view as DataOf<D>;
  }

  /** True once {@link WasmMatrix.free} was called. */
  get freed(): boolean {
    return stateOf(this).freed;
  }

  /**
   * Returns the memory to the wasm heap now (calling it again does nothing). Afterwards `data`
   * throws, functions reject the matrix, and any view read earlier must not be used.
   */
  free(): void {
    const s = stateOf(this);
    if (s.freed) return;
    s.freed = true;
    s.view = null;
    finalizer.unregister(s);
    s.mod._free(s.address);
  }
}

/** True for a resident matrix made by a module (not for look-alike `{ rows, cols, data }` objects); reads no getter. */
export function isWasmMatrix(x: unknown): x is WasmMatrix {
  return typeof x === 'object' && x !== null && states.has(x as WasmMatrix);
}

/**
 * Allocates a resident matrix (module wrappers: checks their arguments first). Throws MathLensError
 * `<fn>: …` when rows × cols is too large or the memory cannot be reserved.
 */
export function allocate<D extends Dtype>(mod: RawModuleBase, rows: number, cols: number, dtype: D, fn: string): WasmMatrix<D> {
  const count = rows * cols;
  if (count * SIZE[dtype] >= MAX_BYTES)
    throw new MathLensError(`${fn}: rows × cols = ${rows} × ${cols} is too large for wasm memory (${count} numbers)`);
  return new WasmMatrix(CREATE, mod, rows, cols, dtype, fn);
}

/**
 * For module wrappers: null when `x` is not a resident matrix; otherwise its address and shape.
 * Throws MathLensError `<fn>: <arg> is a freed buffer` or `… belongs to another mathlens instance`.
 */
export function residentArg(x: unknown, mod: RawModuleBase, fn: string, arg: string): Resident | null {
  if (!isWasmMatrix(x)) return null;
  const s = stateOf(x);
  if (s.freed) throw new MathLensError(`${fn}: ${arg} is a freed buffer`);
  if (s.mod !== mod)
    throw new MathLensError(`${fn}: ${arg} is a buffer of another mathlens instance (buffers stay with the instance that made them)`);
  return {
    address: s.address,
    rows: x.rows,
    cols: x.cols,
    dtype: x.dtype,
    f32: s.f32,
    bytes: s.length * (s.f32 ? 4 : 8),
    matrix: x,
  };
}
