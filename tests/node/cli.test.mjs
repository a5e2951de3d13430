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
  const a = file('a.json', [[1, 2], [3, 4]]);
  const e = mathlens('expm', a, '--json');
  assert.equal(e.status, 0, e.stderr);
  const r = JSON.parse(e.stdout);
  assert.ok(Math.abs(r.expm[0][0] - 51.96895619870499) < 1e-12);
  assert.ok(Math.abs(r.detExp.det - 148.4131591025766) / 148.4131591025766 < 1e-13);
});
