// The command line (`npx mathlens …`, dist/cli.js): tables, --json, --help and clear errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'mathlens-cli-'));
const file = (name, value) => {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
};
const mathlens = (...args) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

/** Each case [args, exit status, first line of stderr (a string, or a RegExp for paths)]. */
function expectErrors(cases) {
  for (const [args, status, message] of cases) {
    const r = mathlens(...args);
    assert.equal(r.status, status, `${args.join(' ')}: ${r.stderr}`);
    const first = r.stderr.split('\n')[0];
    if (typeof message === 'string') assert.equal(first, message);
    else assert.match(first, message);
  }
}

const p = file('p.json', { mean: [1, 2], cov: [[2, 0.5], [0.5, 1]] });
const q = file('q.json', { mean: [0, 0], cov: [[1, 0], [0, 3]] });

test('gaussian prints a table and --json the full comparison', () => {
  const t = mathlens('gaussian', p, q);
  assert.equal(t.status, 0, t.stderr);
  assert.match(t.stdout, /^KL\(p‖q\)\s+1\.6028315837$/m);
  assert.match(t.stdout, /^W2² \(= FID\)\s+5\.80885287044$/m);
  const j = mathlens('gaussian', p, q, '--json');
  assert.equal(j.status, 0, j.stderr);
  const r = JSON.parse(j.stdout);
  assert.ok(Math.abs(r.klQP - 2.7305017496336568) < 1e-14);
  assert.equal(r.diagnostics.route, 'cholesky(p)');
  assert.equal(r.coupling.length, 2);
});

test('fid accepts samples or statistics', () => {
  const a = file('a.json', { samples: [[1, 2], [3, 5], [0, 1], [2, 2]] });
  const r = mathlens('fid', a, a, '--json');
  assert.equal(r.status, 0, r.stderr);
  assert.ok(Math.abs(JSON.parse(r.stdout).fid) < 1e-12);
  assert.match(mathlens('fid', p, q).stdout, /^FID 5\.80885287044$/m);
});

test('help, unknown commands and bad input give clear messages and exit codes', () => {
  const top = mathlens('--help');
  assert.equal(top.status, 0);
  assert.match(top.stdout, /commands:\n\s+gaussian/);
  assert.match(mathlens('gaussian', '--help').stdout, /^usage: mathlens gaussian <p\.json> <q\.json> \[--json\]/);
  const unknown = mathlens('nope');
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /^mathlens: unknown command 'nope'/);
  const missing = mathlens('gaussian', p);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /^mathlens gaussian: expected two files: <p\.json> <q\.json>/);
  const notJson = mathlens('gaussian', p, file('x.json', '{oops'));
  assert.equal(notJson.status, 2);
  assert.match(notJson.stderr, /is not valid JSON/);
  const bad = mathlens('gaussian', p, file('bad.json', { mean: [0, 0], cov: [[1, 2], [2, 1]] }));
  assert.equal(bad.status, 1);
  assert.equal(bad.stderr.trim(), 'mathlens gaussian: gaussian.compare: cov of q is not positive semidefinite (smallest eigenvalue -1)');
});

test('flops prints the post\'s crossovers for BERT-base; expm checks det(exp A) = exp(tr A)', () => {
  const f = mathlens('flops', 'bert-base', '--n', '512,4608');
  assert.equal(f.status, 0, f.stderr);
  assert.match(f.stdout, /^512\s+4,026,531,840\s+40\.0%\s+60\.0%\s+10\.0%$/m);
  assert.match(f.stdout, /n\* = 2H = 1536, from n = 1537 on/);
  assert.match(f.stdout, /n\* = 6H = 4608, from n = 4609 on/);
  assert.equal(mathlens('flops', 'nope').status, 2);
  // LLaMA-2-7B: N = 32 · (4H² + 3HF) with H = 4096, F = 11008; Kaplan: 2N + 2 · 32 · n · H per token.
  const N = 32 * (4 * 4096 ** 2 + 3 * 4096 * 11008);
  const l = mathlens('flops', 'llama-2-7b', '--n', '4096');
  assert.equal(l.status, 0, l.stderr);
  assert.match(l.stdout, new RegExp(`^whole model: 32 layers, ${N.toLocaleString('en-US')} non-embedding parameters$`, 'm'));
  // Gated FFN: attention exceeds the FFN beyond n* = (3HF − 4Hhd)/(hd) − 1, printed as text, not TeX.
  const nStar = (3 * 4096 * 11008 - 4 * 4096 * 4096) / 4096 - 1;
  assert.match(l.stdout, new RegExp(`n\\* = \\(3HF-4Hhd\\)/hd-1 = ${nStar}, from n = ${nStar + 1} on`));
  const kaplan = (2 * N + 2 * 32 * 4096 * 4096).toLocaleString('en-US');
  assert.match(l.stdout, new RegExp(`^4096\\s+[\\d,]+\\s+[\\d,]+\\s+${kaplan}$`, 'm'));
  const a = file('a.json', [[1, 2], [3, 4]]);
  const e = mathlens('expm', a, '--json');
  assert.equal(e.status, 0, e.stderr);
  const r = JSON.parse(e.stdout);
  assert.ok(Math.abs(r.expm[0][0] - 51.96895619870499) < 1e-12);
  assert.ok(Math.abs(r.detExp.det - 148.4131591025766) / 148.4131591025766 < 1e-13);
});

test('rope reads a Hugging Face config.json: Llama 3.1 scaling per frequency pair', () => {
  const config = file('llama31.json', {
    hidden_size: 4096, num_attention_heads: 32, max_position_embeddings: 131072, rope_theta: 500000,
    rope_scaling: { factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 8192, rope_type: 'llama3' },
  });
  const j = mathlens('rope', config, '--json');
  assert.equal(j.status, 0, j.stderr);
  const r = JSON.parse(j.stdout);
  assert.equal(r.dim, 128);
  assert.deepEqual(r.scaling, { type: 'llama3', originalContext: 8192, factor: 8, lowFreqFactor: 1, highFreqFactor: 4 });
  assert.equal(r.contextLength, 131072);
  // θ_i = 500000^(−i/64); Llama 3.1 divides θ_i by 8 when its wavelength 2π/θ_i exceeds 8192 / 1, keeps it
  // below 8192 / 4, and blends between; a pair meets unseen angles when 8192 θ_i < 2π (the same pairs).
  const theta = Array.from({ length: 64 }, (_, i) => 500000 ** (-i / 64));
  theta.forEach((t, i) => assert.ok(Math.abs(r.theta[i] - t) <= 4e-16 * t, `θ_${i}`));
  const wave = theta.map((t) => (2 * Math.PI) / t);
  wave.forEach((w, i) => {
    if (w > 8192) assert.ok(Math.abs(r.interpolation[i] - 8) < 1e-12, `pair ${i} interpolated`);
    if (w < 2048) assert.equal(r.interpolation[i], 1, `pair ${i} kept`);
  });
  const unseen = wave.filter((w) => w > 8192).length;
  assert.equal(unseen, 29);
  assert.equal(r.unseenCount, unseen);
  const t = mathlens('rope', config);
  assert.equal(t.status, 0, t.stderr);
  assert.match(t.stdout, /^rotary dimension\s+128 \(64 frequency pairs\)$/m);
  assert.match(t.stdout, /^scaling\s+llama3, factor 8$/m);
  assert.match(t.stdout, /^unseen angles\s+29 of 64 pairs$/m);
  assert.match(t.stdout, /^0\s+1\s+6\.28319\s+6\.28319\s+1\s+20860\.8$/m);
  assert.match(t.stdout, /^63\s+0\.00000245514\s+2559200\s+20473600\s+8\s+0\.00640201\s+yes$/m);
});

test('rope from flags; a partial rotary dimension and YaRN from a config; flags override the file', () => {
  const plain = JSON.parse(mathlens('rope', '--dim', '8', '--context', '4096', '--json').stdout);
  assert.deepEqual(plain.theta, [1, 0.1, 0.01, 0.001]);
  assert.equal(plain.unseenCount, 0);
  const yarn = file('yarn.json', {
    hidden_size: 2048, num_attention_heads: 16, partial_rotary_factor: 0.5, rope_theta: 10000, max_position_embeddings: 32768,
    rope_scaling: { type: 'yarn', factor: 4, original_max_position_embeddings: 8192, beta_fast: 32, beta_slow: 1 },
  });
  const r = JSON.parse(mathlens('rope', yarn, '--json').stdout);
  assert.equal(r.dim, 64); // 2048 / 16 × 0.5
  assert.equal(r.scaling.betaFast, 32);
  assert.ok(Math.abs(r.attentionFactor - (0.1 * Math.log(4) + 1)) < 1e-15, `YaRN attention factor ${r.attentionFactor}`);
  assert.equal(r.interpolation[0], 1); // fast pairs extrapolate
  assert.ok(Math.abs(r.interpolation[31] - 4) < 1e-12); // slow pairs interpolate by s
  // Qwen-style: the trained context is max_position_embeddings and YaRN stretches it by s.
  const qwen = file('qwen.json', {
    head_dim: 128, max_position_embeddings: 32768, rope_theta: 1000000,
    rope_scaling: { type: 'yarn', factor: 4, original_max_position_embeddings: 32768 },
  });
  const q4 = JSON.parse(mathlens('rope', qwen, '--json').stdout);
  assert.equal(q4.contextLength, 131072);
  assert.equal(q4.scaledContext, 131072);
  const dyn = file('dynamic.json', { head_dim: 64, max_position_embeddings: 2048, rope_scaling: { type: 'dynamic', factor: 2 } });
  const d2 = JSON.parse(mathlens('rope', dyn, '--json').stdout);
  assert.equal(d2.contextLength, 4096);
  // Dynamic NTK at L = 2 L0: base' = base · (s L/L0 − (s − 1))^(d/(d−2)) = 10000 · 3^(64/62).
  assert.ok(Math.abs(d2.effectiveBase - 10000 * 3 ** (64 / 62)) < 1e-9 * d2.effectiveBase, `dynamic base ${d2.effectiveBase}`);
  const over = JSON.parse(mathlens('rope', yarn, '--factor', '2', '--context', '16384', '--json').stdout);
  assert.equal(over.scaling.factor, 2);
  assert.equal(over.contextLength, 16384);
  assert.ok(Math.abs(over.interpolation[31] - 2) < 1e-12);
});

test('rope: clear errors for missing, unknown and bad settings', () => {
  const cases = [
    [['rope'], 2, 'mathlens rope: give a config.json or --dim'],
    [['rope', '--dim', '8'], 2, 'mathlens rope: the trained context length is unknown: give --original'],
    [['rope', '--dim', 'eight'], 2, 'mathlens rope: --dim: "eight" is not a number'],
    [['rope', '--dim', '8', '--scaling', 'rotary', '--original', '4'], 2, 'mathlens rope: --scaling: "rotary" is not one of none, linear, ntk, dynamic, yarn, llama3'],
    [['rope', '--dim', '8', '--original', '4', '--theta', '1'], 2, 'mathlens rope: unknown option --theta'],
    [['rope', file('lr.json', { head_dim: 64, rope_scaling: { rope_type: 'longrope', factor: 4 } })], 2, /^mathlens rope: config file .*lr\.json: rope_scaling type "longrope" is not supported \(mathlens knows linear, dynamic, yarn, llama3\)$/],
    [['rope', file('str.json', { head_dim: '64' })], 2, /^mathlens rope: config file .*str\.json: head_dim must be a number, got "64"$/],
    [['rope', '--dim', '7', '--original', '4'], 1, 'mathlens rope: rope.contextScaling: dim must be an even integer from 2 to 1048576, got 7'],
  ];
  expectErrors(cases);
});

test('repetition: the post\'s numbers from a matrix file, decoding options, R = ∞ with its cycle', () => {
  const P = file('P.json', [[0.5, 0.3, 0.1], [0.2, 0.2, 0.5], [0.4, 0.4, 0.1]]);
  const t = mathlens('repetition', P);
  assert.equal(t.status, 0, t.stderr);
  assert.match(t.stdout, /^repetition rate R\s+0\.512720388822$/m);
  assert.match(t.stdout, /^spectral radius ρ\(S\)\s+0\.340198837339$/m);
  assert.match(t.stdout, /^lower bound per-node\s+0\.419271424807 \(rigorous\)$/m);
  assert.match(t.stdout, /^lower bound zeta\s+0\.329675783104 \(heuristic, not a bound\)$/m);
  const k2 = JSON.parse(mathlens('repetition', P, '--top-k', '2', '--json').stdout);
  assert.ok(Math.abs(k2.rate - 1.1409523809523812) < 1e-13, `top-2 R ${k2.rate}`);
  const g = mathlens('repetition', P, '--greedy');
  assert.match(g.stdout, /^repetition rate R\s+Infinity$/m);
  assert.match(g.stdout, /^deterministic cycle\s+0 → 0$/m);
  const gj = JSON.parse(mathlens('repetition', P, '--greedy', '--json').stdout);
  assert.equal(gj.rate, 'Infinity'); // JSON has no Infinity: it is spelled out
  assert.deepEqual(gj.cycles, [[0]]);
});

test('repetition --text builds a bigram model first; bad input is a clear error', () => {
  const text = file('loop.txt', 'ab ab ab ab.');
  const r = JSON.parse(mathlens('repetition', '--text', text, '--level', 'word', '--json').stdout);
  assert.deepEqual(r.model.vocabulary.slice(0, 1), ['ab']);
  assert.equal(r.model.level, 'word');
  const greedy = mathlens('repetition', '--text', text, '--level', 'word', '--greedy');
  assert.equal(greedy.status, 0, greedy.stderr);
  assert.match(greedy.stdout, /^deterministic cycle\s+ab → ab$/m);
  const cases = [
    [['repetition'], 2, 'mathlens repetition: expected one file: <P.json> (or --text <file.txt>)'],
    [['repetition', file('P2.json', [[0.5]]), '--smoothing', '1'], 2, 'mathlens repetition: --level and --smoothing need --text'],
    [['repetition', file('P3.json', [[0.5]]), '--top-k', 'two'], 2, 'mathlens repetition: --top-k: "two" is not a number'],
    [['repetition', file('P4.json', [[0.9, 0.3], [0.1, 0.1]])], 1, 'mathlens repetition: repetition.analyze: P row 0 sums to 1.2 > 1 (tolerance 1e-09)'],
  ];
  expectErrors(cases);
});

test('orthogonal: T a = b in the post\'s closed form, from inline vectors or JSON files', () => {
  const a = [1, 2, 3];
  const b = [3, 2, 1];
  const unit = (v) => v.map((x) => x / Math.hypot(...v));
  const [ua, ub] = [unit(a), unit(b)];
  const c = ua.reduce((s, x, i) => s + x * ub[i], 0);
  // The minimal rotation T = I + 2 b aᵀ − (a + b)(a + b)ᵀ/(1 + c) (unit a, b).
  const T = ua.map((_, i) => ua.map((_, j) => (i === j ? 1 : 0) + 2 * ub[i] * ua[j] - ((ua[i] + ub[i]) * (ua[j] + ub[j])) / (1 + c)));
  const r = JSON.parse(mathlens('orthogonal', '1,2,3', file('b.json', b), '--json').stdout);
  T.forEach((row, i) => row.forEach((x, j) => assert.ok(Math.abs(r.matrix[i][j] - x) < 1e-15, `T[${i}][${j}]`)));
  assert.ok(Math.abs(r.cosine - c) < 1e-15);
  const t = mathlens('orthogonal', '1 2 3', '3 2 1');
  assert.equal(t.status, 0, t.stderr);
  assert.match(t.stdout, /^T =\n 0\.761904761905 {3}0\.190476190476 {3}0\.619047619048\n-0\.380952380952 {3}0\.904761904762/m);
  assert.match(t.stdout, /^det T\s+1 \(expected 1\)$/m);
  const h = mathlens('orthogonal', '1,0', '0,1', '--construction', 'householder');
  assert.match(h.stdout, /^det T\s+-1 \(expected -1\)$/m);
  // The values line up although â and b̂ carry combining hats (no width of their own).
  const width = (l) => [...l.replace(/\p{M}/gu, '')].length;
  const valueColumn = (l) => width(l) - width(l.split(/ {2,}/).pop());
  const labelled = h.stdout.split('\n').filter((l) => /^(det T|‖)/.test(l));
  assert.equal(labelled.length, 3);
  assert.deepEqual(labelled.map(valueColumn), [23, 23, 23], labelled.join('\n'));
  const big = mathlens('orthogonal', Array(13).fill(1).join(','), Array.from({ length: 13 }, (_, i) => i).join(','));
  assert.match(big.stdout, /^T is 13 × 13: print it with --json$/m);
  const cases = [
    [['orthogonal', '1,2'], 2, 'mathlens orthogonal: expected two vectors: <a> <b>'],
    [['orthogonal', '1,x', '1,2'], 2, 'mathlens orthogonal: a: "x" is not a number'],
    [['orthogonal', '1,2', '3,4', '--construction', 'reflection'], 2, 'mathlens orthogonal: --construction: "reflection" is not one of rotation, householder, simplest'],
    [['orthogonal', '1,2', '1,2,3'], 1, 'mathlens orthogonal: orthogonal.report: a and b have different lengths (2 and 3)'],
    [['orthogonal', '0,0', '1,2'], 1, 'mathlens orthogonal: orthogonal.report: a is the zero vector'],
  ];
  expectErrors(cases);
});

test('every command rejects options it does not know; flops names a bad --n', () => {
  assert.equal(mathlens('flops', 'bert-base', '--n', '512,abc').stderr.split('\n')[0], 'mathlens flops: --n: "abc" is not a number');
  for (const args of [['gaussian', p, q, '--fast'], ['fid', p, q, '--fast'], ['expm', p, '--fast'], ['flops', 'bert-base', '--fast']]) {
    const r = mathlens(...args);
    assert.equal(r.status, 2, args.join(' '));
    assert.equal(r.stderr.split('\n')[0], `mathlens ${args[0]}: unknown option --fast`);
  }
});

test('attention: errors against exact attention; Nyström with m = n and the exact pseudo-inverse is exact', () => {
  // With one landmark per token the landmarks are q and k themselves, so Nyström gives P·P⁺·P·V = P·V.
  const r = JSON.parse(mathlens('attention', '--n', '32', '--d', '8', '--landmarks', '4,32', '--features', '16', '--pinv', 'svd', '--json').stdout);
  assert.equal(r.inputs, 'random samples, n = 32, d = 8, seed 1');
  assert.deepEqual(r.results.map((x) => [x.method, x.parameter]), [['nystrom', 4], ['nystrom', 32], ['performer', 16], ['linear', null]]);
  assert.ok(r.results[1].errors.outputRelativeFrobenius < 1e-12, `m = n: ${r.results[1].errors.outputRelativeFrobenius}`);
  assert.ok(r.results[0].errors.outputRelativeFrobenius > 1e-3, 'm = 4 is an approximation');
  for (const x of r.results) assert.ok(x.ms >= 0 && Number.isFinite(x.errors.matrixRelativeFrobenius));
  // q, k, v from a file (entries from a small LCG, so the landmark kernel is well conditioned).
  let seed = 7;
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed / 2 ** 31 - 0.5);
  const rows = () => Array.from({ length: 32 }, () => Array.from({ length: 8 }, next));
  const qkv = file('qkv.json', { q: rows(), k: rows(), v: rows() });
  const f = mathlens('attention', qkv, '--landmarks', '32', '--features', '16', '--pinv', 'svd');
  assert.equal(f.status, 0, f.stderr);
  assert.match(f.stdout, /^inputs: .*qkv\.json; exact softmax attention [\d.]+ ms$/m);
  assert.match(f.stdout, /^Nyström m = 32\s+\d\.\d\de-1[2-6]\s/m);
  const cases = [
    [['attention', qkv, '--n', '8'], 2, 'mathlens attention: --n, --d, --seed and --structure describe sampled inputs, not a file'],
    [['attention', file('bad-qkv.json', { q: [[1]] })], 2, /^mathlens attention: qkv file .*bad-qkv\.json must hold \{"q": \[\[\.\.\.\]\], "k": \[\[\.\.\.\]\], "v": \[\[\.\.\.\]\]\}$/],
    [['attention', '--landmarks', '4,x'], 2, 'mathlens attention: --landmarks: "x" is not a number'],
    [['attention', file('ragged.json', { q: [[1, 2], [3]], k: [[1, 2], [3, 4]], v: [[1, 2], [3, 4]] })], 2, /^mathlens attention: qkv file .*ragged\.json: q must be rows of numbers, all of one length$/],
    [['attention', '--n', '16', '--d', '4', '--landmarks', '0'], 1, /^mathlens attention: attention\.nystrom: /],
  ];
  expectErrors(cases);
});

test('a file argument of - reads standard input', () => {
  const run = (input, ...args) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', input });
  const e = run('[[1, 2], [3, 4]]', 'expm', '-', '--json');
  assert.equal(e.status, 0, e.stderr);
  assert.ok(Math.abs(JSON.parse(e.stdout).expm[0][0] - 51.96895619870499) < 1e-12);
  const t = run('ab ab ab.', 'repetition', '--text', '-', '--level', 'word', '--greedy');
  assert.match(t.stdout, /^deterministic cycle\s+ab → ab$/m);
  const bad = run('', 'expm', '-');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^mathlens expm: matrix file - is not valid JSON/);
});

test('expm --outer: exp(x yᵀ) = I + φ(s) x yᵀ and its inverse in closed form', () => {
  // x = (1, 2), y = (0.5, 0.25): s = yᵀx = 1, φ = e − 1, ψ = 1 − 1/e.
  const r = JSON.parse(mathlens('expm', '--outer', '1,2', file('y.json', [0.5, 0.25]), '--json').stdout);
  const [x, y] = [[1, 2], [0.5, 0.25]];
  const close = (a, b) => Math.abs(a - b) <= 1e-15 * Math.max(1, Math.abs(b));
  assert.ok(close(r.s, 1) && close(r.phi, Math.E - 1) && close(r.psi, 1 - 1 / Math.E) && close(r.det, Math.E));
  for (let i = 0; i < 2; i++)
    for (let j = 0; j < 2; j++) {
      assert.ok(close(r.exp[i][j], (i === j ? 1 : 0) + (Math.E - 1) * x[i] * y[j]), `exp[${i}][${j}]`);
      assert.ok(close(r.inverse[i][j], (i === j ? 1 : 0) - (1 - 1 / Math.E) * x[i] * y[j]), `inverse[${i}][${j}]`);
    }
  const t = mathlens('expm', '--outer', '1,2', '3,-1.5');
  assert.equal(t.status, 0, t.stderr);
  assert.match(t.stdout, /^exp\(x yᵀ\) =\n {3}4 {2}-1\.5\n {3}6 {4}-2$/m); // s = 0: I + x yᵀ exactly
  assert.match(t.stdout, /^det exp\(x yᵀ\) = eˢ {2}1$/m);
  expectErrors([
    [['expm', '--outer', '1,2'], 2, 'mathlens expm: --outer expects two vectors: <x> <y>'],
    [['expm', '--outer', '1,2', '3'], 1, 'mathlens expm: matexp.expRankOne: x has 2 entries but y has 1'],
  ]);
});
