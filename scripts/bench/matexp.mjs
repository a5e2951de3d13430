// Benchmark of the matexp module, measured in one run:
//   expm at n = 8, 32, 64, 128, 256:
//     (1) wasm in Node through the public API, ml.matexp.expm(A) ({rows, cols, data} input; copies
//         in and out of the wasm heap included), and on number[][] input for the mathjs comparison
//     (2) the same C++ natively (build/native/mathlens_bench matexp)
//     (3) mathjs math.expm on number[][] (what a JS user would otherwise pick)
//     (4) scipy.linalg.expm with Debian's /usr/bin/python3 on ONE thread (OPENBLAS_NUM_THREADS=1 …)
//   exp(x yᵀ) at d = 256: the closed form (ml.matexp.expRankOne: both d × d matrices) vs the general
//     expm of the formed matrix x yᵀ, in wasm and natively.
// Targets (issue 5, item 7): wasm ≥ 40× faster than mathjs at n = 128; wasm within 2× of scipy's
// expm on one thread; closed form ≥ 100× faster than the general expm at d = 256. Prints a table
// with PASS/MISS and writes bench-output/matexp.json. Best-of-N timing (TOOLCHAIN.md pitfall 12).
//
//   node scripts/bench/matexp.mjs [--sizes 8,32,64,128,256] [--no-scipy] [--no-mathjs]
// Normally run by `npm run bench` (scripts/bench.sh), which builds the native bench, wasm and dist first.
// Environment: MATHLENS_BENCH_NATIVE (path of mathlens_bench), MATHLENS_PYTHON (default /usr/bin/python3),
// MATHLENS_MODULE (module to import instead of the package `mathlens`, e.g. dist/node.js).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { all, create } from 'mathjs';
import { bestOf } from './lib/timing.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT_DIR = join(ROOT, 'bench-output');
const INPUT_DIR = join(OUT_DIR, 'matexp-inputs');
const NATIVE = process.env.MATHLENS_BENCH_NATIVE ?? join(ROOT, 'build/native/mathlens_bench');
const PYTHON = process.env.MATHLENS_PYTHON ?? '/usr/bin/python3';
const SCIPY_SCRIPT = join(ROOT, 'scripts/bench/lib/expm_scipy.py');
const MODULE = process.env.MATHLENS_MODULE ? pathToFileURL(process.env.MATHLENS_MODULE).href : 'mathlens';

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
};
const SIZES = option('--sizes', '8,32,64,128,256').split(',').map(Number);
const WITH_SCIPY = !flag('--no-scipy');
const WITH_MATHJS = !flag('--no-mathjs');
const RANK_D = 256;

const log = (msg) => process.stderr.write(`[bench:matexp] ${msg}\n`);
const rel = (a, b) => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-300));

function plan(n) {
  if (n <= 32) return { reps: 30, budgetMs: 1000, mathjsReps: 10, scipyReps: 30 };
  if (n <= 64) return { reps: 20, budgetMs: 1500, mathjsReps: 5, scipyReps: 20 };
  if (n <= 128) return { reps: 10, budgetMs: 2000, mathjsReps: 2, scipyReps: 10 };
  return { reps: 6, budgetMs: 3000, mathjsReps: 1, scipyReps: 6 };
}

function run(cmd, args, what, env = process.env) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 2 ** 20, env });
  if (r.error) throw new Error(`${what}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${what} exited with ${r.status}: ${r.stderr.trim()}`);
  if (r.stderr.trim()) log(`${what} stderr: ${r.stderr.trim()}`);
  return JSON.parse(r.stdout);
}

/** Uniform in [−1, 1) from a 32-bit xorshift (deterministic, the same in every run). */
function generator(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return (s / 2 ** 32) * 2 - 1;
  };
}

/** Recipe "matexp-v1": A_ij uniform with standard deviation 2/√n (spectral radius ≈ 2, ‖A‖₁ ≈ 1.7√n). */
function matrixInput(n) {
  const u = generator(1000003 * n + 7);
  const scale = (2 * Math.sqrt(3)) / Math.sqrt(n);
  const data = new Float64Array(n * n);
  for (let k = 0; k < n * n; k++) data[k] = u() * scale;
  return { rows: n, cols: n, data };
}

function rankOneInput(d) {
  const x = Float64Array.from({ length: d }, (_, i) => Math.sin(0.37 * i + 0.1));
  const y = Float64Array.from({ length: d }, (_, i) => Math.cos(0.11 * i) / 16);
  return { x, y };
}

function writeFile(name, parts) {
  const total = parts.reduce((s, p) => s + p.length, 0);
  const buf = new Float64Array(total);
  let o = 0;
  for (const p of parts) {
    buf.set(p, o);
    o += p.length;
  }
  const file = join(INPUT_DIR, name);
  writeFileSync(file, Buffer.from(buf.buffer));
  return file;
}

const nested = (m) => Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
const sum = (a) => {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k];
  return s;
};

const fmtMs = (x) => (x === undefined ? '–' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x >= 0.01 ? x.toFixed(3) : x.toExponential(1));
const fmtX = (x) => (x === undefined ? '–' : x >= 100 ? `${x.toFixed(0)}×` : x >= 10 ? `${x.toFixed(1)}×` : `${x.toFixed(2)}×`);
const fmtRel = (x) => (x === undefined ? '–' : x === 0 ? '0' : x.toExponential(1));

// ---- run ---------------------------------------------------------------------------------------
const started = Date.now();
const loadStart = os.loadavg();
if (!existsSync(NATIVE)) throw new Error(`${NATIVE} not found: build it with \`cmake --build build/native --target mathlens_bench\` (npm run bench does)`);
mkdirSync(INPUT_DIR, { recursive: true });
const { init } = await import(MODULE);
const ml = await init();
const math = create(all);
const mathjsVersion = JSON.parse(readFileSync(join(ROOT, 'node_modules/mathjs/package.json'), 'utf8')).version;

// Warm-up: let V8 tier the wasm up to TurboFan before anything is timed (a long call cannot switch tiers).
{
  const warm = matrixInput(64);
  const small = matrixInput(8);
  const t0 = performance.now();
  let calls = 0;
  while (performance.now() - t0 < 1500 || calls < 20) {
    ml.matexp.expm(warm);
    ml.matexp.expm(small);
    calls++;
  }
  log(`warm-up: ${calls} rounds in ${((performance.now() - t0) / 1e3).toFixed(1)} s`);
}

let scipyMeta = { available: false, reason: WITH_SCIPY ? 'not run' : 'disabled (--no-scipy)' };
if (WITH_SCIPY && !existsSync(PYTHON)) scipyMeta = { available: false, reason: `${PYTHON} not found` };
let nativeBuild;
const rows = [];

for (const n of SIZES) {
  const pl = plan(n);
  const A = matrixInput(n);
  const file = writeFile(`matexp-n${n}.bin`, [[n], A.data]);
  const info = ml.matexp.expmInfo(A);
  const wasm = bestOf(() => sum(ml.matexp.expm(A).data), { maxReps: pl.reps, budgetMs: pl.budgetMs });
  log(`n = ${n}: wasm ${fmtMs(wasm.bestMs)} ms (${wasm.samples} samples; degree ${info.degree}, ${info.squarings} squarings, ${info.route})`);
  const nat = run(NATIVE, ['matexp', file, '--reps', String(pl.reps), '--budget-ms', String(pl.budgetMs)], 'mathlens_bench matexp');
  nativeBuild = nat.build;
  const native = { bestMs: nat.results.expm.best_ms, medianMs: nat.results.expm.median_ms, samples: nat.results.expm.samples, value: nat.results.expm.value };
  log(`n = ${n}: native ${fmtMs(native.bestMs)} ms (${native.samples} samples)`);
  const row = { n, norm1: info.norm1, degree: info.degree, squarings: info.squarings, route: info.route, wasm, native, ratio: wasm.bestMs / native.bestMs, relNative: rel(wasm.value, native.value) };

  if (WITH_MATHJS) {
    const An = nested(A);
    const wasmNested = bestOf(() => sum(ml.matexp.expm(An).data), { maxReps: pl.reps, budgetMs: pl.budgetMs });
    const mj = bestOf(
      () => {
        const e = math.expm(An);
        let s = 0;
        e.forEach((v) => (s += v));
        return s;
      },
      { maxReps: pl.mathjsReps, minReps: 1, budgetMs: pl.budgetMs },
    );
    log(`n = ${n}: mathjs ${fmtMs(mj.bestMs)} ms (${mj.samples} samples)`);
    row.wasmNested = wasmNested;
    row.mathjs = { ...mj, speedup: mj.bestMs / wasmNested.bestMs, rel: rel(mj.value, wasm.value) };
  }
  if (WITH_SCIPY && existsSync(PYTHON)) {
    try {
      const out = run(PYTHON, [SCIPY_SCRIPT, JSON.stringify([{ file, reps: pl.scipyReps, budget_ms: pl.budgetMs }])], 'scipy expm', {
        ...process.env,
        OPENBLAS_NUM_THREADS: '1',
        OMP_NUM_THREADS: '1',
        MKL_NUM_THREADS: '1',
      });
      if (!out.available) scipyMeta = out;
      else {
        const { results, ...meta } = out;
        scipyMeta = meta;
        const r = results[0];
        log(`n = ${n}: scipy ${fmtMs(r.best_ms)} ms (${r.samples} samples)`);
        row.scipy = { bestMs: r.best_ms, medianMs: r.median_ms, samples: r.samples, value: r.value, ratio: wasm.bestMs / r.best_ms, rel: rel(r.value, wasm.value) };
      }
    } catch (e) {
      scipyMeta = { available: false, reason: String(e.message ?? e) };
      log(`scipy failed, skipped: ${scipyMeta.reason}`);
    }
  }
  row.maxRel = Math.max(row.relNative, row.mathjs?.rel ?? 0, row.scipy?.rel ?? 0);
  rows.push(row);
}

// exp(x yᵀ) at d = 256: closed form vs the general expm.
const { x, y } = rankOneInput(RANK_D);
const rankFile = writeFile(`matexp-rank-one-d${RANK_D}.bin`, [[RANK_D], x, y]);
const xy = { rows: RANK_D, cols: RANK_D, data: new Float64Array(RANK_D * RANK_D) };
for (let i = 0; i < RANK_D; i++) for (let j = 0; j < RANK_D; j++) xy.data[i * RANK_D + j] = x[i] * y[j];
const closed = bestOf(() => sum(ml.matexp.expRankOne(x, y).exp.data), { maxReps: 30, budgetMs: 1500 });
const general = bestOf(() => sum(ml.matexp.expm(xy).data), { maxReps: 10, budgetMs: 3000 });
const apply = bestOf(() => sum(ml.matexp.expRankOneApply(x, y, x)), { maxReps: 30, budgetMs: 1000 });
const nr = run(NATIVE, ['matexp-rank-one', rankFile, '--reps', '10', '--budget-ms', '2000'], 'mathlens_bench matexp-rank-one');
const rankOne = {
  d: RANK_D,
  s: ml.matexp.expRankOne(x, y).s,
  wasm: { closedMs: closed.bestMs, generalMs: general.bestMs, applyMs: apply.bestMs, speedup: general.bestMs / closed.bestMs },
  native: { closedMs: nr.results.closed_form.best_ms, generalMs: nr.results.general_expm.best_ms, speedup: nr.results.general_expm.best_ms / nr.results.closed_form.best_ms },
  relClosedVsGeneral: rel(closed.value, general.value),
};
log(`rank one d = ${RANK_D}: closed ${fmtMs(closed.bestMs)} ms, general ${fmtMs(general.bestMs)} ms (wasm)`);

// ---- targets -----------------------------------------------------------------------------------
const at = (n) => rows.find((r) => r.n === n);
const targets = [];
{
  const r = at(128);
  const m = r?.mathjs;
  targets.push({
    name: 'wasm ≥ 40× faster than mathjs at n = 128',
    status: !m ? 'SKIP' : m.speedup >= 40 ? 'PASS' : 'MISS',
    detail: !m ? 'not run' : `${fmtX(m.speedup)} (mathjs ${fmtMs(m.bestMs)} ms vs ours ${fmtMs(r.wasmNested.bestMs)} ms, both on number[][])`,
  });
}
{
  const withScipy = rows.filter((r) => r.scipy);
  const bad = withScipy.filter((r) => r.scipy.ratio > 2);
  targets.push({
    name: "wasm within 2× of scipy's expm on one thread",
    status: !withScipy.length ? 'SKIP' : bad.length ? 'MISS' : 'PASS',
    detail: !withScipy.length
      ? `scipy not available (${scipyMeta.reason})`
      : withScipy.map((r) => `n=${r.n} ${r.scipy.ratio.toFixed(2)}`).join(', ') + (bad.length ? ` (over 2 at n = ${bad.map((r) => r.n).join(', ')})` : ''),
  });
}
targets.push({
  name: 'exp(x yᵀ): closed form ≥ 100× faster than the general expm at d = 256',
  status: rankOne.wasm.speedup >= 100 ? 'PASS' : 'MISS',
  detail: `wasm ${fmtX(rankOne.wasm.speedup)} (${fmtMs(rankOne.wasm.closedMs)} vs ${fmtMs(rankOne.wasm.generalMs)} ms), native ${fmtX(rankOne.native.speedup)}; O(d) apply ${fmtMs(rankOne.wasm.applyMs)} ms`,
});

// ---- report ------------------------------------------------------------------------------------
const cpu = os.cpus();
const meta = {
  date: new Date().toISOString(),
  machine: { cpu: cpu[0]?.model, cores: cpu.length, platform: `${os.platform()} ${os.release()}` },
  node: process.version,
  mathlens: ml.buildInfo(),
  native: nativeBuild,
  mathjs: mathjsVersion,
  scipy: scipyMeta,
  inputs: { recipe: 'matexp-v1: A_ij uniform, standard deviation 2/√n (xorshift32, seed 1000003·n + 7)', dir: relative(ROOT, INPUT_DIR) },
  timing: 'best-of-N per call (ms); small n timed in batches; see scripts/bench/lib/timing.mjs',
  loadAverage: { start: loadStart, end: os.loadavg() },
  seconds: (Date.now() - started) / 1e3,
};

const header = ['n', '‖A‖₁', 'm/s', 'wasm ms', 'native ms', 'wasm/nat', 'mathjs ms', 'mathjs/wasm', 'scipy ms', 'wasm/scipy', 'max rel diff'];
const table = rows.map((r) => [
  String(r.n), r.norm1.toFixed(1), `${r.degree}/${r.squarings}`, fmtMs(r.wasm.bestMs), fmtMs(r.native.bestMs), r.ratio.toFixed(2),
  fmtMs(r.mathjs?.bestMs), fmtX(r.mathjs?.speedup), fmtMs(r.scipy?.bestMs), r.scipy ? r.scipy.ratio.toFixed(2) : '–', fmtRel(r.maxRel),
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
const line = (cells) => cells.map((c, i) => c.padStart(widths[i])).join('  ');

const out = [];
out.push('');
out.push(`matexp: expm and exp(x yᵀ) — ${meta.machine.cpu}, ${meta.machine.cores} cores, Node ${meta.node}`);
out.push(`  wasm: ${meta.mathlens}`);
out.push(`  native: ${nativeBuild ? `${nativeBuild.compiler}, Eigen ${nativeBuild.eigen}, ${nativeBuild.simd}, ${nativeBuild.isa}` : '–'}`);
out.push(`  mathjs ${mathjsVersion}; scipy: ${scipyMeta.available ? `scipy ${scipyMeta.scipy}, numpy ${scipyMeta.numpy}, one thread` : `skipped (${scipyMeta.reason})`}`);
out.push('  best-of-N ms per call; m/s = Padé degree / squarings; mathjs/wasm uses our time on the same number[][] input;');
out.push('  max rel diff = largest relative difference of Σ exp(A)_ij (native, mathjs, scipy) from the wasm result');
out.push('');
out.push(line(header));
for (const row of table) out.push(line(row));
out.push('');
out.push(`exp(x yᵀ), d = ${RANK_D}, s = ${rankOne.s.toFixed(4)}: closed form ${fmtMs(rankOne.wasm.closedMs)} ms, general expm ${fmtMs(rankOne.wasm.generalMs)} ms, O(d) apply ${fmtMs(rankOne.wasm.applyMs)} ms (wasm); native ${fmtMs(rankOne.native.closedMs)} / ${fmtMs(rankOne.native.generalMs)} ms; rel diff ${fmtRel(rankOne.relClosedVsGeneral)}`);
out.push('');
out.push('targets:');
for (const t of targets) out.push(`  ${t.status.padEnd(4)}  ${t.name}: ${t.detail}`);
out.push('');
out.push(`(${meta.seconds.toFixed(0)} s; load average ${loadStart[0].toFixed(2)} at start, ${meta.loadAverage.end[0].toFixed(2)} at end; JSON: ${relative(ROOT, join(OUT_DIR, 'matexp.json'))})`);
console.log(out.join('\n'));

mkdirSync(OUT_DIR, { recursive: true });
writeFileSync(join(OUT_DIR, 'matexp.json'), JSON.stringify({ meta, rows, rankOne, targets }, null, 2));
