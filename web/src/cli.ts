#!/usr/bin/env node
/**
 * `npx mathlens <command> …` — the calculators a terminal user wants, on the same wasm core.
 * Every command prints a readable table, or JSON with `--json`; `--help` explains each one.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { init, MathLensError, toRows, type MathLens } from './node.js';

interface Command {
  summary: string;
  usage: string;
  help: string;
  run(ml: MathLens, args: string[], json: boolean): Promise<unknown>;
}

class UsageError extends Error {}

async function readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${what} file ${path}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${what} file ${path} is not valid JSON: ${(e as Error).message}`);
  }
}

/** A normal from a JSON file: {"mean": [...], "cov": [[...]]} or {"samples": [[...], ...]}. */
async function readNormal(ml: MathLens, path: string, what: string) {
  const x = (await readJson(path, what)) as Record<string, unknown>;
  if (x && typeof x === 'object' && 'samples' in x) return ml.gaussian.fit(x.samples as number[][]);
  if (x && typeof x === 'object' && 'mean' in x && 'cov' in x) return x as { mean: number[]; cov: number[][] };
  throw new UsageError(`${what} file ${path} must hold {"mean": [...], "cov": [[...]]} or {"samples": [[...], ...]}`);
}

function table(rows: Array<[string, string]>): string {
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n');
}

const fmt = (x: number | null) => (x === null ? '—' : Number.isFinite(x) ? x.toPrecision(12).replace(/\.?0+(e|$)/, '$1') : String(x));

/** `--name value` → value (removed from args), or undefined. */
function takeOption(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  if (i + 1 >= args.length) throw new UsageError(`${name} needs a value`);
  return args.splice(i, 2)[1];
}

const COMMANDS: Record<string, Command> = {
  gaussian: {
    summary: 'KL, Bhattacharyya, Hellinger, W2 between two normals (from statistics or samples)',
    usage: 'mathlens gaussian <p.json> <q.json> [--json]',
    help: `Each file holds {"mean": [...], "cov": [[...], ...]} or {"samples": [[...], ...]} (rows are samples;
mean and unbiased covariance are fitted). Prints every quantity of ml.gaussian.compare() with its diagnostics.`,
    async run(ml, args, json) {
      if (args.length !== 2) throw new UsageError('expected two files: <p.json> <q.json>');
      const p = await readNormal(ml, args[0], 'p');
      const q = await readNormal(ml, args[1], 'q');
      const r = ml.gaussian.compare(p, q);
      if (json) return { ...r, coupling: r.coupling ? toRows(r.coupling) : null };
      return table([
        ['dimension', String(r.dim)],
        ['KL(p‖q)', fmt(r.klPQ)],
        ['KL(q‖p)', fmt(r.klQP)],
        ['Bhattacharyya distance', fmt(r.bhattacharyya)],
        ['Bhattacharyya coefficient', fmt(r.bhattacharyyaCoefficient)],
        ['Hellinger distance', fmt(r.hellinger)],
        ['W2', fmt(r.wasserstein2)],
        ['W2² (= FID)', fmt(r.wasserstein2Squared)],
        ['W2² by the product formula', fmt(r.wasserstein2SquaredProduct)],
        ['entropy of p / of q', `${fmt(r.entropyP)} / ${fmt(r.entropyQ)}`],
        ['condition of Σp / Σq', `${fmt(r.diagnostics.conditionP)} / ${fmt(r.diagnostics.conditionQ)}`],
        ['route', r.diagnostics.route],
        ...r.diagnostics.warnings.map((w): [string, string] => ['warning', w]),
      ]);
    },
  },
  flops: {
    summary: 'cost of a Transformer layer (MACs/FLOPs per term, shares, crossovers) for a preset over a list of n',
    usage: 'mathlens flops <preset> [--n 128,512,4608] [--variant standard|linear|performer|nystrom] [--json]',
    help: `Presets: bert-base, bert-large, gpt2-small, gpt2-medium, gpt2-large, gpt2-xl, llama-2-7b.
One row per n: total MACs of one layer, attention and FFN shares, the n² share; then the crossovers.`,
    async run(ml, args, json) {
      const ns = (takeOption(args, '--n') ?? '128,512,1536,4608,8192').split(',').map(Number);
      const variant = takeOption(args, '--variant');
      if (args.length !== 1) throw new UsageError('expected one preset name');
      const preset = args[0];
      const known = ml.flops.presets().map((p) => p.name as string);
      if (!known.includes(preset)) throw new UsageError(`unknown preset '${preset}' (one of ${known.join(', ')})`);
      const opts = (n: number) => ({ preset, n, ...(variant ? { variant } : {}) }) as Parameters<typeof ml.flops.layer>[0];
      const rows = ns.map((n) => ({ n, cost: ml.flops.layer(opts(n)) }));
      if (json) return rows.map(({ n, cost }) => ({ n, ...cost }));
      const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
      const head = ['n', 'MACs per layer', 'attention', 'FFN', 'n² part'];
      const body = rows.map(({ n, cost }) => [
        String(n), cost.macs.total.toLocaleString('en-US'), pct(cost.shares.attention), pct(cost.shares.ffn), pct(cost.shares.quadratic),
      ]);
      const widths = head.map((h, j) => Math.max(h.length, ...body.map((r) => r[j].length)));
      const line = (r: string[]) => r.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  ');
      const crossovers = rows[0].cost.crossovers.map(
        (c) => `  ${c.label}: n* = ${c.formula ? `${c.formula.replace(/[{}]/g, '')} = ` : ''}${fmt(c.closedForm ?? c.numeric)}, from n = ${c.firstN} on`,
      );
      return [line(head), ...body.map(line), '', 'crossovers:', ...crossovers].join('\n');
    },
  },
  expm: {
    summary: 'matrix exponential of a square matrix from a JSON file, with the det(exp A) = exp(tr A) check',
    usage: 'mathlens expm <matrix.json> [--json]',
    help: 'The file holds a square matrix as [[...], ...]. Prints exp(A), then det(exp A) against exp(tr A).',
    async run(ml, args, json) {
      if (args.length !== 1) throw new UsageError('expected one file: <matrix.json>');
      const a = (await readJson(args[0], 'matrix')) as number[][];
      const e = ml.matexp.expm(a);
      const check = ml.matexp.detExp(a);
      if (json) return { expm: toRows(e), detExp: check };
      const rows = toRows(e).map((r) => r.map((x) => fmt(x).padStart(16)).join(' '));
      return [...rows, '', `det(exp A) = ${fmt(check.det)}   exp(tr A) = ${fmt(check.expTrace)}   log|det| − tr = ${check.logDifference.toExponential(2)}`].join('\n');
    },
  },
  fid: {
    summary: 'Fréchet distance (FID) between two sample sets or two sets of statistics',
    usage: 'mathlens fid <a.json> <b.json> [--json]',
    help: `Each file holds {"samples": [[...], ...]} (e.g. Inception features, rows are images) or
{"mean": [...], "cov": [[...]]}. Prints W2² between the fitted normals, as FID reports it.`,
    async run(ml, args, json) {
      if (args.length !== 2) throw new UsageError('expected two files: <a.json> <b.json>');
      const a = await readNormal(ml, args[0], 'a');
      const b = await readNormal(ml, args[1], 'b');
      const fid = ml.gaussian.frechet(a, b);
      return json ? { fid } : `FID ${fmt(fid)}`;
    },
  },
};

function usage(): string {
  const w = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  return `mathlens — the mathematics of Scientific Spaces (kexue.fm) posts, computed by a C++/WebAssembly core

usage: mathlens <command> [arguments] [--json]
       mathlens <command> --help

commands:
${Object.entries(COMMANDS)
  .map(([k, c]) => `  ${k.padEnd(w)}  ${c.summary}`)
  .join('\n')}`;
}

export async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  const args = argv.filter((a) => a !== '--json');
  const name = args.shift();
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`mathlens: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    console.log(`usage: ${command.usage}\n\n${command.summary}.\n${command.help}`);
    return 0;
  }
  try {
    const ml = await init();
    const out = await command.run(ml, args, json);
    console.log(typeof out === 'string' ? out : JSON.stringify(out, null, 2));
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`mathlens ${name}: ${e.message}\nusage: ${command.usage}`);
      return 2;
    }
    if (e instanceof MathLensError) {
      console.error(`mathlens ${name}: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
