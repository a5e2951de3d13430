// Issue 8, items 1 and 6: every public function of the JS API, enumerated from the real exports,
// against hostile input. Each function needs one valid example (tests/web/hostile/valid-calls.ts);
// from it, every argument and every part of an argument is replaced, one at a time, by hostile kinds
// (tests/web/hostile/mutate.ts). Every such call must throw a MathLensError whose message starts with
// "<module>.<fn>: " and names the argument — never a TypeError/RangeError/RuntimeError, never a
// returned value — and after 10,000 errors the valid calls still give identical results. Then the
// numerical edge cases (near-singular, ill-conditioned): accurate, or a warning/error, never NaN.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, MathLensError, type MathLens } from 'mathlens';
import { VALID } from './hostile/valid-calls.js';
import { mutations, parameterNames, type Mutation } from './hostile/mutate.js';
import { EDGE_CASES, type EdgeOutcome } from './hostile/edge-cases.js';

let ml: MathLens;
beforeAll(async () => {
  ml = await init();
});

type AnyFn = (...args: unknown[]) => unknown;
interface PublicFunction {
  name: string;
  fn: AnyFn;
  self: object;
}

/** Every function reachable from the API object: `ml.buildInfo`, `ml.gaussian.kl`, … (nested too). */
function publicFunctions(api: object): PublicFunction[] {
  const out: PublicFunction[] = [];
  const walk = (obj: object, prefix: string, depth: number) => {
    for (const key of Object.keys(obj)) {
      const value = (obj as Record<string, unknown>)[key];
      const name = prefix ? `${prefix}.${key}` : key;
      if (typeof value === 'function') out.push({ name, fn: value as AnyFn, self: obj });
      else if (typeof value === 'object' && value !== null && depth < 3) walk(value, name, depth + 1);
    }
  };
  walk(api, '', 0);
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** Deep equality with Object.is on numbers (so NaN, −0 and every bit count). */
function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' || typeof b === 'number') return Object.is(a, b);
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
    const x = a as unknown as ArrayLike<number>;
    const y = b as unknown as ArrayLike<number>;
    return x.length === y.length && Array.from(x).every((v, i) => Object.is(v, y[i]));
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => same(v, b[i]));
  if (typeof a === 'object' && a && typeof b === 'object' && b) {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    return same(ka, kb) && ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return a === b;
}

/** Paths of NaN values inside a result ('' for the result itself). */
function nanPaths(x: unknown, path = ''): string[] {
  if (typeof x === 'number') return Number.isNaN(x) ? [path || '(result)'] : [];
  if (ArrayBuffer.isView(x)) {
    const v = x as unknown as ArrayLike<number>;
    const i = Array.from(v).findIndex((e) => Number.isNaN(e));
    return i < 0 ? [] : [`${path}[${i}]`];
  }
  if (Array.isArray(x)) return x.flatMap((v, i) => nanPaths(v, `${path}[${i}]`));
  if (typeof x === 'object' && x) return Object.entries(x).flatMap(([k, v]) => nanPaths(v, `${path}.${k}`));
  return [];
}

const describeValue = (x: unknown) => {
  if (typeof x === 'number' || typeof x === 'boolean' || typeof x === 'string') return JSON.stringify(x);
  return typeof x === 'object' ? (x === null ? 'null' : x.constructor?.name ?? 'object') : typeof x;
};

/** Error messages about the call as a whole (memory) need not name one argument. */
const WHOLE_CALL = /too large for wasm memory \(\d+ numbers\)|out of memory/;

/** What a hostile call did, or null if it failed properly. */
function judge(f: PublicFunction, m: Mutation, accepted: Set<string>): string | null {
  if (accepted.has(`${m.path} ${m.kind}`)) return null;
  let result: unknown;
  try {
    result = f.fn.apply(f.self, m.args);
  } catch (e) {
    const where = `${m.path} ← ${m.kind}`;
    if (!(e instanceof MathLensError)) return `${where}: threw ${(e as Error)?.name ?? typeof e} (not MathLensError): ${String((e as Error)?.message ?? e)}`;
    const prefix = `${f.name}: `;
    if (!e.message.startsWith(prefix)) return `${where}: message does not start with "${prefix}": ${e.message}`;
    const rest = e.message.slice(prefix.length);
    const named = m.names.some((n) => new RegExp(`(^|[^\\w])${n.replace(/\$/g, '\\$')}([^\\w]|$)`).test(rest));
    if (!named && !WHOLE_CALL.test(rest)) return `${where}: message names none of ${m.names.join(', ')}: ${e.message}`;
    return null;
  }
  return `${m.path} ← ${m.kind}: returned ${describeValue(result)} instead of throwing`;
}

const functions = await (async () => publicFunctions(await init()))();

describe('the public API, enumerated from the exports', () => {
  it('has modules and functions', () => {
    expect(functions.length).toBeGreaterThan(10);
    expect(functions.map((f) => f.name)).toContain('gaussian.kl');
  });

  it('every public function has a valid example in tests/web/hostile/valid-calls.ts (and every example a function)', () => {
    const names = new Set(functions.map((f) => f.name));
    const missing = [...names].filter((n) => !(n in VALID));
    const stale = Object.keys(VALID).filter((n) => !names.has(n));
    if (missing.length) throw new Error(`functions without a valid example (add them to tests/web/hostile/valid-calls.ts): ${missing.join(', ')}`);
    if (stale.length) throw new Error(`examples of functions that do not exist: ${stale.join(', ')}`);
  });
});

describe.each(functions.map((f) => [f.name, f] as const))('%s', (name, f) => {
  const valid = VALID[name];

  it('the valid example computes a result without NaN (and the worked number, if given)', () => {
    expect(valid, `no valid example for ${name}`).toBeDefined();
    const result = f.fn.apply(f.self, valid.args());
    expect(nanPaths(result), `${name} returned NaN`).toEqual([]);
    if (valid.expected !== undefined) {
      expect(typeof result).toBe('number');
      expect(Math.abs((result as number) - valid.expected)).toBeLessThanOrEqual(1e-13 * Math.abs(valid.expected));
    }
  });

  it('every hostile argument throws MathLensError "<fn>: …" naming the argument', () => {
    expect(valid).toBeDefined();
    const list = mutations(valid.args(), valid, parameterNames(f.fn as never));
    const accepted = new Set((valid.accept ?? []).map((a) => `${a.path} ${a.kind}`));
    if (valid.args().length > 0) expect(list.length).toBeGreaterThan(20);
    const failures = list.map((m) => judge(f, m, accepted)).filter((x): x is string => x !== null);
    if (failures.length) throw new Error(`${failures.length} of ${list.length} hostile calls of ${name} misbehaved:\n${failures.join('\n')}`);
  });

  it('function-specific invalid calls give their exact messages', () => {
    for (const bad of valid?.invalid ?? []) {
      let message = '(no error)';
      try {
        f.fn.apply(f.self, bad.args);
      } catch (e) {
        expect(e, bad.message).toBeInstanceOf(MathLensError);
        message = (e as Error).message;
      }
      expect(message).toBe(bad.message);
    }
  });
});

describe('after 10,000 errors', () => {
  it('every valid call gives the identical result', () => {
    const baseline = functions.map((f) => {
      const v = VALID[f.name];
      return v && v.deterministic !== false ? f.fn.apply(f.self, v.args()) : undefined;
    });
    const hostile = functions.flatMap((f) => {
      const v = VALID[f.name];
      return v ? mutations(v.args(), v, parameterNames(f.fn as never)).map((m) => ({ f, m })) : [];
    });
    expect(hostile.length).toBeGreaterThan(100);
    let errors = 0;
    for (let k = 0; errors < 10000; k++) {
      const { f, m } = hostile[k % hostile.length];
      try {
        f.fn.apply(f.self, m.args);
      } catch (e) {
        if (e instanceof MathLensError) errors++;
      }
      if (k > 100000) break;
    }
    expect(errors).toBeGreaterThanOrEqual(10000);
    functions.forEach((f, i) => {
      const v = VALID[f.name];
      if (!v || v.deterministic === false) return;
      expect(same(f.fn.apply(f.self, v.args()), baseline[i]), `${f.name} changed after 10,000 errors`).toBe(true);
    });
  });
});

// ---------------------------------------------------------------- item 6: numerical edge cases

describe('numerical edge cases: accurate, or a warning/diagnostic, or a MathLensError — never a silent NaN', () => {
  it('every module with such inputs has cases', () => {
    expect(EDGE_CASES.length).toBeGreaterThan(10);
  });
  it.each(EDGE_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    let outcome: EdgeOutcome;
    try {
      outcome = { result: c.call(ml) };
    } catch (e) {
      if (!(e instanceof MathLensError)) throw e;
      outcome = { error: e.message };
    }
    if ('result' in outcome) expect(nanPaths(outcome.result), 'NaN in the result').toEqual([]);
    c.check(outcome);
  });
});
