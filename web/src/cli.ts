#!/usr/bin/env node
/**
 * `npx mathlens <command> …` — the calculators a terminal user wants, on the same wasm core.
 * Every command prints a readable table, or JSON with `--json`; `--help` explains each one.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { fromRows, init, MathLensError, toRows, type MathLens } from './node.js';
import type { AttentionErrors } from './attention.js';
import type { MatrixLike } from './core/matrix.js';
import type { DecodingOptions, TextModel, TransitionMatrix } from './repetition.js';
import type { Scaling, ScalingType } from './rope.js';

interface Command {
  summary: string;
  usage: string;
  help: string;
  run(ml: MathLens, args: string[], json: boolean): Promise<unknown>;
}

class UsageError extends Error {}

/** A file's text; `-` reads standard input. */
async function readText(path: string, what: string): Promise<string> {
  try {
    if (path !== '-') return await readFile(path, 'utf8');
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${what} file ${path}: ${(e as Error).message}`);
  }
}

async function readJson(path: string, what: string): Promise<unknown> {
  const text = await readText(path, what);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${what} file ${path} is not valid JSON: ${(e as Error).message}`);
  }
}

/** A vector given inline ("1,2,3" or "1 2 3") or as a JSON file (or - for standard input) holding an array. */
async function readVector(arg: string, what: string): Promise<number[]> {
  return /\.json$/i.test(arg) || arg === '-' ? ((await readJson(arg, what)) as number[]) : toNumbers(arg, what);
}

/** A normal from a JSON file: {"mean": [...], "cov": [[...]]} or {"samples": [[...], ...]}. */
async function readNormal(ml: MathLens, path: string, what: string) {
  const x = (await readJson(path, what)) as Record<string, unknown>;
  if (x && typeof x === 'object' && 'samples' in x) return ml.gaussian.fit(x.samples as number[][]);
  if (x && typeof x === 'object' && 'mean' in x && 'cov' in x) return x as { mean: number[]; cov: number[][] };
  throw new UsageError(`${what} file ${path} must hold {"mean": [...], "cov": [[...]]} or {"samples": [[...], ...]}`);
}

/** A matrix as aligned rows of 12-digit numbers. */
function matrixLines(rows: number[][]): string[] {
  const cells = rows.map((r) => r.map(fmt));
  const w = Math.max(...cells.flat().map((c) => c.length));
  return cells.map((r) => r.map((c) => c.padStart(w)).join('  '));
}

/** Columns a label takes in a terminal: combining marks (the hat of â) take none. */
const width = (text: string) => [...text.replace(/\p{M}/gu, '')].length;

function table(rows: Array<[string, string]>): string {
  const w = Math.max(...rows.map(([k]) => width(k)));
  return rows.map(([k, v]) => `${k}${' '.repeat(w - width(k))}  ${v}`).join('\n');
}

const fmt = (x: number | null) => (x === null ? '—' : Number.isFinite(x) ? x.toPrecision(12).replace(/\.?0+(e|$)/, '$1') : String(x));
/** A residual or an error: three digits in exponent form, and an exact zero as 0. */
const tiny = (x: number) => (x === 0 ? '0' : x.toExponential(2));
/** Six significant digits, for the columns of a table. */
const short = (x: number) => (Number.isFinite(x) ? String(Number(x.toPrecision(6))) : String(x));

/** A number given on the command line ("1e4", "0.5"); `what` names it in the error. */
function toNumber(text: string, what: string): number {
  const x = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(x)) throw new UsageError(`${what}: "${text}" is not a number`);
  return x;
}

/** "1,2,3" or "1 2 3" → [1, 2, 3]. */
function toNumbers(text: string, what: string): number[] {
  const parts = text.split(/[\s,]+/).filter((t) => t !== '');
  if (parts.length === 0) throw new UsageError(`${what}: no numbers in "${text}"`);
  return parts.map((t) => toNumber(t, what));
}

/** `--name value` as a number, or undefined. */
function numberOption(args: string[], name: string): number | undefined {
  const v = takeOption(args, name);
  return v === undefined ? undefined : toNumber(v, name);
}

/** `--name` present (removed from args)? */
function takeFlag(args: string[], name: string): boolean {
  const i = args.indexOf(name);
  if (i >= 0) args.splice(i, 1);
  return i >= 0;
}

/** `--name value` that must be one of `choices`. */
function choiceOption<T extends string>(args: string[], name: string, choices: readonly T[]): T | undefined {
  const v = takeOption(args, name);
  if (v !== undefined && !choices.includes(v as T)) throw new UsageError(`${name}: "${v}" is not one of ${choices.join(', ')}`);
  return v as T | undefined;
}

/** Options the command did not take are a usage error, not silently ignored. */
function noOptionsLeft(args: string[]) {
  const left = args.find((a) => a.startsWith('--'));
  if (left) throw new UsageError(`unknown option ${left}`);
}

/**
 * JSON for --json: typed arrays as arrays, matrices ({ rows, cols, data }) as nested rows, and the
 * non-finite numbers JSON has no word for as the strings "Infinity", "-Infinity" and "NaN".
 */
function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    function (_key, v: unknown) {
      if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
      if (v instanceof Float64Array || v instanceof Float32Array)
        return Array.from(v, (x) => (Number.isFinite(x) ? x : String(x)));
      if (v && typeof v === 'object' && 'rows' in v && 'cols' in v && 'data' in v && ArrayBuffer.isView((v as { data: unknown }).data))
        return toRows(v as Parameters<typeof toRows>[0]);
      return v;
    },
    2,
  );
}

/** `--name value` → value (removed from args), or undefined. */
function takeOption(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  if (i + 1 >= args.length) throw new UsageError(`${name} needs a value`);
  return args.splice(i, 2)[1];
}

/** The crossover formulas' TeX as terminal text: \frac{a}{b} → (a)/(b), k^{2} → k². */
function plainFormula(tex: string): string {
  const sup: Record<string, string> = { '2': '²', '3': '³' };
  const group = (x: string) => (/^\w+$/.test(x) ? x : `(${x})`);
  return tex
    .replace(/\\frac\{([^{}]*)\}\{([^{}]*)\}/g, (_, a: string, b: string) => `${group(a)}/${group(b)}`)
    .replace(/\^\{?(\d)\}?/g, (_, d: string) => sup[d] ?? `^${d}`)
    .replace(/[{}]/g, '');
}

/** A right-aligned table with a header row (the first column left-aligned). */
function columns(head: string[], body: string[][]): string {
  const widths = head.map((h, j) => Math.max(width(h), ...body.map((r) => width(r[j]))));
  const pad = (c: string, j: number) => ' '.repeat(widths[j] - width(c));
  const line = (r: string[]) => r.map((c, j) => (j === 0 ? c + pad(c, j) : pad(c, j) + c)).join('  ').trimEnd();
  return [line(head), ...body.map(line)].join('\n');
}

const SCALING_TYPES = ['none', 'linear', 'ntk', 'dynamic', 'yarn', 'llama3'] as const;

/** What `mathlens rope` reads from a Hugging Face config.json. */
interface RopeConfig {
  dim?: number;
  base?: number;
  type?: ScalingType;
  factor?: number;
  originalContext?: number;
  maxPositions?: number;
  betaFast?: number;
  betaSlow?: number;
  attentionFactor?: number;
  lowFreqFactor?: number;
  highFreqFactor?: number;
}

function fromHuggingFace(raw: unknown, path: string): RopeConfig {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new UsageError(`config file ${path} must hold a JSON object`);
  const c = raw as Record<string, unknown>;
  const num = (v: unknown, key: string): number | undefined => {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new UsageError(`config file ${path}: ${key} must be a number, got ${JSON.stringify(v)}`);
    return v;
  };
  const out: RopeConfig = {};
  const heads = num(c.num_attention_heads, 'num_attention_heads');
  const hidden = num(c.hidden_size, 'hidden_size');
  const headDim = num(c.head_dim, 'head_dim') ?? (hidden !== undefined && heads ? hidden / heads : undefined);
  const fraction = num(c.partial_rotary_factor, 'partial_rotary_factor') ?? num(c.rotary_pct, 'rotary_pct') ?? 1;
  const rotary = num(c.rotary_dim, 'rotary_dim');
  if (rotary !== undefined) out.dim = rotary;
  else if (headDim !== undefined) out.dim = Math.floor(headDim * fraction);
  out.base = num(c.rope_theta, 'rope_theta') ?? num(c.rotary_emb_base, 'rotary_emb_base');
  out.maxPositions = num(c.max_position_embeddings, 'max_position_embeddings');
  const rs = c.rope_scaling;
  if (rs !== undefined && rs !== null) {
    if (typeof rs !== 'object' || Array.isArray(rs)) throw new UsageError(`config file ${path}: rope_scaling must be an object`);
    const s = rs as Record<string, unknown>;
    const type = String(s.rope_type ?? s.type ?? 'default');
    if (type !== 'default') {
      if (!(SCALING_TYPES as readonly string[]).includes(type))
        throw new UsageError(`config file ${path}: rope_scaling type "${type}" is not supported (mathlens knows linear, dynamic, yarn, llama3)`);
      out.type = type as ScalingType;
    }
    out.factor = num(s.factor, 'rope_scaling.factor');
    out.originalContext = num(s.original_max_position_embeddings, 'rope_scaling.original_max_position_embeddings');
    out.betaFast = num(s.beta_fast, 'rope_scaling.beta_fast');
    out.betaSlow = num(s.beta_slow, 'rope_scaling.beta_slow');
    out.attentionFactor = num(s.attention_factor, 'rope_scaling.attention_factor');
    out.lowFreqFactor = num(s.low_freq_factor, 'rope_scaling.low_freq_factor');
    out.highFreqFactor = num(s.high_freq_factor, 'rope_scaling.high_freq_factor');
  }
  return out;
}

const COMMANDS: Record<string, Command> = {
  gaussian: {
    summary: 'KL, Bhattacharyya, Hellinger, W2 between two normals (from statistics or samples)',
    usage: 'mathlens gaussian <p.json> <q.json> [--json]',
    help: `Each file holds {"mean": [...], "cov": [[...], ...]} or {"samples": [[...], ...]} (rows are samples;
mean and unbiased covariance are fitted). Prints every quantity of ml.gaussian.compare() with its diagnostics.`,
    async run(ml, args, json) {
      noOptionsLeft(args);
      if (args.length !== 2) throw new UsageError('expected two files: <p.json> <q.json>');
      const p = await readNormal(ml, args[0], 'p');
      const q = await readNormal(ml, args[1], 'q');
      const r = ml.gaussian.compare(p, q);
      if (json) return r;
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
One row per n: total MACs of one layer, attention and FFN shares, the n² share; then the whole
model's forward FLOPs, per token, next to Kaplan et al.'s 2N + 2·n_layer·n·d estimate; then the crossovers.`,
    async run(ml, args, json) {
      const ns = toNumbers(takeOption(args, '--n') ?? '128,512,1536,4608,8192', '--n');
      const variant = takeOption(args, '--variant');
      noOptionsLeft(args);
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
      const crossovers = rows[0].cost.crossovers.map(
        (c) => `  ${c.label}: n* = ${c.formula ? `${plainFormula(c.formula)} = ` : ''}${fmt(c.closedForm ?? c.numeric)}, from n = ${c.firstN} on`,
      );
      const int = (x: number) => x.toLocaleString('en-US');
      const { layers, parameters } = rows[0].cost.model;
      const model = columns(
        ['n', 'forward FLOPs', 'FLOPs per token', 'Kaplan per token'],
        rows.map(({ n, cost }) => [String(n), int(cost.model.flops), int(cost.model.flopsPerToken), int(cost.kaplan.flopsPerToken)]),
      );
      return [
        columns(head, body),
        '',
        `whole model: ${layers} layers, ${int(parameters)} non-embedding parameters`,
        model,
        '',
        'crossovers:',
        ...crossovers,
      ].join('\n');
    },
  },
  expm: {
    summary: 'matrix exponential of a square matrix from a JSON file, with the det(exp A) = exp(tr A) check',
    usage: 'mathlens expm <matrix.json> | --outer <x> <y> [--json]',
    help: `The file holds a square matrix as [[...], ...]. Prints exp(A), then det(exp A) against exp(tr A).
With --outer, exp(x yᵀ) in closed form, I + φ(s) x yᵀ with s = yᵀx and φ(s) = (eˢ − 1)/s, and its
inverse I − ψ(s) x yᵀ, ψ(s) = (1 − e⁻ˢ)/s: always invertible, det = eˢ. x and y are numbers
separated by commas or spaces ("1,2,3"), or JSON files holding an array.`,
    async run(ml, args, json) {
      const outer = takeFlag(args, '--outer');
      noOptionsLeft(args);
      if (outer) {
        if (args.length !== 2) throw new UsageError('--outer expects two vectors: <x> <y>');
        const r = ml.matexp.expRankOne(await readVector(args[0], 'x'), await readVector(args[1], 'y'));
        if (json) return r;
        return [
          'exp(x yᵀ) =',
          ...matrixLines(toRows(r.exp)),
          '',
          'inverse exp(−x yᵀ) =',
          ...matrixLines(toRows(r.inverse)),
          '',
          table([
            ['s = yᵀx', fmt(r.s)],
            ['φ(s) = (eˢ − 1)/s', fmt(r.phi)],
            ['ψ(s) = (1 − e⁻ˢ)/s', fmt(r.psi)],
            ['det exp(x yᵀ) = eˢ', fmt(r.det)],
          ]),
        ].join('\n');
      }
      if (args.length !== 1) throw new UsageError('expected one file: <matrix.json>');
      const a = (await readJson(args[0], 'matrix')) as number[][];
      const e = ml.matexp.expm(a);
      const check = ml.matexp.detExp(a);
      if (json) return { expm: e, detExp: check };
      return [...matrixLines(toRows(e)), '', `det(exp A) = ${fmt(check.det)}   exp(tr A) = ${fmt(check.expTrace)}   log|det| − tr = ${tiny(check.logDifference)}`].join('\n');
    },
  },
  fid: {
    summary: 'Fréchet distance (FID) between two sample sets or two sets of statistics',
    usage: 'mathlens fid <a.json> <b.json> [--json]',
    help: `Each file holds {"samples": [[...], ...]} (e.g. Inception features, rows are images) or
{"mean": [...], "cov": [[...]]}. Prints W2² between the fitted normals, as FID reports it.`,
    async run(ml, args, json) {
      noOptionsLeft(args);
      if (args.length !== 2) throw new UsageError('expected two files: <a.json> <b.json>');
      const a = await readNormal(ml, args[0], 'a');
      const b = await readNormal(ml, args[1], 'b');
      const fid = ml.gaussian.frechet(a, b);
      return json ? { fid } : `FID ${fmt(fid)}`;
    },
  },
  attention: {
    summary: 'Nyström, Performer and linear attention against exact softmax attention: errors and time',
    usage: 'mathlens attention [<qkv.json>] [--n N] [--d D] [--landmarks 16,32,64] [--features 64,256] [--json]',
    help: `Inputs: <qkv.json> holding {"q": [[...]], "k": [[...]], "v": [[...]]}, or seeded samples:
  --n N (default 1024) tokens, --d D (default 64) columns, --structure random|clustered (default
  random), --seed S (default 1). Logits are q·k/√d (--heads H splits the columns into H heads).
For each number of landmarks m (--landmarks, default 16,32,64,128) and of random features
(--features, default 64,256), and for linear attention: ‖Ô − O‖_F/‖O‖_F of the outputs, the same for
the attention matrices, max |Ô − O|, and the time of the method alone on this machine (the
comparison is a second call). Nyström also shows its pseudo-inverse residual ‖I − A A⁺‖_F;
--pinv svd uses the exact pseudo-inverse instead of the paper's 6 iterations.`,
    async run(ml, args, json) {
      const n = numberOption(args, '--n');
      const d = numberOption(args, '--d');
      const seed = numberOption(args, '--seed');
      const heads = numberOption(args, '--heads');
      const structure = choiceOption(args, '--structure', ['random', 'clustered'] as const);
      const pinv = choiceOption(args, '--pinv', ['iterative', 'svd'] as const);
      const landmarks = toNumbers(takeOption(args, '--landmarks') ?? '16,32,64,128', '--landmarks');
      const features = toNumbers(takeOption(args, '--features') ?? '64,256', '--features');
      noOptionsLeft(args);
      if (args.length > 1) throw new UsageError('expected at most one file: <qkv.json>');
      let inputs: { q: MatrixLike; k: MatrixLike; v: MatrixLike };
      let source: string;
      if (args.length === 1) {
        if (n !== undefined || d !== undefined || seed !== undefined || structure)
          throw new UsageError('--n, --d, --seed and --structure describe sampled inputs, not a file');
        const x = (await readJson(args[0], 'qkv')) as Record<string, unknown> | null;
        if (!x || typeof x !== 'object' || !('q' in x && 'k' in x && 'v' in x))
          throw new UsageError(`qkv file ${args[0]} must hold {"q": [[...]], "k": [[...]], "v": [[...]]}`);
        for (const name of ['q', 'k', 'v']) {
          const m = x[name];
          const rectangular =
            Array.isArray(m) && m.every((r) => Array.isArray(r) && r.length === m[0].length && r.every((e) => typeof e === 'number'));
          if (!rectangular) throw new UsageError(`qkv file ${args[0]}: ${name} must be rows of numbers, all of one length`);
        }
        inputs = x as typeof inputs;
        source = args[0];
      } else {
        const opts = { ...(seed !== undefined ? { seed } : {}), ...(structure ? { structure } : {}) };
        inputs = ml.attention.sampleInputs(n ?? 1024, d ?? 64, opts);
        source = `${structure ?? 'random'} samples, n = ${n ?? 1024}, d = ${d ?? 64}, seed ${seed ?? 1}`;
      }
      // Nested arrays from a file become row-major matrices once, so the times below are the kernels'.
      const asMatrix = (x: MatrixLike) => (Array.isArray(x) ? fromRows(x) : x);
      const [q, k, v] = [asMatrix(inputs.q), asMatrix(inputs.k), asMatrix(inputs.v)];
      const base = heads !== undefined ? { heads } : {};
      // Each method runs twice: timed on its own, then with the comparison against exact attention
      // (which costs about one exact attention and is not part of the method's time).
      const measure = <R>(run: (options: { errors: boolean }) => R): [R, number] => {
        const t0 = performance.now();
        run({ errors: false });
        const ms = performance.now() - t0;
        return [run({ errors: true }), ms];
      };
      const t0 = performance.now();
      ml.attention.exact(q, k, v, base);
      const exactMs = performance.now() - t0;
      const rows: Array<{ method: string; parameter: number | null; errors: AttentionErrors; ms: number; pinvResidual?: number; warnings: string[] }> = [];
      for (const m of landmarks) {
        const [r, ms] = measure((o) => ml.attention.nystrom(q, k, v, { ...base, ...o, landmarks: m, ...(pinv ? { pinv } : {}) }));
        rows.push({ method: 'nystrom', parameter: m, errors: r.errors!, ms, pinvResidual: Math.max(...r.pinvResidual), warnings: r.warnings });
      }
      for (const f of features) {
        const [r, ms] = measure((o) => ml.attention.performer(q, k, v, { ...base, ...o, features: f }));
        rows.push({ method: 'performer', parameter: f, errors: r.errors!, ms, warnings: r.warnings });
      }
      const [lin, linMs] = measure((o) => ml.attention.linear(q, k, v, { ...base, ...o }));
      rows.push({ method: 'linear', parameter: null, errors: lin.errors!, ms: linMs, warnings: lin.warnings });
      if (json) return { inputs: source, exactMs, results: rows };
      const label = (r: (typeof rows)[number]) =>
        r.method === 'nystrom' ? `Nyström m = ${r.parameter}` : r.method === 'performer' ? `Performer m = ${r.parameter}` : 'linear (elu + 1)';
      const body = rows.map((r) => [
        label(r),
        r.errors.outputRelativeFrobenius.toExponential(2),
        r.errors.matrixRelativeFrobenius.toExponential(2),
        r.errors.outputMaxAbs.toExponential(2),
        r.pinvResidual === undefined ? '' : tiny(r.pinvResidual),
        r.ms.toFixed(1),
      ]);
      const warnings = rows.flatMap((r) => r.warnings.map((w) => `warning (${label(r)}): ${w}`));
      return [
        `inputs: ${source}; exact softmax attention ${exactMs.toFixed(1)} ms`,
        '',
        columns(['method', 'output error', 'matrix error', 'max |Ô − O|', '‖I − AA⁺‖', 'ms'], body),
        ...(warnings.length ? ['', ...warnings] : []),
      ].join('\n');
    },
  },
  rope: {
    summary: 'RoPE frequencies and a context-length scaling per frequency pair, from a Hugging Face config.json or flags',
    usage: 'mathlens rope <config.json> | --dim D [--base B] [--scaling TYPE --factor S --original L0] [--context L] [--json]',
    help: `From a model's config.json: the rotary dimension (head_dim, or hidden_size / num_attention_heads,
times partial_rotary_factor), rope_theta and rope_scaling (type or rope_type: linear, dynamic, yarn,
llama3; the trained context is original_max_position_embeddings, else max_position_embeddings).
Flags override the file or replace it:
  --dim D            rotary dimension (even)            --base B      θ base (default 10000)
  --scaling TYPE     none, linear, ntk, dynamic, yarn, llama3
  --factor S         scaling factor s ≥ 1               --original L0 trained context length
  --context L        context length to look at (default: max_position_embeddings or s × L0,
                     the longer)
  --beta-fast X, --beta-slow X (YaRN)                   --low-freq X, --high-freq X (Llama 3.1)
Prints the effective base, YaRN's attention factor, warnings, then one row per frequency pair:
θ_i, its wavelength 2π/θ_i before and after scaling, the interpolation θ_i/θ'_i, the turns over the
context, and whether the pair meets angles never seen in training.`,
    async run(ml, args, json) {
      const flags = {
        dim: numberOption(args, '--dim'),
        base: numberOption(args, '--base'),
        type: choiceOption(args, '--scaling', SCALING_TYPES),
        factor: numberOption(args, '--factor'),
        original: numberOption(args, '--original'),
        context: numberOption(args, '--context'),
        betaFast: numberOption(args, '--beta-fast'),
        betaSlow: numberOption(args, '--beta-slow'),
        lowFreq: numberOption(args, '--low-freq'),
        highFreq: numberOption(args, '--high-freq'),
      };
      noOptionsLeft(args);
      if (args.length > 1) throw new UsageError('expected at most one file: <config.json>');
      const cfg = args.length === 1 ? fromHuggingFace(await readJson(args[0], 'config'), args[0]) : {};
      const dim = flags.dim ?? cfg.dim;
      if (dim === undefined) throw new UsageError('give a config.json or --dim');
      const type = flags.type ?? cfg.type ?? 'none';
      const factor = flags.factor ?? cfg.factor;
      // Without scaling, the context looked at may stand for the trained one.
      const originalContext = flags.original ?? cfg.originalContext ?? cfg.maxPositions ?? (type === 'none' ? flags.context : undefined);
      if (originalContext === undefined) throw new UsageError('the trained context length is unknown: give --original');
      // By default the longer of the configured context and the one the factor reaches (s × L0).
      const reach = type === 'none' ? 0 : Math.round((factor ?? 1) * originalContext);
      const contextLength = flags.context ?? Math.max(cfg.maxPositions ?? originalContext, reach);
      const scaling: Scaling = { type, originalContext };
      if (factor !== undefined) scaling.factor = factor;
      for (const [key, v] of [
        ['betaFast', flags.betaFast ?? cfg.betaFast],
        ['betaSlow', flags.betaSlow ?? cfg.betaSlow],
        ['attentionFactor', cfg.attentionFactor],
        ['lowFreqFactor', flags.lowFreq ?? cfg.lowFreqFactor],
        ['highFreqFactor', flags.highFreq ?? cfg.highFreqFactor],
      ] as const)
        if (v !== undefined) scaling[key] = v;
      if (type === 'dynamic') scaling.length = contextLength;
      const base = flags.base ?? cfg.base ?? 10000;
      const r = ml.rope.contextScaling(dim, contextLength, { base, scaling });
      if (json) return { dim, base, scaling, ...r };
      const pairs = r.theta.length;
      const head = table([
        ['rotary dimension', `${dim} (${pairs} frequency pairs)`],
        ['base', r.effectiveBase === base ? short(base) : `${short(base)} (effective ${short(r.effectiveBase)})`],
        ['scaling', type === 'none' ? 'none' : `${type}, factor ${short(factor ?? 1)}`],
        ['trained context', String(originalContext)],
        ['context', String(contextLength)],
        ...(r.attentionFactor !== 1 ? [['attention factor', short(r.attentionFactor)] as [string, string]] : []),
        ['unseen angles', `${r.unseenCount} of ${pairs} pairs`],
        ...r.warnings.map((w): [string, string] => ['warning', w]),
      ]);
      const cols = ['pair', 'θ', 'wavelength', 'scaled', 'θ/θ′', 'turns over L', 'unseen'];
      const body = Array.from({ length: pairs }, (_, i) => [
        String(i), short(r.theta[i]), short(r.originalWavelength[i]), short(r.wavelength[i]),
        short(r.interpolation[i]), short(r.rotations[i]), r.unseen[i] ? 'yes' : '',
      ]);
      return `${head}\n\n${columns(cols, body)}`;
    },
  },
  repetition: {
    summary: 'repetition rate R of a bigram decoder (a transition matrix, or a text) with its bounds',
    usage: 'mathlens repetition <P.json> | --text <file.txt> [--temperature T] [--top-k K] [--top-p P] [--greedy] [--json]',
    help: `P.json holds the transition matrix as [[...], ...]: the n × n block of the non-EOS tokens (rows sum
to ≤ 1, the rest goes to EOS) or n × (n+1) rows with EOS last. With --text, a bigram model of the
text is built first (--level char|word, default char; --smoothing K, add-K; sentences end with EOS).
Decoding: --temperature T, --top-k K, --top-p P, --greedy, applied in that order.
Prints R = Tr(S(I − S)⁻¹), S = P∘P, with its rigorous bracket, ρ(S) with its proven bracket, the
lower bounds of the post (rigorous and heuristic, labelled), and the deterministic cycles if R = ∞.`,
    async run(ml, args, json) {
      const decoding: DecodingOptions = {};
      const t = numberOption(args, '--temperature');
      const k = numberOption(args, '--top-k');
      const p = numberOption(args, '--top-p');
      if (t !== undefined) decoding.temperature = t;
      if (k !== undefined) decoding.topK = k;
      if (p !== undefined) decoding.topP = p;
      if (takeFlag(args, '--greedy')) decoding.greedy = true;
      const text = takeOption(args, '--text');
      const level = choiceOption(args, '--level', ['char', 'word'] as const);
      const smoothing = numberOption(args, '--smoothing');
      noOptionsLeft(args);
      let P: TransitionMatrix;
      let model: TextModel | null = null;
      if (text !== undefined) {
        if (args.length !== 0) throw new UsageError('give either a matrix file or --text, not both');
        const source = await readText(text, 'text');
        model = ml.repetition.fromText(source, { ...(level ? { level } : {}), ...(smoothing !== undefined ? { smoothing } : {}) });
        P = model.matrix;
      } else {
        if (level || smoothing !== undefined) throw new UsageError('--level and --smoothing need --text');
        if (args.length !== 1) throw new UsageError('expected one file: <P.json> (or --text <file.txt>)');
        P = (await readJson(args[0], 'matrix')) as TransitionMatrix;
      }
      const r = ml.repetition.analyze(P, decoding);
      // The text's model without its matrix (the analysis describes that).
      if (json) return model ? { model: { ...model, matrix: undefined }, ...r } : r;
      const range = ([a, b]: [number, number]) => `[${fmt(a)}, ${fmt(b)}]`;
      const rows: Array<[string, string]> = [];
      if (model)
        rows.push(
          ['text', `${model.tokens} tokens in ${model.sentences} sentences, ${model.vocabulary.length} distinct (${model.level}, ${model.tokenizer})`],
        );
      rows.push(
        ['tokens n', String(r.n)],
        ['nonzero fraction ζ', fmt(r.zeta)],
        ['repetition rate R', fmt(r.rate)],
        ['R bracket', range(r.rateBracket)],
        ['spectral radius ρ(S)', fmt(r.spectralRadius)],
        ['ρ(S) bracket', range(r.spectralRadiusBracket)],
        ['n ρ/(1 − ρ) ≥ R', fmt(r.upperBound)],
        ...r.lowerBounds.map((b): [string, string] => [`lower bound ${b.name}`, `${fmt(b.value)} (${b.kind === 'rigorous' ? 'rigorous' : 'heuristic, not a bound'})`]),
        ...r.cycles.map((c): [string, string] => ['deterministic cycle', [...c, c[0]].map((i) => (model ? model.vocabulary[i] : String(i))).join(' → ')]),
        ...r.diagnostics.warnings.map((w): [string, string] => ['warning', w]),
      );
      return table(rows);
    },
  },
  orthogonal: {
    summary: 'an orthogonal matrix T with T a = b for two vectors of any dimension, with its checks',
    usage: 'mathlens orthogonal <a> <b> [--construction rotation|householder|simplest] [--json]',
    help: `a and b are numbers separated by commas or spaces ("1,2,3"), or JSON files holding an array.
Both are normalised. --construction: rotation (default; the minimal rotation, det +1), householder
(the reflection I − 2vvᵀ, det −1) or simplest (the post's (a+b)(a+b)ᵀ/(1+aᵀb) − I).
Prints T (up to 12 × 12; --json for larger), the angle, det T, ‖TᵀT − I‖ and ‖T â − b̂‖.`,
    async run(ml, args, json) {
      const construction = choiceOption(args, '--construction', ['rotation', 'householder', 'simplest'] as const);
      noOptionsLeft(args);
      if (args.length !== 2) throw new UsageError('expected two vectors: <a> <b>');
      const a = await readVector(args[0], 'a');
      const b = await readVector(args[1], 'b');
      const r = ml.orthogonal.report(a, b, construction ? { construction } : {});
      if (json) return r;
      const T = toRows(r.matrix);
      const matrix =
        r.dim <= 12 ? ['T =', ...matrixLines(T), ''] : [`T is ${r.dim} × ${r.dim}: print it with --json`, ''];
      return [
        ...matrix,
        table([
          ['construction', r.construction],
          ['dimension', String(r.dim)],
          ['angle between a and b', `${fmt(r.angle)} rad (cos ${fmt(r.cosine)})`],
          ['det T', `${fmt(r.determinant)} (expected ${r.expectedDeterminant})`],
          ['‖TᵀT − I‖_F', tiny(r.orthogonalityError)],
          ['‖T â − b̂‖', tiny(r.residual)],
          ...r.warnings.map((w): [string, string] => ['warning', w]),
        ]),
      ].join('\n');
    },
  },
};

function usage(): string {
  const w = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  return `mathlens — the mathematics of Scientific Spaces (kexue.fm) posts, computed by a C++/WebAssembly core

usage: mathlens <command> [arguments] [--json]
       mathlens <command> --help

A file argument may be - for standard input.

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
    console.log(typeof out === 'string' ? out : toJson(out));
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
