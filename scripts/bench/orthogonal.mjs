// Benchmark of the orthogonal module: T x for the minimal rotation taking a to b, at d = 10² … 10⁶,
// measured in one run as
//   apply, O(d):             (1) wasm through the public API, ml.orthogonal.apply(a, b, x) — copies in
//                                and out of the wasm heap included
//                            (2) the same C++ natively (build/native/mathlens_bench orthogonal)
//                            (3) a plain JS loop of the closed form x + 2b(aᵀx) − (a+b)(a+b)ᵀx/(1+aᵀb)
//   form T, then multiply:   (4) wasm ml.orthogonal.matrix(a, b) + a JS mat-vec
//                            (5) natively, orthogonal::matrix + Eigen's T * x
//                            (6) plain JS: T from the closed form, then the mat-vec
// Forming T needs d² doubles, so it is timed up to d = 4096 only (at 10⁶ it would take 8 TB). The
// issue sets no targets for this benchmark; the table shows the speed-ups. Agreement: every route's
// Σ(Tx)_i against the wasm apply. Writes bench-output/orthogonal.json. Best-of-N timing throughout.
//
//   node scripts/bench/orthogonal.mjs [--dims 100,1000,10000,100000,1000000]
// Normally run by `npm run bench` (scripts/bench.sh), which builds the native bench, wasm and dist first.
// Environment: MATHLENS_BENCH_NATIVE (path of mathlens_bench), MATHLENS_MODULE (module to import
// instead of the package `mathlens`, e.g. a development build of dist/node.js).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { bestOf } from './lib/timing.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT_DIR = join(ROOT, 'bench-output');
const INPUT_DIR = join(OUT_DIR, 'orthogonal-inputs');
const NATIVE = process.env.MATHLENS_BENCH_NATIVE ?? join(ROOT, 'build/native/mathlens_bench');
const MODULE = process.env.MATHLENS_MODULE ? pathToFileURL(process.env.MATHLENS_MODULE).href : 'mathlens';

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
};
const DIMS = option('--dims', '100,1000,10000,100000,1000000').split(',').map(Number);
const FORM_MAX_D = 4096;

const log = (msg) => process.stderr.write(`[bench:orthogonal] ${msg}\n`);
const rel = (a, b) => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-300));

function plan(d) {
  if (d <= 1000) return { reps: 30, budgetMs: 800 };
  if (d <= 100000) return { reps: 15, budgetMs: 1500 };
  return { reps: 8, budgetMs: 3000 };
}

function run(cmd, args, what, env = process.env) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 2 ** 20, env });
  if (r.error) throw new Error(`${what}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${what} exited with ${r.status}: ${r.stderr.trim()}`);
  return JSON.parse(r.stdout);
}

/** Deterministic inputs: a, b, x of length d (smooth, sign-changing, no special structure). */
function inputs(d) {
  const a = new Float64Array(d);
  const b = new Float64Array(d);
  const x = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    a[i] = Math.sin(0.37 * i + 0.1) + 0.05;
    b[i] = Math.cos(0.11 * i) * (1 + (i % 7) / 3);
    x[i] = Math.sin(1.3 * i + 0.5) * (1 + (i % 3));
  }
  return { a, b, x };
}

function writeInputs(d, { a, b, x }) {
  const buf = new Float64Array(1 + 3 * d);
  buf[0] = d;
  buf.set(a, 1);
  buf.set(b, 1 + d);
  buf.set(x, 1 + 2 * d);
  const file = join(INPUT_DIR, `orthogonal-d${d}.bin`);
  writeFileSync(file, Buffer.from(buf.buffer));
  return file;
}

/** What a JS user would write without the library: T_rot x from the closed form, O(d). */
function applyJs(a, b, x) {
  const d = x.length;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < d; i++) {
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  na = Math.sqrt(na);
  nb = Math.sqrt(nb);
  let c = 0;
  let ax = 0;
  let bx = 0;
  for (let i = 0; i < d; i++) {
    const ai = a[i] / na;
    const bi = b[i] / nb;
    c += ai * bi;
    ax += ai * x[i];
    bx += bi * x[i];
  }
  const k = (ax + bx) / (1 + c);
  const y = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    const ai = a[i] / na;
    const bi = b[i] / nb;
    y[i] = x[i] + 2 * bi * ax - (ai + bi) * k;
  }
  return y;
}

/** The matrix T_rot = I + 2baᵀ − (a+b)(a+b)ᵀ/(1+c) in plain JS (row-major). */
function matrixJs(a, b) {
  const d = a.length;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < d; i++) {
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  na = Math.sqrt(na);
  nb = Math.sqrt(nb);
  const ah = Float64Array.from(a, (v) => v / na);
  const bh = Float64Array.from(b, (v) => v / nb);
  let c = 0;
  for (let i = 0; i < d; i++) c += ah[i] * bh[i];
  const t = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    const wi = (ah[i] + bh[i]) / (1 + c);
    for (let j = 0; j < d; j++) t[i * d + j] = (i === j ? 1 : 0) + 2 * bh[i] * ah[j] - wi * (ah[j] + bh[j]);
  }
  return t;
}

function matVec(t, x) {
  const d = x.length;
  const y = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = 0;
    const row = i * d;
    for (let j = 0; j < d; j++) s += t[row + j] * x[j];
    y[i] = s;
  }
  return y;
}

/** Σ y_i (the value each route returns for the agreement check; a plain loop, so it costs ~1 ms at 10⁶). */
function sum(y) {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i];
  return s;
}
const fmtMs = (x) => (x === undefined ? '–' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x >= 0.01 ? x.toFixed(3) : x.toExponential(1));
const fmtX = (x) => (x === undefined || !Number.isFinite(x) ? '–' : x >= 100 ? `${x.toFixed(0)}×` : x >= 10 ? `${x.toFixed(1)}×` : `${x.toFixed(2)}×`);

// ---- run ---------------------------------------------------------------------------------------
const started = Date.now();
if (!existsSync(NATIVE)) throw new Error(`${NATIVE} not found: build it with \`cmake --build build/native --target mathlens_bench\` (npm run bench does)`);
mkdirSync(INPUT_DIR, { recursive: true });
const { init } = await import(MODULE);
const ml = await init();

// Warm-up: let V8 tier the wasm and JS kernels up before anything is timed.
{
  const w = inputs(20000);
  const t0 = performance.now();
  let calls = 0;
  while (performance.now() - t0 < 1000 || calls < 20) {
    ml.orthogonal.apply(w.a, w.b, w.x);
    applyJs(w.a, w.b, w.x);
    ml.orthogonal.matrix(w.a.subarray(0, 64), w.b.subarray(0, 64));
    calls++;
  }
  log(`warm-up: ${calls} rounds in ${((performance.now() - t0) / 1e3).toFixed(1)} s`);
}

const rows = [];
let nativeBuild;
for (const d of DIMS) {
  const pl = plan(d);
  const data = inputs(d);
  const file = writeInputs(d, data);
  const form = d <= FORM_MAX_D;
  log(`d = ${d}${form ? '' : ' (apply only: T would need ' + ((8 * d * d) / 2 ** 30).toFixed(d >= 1e5 ? 0 : 1) + ' GiB)'}`);
  const wasm = bestOf(() => sum(ml.orthogonal.apply(data.a, data.b, data.x)), { maxReps: pl.reps, budgetMs: pl.budgetMs, longCallMs: 1e9 });
  const js = bestOf(() => sum(applyJs(data.a, data.b, data.x)), { maxReps: pl.reps, budgetMs: pl.budgetMs, longCallMs: 1e9 });
  const nat = run(NATIVE, ['orthogonal', file, '--reps', String(pl.reps), '--budget-ms', String(pl.budgetMs), ...(form ? ['--form'] : [])], 'mathlens_bench orthogonal');
  nativeBuild = nat.build;
  // The same with glibc keeping freed memory (no trimming, no mmap for big blocks): at large d the
  // default run above mostly measures page faults on the fresh 8 MB blocks of every call.
  const reuse = run(NATIVE, ['orthogonal', file, '--reps', String(pl.reps), '--budget-ms', String(pl.budgetMs)], 'mathlens_bench orthogonal (malloc reuse)', {
    ...process.env,
    GLIBC_TUNABLES: 'glibc.malloc.trim_threshold=4000000000:glibc.malloc.mmap_threshold=4000000000',
  });
  const row = {
    d,
    apply: {
      wasm,
      native: { bestMs: nat.results.apply.best_ms, medianMs: nat.results.apply.median_ms, value: nat.results.apply.value },
      nativeReuse: { bestMs: reuse.results.apply.best_ms, medianMs: reuse.results.apply.median_ms, value: reuse.results.apply.value },
      js,
    },
  };
  if (form) {
    const formReps = d <= 1000 ? pl.reps : 3;
    row.form = {
      wasm: bestOf(() => sum(matVec(ml.orthogonal.matrix(data.a, data.b).data, data.x)), { maxReps: formReps, budgetMs: pl.budgetMs }),
      native: { bestMs: nat.results.form_and_multiply.best_ms, medianMs: nat.results.form_and_multiply.median_ms, value: nat.results.form_and_multiply.value },
      js: bestOf(() => sum(matVec(matrixJs(data.a, data.b), data.x)), { maxReps: formReps, budgetMs: pl.budgetMs }),
    };
  }
  // Agreement of Σ(Tx)_i with the wasm apply (Σ cancels, so compare against Σ|x_i| as the scale).
  const scale = data.x.reduce((s, v) => s + Math.abs(v), 0);
  const ref = wasm.value;
  const diffs = [row.apply.native.value, row.apply.nativeReuse.value, js.value, ...(row.form ? [row.form.wasm.value, row.form.native.value, row.form.js.value] : [])];
  row.agreement = Math.max(...diffs.map((v) => Math.abs(v - ref) / scale));
  rows.push(row);
}

// ---- report ------------------------------------------------------------------------------------
const header = ['d', 'apply wasm', 'apply native', 'native†', 'apply JS', 'wasm/native†', 'JS/wasm', 'form+mul wasm', 'form+mul native', 'form+mul JS', 'form/apply (wasm)', 'agreement'];
const table = rows.map((r) => [
  String(r.d),
  fmtMs(r.apply.wasm.bestMs),
  fmtMs(r.apply.native.bestMs),
  fmtMs(r.apply.nativeReuse.bestMs),
  fmtMs(r.apply.js.bestMs),
  fmtX(r.apply.wasm.bestMs / r.apply.nativeReuse.bestMs),
  fmtX(r.apply.js.bestMs / r.apply.wasm.bestMs),
  fmtMs(r.form?.wasm.bestMs),
  fmtMs(r.form?.native.bestMs),
  fmtMs(r.form?.js.bestMs),
  fmtX(r.form ? r.form.wasm.bestMs / r.apply.wasm.bestMs : undefined),
  r.agreement.toExponential(1),
]);
const widths = header.map((h, k) => Math.max(h.length, ...table.map((row) => row[k].length)));
const line = (cells) => cells.map((c, k) => c.padStart(widths[k])).join('  ');
console.log('\nmathlens orthogonal: T x for the minimal rotation, best-of-N in ms (forming T only up to d = 4096)');
console.log(line(header));
for (const row of table) console.log(line(row));
console.log('(† native with glibc keeping freed memory: the default run pays page faults for fresh 8 MB blocks at large d)');
console.log('(agreement: max |Σ(Tx) − Σ(Tx)_wasm apply| / Σ|x| over all routes; targets: none set by the issue)');
console.log(`native: ${nativeBuild?.compiler ?? '?'}, ${nativeBuild?.simd ?? '?'}; node ${process.version}; load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);

mkdirSync(OUT_DIR, { recursive: true });
writeFileSync(
  join(OUT_DIR, 'orthogonal.json'),
  JSON.stringify(
    {
      benchmark: 'orthogonal',
      date: new Date().toISOString(),
      seconds: (Date.now() - started) / 1000,
      node: process.version,
      native: nativeBuild,
      wasmInfo: ml.buildInfo(),
      loadavg: os.loadavg(),
      targets: 'none (the issue sets none for this benchmark)',
      rows,
    },
    null,
    2,
  ) + '\n',
);
log(`wrote bench-output/orthogonal.json in ${((Date.now() - started) / 1000).toFixed(0)} s`);
