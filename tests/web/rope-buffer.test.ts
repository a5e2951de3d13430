// Resident batches (issue 4, item 7): ml.rope.buffer and resident x / out in apply, apply2d and
// applyAxial. A resident route must give exactly the bits of the copying route (the same kernel on
// the same numbers), in place and out of place, for every option that changes the kernel's path;
// views survive (or are re-read after) wasm memory growth; misuse gives exact MathLensErrors.
// The allocation/free soak and the garbage-collector test are in leaks.test.ts.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import createMathLensModule from '../../web/src/wasm/mathlens.mjs';
import {
  createApi,
  init,
  type ApplyOptions,
  type AxialApplyOptions,
  type Float32Matrix,
  type MathLens,
  type Matrix,
  type WasmMatrix,
} from 'mathlens';
import { errorOf } from './errors';

let ml: MathLens;
beforeAll(async () => {
  ml = await init();
});

/** Seeded normal numbers (Box–Muller on a 32-bit LCG). */
function randn(n: number, seed: number): Float64Array {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  return Float64Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()));
}

type Typed = Float32Array | Float64Array;

/** Number of entries whose bits differ (0: identical, −0 ≠ +0 and every NaN payload counted). */
function bitsDiffer(a: Typed, b: Typed): number {
  expect(a.constructor).toBe(b.constructor);
  expect(a.length).toBe(b.length);
  const wa = a instanceof Float32Array ? new Uint32Array(a.buffer, a.byteOffset, a.length) : new BigUint64Array(a.buffer, a.byteOffset, a.length);
  const wb = b instanceof Float32Array ? new Uint32Array(b.buffer, b.byteOffset, b.length) : new BigUint64Array(b.buffer, b.byteOffset, b.length);
  let n = 0;
  for (let i = 0; i < wa.length; i++) if (wa[i] !== wb[i]) n++;
  return n;
}

type Dtype = 'float32' | 'float64';
const typed = (dtype: Dtype, v: Float64Array): Typed => (dtype === 'float32' ? Float32Array.from(v) : Float64Array.from(v));

/** A resident copy of v (rows × cols). */
function resident(dtype: Dtype, rows: number, cols: number, v: Float64Array): WasmMatrix {
  const b = ml.rope.buffer(rows, cols, { dtype });
  b.data.set(typed(dtype, v));
  return b;
}

/** Every resident pairing of one call against the copying call: bit-identical, x unchanged where it should be. */
function checkRoutes(
  dtype: Dtype,
  rows: number,
  cols: number,
  v: Float64Array,
  call: (x: unknown, out?: unknown) => Matrix | Float32Matrix | WasmMatrix,
): void {
  const plain = typed(dtype, v);
  const ref = call({ rows, cols, data: plain.slice() }).data as Typed;
  expect(bitsDiffer(ref, plain)).toBeGreaterThan(0); // it did rotate something

  const x = resident(dtype, rows, cols, v);
  const y = ml.rope.buffer(rows, cols, { dtype });
  try {
    // resident x → resident out: returns out, x unchanged
    const r1 = call(x, y);
    expect(r1).toBe(y);
    expect(bitsDiffer(y.data, ref), 'resident x → resident out').toBe(0);
    expect(bitsDiffer(x.data, plain), 'x unchanged (out of place)').toBe(0);
    // resident x, no out: a new typed array (not a view on the wasm memory), x unchanged
    const r2 = call(x).data as Typed;
    expect(r2.constructor).toBe(plain.constructor);
    expect(r2.buffer).not.toBe(x.data.buffer);
    expect(bitsDiffer(r2, ref), 'resident x → new array').toBe(0);
    expect(bitsDiffer(x.data, plain), 'x unchanged (new array)').toBe(0);
    // resident x, typed out
    const o = new (plain.constructor as Float64ArrayConstructor)(rows * cols);
    expect(call(x, o).data).toBe(o);
    expect(bitsDiffer(o, ref), 'resident x → typed out').toBe(0);
    // plain x → resident out
    y.data.fill(0);
    expect(call({ rows, cols, data: plain.slice() }, y)).toBe(y);
    expect(bitsDiffer(y.data, ref), 'plain x → resident out').toBe(0);
    // in place: out is x
    expect(call(x, x)).toBe(x);
    expect(bitsDiffer(x.data, ref), 'resident x in place').toBe(0);
  } finally {
    x.free();
    y.free();
  }
}

describe('rope.buffer', () => {
  it('a resident rows × cols batch: shape, dtype, zeros, a live view, free() idempotent', () => {
    const b = ml.rope.buffer(3, 4);
    expect([b.rows, b.cols, b.dtype, b.freed]).toEqual([3, 4, 'float32', false]);
    expect(b.data).toBeInstanceOf(Float32Array);
    expect(Array.from(b.data)).toEqual(new Array(12).fill(0));
    b.data[5] = 2.5;
    expect(b.data[5]).toBe(2.5); // the same memory, read again
    expect(b.data).toBe(b.data); // no new view while the memory has not grown
    const d = ml.rope.buffer(2, 2, { dtype: 'float64' });
    expect(d.data).toBeInstanceOf(Float64Array);
    expect(d.dtype).toBe('float64');
    expect(Object.keys(b).sort()).toEqual(['cols', 'dtype', 'rows']); // nothing internal is enumerable
    b.free();
    b.free(); // idempotent
    expect(b.freed).toBe(true);
    expect(errorOf(() => b.data)).toBe('rope.buffer: data of a freed buffer (free() was called)');
    d.free();
    // empty batches are buffers too, and apply accepts them
    const e = ml.rope.buffer(0, 8, { dtype: 'float64' });
    expect(e.data.length).toBe(0);
    expect(ml.rope.apply(e, { out: e })).toBe(e);
    expect(ml.rope.apply(e).rows).toBe(0);
    e.free();
  });

  it('freshly reserved memory is zeroed even where a freed buffer left numbers', () => {
    const a = ml.rope.buffer(16, 16, { dtype: 'float64' });
    a.data.fill(7);
    a.free();
    const b = ml.rope.buffer(16, 16, { dtype: 'float64' });
    expect(b.data.every((v) => v === 0)).toBe(true);
    b.free();
  });
});

describe('resident x and out give exactly the bits of the copying path', () => {
  const d = 32;
  const cases: [string, number, ApplyOptions][] = [
    ['defaults (interleaved, positions 0..n−1)', 64, {}],
    ['half pairing', 64, { pairing: 'half' }],
    ['few rows (direct sin/cos)', 5, { pairing: 'half' }],
    ['integer positions, shuffled', 64, { positions: Float64Array.from({ length: 64 }, (_, t) => (t * 37) % 101) }],
    ['fractional positions', 64, { positions: Float64Array.from(randn(64, 3), (p) => 50 * p), pairing: 'half' }],
    ['partial rotaryDim 12 of 32, half (the other dims pass through)', 64, { rotaryDim: 12, pairing: 'half' }],
    ['2 heads, rotaryDim 8 of 16, interleaved', 40, { heads: 2, rotaryDim: 8 }],
    ['YaRN scaling (attention factor on the rotated dims)', 64, { scaling: { type: 'yarn', factor: 4, originalContext: 16 } }],
  ];
  for (const dtype of ['float32', 'float64'] as const)
    for (const [name, n, options] of cases)
      it(`apply, ${dtype}: ${name}`, () => {
        checkRoutes(dtype, n, d, randn(n * d, 11), (x, out) =>
          ml.rope.apply(x as Float32Matrix, { ...options, out: out as Float32Array }),
        );
      });

  const axial: [string, number, number, number, AxialApplyOptions][] = [
    ['apply2d, interleaved', 48, 16, 2, {}],
    ['apply2d, half, shared frequencies, 2 heads', 48, 32, 2, { pairing: 'half', frequencies: 'shared', heads: 2 }],
    ['applyAxial, 3 axes, half, 2 heads', 40, 48, 3, { pairing: 'half', heads: 2 }],
  ];
  for (const dtype of ['float32', 'float64'] as const)
    for (const [name, n, cols, axes, options] of axial)
      it(`${name}, ${dtype}`, () => {
        const pos = { rows: n, cols: axes, data: Float64Array.from({ length: n * axes }, (_, k) => ((k * 7) % 23) - 5) };
        checkRoutes(dtype, n, cols, randn(n * cols, 5), (x, out) => {
          const o = { ...options, out: out as Float32Array };
          return axes === 2 ? ml.rope.apply2d(x as Float32Matrix, pos, o) : ml.rope.applyAxial(x as Float32Matrix, pos, o);
        });
      });

  it('convertWeights reads a resident w (copying it, like any batch)', () => {
    const w = resident('float64', 8, 3, randn(24, 2));
    const want = ml.rope.convertWeights({ rows: 8, cols: 3, data: w.data.slice() }, { heads: 2 });
    expect(bitsDiffer(ml.rope.convertWeights(w, { heads: 2 }).data, want.data)).toBe(0);
    w.free();
  });
});

describe('views and wasm memory growth', () => {
  it('a view taken before the memory grows is detached; data re-read gives the same numbers, and apply still works', () => {
    const b = resident('float64', 16, 8, randn(128, 4));
    const want = b.data.slice();
    const old = b.data;
    const heap0 = ml.memory().wasmHeapBytes;
    // Force growth: a batch larger than the whole current memory.
    const big = ml.rope.buffer(Math.ceil(heap0 / 8 / 1024), 1024, { dtype: 'float64' });
    expect(ml.memory().wasmHeapBytes).toBeGreaterThan(heap0);
    expect(old.length).toBe(0); // detached
    expect(b.data === old).toBe(false); // a new view (compared by identity: vitest cannot print a detached one)
    expect(bitsDiffer(b.data, want)).toBe(0);
    const ref = ml.rope.apply({ rows: 16, cols: 8, data: want });
    expect(bitsDiffer(ml.rope.apply(b, { out: b }).data, ref.data)).toBe(0);
    expect(errorOf(() => ml.rope.apply({ rows: 16, cols: 8, data: old }))).toBe(
      "rope.apply: x.data is a detached view (the wasm memory grew after it was read: read the buffer's data again)",
    );
    expect(errorOf(() => ml.rope.apply(b, { out: old }))).toBe(
      "rope.apply: out is a detached view (the wasm memory grew after it was read: read the buffer's data again)",
    );
    big.free();
    b.free();
  });

  it("a buffer's data passed as a plain x or typed out stays right when the call's own scratch grows the memory", () => {
    // Sizes chosen so that the call's scratch (a copy of x) cannot fit in the free memory.
    const heap0 = ml.memory().wasmHeapBytes;
    const rows = Math.ceil(heap0 / 8 / 128) + 1;
    for (const dtype of ['float64', 'float32'] as const) {
      const v = randn(rows * 128, 8);
      const x = resident(dtype, rows, 128, v);
      const y = ml.rope.buffer(rows, 128, { dtype });
      // The reference by the resident route (checked against the copying one above), which reserves
      // no scratch: the call below must find none to reuse.
      const z = ml.rope.buffer(rows, 128, { dtype });
      const ref = ml.rope.apply(x, { out: z }).data.slice() as Typed;
      const heap1 = ml.memory().wasmHeapBytes;
      const r = ml.rope.apply({ rows, cols: 128, data: x.data }, { pairing: 'interleaved', out: y.data });
      if (dtype === 'float64') expect(ml.memory().wasmHeapBytes, 'the call grew the memory').toBeGreaterThan(heap1);
      expect(bitsDiffer(r.data as Typed, ref)).toBe(0);
      expect(bitsDiffer(y.data, ref)).toBe(0);
      for (const b of [x, y, z]) b.free();
    }
  });
});

describe('misuse: exact messages', () => {
  it('bad rows, cols, dtype, options; too large; out of memory', () => {
    expect(errorOf(() => ml.rope.buffer(-1, 4))).toBe('rope.buffer: rows must be an integer from 0 to 2147483647, got -1');
    expect(errorOf(() => ml.rope.buffer(2, 1.5))).toBe('rope.buffer: cols must be an integer from 0 to 2147483647, got 1.5');
    expect(errorOf(() => ml.rope.buffer('2' as never, 4))).toBe('rope.buffer: rows must be an integer from 0 to 2147483647, got "2"');
    expect(errorOf(() => ml.rope.buffer(undefined as never, 4))).toBe('rope.buffer: rows must be an integer from 0 to 2147483647, got undefined');
    expect(errorOf(() => ml.rope.buffer(2, 4, { dtype: 'int8' as never }))).toBe("rope.buffer: dtype must be 'float32' or 'float64', got \"int8\"");
    expect(errorOf(() => ml.rope.buffer(2, 4, { dtype: 'float64', shape: 1 } as never))).toBe(
      'rope.buffer: unknown option "shape" (expected one of dtype)',
    );
    expect(errorOf(() => ml.rope.buffer(2, 4, null as never))).toBe('rope.buffer: options must be an object, got null');
    expect(errorOf(() => ml.rope.buffer(65536, 65536))).toBe(
      'rope.buffer: rows × cols = 65536 × 65536 is too large for wasm memory (4294967296 numbers)',
    );
    expect(errorOf(() => ml.rope.buffer(65536, 32768, { dtype: 'float64' }))).toBe(
      'rope.buffer: rows × cols = 65536 × 32768 is too large for wasm memory (2147483648 numbers)',
    );
    // Below the 4 GB limit of wasm32 but more than the memory can still grow by: malloc fails.
    expect(errorOf(() => ml.rope.buffer(65535, 16384))).toBe(
      'rope.buffer: out of memory (could not reserve 4294901760 bytes for rows × cols = 65535 × 16384 float32 numbers)',
    );
    expect(ml.rope.buffer(1, 2).freed).toBe(false); // and the module goes on
  });

  it('freed buffers, shape or dtype mismatches, a non-finite resident x (out left untouched)', () => {
    const x = resident('float32', 4, 8, randn(32, 1));
    const y = ml.rope.buffer(4, 8);
    const pos = [[1, 2], [3, 4], [5, 6], [7, 8]];
    y.free();
    expect(errorOf(() => ml.rope.apply(x, { out: y }))).toBe('rope.apply: out is a freed buffer');
    expect(errorOf(() => ml.rope.apply2d(x, pos, { out: y }))).toBe('rope.apply2d: out is a freed buffer');
    expect(errorOf(() => ml.rope.apply(y))).toBe('rope.apply: x is a freed buffer');
    expect(errorOf(() => ml.rope.applyAxial(y, pos))).toBe('rope.applyAxial: x is a freed buffer');
    expect(errorOf(() => ml.rope.convertWeights(y))).toBe('rope.convertWeights: w is a freed buffer');
    const z64 = ml.rope.buffer(4, 8, { dtype: 'float64' });
    expect(errorOf(() => ml.rope.apply(x, { out: z64 }))).toBe(
      'rope.apply: out must be a float32 buffer of 4 × 8 (the shape and dtype of x), got a float64 buffer of 4 × 8',
    );
    const z = ml.rope.buffer(8, 4);
    expect(errorOf(() => ml.rope.apply(x, { out: z }))).toBe(
      'rope.apply: out must be a float32 buffer of 4 × 8 (the shape and dtype of x), got a float32 buffer of 8 × 4',
    );
    expect(errorOf(() => ml.rope.apply([[1, 2, 3, 4, 5, 6, 7, 8]], { out: z64 }))).toBe(
      'rope.apply: out must be a float64 buffer of 1 × 8 (the shape and dtype of x), got a float64 buffer of 4 × 8',
    );
    expect(errorOf(() => ml.rope.apply(x, { out: new Float64Array(32) }))).toBe(
      'rope.apply: out must be a Float32Array of 32 numbers (rows × cols of x), got a Float64Array of 32',
    );
    // A non-finite entry: the core's message; the resident out keeps what it held.
    const w = ml.rope.buffer(4, 8);
    w.data.fill(3);
    x.data[9] = NaN;
    expect(errorOf(() => ml.rope.apply(x, { out: w }))).toBe('rope.apply: x has a non-finite entry (nan) at (1, 1)');
    expect(w.data.every((v) => v === 3)).toBe(true);
    expect(errorOf(() => ml.rope.apply({ rows: 4, cols: 8, data: x.data.slice() }, { out: w }))).toBe(
      'rope.apply: x has a non-finite entry (nan) at (1, 1)',
    );
    expect(w.data.every((v) => v === 3)).toBe(true);
    for (const b of [x, z64, z, w]) b.free();
  });

  it('a buffer of another mathlens instance is rejected, as x and as out', async () => {
    const wasmBinary = readFileSync(new URL('../../web/src/wasm/mathlens.wasm', import.meta.url));
    const other = createApi(await createMathLensModule({ wasmBinary }));
    const theirs = other.rope.buffer(2, 4);
    const ours = ml.rope.buffer(2, 4);
    expect(errorOf(() => ml.rope.apply(theirs))).toBe(
      'rope.apply: x is a buffer of another mathlens instance (buffers stay with the instance that made them)',
    );
    expect(errorOf(() => ml.rope.apply(ours, { out: theirs }))).toBe(
      'rope.apply: out is a buffer of another mathlens instance (buffers stay with the instance that made them)',
    );
    expect(errorOf(() => other.rope.apply2d(ours, [[0, 1], [2, 3]]))).toBe(
      'rope.apply2d: x is a buffer of another mathlens instance (buffers stay with the instance that made them)',
    );
    // Each instance computes on its own buffers, to the same bits.
    theirs.data.set([1, 2, 3, 4, 5, 6, 7, 8]);
    ours.data.set([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(bitsDiffer(other.rope.apply(theirs, { out: theirs }).data, ml.rope.apply(ours, { out: ours }).data)).toBe(0);
    theirs.free();
    ours.free();
  });
});

describe('no copies', () => {
  it('resident x and out: the call reserves no scratch for the batch (a fresh instance stays at its argument block)', async () => {
    const wasmBinary = readFileSync(new URL('../../web/src/wasm/mathlens.wasm', import.meta.url));
    const fresh = createApi(await createMathLensModule({ wasmBinary }));
    const [rows, cols] = [4096, 128];
    const x = fresh.rope.buffer(rows, cols, { dtype: 'float64' });
    const y = fresh.rope.buffer(rows, cols, { dtype: 'float64' });
    x.data.set(randn(rows * cols, 9));
    const before = fresh.memory().allocatedBytes;
    fresh.rope.apply(x, { pairing: 'half', out: y });
    const resident = fresh.memory().allocatedBytes - before;
    expect(resident, 'bytes kept after a resident call').toBeLessThanOrEqual(2048); // the argument block, no batch
    // The copying route on the same instance needs a batch-sized scratch (shown for contrast).
    fresh.rope.apply({ rows, cols, data: x.data.slice() }, { pairing: 'half' });
    expect(fresh.memory().allocatedBytes - before).toBeGreaterThanOrEqual(8 * rows * cols);
    x.free();
    y.free();
  });
});

describe('types', () => {
  it('overloads: a resident out returns that buffer type; resident x without out gives its dtype', () => {
    const x32 = ml.rope.buffer(1, 4);
    const x64 = ml.rope.buffer(1, 4, { dtype: 'float64' });
    x32.data.set([1, 0, 1, 0]);
    x64.data.set([1, 0, 1, 0]);
    // Compile-time checks (tsc -p tsconfig.json covers tests/web): these assignments must type-check.
    const a: WasmMatrix<'float32'> = ml.rope.apply(x32, { out: x32 });
    const b: WasmMatrix<'float64'> = ml.rope.apply2d([[1, 0, 1, 0]], [[1, 2]], { out: x64 });
    const c: Float32Matrix = ml.rope.apply(x32);
    const e: Matrix = ml.rope.applyAxial(x64, [[1, 2]]);
    const f32: Float32Array = x32.data;
    const f64: Float64Array = x64.data;
    expect([a, b].every((m) => m.freed === false)).toBe(true);
    expect(c.data).toBeInstanceOf(Float32Array);
    expect(e.data).toBeInstanceOf(Float64Array);
    expect([f32.length, f64.length]).toEqual([4, 4]);
    x32.free();
    x64.free();
  });
});
