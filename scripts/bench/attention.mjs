// Benchmark of the attention module (issue 3, item 8): exact softmax attention, linear attention,
// Performer (m = 256 features) and Nyström (m = 64 landmarks, 6 iterations) at n = 512 … 8192,
// d = 64, one head, measured in one run as
//   (1) wasm through the public API, ml.attention.<kernel>(q, k, v) — copies in and out included
//   (2) the same C++ natively (build/native/mathlens_bench attention, the portable x86-64 build)
//   (3) numpy's exact attention as a user writes it (Q Kᵀ/√d, max-shifted exp, row sums, · V) in
//       float64 on one thread, when /usr/bin/python3 has numpy
// on the same inputs: Q, K, V = attention::sample_inputs(n, 64, 64, random, seed 1), which wasm and
// native draw themselves and numpy reads from the file the native side writes. The VM is noisy, so
// wasm and native calls alternate, round by round, and the best of each is kept.
//
// Targets (printed PASS/MISS):
//   exact attention wasm/native ≤ 1.5 at n = 4096;
//   Nyström (m = 64) faster than exact attention from n = 1024 on (wasm and native);
//   exact attention at n = 4096, d = 64 in wasm no slower than numpy float64 on one thread.
// Also: multiply-adds per second (MATH.md §1/§5 counts) and the measured vs predicted crossovers.
//
//   node scripts/bench/attention.mjs [--ns 512,1024,2048,4096,8192] [--no-numpy]
// Normally run by `npm run bench` (scripts/bench.sh). Writes bench-output/attention.json.
// Environment: MATHLENS_BENCH_NATIVE (path of mathlens_bench), MATHLENS_MODULE (module to import
// instead of the package `mathlens`).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { bestOf } from './lib/timing.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT_DIR = join(ROOT, 'bench-output');
const INPUT_DIR = join(OUT_DIR, 'attention-inputs');
const NATIVE = process.env.MATHLENS_BENCH_NATIVE ?? join(ROOT, 'build/native/mathlens_bench');
const MODULE = process.env.MATHLENS_MODULE ? pathToFileURL(process.env.MATHLENS_MODULE).href : 'mathlens';
const PYTHON = '/usr/bin/python3';

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
};
const NS = option('--ns', '512,1024,2048,4096,8192').split(',').map(Number);
const WITH_NUMPY = !argv.includes('--no-numpy');
const D = 64;
const LANDMARKS = 64;
const FEATURES = 256;
const ITERATIONS = 6;
const KERNELS = ['exact', 'linear', 'performer', 'nystrom'];

const log = (msg) => process.stderr.write(`[bench:attention] ${msg}\n`);
const rel = (a, b) => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-300));

/** Rounds per n (each: one wasm sample and one native sample, alternating). */
const rounds = (n) => (n <= 4096 ? 5 : 3);

/**
 * Predicted multiply-adds of one head from the flops module (MATH.md §1: 2n²d, 2nd²; §5:
 * 4nmd + 2m²d + 4m³·iterations; Performer 4nmd), checked against the closed forms.
 */
function macs(kernel, n) {
  const m = Math.min(LANDMARKS, n);
  const closed = { exact: 2 * n * n * D, linear: 2 * n * D * D, performer: 4 * n * FEATURES * D, nystrom: 4 * n * m * D + 2 * m * m * D + 4 * m ** 3 * ITERATIONS }[kernel];
  const variant = kernel === 'exact' ? 'standard' : kernel;
  const count = ml.flops.attention({ variant, n, headSize: D, features: FEATURES, landmarks: m, pinvIterations: ITERATIONS }).macs;
  if (count !== closed) throw new Error(`flops.attention(${variant}, n = ${n}) = ${count}, closed form ${closed}`);
  return count;
}
/** n where a kernel's count a·n + b equals 2dn²: n* = (a + √(a² + 8db)) / 4d. */
function predictedCrossover(kernel) {
  const a = kernel === 'linear' ? 2 * D * D : 4 * (kernel === 'performer' ? FEATURES : LANDMARKS) * D;
  const b = kernel === 'nystrom' ? 2 * LANDMARKS ** 2 * D + 4 * LANDMARKS ** 3 * ITERATIONS : 0;
  return (a + Math.sqrt(a * a + 8 * D * b)) / (4 * D);
}
/** First n at which `kernel` is faster than exact, interpolated log-linearly; '<n₀' / '>n_max' at the ends. */
function measuredCrossover(times, kernel) {
  const ns = NS.filter((n) => times[n]?.[kernel] && times[n]?.exact);
  if (!ns.length) return null;
  const r = (n) => Math.log(times[n][kernel] / times[n].exact);
  if (r(ns[0]) < 0) return `< ${ns[0]}`;
  for (let i = 1; i < ns.length; i++)
    if (r(ns[i]) < 0) {
      const t = r(ns[i - 1]) / (r(ns[i - 1]) - r(ns[i]));
      return String(Math.round(Math.exp(Math.log(ns[i - 1]) + t * (Math.log(ns[i]) - Math.log(ns[i - 1])))));
    }
  return `> ${ns[ns.length - 1]}`;
}

function run(cmd, args, what, env = process.env) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 2 ** 20, env });
  if (r.error) throw new Error(`${what}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${what} exited with ${r.status}: ${r.stderr.trim()}`);
  return JSON.parse(r.stdout);
}

const NUMPY_SCRIPT = String.raw`
import json, sys, time
import numpy as np
out = {"numpy": np.__version__, "results": {}}
for spec in sys.argv[1:]:
    path, reps = spec.split(":")
    raw = np.fromfile(path, dtype="<f8")
    n, d = int(raw[0]), int(raw[1])
    q, k, v = (raw[2 + i * n * d: 2 + (i + 1) * n * d].reshape(n, d) for i in range(3))
    best = float("inf")
    for _ in range(int(reps)):
        t0 = time.perf_counter()
        s = q @ k.T / np.sqrt(d)
        s -= s.max(axis=1, keepdims=True)
        np.exp(s, out=s)
        s /= s.sum(axis=1, keepdims=True)
        o = s @ v
        best = min(best, time.perf_counter() - t0)
        del s
    out["results"][str(n)] = {"best_ms": best * 1e3, "value": float(o.sum())}
print(json.dumps(out))
`;

const fmtMs = (x) => (x === undefined ? '–' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3));
const fmtX = (x) => (x === undefined || !Number.isFinite(x) ? '–' : `${x.toFixed(2)}×`);

// ---- run ---------------------------------------------------------------------------------------
const started = Date.now();
const loadStart = os.loadavg();
if (!existsSync(NATIVE)) throw new Error(`${NATIVE} not found: build it with \`cmake --build build/native --target mathlens_bench\` (npm run bench does)`);
mkdirSync(INPUT_DIR, { recursive: true });
const { init } = await import(MODULE);
const ml = await init();
const call = (kernel, x) => {
  const r =
    kernel === 'performer'
      ? ml.attention.performer(x.q, x.k, x.v, { features: FEATURES })
      : kernel === 'nystrom'
        ? ml.attention.nystrom(x.q, x.k, x.v, { landmarks: LANDMARKS, iterations: ITERATIONS })
        : ml.attention[kernel](x.q, x.k, x.v);
  let s = 0;
  for (const y of r.output.data) s += y;
  return s;
};

// Warm-up: every kernel's code path (TurboFan tiers up in the background) for about a second.
{
  const w = ml.attention.sampleInputs(512, D, { seed: 2 });
  const t0 = performance.now();
  let calls = 0;
  while (performance.now() - t0 < 1000 || calls < 5) {
    for (const k of KERNELS) call(k, w);
    calls++;
  }
  log(`warm-up: ${calls} rounds of the four kernels at n = 512`);
}

const rows = [];
const wasmTimes = {};
const nativeTimes = {};
const numpyInputs = [];
let nativeBuild;
for (const n of NS) {
  const x = ml.attention.sampleInputs(n, D, { seed: 1 });
  const file = join(INPUT_DIR, `attention-n${n}-d${D}.bin`);
  wasmTimes[n] = {};
  nativeTimes[n] = {};
  for (const kernel of KERNELS) {
    const w = [];
    const nat = [];
    let wv, nv;
    for (let r = 0; r < rounds(n); r++) {
      const s = bestOf(() => call(kernel, x), { maxReps: 1, minReps: 1, budgetMs: 0 });
      w.push(s.bestMs);
      wv = s.value;
      const args = ['attention', String(n), String(D), '--kernels', kernel, '--reps', '1', '--landmarks', String(LANDMARKS), '--features', String(FEATURES)];
      if (kernel === 'exact' && r === 0) args.push('--write-inputs', file);
      const out = run(NATIVE, args, `mathlens_bench attention ${n}`);
      nativeBuild = out.build;
      nat.push(out.results[kernel].best_ms);
      nv = out.results[kernel].value;
    }
    const wasm = Math.min(...w);
    const native = Math.min(...nat);
    wasmTimes[n][kernel] = wasm;
    nativeTimes[n][kernel] = native;
    rows.push({ n, kernel, wasmMs: wasm, nativeMs: native, samples: w.length, ratio: wasm / native, macs: macs(kernel, n), wasmValue: wv, nativeValue: nv, relNative: rel(wv, nv) });
    log(`n = ${n} ${kernel}: wasm ${fmtMs(wasm)} ms, native ${fmtMs(native)} ms (best of ${w.length} alternating rounds)`);
  }
  numpyInputs.push(`${file}:${n >= 4096 ? 2 : 3}`);
}

let numpy = null;
if (WITH_NUMPY && existsSync(PYTHON)) {
  const env = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  const r = spawnSync(PYTHON, ['-c', NUMPY_SCRIPT, ...numpyInputs], { encoding: 'utf8', env, maxBuffer: 2 ** 24 });
  if (r.status === 0) {
    numpy = JSON.parse(r.stdout);
    for (const [n, v] of Object.entries(numpy.results)) log(`n = ${n} numpy exact: ${fmtMs(v.best_ms)} ms`);
  } else log(`numpy unavailable (${(r.stderr || r.error?.message || '').trim().split('\n').pop()}): skipped`);
}

// ---- targets -----------------------------------------------------------------------------------
const at = (n, kernel) => rows.find((r) => r.n === n && r.kernel === kernel);
const targets = [];
{
  const r = at(4096, 'exact');
  targets.push(
    r
      ? { name: 'exact attention wasm/native ≤ 1.5 at n = 4096 (portable native build)', status: r.ratio <= 1.5 ? 'PASS' : 'MISS', detail: `${fmtMs(r.wasmMs)} / ${fmtMs(r.nativeMs)} ms = ${fmtX(r.ratio)} (native: ${nativeBuild?.isa})` }
      : { name: 'exact attention wasm/native ≤ 1.5 at n = 4096', status: 'SKIP', detail: 'n = 4096 not run' },
  );
  const from = NS.filter((n) => n >= 1024);
  const bad = from.filter((n) => !(wasmTimes[n].nystrom < wasmTimes[n].exact && nativeTimes[n].nystrom < nativeTimes[n].exact));
  targets.push({
    name: 'Nyström (m = 64) faster than exact attention from n = 1024 on (wasm and native)',
    status: from.length === 0 ? 'SKIP' : bad.length ? 'MISS' : 'PASS',
    detail: from.map((n) => `n=${n}: ${fmtX(wasmTimes[n].exact / wasmTimes[n].nystrom)} (wasm), ${fmtX(nativeTimes[n].exact / nativeTimes[n].nystrom)} (native)`).join('; ') + ' faster',
  });
  const np = numpy?.results?.['4096'];
  targets.push(
    np && r
      ? { name: 'exact attention n = 4096, d = 64 in wasm no slower than numpy float64 (one thread)', status: r.wasmMs <= np.best_ms ? 'PASS' : 'MISS', detail: `wasm ${fmtMs(r.wasmMs)} ms vs numpy ${fmtMs(np.best_ms)} ms (${fmtX(np.best_ms / r.wasmMs)} faster)` }
      : { name: 'exact attention n = 4096 in wasm no slower than numpy', status: 'SKIP', detail: numpy ? 'n = 4096 not run' : 'numpy not available' },
  );
}

// ---- report ------------------------------------------------------------------------------------
const seconds = (Date.now() - started) / 1e3;
const out = [];
out.push('');
out.push(`attention: d = ${D}, one head; Performer m = ${FEATURES}, Nyström m = ${LANDMARKS} (${ITERATIONS} iterations); best of alternating wasm/native rounds (ms)`);
out.push(`wasm: ${ml.buildInfo()}; native: ${nativeBuild?.compiler}, ${nativeBuild?.isa}, ${nativeBuild?.simd}; numpy ${numpy?.numpy ?? '–'} (1 thread)`);
out.push('');
out.push(`${'n'.padStart(5)}  ${'kernel'.padEnd(9)} ${'wasm'.padStart(9)} ${'native'.padStart(9)} ${'wasm/nat'.padStart(9)} ${'GMAC/s w'.padStart(9)} ${'GMAC/s n'.padStart(9)} ${'numpy'.padStart(9)}  agree`);
for (const r of rows) {
  const np = r.kernel === 'exact' ? numpy?.results?.[String(r.n)] : undefined;
  const gw = r.macs / (r.wasmMs * 1e6);
  const gn = r.macs / (r.nativeMs * 1e6);
  out.push(
    `${String(r.n).padStart(5)}  ${r.kernel.padEnd(9)} ${fmtMs(r.wasmMs).padStart(9)} ${fmtMs(r.nativeMs).padStart(9)} ${fmtX(r.ratio).padStart(9)} ${gw.toFixed(2).padStart(9)} ${gn.toFixed(2).padStart(9)} ${(np ? fmtMs(np.best_ms) : '').padStart(9)}  ${r.relNative.toExponential(1)}${np ? ` / numpy ${rel(np.value, r.wasmValue).toExponential(1)}` : ''}`,
  );
}
out.push('');
out.push('crossover with exact attention (n where the approximation becomes cheaper / faster):');
for (const k of ['linear', 'performer', 'nystrom'])
  out.push(`  ${k.padEnd(10)} predicted ${Math.round(predictedCrossover(k)).toString().padStart(5)}   measured wasm ${String(measuredCrossover(wasmTimes, k) ?? '–').padStart(7)}   native ${String(measuredCrossover(nativeTimes, k) ?? '–').padStart(7)}`);
out.push('');
out.push('targets:');
for (const t of targets) out.push(`  ${t.status.padEnd(4)}  ${t.name}: ${t.detail}`);
out.push('');
const loadEnd = os.loadavg();
out.push(`(${seconds.toFixed(0)} s; load average ${loadStart[0].toFixed(2)} at start, ${loadEnd[0].toFixed(2)} at end; JSON: ${relative(ROOT, join(OUT_DIR, 'attention.json'))})`);
console.log(out.join('\n'));

writeFileSync(
  join(OUT_DIR, 'attention.json'),
  JSON.stringify(
    {
      meta: {
        d: D, landmarks: LANDMARKS, features: FEATURES, iterations: ITERATIONS, ns: NS, wasm: ml.buildInfo(), native: nativeBuild,
        numpy: numpy?.numpy ?? null, node: process.version, cpu: os.cpus()[0]?.model, loadAverage: { start: loadStart, end: loadEnd }, seconds,
        inputs: 'attention::sample_inputs(n, 64, 64, random, seed 1); numpy reads bench-output/attention-inputs/*.bin',
        timing: 'best of alternating rounds: per round one wasm sample (scripts/bench/lib/timing.mjs, maxReps 1) and one native process (best_of, reps 1)',
      },
      rows,
      numpy: numpy?.results ?? null,
      crossovers: Object.fromEntries(['linear', 'performer', 'nystrom'].map((k) => [k, { predicted: predictedCrossover(k), wasm: measuredCrossover(wasmTimes, k), native: measuredCrossover(nativeTimes, k) }])),
      targets,
    },
    null,
    1,
  ),
);
