// Benchmark of the gaussian module (W2 and FID from statistics), measured in one run:
//   (1) wasm in Node through the public API        (2) the same C++ natively (build/native/mathlens_bench)
//   (3) mathjs at d ≤ 256, W2 the naive way        (4) pytorch-fid's scipy route (Debian /usr/bin/python3)
//   (5) a 2-D compare() through the public API, µs per call (60 fps dragging)
// plus the sizes of web/src/wasm/mathlens.{wasm,mjs}. Prints a table and the targets (PASS/MISS), and
// writes bench-output/gaussian.json. Best-of-N timing throughout (TOOLCHAIN.md pitfall 12).
//
//   node scripts/bench/gaussian.mjs [--dims 16,64,256,1024,2048] [--no-scipy] [--no-mathjs]
// Normally run by `npm run bench` (scripts/bench.sh), which builds the native bench, wasm and dist first.
// Environment: MATHLENS_BENCH_NATIVE (path of mathlens_bench), MATHLENS_PYTHON (default /usr/bin/python3).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { init } from 'mathlens';
import { all, create } from 'mathjs';
import { bestOf } from './lib/timing.mjs';
import { nested, readInputs, verifyRecipe } from './lib/inputs.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT_DIR = join(ROOT, 'bench-output');
const INPUT_DIR = join(OUT_DIR, 'gaussian-inputs');
const NATIVE = process.env.MATHLENS_BENCH_NATIVE ?? join(ROOT, 'build/native/mathlens_bench');
const PYTHON = process.env.MATHLENS_PYTHON ?? '/usr/bin/python3';
const SCIPY_SCRIPT = join(ROOT, 'scripts/bench/lib/fid_scipy.py');

// ---- options -----------------------------------------------------------------------------------
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
};
const DIMS = option('--dims', '16,64,256,1024,2048').split(',').map(Number);
const WITH_SCIPY = !flag('--no-scipy');
const WITH_MATHJS = !flag('--no-mathjs');
const MATHJS_MAX_D = 256;

/**
 * Repeats per d (best-of-N, capped by a time budget once there are 2 samples); 1–3 at d = 2048.
 * From d = 1024 on, wasm and native calls alternate (one call each per round), so that a burst of
 * load from other processes hits both sides alike.
 */
function plan(d) {
  if (d <= 16) return { reps: 30, budgetMs: 1000, mathjsReps: 20, scipyReps: 30 };
  if (d <= 64) return { reps: 20, budgetMs: 1500, mathjsReps: 8, scipyReps: 20 };
  if (d <= 256) return { reps: 10, budgetMs: 2000, mathjsReps: 2, scipyReps: 10 };
  if (d <= 1024) return { reps: 4, budgetMs: 3000, mathjsReps: 1, scipyReps: 2, interleave: true };
  return { reps: 2, fidReps: 3, budgetMs: 0, mathjsReps: 1, scipyReps: 1, interleave: true };
}

// ---- helpers -----------------------------------------------------------------------------------
const rel = (a, b) => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b)));
const log = (msg) => process.stderr.write(`[bench:gaussian] ${msg}\n`);

function run(cmd, args, what) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  if (r.error) throw new Error(`${what}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${what} exited with ${r.status}: ${r.stderr.trim()}`);
  if (r.stderr.trim()) log(`${what} stderr: ${r.stderr.trim()}`);
  return JSON.parse(r.stdout);
}

function native(file, fn, reps, budgetMs) {
  const out = run(NATIVE, ['gaussian', file, '--reps', String(reps), '--budget-ms', String(budgetMs), '--fns', fn], `mathlens_bench ${fn}`);
  const r = out.results[fn];
  return { build: out.build, bestMs: r.best_ms, medianMs: r.median_ms, samples: r.samples, inner: r.inner, value: r.value };
}

function summary(samples, value) {
  const s = [...samples].sort((a, b) => a - b);
  const m = s.length;
  return { bestMs: s[0], medianMs: m % 2 ? s[(m - 1) / 2] : 0.5 * (s[m / 2 - 1] + s[m / 2]), samples: m, inner: 1, value };
}

/** Times `fn` in wasm (public API) and natively, best-of-`reps`; alternating calls for large d. */
function wasmAndNative(fn, p, q, file, reps, pl) {
  if (!pl.interleave)
    return [bestOf(() => ml.gaussian[fn](p, q), { maxReps: reps, budgetMs: pl.budgetMs }), native(file, fn, reps, pl.budgetMs)];
  const w = [], n = [];
  let wv, nat;
  for (let round = 0; round < reps; round++) {
    const t0 = performance.now();
    wv = ml.gaussian[fn](p, q);
    w.push(performance.now() - t0);
    nat = native(file, fn, 1, 0);
    n.push(nat.bestMs);
  }
  return [summary(w, wv), { ...summary(n, nat.value), build: nat.build }];
}

/** W2 the way a JS user would write it with mathjs: sqrtm(Σp), sqrtm(Σp^½ Σq Σp^½), trace. */
function w2Mathjs(math, p, q) {
  const half = math.sqrtm(p.cov);
  const r = math.sqrtm(math.multiply(math.multiply(half, q.cov), half));
  const diff = math.subtract(p.mean, q.mean);
  const w2sq = math.dot(diff, diff) + math.trace(p.cov) + math.trace(q.cov) - 2 * math.trace(r);
  return Math.sqrt(Math.max(0, w2sq));
}

function size(file) {
  const bytes = readFileSync(file);
  let gzip9;
  const g = spawnSync('gzip', ['-9', '-c', '-n'], { input: bytes, maxBuffer: 64 * 2 ** 20 });
  if (!g.error && g.status === 0) gzip9 = { bytes: g.stdout.length, tool: 'gzip -9 -n' };
  else gzip9 = { bytes: gzipSync(bytes, { level: 9 }).length, tool: 'zlib level 9' };
  return { file: relative(ROOT, file), raw: bytes.length, gzip9: gzip9.bytes, gzipTool: gzip9.tool, mtime: statSync(file).mtime.toISOString() };
}

const fmtMs = (x) => (x === undefined ? '–' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x >= 0.01 ? x.toFixed(3) : x.toExponential(1));
const fmtX = (x) => (x === undefined ? '–' : x >= 100 ? `${x.toFixed(0)}×` : x >= 10 ? `${x.toFixed(1)}×` : `${x.toFixed(2)}×`);
const fmtRel = (x) => (x === undefined ? '–' : x === 0 ? '0' : x.toExponential(1));
const kb = (b) => `${(b / 1024).toFixed(1)} KB`;

// ---- run ---------------------------------------------------------------------------------------
const started = Date.now();
const loadStart = os.loadavg();
if (!existsSync(NATIVE)) throw new Error(`${NATIVE} not found: build it with \`cmake --build build/native --target mathlens_bench\` (npm run bench does)`);
mkdirSync(INPUT_DIR, { recursive: true });
const INPUT_DIMS = [...new Set([2, 64, ...DIMS])]; // 2: compare(); 64: warm-up
log(`writing inputs (recipe gaussian-v1) for d = ${INPUT_DIMS.join(', ')}`);
run(NATIVE, ['gaussian-inputs', INPUT_DIR, ...INPUT_DIMS.map(String)], 'mathlens_bench gaussian-inputs');
const fileOf = (d) => join(INPUT_DIR, `gaussian-d${d}.bin`);

const ml = await init();
const math = create(all);
const mathjsVersion = JSON.parse(readFileSync(join(ROOT, 'node_modules/mathjs/package.json'), 'utf8')).version;

// Warm-up: V8 first runs wasm with its baseline compiler (Liftoff) and tiers hot functions up to
// TurboFan in the background, and a long call cannot switch tiers in the middle. Exercise every code
// path (d = 64 reaches Eigen's blocked LLT and GEMM kernels) for a while before anything is timed.
{
  const warm = readInputs(fileOf(64));
  const small = readInputs(fileOf(2));
  const t0 = performance.now();
  let calls = 0;
  while (performance.now() - t0 < 1500 || calls < 20) {
    ml.gaussian.frechet(warm.p, warm.q);
    ml.gaussian.wasserstein2(warm.p, warm.q);
    ml.gaussian.compare(small.p, small.q);
    calls++;
  }
  log(`warm-up: ${calls} rounds in ${((performance.now() - t0) / 1e3).toFixed(1)} s`);
}

let scipyMeta = { available: false, reason: WITH_SCIPY ? 'not run' : 'disabled (--no-scipy)' };
if (WITH_SCIPY && !existsSync(PYTHON)) scipyMeta = { available: false, reason: `${PYTHON} not found` };
let nativeBuild;
const rows = [];

for (const d of DIMS) {
  const file = fileOf(d);
  const input = readInputs(file);
  const checked = verifyRecipe(input);
  const { p, q } = input;
  const pl = plan(d);
  log(`d = ${d}: inputs ok (${checked} entries checked against the JS recipe)`);

  for (const [fn, label] of [['frechet', 'FID'], ['wasserstein2', 'W2']]) {
    const reps = fn === 'frechet' ? (pl.fidReps ?? pl.reps) : pl.reps;
    const [wasm, nat] = wasmAndNative(fn, p, q, file, reps, pl);
    log(`d = ${d} ${label}: wasm ${fmtMs(wasm.bestMs)} ms (${wasm.samples} samples)`);
    nativeBuild = nat.build;
    log(`d = ${d} ${label}: native ${fmtMs(nat.bestMs)} ms (${nat.samples} samples)`);
    const row = { d, fn, label, wasm, native: nat, ratio: wasm.bestMs / nat.bestMs, relNative: rel(wasm.value, nat.value) };

    if (fn === 'wasserstein2' && WITH_MATHJS && d <= MATHJS_MAX_D) {
      const pn = nested(p), qn = nested(q);
      // Our time on the same number[][] inputs mathjs gets (includes the conversion into the heap).
      const wasmNested = bestOf(() => ml.gaussian.wasserstein2(pn, qn), { maxReps: pl.reps, budgetMs: pl.budgetMs });
      const mj = bestOf(() => w2Mathjs(math, pn, qn), { maxReps: pl.mathjsReps, minReps: 1, budgetMs: pl.budgetMs });
      log(`d = ${d} W2: mathjs ${fmtMs(mj.bestMs)} ms (${mj.samples} samples)`);
      row.wasmNested = wasmNested;
      row.reference = { name: 'mathjs', ...mj, speedup: mj.bestMs / wasmNested.bestMs, rel: rel(mj.value, wasm.value) };
    }
    if (fn === 'frechet' && WITH_SCIPY && existsSync(PYTHON)) {
      const job = [{ file, reps: pl.scipyReps, budget_ms: Math.max(pl.budgetMs, 1) }];
      try {
        const out = run(PYTHON, [SCIPY_SCRIPT, JSON.stringify(job)], 'scipy route');
        if (!out.available) scipyMeta = out;
        else {
          const { results, ...meta } = out;
          scipyMeta = meta;
          const r = results[0];
          log(`d = ${d} FID: scipy route ${fmtMs(r.best_ms)} ms (${r.samples} samples) ${r.notes.join('; ')}`);
          row.reference = {
            name: 'scipy (pytorch-fid)', bestMs: r.best_ms, medianMs: r.median_ms, samples: r.samples, inner: r.inner,
            value: r.value, notes: r.notes, speedup: r.best_ms / wasm.bestMs, rel: rel(r.value, wasm.value),
          };
        }
      } catch (e) {
        scipyMeta = { available: false, reason: String(e.message ?? e) };
        log(`scipy route failed, skipped: ${scipyMeta.reason}`);
      }
    }
    row.maxRel = Math.max(row.relNative, row.reference?.rel ?? 0);
    rows.push(row);
  }
}

// 2-D compare(), as a widget calls it while a handle is dragged: plain arrays in, a full object out.
const two = readInputs(fileOf(2));
const p2 = nested(two.p), q2 = nested(two.q);
const cmp = bestOf(() => ml.gaussian.compare(p2, q2).wasserstein2, { maxReps: 20, budgetMs: 2000, minSampleMs: 20 });
const cmpNative = native(fileOf(2), 'compare', 20, 2000);
const compare2d = {
  usPerCall: cmp.bestMs * 1e3, medianUs: cmp.medianMs * 1e3, samples: cmp.samples, callsPerSample: cmp.inner,
  nativeUsPerCall: cmpNative.bestMs * 1e3, w2: cmp.value, relNative: rel(cmp.value, cmpNative.value),
};

const sizes = {
  wasm: size(join(ROOT, 'web/src/wasm/mathlens.wasm')),
  js: size(join(ROOT, 'web/src/wasm/mathlens.mjs')),
};

// ---- targets -----------------------------------------------------------------------------------
const at = (d, fn) => rows.find((r) => r.d === d && r.fn === fn);
const targets = [];
{
  const r = at(2048, 'frechet');
  const s = r?.reference;
  targets.push({
    name: 'FID from statistics at d = 2048 in wasm faster than the scipy route',
    status: !r ? 'SKIP' : !s ? 'SKIP' : r.wasm.bestMs < s.bestMs ? 'PASS' : 'MISS',
    detail: !r ? 'd = 2048 not run' : !s ? `scipy route not available (${scipyMeta.reason})`
      : `wasm ${fmtMs(r.wasm.bestMs)} ms vs scipy ${fmtMs(s.bestMs)} ms (${fmtX(s.speedup)})`,
  });
}
{
  const big = rows.filter((r) => r.d >= 256);
  const worst = big.reduce((w, r) => (!w || r.ratio > w.ratio ? r : w), undefined);
  targets.push({
    name: 'wasm/native ≤ 1.5 at d ≥ 256',
    status: !worst ? 'SKIP' : worst.ratio <= 1.5 ? 'PASS' : 'MISS',
    detail: !worst ? 'no d ≥ 256 run' : `worst ${worst.ratio.toFixed(2)} (${worst.label}, d = ${worst.d}); ` +
      big.map((r) => `${r.label}@${r.d} ${r.ratio.toFixed(2)}`).join(', '),
  });
}
{
  const r = at(64, 'wasserstein2');
  const m = r?.reference;
  targets.push({
    name: '≥ 20× faster than mathjs at d = 64',
    status: !m ? 'SKIP' : m.speedup >= 20 ? 'PASS' : 'MISS',
    detail: !m ? 'not run' : `${fmtX(m.speedup)} (mathjs ${fmtMs(m.bestMs)} ms vs ours ${fmtMs(r.wasmNested.bestMs)} ms, both on number[][])`,
  });
}
targets.push({
  name: '2-D compare() < 20 µs',
  status: compare2d.usPerCall < 20 ? 'PASS' : 'MISS',
  detail: `${compare2d.usPerCall.toFixed(2)} µs per call (native core ${compare2d.nativeUsPerCall.toFixed(2)} µs)`,
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
  inputs: { recipe: 'gaussian-v1: Σ = A Aᵀ/d + 0.1 I, A and μ uniform in [−1, 1) from splitmix64 (cpp/bench/bench.cpp)', dir: relative(ROOT, INPUT_DIR) },
  timing: 'best-of-N per call (ms); small d timed in batches; see scripts/bench/lib/timing.mjs',
  loadAverage: { start: loadStart, end: os.loadavg() },
  seconds: (Date.now() - started) / 1e3,
};

const header = ['d', 'fn', 'wasm ms', 'native ms', 'wasm/nat', 'reference', 'ref ms', 'ref/wasm', 'max rel diff'];
const table = rows.map((r) => [
  String(r.d), r.label, fmtMs(r.wasm.bestMs), fmtMs(r.native.bestMs), r.ratio.toFixed(2),
  r.reference?.name ?? '–', fmtMs(r.reference?.bestMs), fmtX(r.reference?.speedup), fmtRel(r.maxRel),
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
const line = (cells) => cells.map((c, i) => (i === 1 || i === 5 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');

const out = [];
out.push('');
out.push(`gaussian: W2 and FID from statistics — ${meta.machine.cpu}, ${meta.machine.cores} cores, Node ${meta.node}`);
out.push(`  wasm: ${meta.mathlens}`);
out.push(`  native: ${nativeBuild ? `${nativeBuild.compiler}, Eigen ${nativeBuild.eigen}, ${nativeBuild.simd}, ${nativeBuild.isa}` : '–'}`);
out.push(`  mathjs ${mathjsVersion}; scipy route: ${scipyMeta.available ? `scipy ${scipyMeta.scipy}, numpy ${scipyMeta.numpy}, BLAS ${scipyMeta.blas.map((b) => b.split('/').pop()).join(' + ')}` : `skipped (${scipyMeta.reason})`}`);
out.push('  best-of-N ms per call; ref/wasm = reference time ÷ ours (mathjs rows: ours on the same number[][] inputs);');
out.push('  max rel diff = largest relative difference of native and reference results from the wasm result');
out.push('');
out.push(line(header));
out.push(line(widths.map((w) => '-'.repeat(w))));
for (const row of table) out.push(line(row));
out.push('');
for (const r of rows.filter((r) => r.wasmNested))
  out.push(`  W2 d = ${r.d}: ours on number[][] ${fmtMs(r.wasmNested.bestMs)} ms (typed arrays ${fmtMs(r.wasm.bestMs)} ms)`);
out.push(`  2-D compare(): ${compare2d.usPerCall.toFixed(2)} µs per call through the public API (native core ${compare2d.nativeUsPerCall.toFixed(2)} µs)`);
out.push(`  sizes: mathlens.wasm ${sizes.wasm.raw} B (${kb(sizes.wasm.raw)}), gzip -9 ${sizes.wasm.gzip9} B (${kb(sizes.wasm.gzip9)}); ` +
  `mathlens.mjs ${sizes.js.raw} B (${kb(sizes.js.raw)}), gzip -9 ${sizes.js.gzip9} B (${kb(sizes.js.gzip9)}); ` +
  `total gzip ${kb(sizes.wasm.gzip9 + sizes.js.gzip9)}`);
out.push('');
out.push('targets:');
for (const t of targets) out.push(`  ${t.status.padEnd(4)}  ${t.name}: ${t.detail}`);
out.push('');
out.push(`(${meta.seconds.toFixed(0)} s; load average ${loadStart[0].toFixed(2)} at start, ${meta.loadAverage.end[0].toFixed(2)} at end; JSON: ${relative(ROOT, join(OUT_DIR, 'gaussian.json'))})`);
console.log(out.join('\n'));

const strip = ({ value, ...t }) => ({ ...t, value });
writeFileSync(join(OUT_DIR, 'gaussian.json'), JSON.stringify({
  meta,
  rows: rows.map((r) => ({
    d: r.d, fn: r.fn, wasm: strip(r.wasm), native: r.native && strip({ ...r.native, build: undefined }),
    wasmOverNative: r.ratio, wasmNumberArrays: r.wasmNested, reference: r.reference,
    relDiffNative: r.relNative, maxRelDiff: r.maxRel,
  })),
  compare2d,
  sizes,
  targets,
}, null, 2) + '\n');
