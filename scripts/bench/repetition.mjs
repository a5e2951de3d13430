// Benchmark of the repetition module: the analysis of a vocabulary of n tokens, measured in one run:
//   (1) wasm in Node through the public API (analyze() with default options, and rate() alone)
//   (2) the same C++ natively (build/native/mathlens_bench repetition)
//   (3) numpy, the tool a Python user would pick: R = trace(solve(I − S, S)) (Debian /usr/bin/python3,
//       one BLAS thread like the others)   (4) mathjs at n ≤ 100: trace(S · inv(I − S)) in plain JS
// on the integer recipe "repetition-v1" (cpp/bench/repetition_bench.cpp; ~10% nonzero, EOS 0.1 per row).
// Prints a table and the issue's targets (PASS/MISS) and writes bench-output/repetition.json.
// Best-of-N timing; for n ≥ 500 wasm and native calls alternate so that load bursts hit both alike.
//
//   node scripts/bench/repetition.mjs [--n 100,500,2000] [--no-numpy] [--no-mathjs]
// Normally run by `npm run bench` (scripts/bench.sh), which builds the native bench, wasm and dist first.
// Environment: MATHLENS_BENCH_NATIVE (path of mathlens_bench), MATHLENS_PYTHON (default /usr/bin/python3).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { init } from 'mathlens';
import { all, create } from 'mathjs';
import { bestOf } from './lib/timing.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT_DIR = join(ROOT, 'bench-output');
const NATIVE = process.env.MATHLENS_BENCH_NATIVE ?? join(ROOT, 'build/native/mathlens_bench');
const PYTHON = process.env.MATHLENS_PYTHON ?? '/usr/bin/python3';

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
};
const NS = option('--n', '100,500,2000').split(',').map(Number);
const WITH_NUMPY = !flag('--no-numpy');
const WITH_MATHJS = !flag('--no-mathjs');
const log = (msg) => process.stderr.write(`[bench:repetition] ${msg}\n`);
const rel = (a, b) => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b)));

/** The recipe (cpp/bench/repetition_bench.cpp): integer arithmetic, one multiplication and division per entry. */
function recipe(n) {
  const data = new Float64Array(n * n);
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let total = 0;
    for (let j = 0; j < n; j++) {
      const h = (7919 * i + 104729 * j + 12345) % 1000003;
      v[j] = Math.floor(h / 7) % 10 === 0 || j === (i + 1) % n ? (h % 1000) + 1 : 0;
      total += v[j];
    }
    for (let j = 0; j < n; j++) if (v[j]) data[i * n + j] = (0.9 * v[j]) / total;
  }
  return { rows: n, cols: n, data };
}

function plan(n) {
  if (n <= 100) return { reps: 20, budgetMs: 1500, interleave: false };
  if (n <= 500) return { reps: 6, budgetMs: 3000, interleave: true };
  return { reps: 3, budgetMs: 0, interleave: true };
}

function run(cmd, args, what, env) {
  let r;
  // The native binary may be in the middle of a rebuild (shared build directory): retry a few times.
  for (let attempt = 0; attempt < 5; attempt++) {
    r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 2 ** 20, env: { ...process.env, ...env } });
    if (!r.error || !['EACCES', 'ETXTBSY', 'ENOENT'].includes(r.error.code)) break;
    spawnSync('sleep', ['3']);
  }
  if (r.error) throw new Error(`${what}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${what} exited with ${r.status}: ${r.stderr.trim()}`);
  return JSON.parse(r.stdout);
}

function native(n, fn, reps, budgetMs) {
  const out = run(NATIVE, ['repetition', '--n', String(n), '--fns', fn, '--reps', String(reps), '--budget-ms', String(budgetMs)], `mathlens_bench repetition ${fn}`);
  const r = out.results[0];
  return { build: out.build, bestMs: r.best_ms, medianMs: r.median_ms, samples: r.samples, value: r.value };
}

function summary(samples, value) {
  const s = [...samples].sort((a, b) => a - b);
  const m = s.length;
  return { bestMs: s[0], medianMs: m % 2 ? s[(m - 1) / 2] : 0.5 * (s[m / 2 - 1] + s[m / 2]), samples: m, value };
}

const NUMPY_SCRIPT = String.raw`
import json, sys, time
import numpy as np
job = json.loads(sys.argv[1])
out = {"numpy": np.__version__, "results": []}
for n, reps in job:
    v = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            h = (7919 * i + 104729 * j + 12345) % 1000003
            if (h // 7) % 10 == 0 or j == (i + 1) % n:
                v[i, j] = h % 1000 + 1
    P = np.zeros((n, n))
    for i in range(n):
        V = float(int(v[i].sum()))
        nz = v[i] != 0
        P[i, nz] = (0.9 * v[i, nz]) / V
    I = np.eye(n)
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        S = P * P
        R = float(np.trace(np.linalg.solve(I - S, S)))
        times.append((time.perf_counter() - t0) * 1e3)
    out["results"].append({"n": n, "best_ms": min(times), "samples": reps, "value": R})
print(json.dumps(out))
`;

// ---- run ----
const started = Date.now();
const loadStart = os.loadavg();
if (!existsSync(NATIVE)) throw new Error(`${NATIVE} not found: build it with \`cmake --build build/native --target mathlens_bench\` (npm run bench does)`);
mkdirSync(OUT_DIR, { recursive: true });
const ml = await init();

// Warm-up: V8 tiers hot wasm functions up to TurboFan in the background, and a long call cannot switch
// tiers in the middle; run every kernel (n = 200 reaches the blocked LU, TRMM and GEMM) for a while first.
{
  const warm = recipe(200);
  const t0 = performance.now();
  let calls = 0;
  while (performance.now() - t0 < 2000 || calls < 5) {
    ml.repetition.analyze(warm);
    ml.repetition.rate(warm);
    calls++;
  }
  log(`warm-up: ${calls} rounds in ${((performance.now() - t0) / 1e3).toFixed(1)} s`);
}

let numpy = { available: false, reason: WITH_NUMPY ? 'not run' : 'disabled (--no-numpy)' };
if (WITH_NUMPY && existsSync(PYTHON)) {
  try {
    const job = NS.map((n) => [n, n <= 100 ? 20 : n <= 500 ? 5 : 2]);
    const r = run(PYTHON, ['-c', NUMPY_SCRIPT, JSON.stringify(job)], 'numpy', { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' });
    numpy = { available: true, version: r.numpy, results: r.results };
  } catch (e) {
    numpy = { available: false, reason: String(e.message ?? e) };
    log(`numpy skipped: ${numpy.reason}`);
  }
} else if (WITH_NUMPY) numpy = { available: false, reason: `${PYTHON} not found` };

let nativeBuild;
const rows = [];
for (const n of NS) {
  const P = recipe(n);
  const pl = plan(n);
  for (const fn of ['analyze', 'rate']) {
    const call = fn === 'analyze' ? () => ml.repetition.analyze(P).rate : () => ml.repetition.rate(P);
    let wasm, nat;
    if (!pl.interleave) {
      wasm = bestOf(call, { maxReps: pl.reps, budgetMs: pl.budgetMs });
      nat = native(n, fn, pl.reps, pl.budgetMs);
    } else {
      const w = [];
      const ns = [];
      let wv;
      for (let round = 0; round < pl.reps; round++) {
        const t0 = performance.now();
        wv = call();
        w.push(performance.now() - t0);
        nat = native(n, fn, 1, 0);
        ns.push(nat.bestMs);
      }
      const build = nat.build;
      wasm = summary(w, wv);
      nat = { ...summary(ns, nat.value), build };
    }
    nativeBuild = nat.build;
    log(`n = ${n} ${fn}: wasm ${wasm.bestMs.toFixed(2)} ms, native ${nat.bestMs.toFixed(2)} ms`);
    const row = { n, fn, wasm, native: nat, ratio: wasm.bestMs / nat.bestMs, relNative: rel(wasm.value, nat.value) };
    if (fn === 'rate') {
      const np = numpy.available ? numpy.results.find((r) => r.n === n) : undefined;
      if (np) row.numpy = { bestMs: np.best_ms, samples: np.samples, value: np.value, rel: rel(np.value, wasm.value) };
      if (WITH_MATHJS && n <= 100) {
        const math = create(all);
        const S = [];
        for (let i = 0; i < n; i++) S.push(Array.from(P.data.subarray(i * n, (i + 1) * n), (x) => x * x));
        const I = math.identity(n).toArray();
        const mj = bestOf(() => math.trace(math.multiply(S, math.inv(math.subtract(I, S)))), { maxReps: 3, minReps: 1, budgetMs: 3000 });
        row.mathjs = { ...mj, rel: rel(mj.value, wasm.value) };
      }
    }
    rows.push(row);
  }
}

// ---- targets ----
const fmt = (x) => (x === undefined ? '–' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3));
const targets = [];
for (const n of [100, 500, 2000]) {
  const r = rows.find((x) => x.n === n && x.fn === 'analyze');
  targets.push({
    name: `analyze() at n = ${n}: wasm/native ≤ 2`,
    status: !r ? 'SKIP' : r.ratio <= 2 ? 'PASS' : 'MISS',
    detail: !r ? 'not run' : `${r.ratio.toFixed(2)} (wasm ${fmt(r.wasm.bestMs)} ms, native ${fmt(r.native.bestMs)} ms)`,
  });
}
{
  const r = rows.find((x) => x.n === 2000 && x.fn === 'analyze');
  targets.push({
    name: 'analyze() at n = 2000 in wasm within seconds (< 5 s)',
    status: !r ? 'SKIP' : r.wasm.bestMs < 5000 ? 'PASS' : 'MISS',
    detail: !r ? 'not run' : `${(r.wasm.bestMs / 1000).toFixed(2)} s (best of ${r.wasm.samples}), median ${(r.wasm.medianMs / 1000).toFixed(2)} s`,
  });
}

// ---- report ----
const cpu = os.cpus();
const meta = {
  date: new Date().toISOString(),
  machine: { cpu: cpu[0]?.model, cores: cpu.length, platform: `${os.platform()} ${os.release()}` },
  node: process.version,
  mathlens: ml.buildInfo(),
  native: nativeBuild,
  numpy: numpy.available ? { version: numpy.version, threads: 1 } : numpy,
  inputs: 'recipe repetition-v1 (cpp/bench/repetition_bench.cpp): ~10% nonzero, EOS 0.1 per row',
  timing: 'best-of-N ms per call; n ≥ 500: wasm and native calls alternate',
  loadAverage: { start: loadStart, end: os.loadavg() },
  seconds: (Date.now() - started) / 1e3,
};
const header = ['n', 'fn', 'wasm ms', 'native ms', 'wasm/nat', 'numpy ms', 'mathjs ms', 'max rel diff'];
const table = rows.map((r) => [
  String(r.n), r.fn, fmt(r.wasm.bestMs), fmt(r.native.bestMs), r.ratio.toFixed(2), fmt(r.numpy?.bestMs), fmt(r.mathjs?.bestMs),
  Math.max(r.relNative, r.numpy?.rel ?? 0, r.mathjs?.rel ?? 0).toExponential(1),
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
const line = (cells) => cells.map((c, i) => (i === 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
const out = [];
out.push('');
out.push(`repetition: R = Tr(S(I − S)⁻¹) and the full analysis — ${meta.machine.cpu}, ${meta.machine.cores} cores, Node ${meta.node}`);
out.push(`  wasm: ${meta.mathlens}`);
out.push(`  native: ${nativeBuild ? `${nativeBuild.compiler}, Eigen ${nativeBuild.eigen}, ${nativeBuild.simd}, ${nativeBuild.isa}` : '–'}`);
out.push(`  numpy: ${numpy.available ? `${numpy.version}, 1 BLAS thread, trace(solve(I − S, S))` : `skipped (${numpy.reason})`}; mathjs at n ≤ 100: trace(S · inv(I − S))`);
out.push('  analyze = R, ρ(S) with its bracket, bounds, series (and eigenvalues + the paper’s ARP for n ≤ 256); rate = R alone');
out.push('');
out.push(line(header));
out.push(line(widths.map((w) => '-'.repeat(w))));
for (const row of table) out.push(line(row));
out.push('');
out.push('targets:');
for (const t of targets) out.push(`  ${t.status.padEnd(4)}  ${t.name}: ${t.detail}`);
out.push('');
out.push(`(${meta.seconds.toFixed(0)} s; load average ${loadStart[0].toFixed(2)} at start, ${meta.loadAverage.end[0].toFixed(2)} at end; JSON: ${relative(ROOT, join(OUT_DIR, 'repetition.json'))})`);
console.log(out.join('\n'));
writeFileSync(join(OUT_DIR, 'repetition.json'), JSON.stringify({ meta, rows, targets }, null, 1) + '\n');
