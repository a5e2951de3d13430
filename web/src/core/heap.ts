import type { RawModuleBase } from '../wasm/mathlens.mjs';
import { MathLensError } from './errors.js';

const BYTES = 8;
/** Largest single block handed to malloc (wasm32 addresses; the module may grow to 4 GB). */
const MAX_BYTES = 2 ** 31;
/** Scratch larger than this is released after the call instead of being kept for the next one. */
const KEEP_BYTES = 16 * 2 ** 20;

/**
 * One reusable scratch block in the wasm heap. A call reserves all the doubles it needs (inputs and
 * outputs) at once, copies its inputs in with HEAPF64.set (one copy per array, never per element),
 * calls the binding with addresses, and reads outputs back. Calls are synchronous, so one block
 * serves every call; nothing is left for the user to free.
 */
export class Heap {
  private base = 0;
  private capacity = 0;
  private used = 0;

  constructor(private readonly mod: RawModuleBase) {}

  /** Starts a call that needs `doubles` float64 slots in total. */
  begin(fn: string, doubles: number): void {
    const bytes = doubles * BYTES;
    if (!Number.isFinite(bytes) || bytes > MAX_BYTES)
      throw new MathLensError(`${fn}: input too large for wasm memory (${doubles} numbers)`);
    if (bytes > this.capacity) {
      this.release();
      const size = Math.max(bytes, 1024);
      const address = this.mod._malloc(size);
      if (!address) throw new MathLensError(`${fn}: out of memory (could not reserve ${size} bytes)`);
      this.base = address;
      this.capacity = size;
    }
    this.used = 0;
  }

  /** Reserves `doubles` slots of the current call and returns their byte address. */
  take(doubles: number): number {
    const address = this.base + this.used * BYTES;
    this.used += doubles;
    return address;
  }

  /** Copies a flat array of numbers to `address`. */
  put(address: number, data: ArrayLike<number>): void {
    this.mod.HEAPF64.set(data, address / BYTES);
  }

  /** A copy (never a view: views die when memory grows) of `length` doubles at `address`. */
  read(address: number, length: number): Float64Array {
    const start = address / BYTES;
    return this.mod.HEAPF64.slice(start, start + length);
  }

  /** Ends a call; a very large block is returned to the allocator. */
  end(): void {
    if (this.capacity > KEEP_BYTES) this.release();
  }

  private release(): void {
    if (this.base) this.mod._free(this.base);
    this.base = 0;
    this.capacity = 0;
  }
}
