// Issue 8, item 2 (library part): a long session of valid and failing calls leaves the wasm heap and
// the JS heap where they were. The calls are the valid examples of tests/web/hostile/valid-calls.ts
// (every public function) and their hostile variants (tests/web/hostile/mutate.ts). The widget part
// (1,000 widgets created and removed) is in tests/e2e/hostile.e2e.mjs.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { init, MathLensError, type MathLens } from 'mathlens';
import { VALID } from './hostile/valid-calls.js';
import { mutations, parameterNames } from './hostile/mutate.js';

// A real, forced garbage collection without changing the Vitest configuration.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const VALID_CALLS = 1_000_000;
const FAILING_CALLS = 100_000;
/** Bytes that malloc may hold beyond the start after everything (fragmentation bookkeeping). */
const WASM_ALLOCATED_SLACK = 64 * 1024;
/** JS heap growth allowed after a forced GC (V8's own caches and the test's bookkeeping). */
const JS_HEAP_SLACK = 16 * 2 ** 20;

type AnyFn = (...args: unknown[]) => unknown;
interface Call {
  name: string;
  run: () => unknown;
}

let ml: MathLens;
let valid: Call[];
let failing: Call[];

function lookup(api: object, name: string): { fn: AnyFn; self: object } | undefined {
  const parts = name.split('.');
  let self: object = api;
  for (const p of parts.slice(0, -1)) self = (self as Record<string, object>)[p];
  const fn = (self as Record<string, unknown>)?.[parts[parts.length - 1]];
  return typeof fn === 'function' ? { fn: fn as AnyFn, self } : undefined;
}

beforeAll(async () => {
  ml = await init();
  valid = [];
  failing = [];
  for (const [name, v] of Object.entries(VALID)) {
    const f = lookup(ml, name);
    if (!f || name === 'memory') continue; // hostile.test.ts reports examples without a function
    const args = v.args();
    valid.push({ name, run: () => f.fn.apply(f.self, args) });
    for (const m of mutations(v.args(), v, parameterNames(f.fn as never)))
      failing.push({
        name: `${name} ${m.path} ← ${m.kind}`,
        run: () => {
          try {
            f.fn.apply(f.self, m.args);
          } catch (e) {
            if (e instanceof MathLensError) return;
            throw e;
          }
        },
      });
  }
});

function jsHeap(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe('leaks', () => {
  it('memory() reports the wasm heap and sees allocations', () => {
    const m0 = ml.memory();
    expect(m0.wasmHeapBytes).toBeGreaterThanOrEqual(16 * 2 ** 20);
    expect(m0.wasmHeapBytes % 65536).toBe(0);
    // A 2000 × 4 sample needs a larger scratch block, which the library keeps for the next call.
    const samples = { rows: 2000, cols: 4, data: Float64Array.from({ length: 8000 }, (_, k) => Math.sin(k)) };
    ml.gaussian.fit(samples);
    const m1 = ml.memory();
    expect(m1.allocatedBytes - m0.allocatedBytes).toBeGreaterThanOrEqual(8 * 8000);
    ml.gaussian.fit(samples);
    expect(ml.memory().allocatedBytes).toBe(m1.allocatedBytes);
  });

  it('no function keeps wasm memory: 2,000 valid and 2,000 failing calls each', () => {
    expect(valid.length).toBeGreaterThan(10);
    const leaks: string[] = [];
    const byName = new Map<string, Call[]>();
    for (const c of failing) {
      const key = c.name.split(' ')[0];
      byName.set(key, [...(byName.get(key) ?? []), c]);
    }
    for (const c of valid) {
      const bad = byName.get(c.name) ?? [];
      const round = (k: number) => {
        for (let i = 0; i < k; i++) {
          c.run();
          if (bad.length) bad[i % bad.length].run();
        }
      };
      round(50); // warm-up: scratch blocks reach their size
      const before = ml.memory().allocatedBytes;
      round(2000);
      const grown = ml.memory().allocatedBytes - before;
      if (grown > 1024) leaks.push(`${c.name}: +${grown} bytes after 2,000 valid and 2,000 failing calls`);
    }
    expect(leaks.join('\n')).toBe('');
  });

  it(`${VALID_CALLS.toLocaleString('en')} mixed valid calls and ${FAILING_CALLS.toLocaleString('en')} failing calls leave both heaps stable`, () => {
    // Warm-up: every call once through, so that caches, scratch blocks and JIT code exist.
    for (let r = 0; r < 3; r++) for (const c of [...valid, ...failing]) c.run();
    const wasm0 = ml.memory();
    const js0 = jsHeap();
    const t0 = performance.now();
    for (let i = 0; i < VALID_CALLS; i++) valid[i % valid.length].run();
    const t1 = performance.now();
    for (let i = 0; i < FAILING_CALLS; i++) failing[i % failing.length].run();
    const t2 = performance.now();
    const wasm1 = ml.memory();
    const js1 = jsHeap();
    console.log(
      `leaks: ${VALID_CALLS} valid calls over ${valid.length} functions in ${((t1 - t0) / 1000).toFixed(1)} s, ` +
        `${FAILING_CALLS} failing over ${failing.length} variants in ${((t2 - t1) / 1000).toFixed(1)} s; ` +
        `wasm heap ${wasm0.wasmHeapBytes} → ${wasm1.wasmHeapBytes} B, allocated ${wasm0.allocatedBytes} → ${wasm1.allocatedBytes} B, ` +
        `JS heap ${(js0 / 2 ** 20).toFixed(1)} → ${(js1 / 2 ** 20).toFixed(1)} MiB`,
    );
    expect(wasm1.wasmHeapBytes, 'the wasm heap grew').toBe(wasm0.wasmHeapBytes);
    expect(wasm1.allocatedBytes - wasm0.allocatedBytes, 'bytes still allocated in the wasm heap').toBeLessThanOrEqual(WASM_ALLOCATED_SLACK);
    expect(js1 - js0, 'JS heap growth after GC').toBeLessThanOrEqual(JS_HEAP_SLACK);
    // And the module still computes the worked numbers.
    expect(ml.gaussian.kl({ mean: [1, 2], cov: [[2, 0.5], [0.5, 1]] }, { mean: [0, 0], cov: [[1, 0], [0, 3]] })).toBeCloseTo(1.6028315836996772, 14);
  });
});

// ---------------------------------------------------------------- resident matrices (rope.buffer)

/** A result that holds wasm memory until freed (a WasmMatrix from ml.rope.buffer). */
function isResident(x: unknown): x is { free(): void; freed: boolean } {
  return typeof x === 'object' && x !== null && typeof (x as { free?: unknown }).free === 'function' && 'freed' in x;
}

// Runs after the beforeAll above: a valid call that returns a resident matrix hands memory to the
// caller by design (that is what it is for), so the loops above free it as a user would; the
// finalizer that frees forgotten ones only runs between tasks, never inside these synchronous loops.
beforeAll(() => {
  valid = valid.map((c) => ({
    name: c.name,
    run: () => {
      const r = c.run();
      if (isResident(r)) r.free();
      return r;
    },
  }));
});

describe('resident matrices', () => {
  it('10,000 buffer alloc/apply/free cycles (both dtypes, in place and out of place) leave the wasm heap where it was', () => {
    const x64 = Float64Array.from({ length: 64 * 32 }, (_, k) => Math.sin(k));
    const cycle = (i: number) => {
      const dtype = i % 2 ? 'float64' : 'float32';
      const rows = 16 + (i % 7) * 8; // several sizes, so that blocks of different sizes come and go
      const x = ml.rope.buffer(rows, 32, { dtype });
      const y = ml.rope.buffer(rows, 32, { dtype });
      x.data.set(x64.subarray(0, rows * 32));
      ml.rope.apply(x, { out: i % 3 ? y : x, pairing: i % 5 ? 'half' : 'interleaved' });
      if (i % 4 === 0) ml.rope.apply(x); // a copying result from a resident x
      x.free();
      y.free();
      y.free(); // idempotent
    };
    for (let i = 0; i < 100; i++) cycle(i); // warm-up: the scratch block reaches its size
    const before = ml.memory();
    for (let i = 0; i < 10000; i++) cycle(i);
    const after = ml.memory();
    expect(after.wasmHeapBytes, 'the wasm heap grew').toBe(before.wasmHeapBytes);
    expect(after.allocatedBytes - before.allocatedBytes, 'bytes still allocated').toBeLessThanOrEqual(1024);
  });

  it('buffers dropped without free() are freed by the garbage collector', async () => {
    const before = ml.memory().allocatedBytes;
    (() => {
      for (let i = 0; i < 256; i++) ml.rope.buffer(64, 64, { dtype: 'float64' }).data[0] = i; // 32 KiB each, dropped
    })();
    expect(ml.memory().allocatedBytes - before).toBeGreaterThanOrEqual(256 * 32768);
    // FinalizationRegistry callbacks run as tasks after a collection: collect, then yield.
    for (let k = 0; k < 50 && ml.memory().allocatedBytes - before > 64 * 1024; k++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(ml.memory().allocatedBytes - before, 'bytes still held by dropped buffers').toBeLessThanOrEqual(64 * 1024);
  });

  it('a buffer whose data view is still held is not collected (the view keeps it alive)', async () => {
    const view = (() => {
      const b = ml.rope.buffer(4, 4, { dtype: 'float64' });
      b.data.fill(5);
      return b.data;
    })();
    for (let k = 0; k < 5; k++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // If the buffer had been freed, this memory would be back in malloc's hands and reused below.
    const others = Array.from({ length: 64 }, () => ml.rope.buffer(4, 4, { dtype: 'float64' }));
    expect(Array.from(view)).toEqual(new Array(16).fill(5));
    for (const o of others) o.free();
  });
});
