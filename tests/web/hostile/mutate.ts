/**
 * Hostile variants of a valid call: one argument, or one part of one argument, replaced at a time by
 * a value of a hostile "kind" (wrong type, empty, NaN/±Inf, ragged, huge, misspelt option, …).
 *
 * The walk is generic: it looks at the valid value at each path and picks kinds that are invalid for
 * every function of that shape. A number inside an array is a vector/matrix entry, an array of numbers
 * a vector, an array of arrays a matrix, `{rows, cols, data}` a matrix, a string an enumerated option,
 * the options argument a bag of known keys; any other object is a record whose fields are all needed.
 * @module
 */

export interface Mutation {
  /** Where the hostile value went, e.g. `args[1].cov[0][1]` or `args[2].formula`. */
  path: string;
  /** The kind of hostile value, e.g. `NaN`, `ragged rows`, `huge {rows, cols, data}`. */
  kind: string;
  /** The keys along the path (argument name first), one of which the error message should name. */
  names: string[];
  /** The mutated argument list. */
  args: unknown[];
}

export interface Shape {
  /** Index of the options argument: undefined, `{}` and omitted keys are valid there. */
  options?: number;
  /** Argument indices where `undefined` is valid (optional positional arguments). */
  optional?: number[];
  /** Paths of free-text strings (e.g. `args[0]`, `args[1].locale`): any string is valid there. */
  text?: string[];
}

type Kind = [string, () => unknown];

// ---------------------------------------------------------------- big inputs (made once, lazily)

let bigVector: Float64Array | undefined;
let bigRows: Float64Array[] | undefined;

/** A real Float64Array one element longer than any wasm32 block can hold (2 GB + 8 bytes, zero pages). */
export function hugeFloat64Array(): Float64Array {
  return (bigVector ??= new Float64Array(2 ** 28 + 1));
}

/** 20000 real rows of 20000 doubles (3.2 GB of untouched zero pages): a matrix that cannot fit. */
export function hugeRows(): Float64Array[] {
  return (bigRows ??= Array.from({ length: 20000 }, () => new Float64Array(20000)));
}

// ---------------------------------------------------------------- kinds

/** Values that are wrong wherever a number, array, matrix or record is expected. */
const WRONG_TYPE: Kind[] = [
  ['null', () => null],
  ['a string', () => 'hostile'],
  ['a numeric string', () => '1'],
  ['true', () => true],
  ['a BigInt', () => 1n],
  ['a Symbol', () => Symbol('hostile')],
  ['a function', () => () => 1],
  ['Object.create(null)', () => Object.create(null)],
  ['a Date', () => new Date(0)],
  ['a Map', () => new Map([[0, 1]])],
];

const NON_FINITE: Kind[] = [
  ['NaN', () => NaN],
  ['Infinity', () => Infinity],
  ['-Infinity', () => -Infinity],
];

/** Replacements of a number that is an entry of a vector or matrix. */
const ENTRY_KINDS: Kind[] = [...NON_FINITE, ['undefined', () => undefined], ['{}', () => ({})], ['[]', () => []], ...WRONG_TYPE];

/** Replacements of a scalar number argument or option (no generic out-of-range value exists). */
const SCALAR_KINDS: Kind[] = [...NON_FINITE, ['{}', () => ({})], ['[]', () => []], ['[1]', () => [1]], ...WRONG_TYPE];

function vectorKinds(valid: ArrayLike<number>): Kind[] {
  return [
    ['an empty array', () => []],
    ['an empty Float64Array', () => new Float64Array(0)],
    ['a number instead of an array', () => 42],
    ['{}', () => ({})],
    ['nested rows', () => [Array.from(valid)]],
    ['a BigInt64Array', () => new BigInt64Array(valid.length)],
    ['a DataView', () => new DataView(new ArrayBuffer(8 * valid.length))],
    ['an array-like of length 1e10', () => ({ length: 1e10 })],
    ['an array-like of length -1', () => ({ length: -1 })],
    ['an array-like of length 1.5', () => ({ length: 1.5 })],
    ['an array-like of length NaN', () => ({ length: NaN })],
    ['an array-like of length "2"', () => ({ length: '2', 0: 1, 1: 2 })],
    ['a sparse array', () => Object.assign(new Array(valid.length + 1), { 0: 1 })],
    ['a real Float64Array of 2^28 + 1 doubles', hugeFloat64Array],
    ...WRONG_TYPE,
  ];
}

function matrixKinds(rows: number, cols: number): Kind[] {
  return [
    ['an empty array', () => []],
    ['[[]]', () => [[]]],
    ['a number instead of a matrix', () => 42],
    ['{}', () => ({})],
    ['a flat array', () => Array.from({ length: rows * cols }, (_, k) => k + 1)],
    ['ragged rows', () => ragged(rows, cols)],
    ['a string row', () => ['ab', ...Array.from({ length: rows - 1 }, () => new Array(cols).fill(1))]],
    ['a null row', () => [null, ...Array.from({ length: rows - 1 }, () => new Array(cols).fill(1))]],
    ['huge {rows, cols, data}', () => ({ rows: 1e5, cols: 1e5, data: { length: 1e10 } })],
    ['{rows: 2^15, cols: 2^15} with a short Float64Array', () => ({ rows: 2 ** 15, cols: 2 ** 15, data: new Float64Array(4) })],
    ['{rows, cols, data} with one entry too many', () => ({ rows, cols, data: new Float64Array(rows * cols + 1) })],
    ['{rows: -1}', () => ({ rows: -1, cols, data: [] })],
    ['{rows: 1.5}', () => ({ rows: 1.5, cols, data: new Float64Array(rows * cols) })],
    ['{rows: NaN}', () => ({ rows: NaN, cols, data: new Float64Array(rows * cols) })],
    ['{rows: "2"}', () => ({ rows: String(rows), cols, data: new Float64Array(rows * cols) })],
    ['{rows, cols, data: "text"}', () => ({ rows, cols, data: 'x'.repeat(rows * cols) })],
    ['{rows, cols} without data', () => ({ rows, cols })],
    ['20000 real rows of 20000 doubles', hugeRows],
    ...WRONG_TYPE,
  ];
}

/** Rows whose lengths differ: the last row loses an entry (or, with one column, the first gains one). */
function ragged(rows: number, cols: number): number[][] {
  const m = Array.from({ length: Math.max(rows, 2) }, () => new Array(cols).fill(1));
  if (cols > 1) m[m.length - 1].pop();
  else m[0].push(1);
  return m;
}

function stringKinds(valid: string): Kind[] {
  const kinds: Kind[] = [
    ['an unknown value', () => 'no-such-value'],
    ['an empty string', () => ''],
    ['a string with HTML', () => '<img src=x onerror=alert(1)>'],
    ['a number', () => 42],
    ['null', () => null],
    ['{}', () => ({})],
    ['[]', () => []],
    ['a BigInt', () => 1n],
    ['a Symbol', () => Symbol('x')],
    ['Object.create(null)', () => Object.create(null)],
    ['a String object', () => new String(valid)],
  ];
  if (valid.toUpperCase() !== valid) kinds.push(['the value in upper case', () => valid.toUpperCase()]);
  kinds.push(['the value with a trailing space', () => `${valid} `]);
  return kinds;
}

/** Replacements of a free-text string: anything but a string. */
const TEXT_KINDS: Kind[] = [
  ['a number', () => 42],
  ['null', () => null],
  ['{}', () => ({})],
  ['[]', () => []],
  ['a BigInt', () => 1n],
  ['a Symbol', () => Symbol('x')],
  ['Object.create(null)', () => Object.create(null)],
  ['a String object', () => new String('text')],
];

const BOOLEAN_KINDS: Kind[] = [
  ['the string "true"', () => 'true'],
  ['the number 1', () => 1],
  ['null', () => null],
  ['{}', () => ({})],
  ['a Symbol', () => Symbol('x')],
];

/** Replacements of a whole record argument (a normal {mean, cov}, a config object, …). */
const RECORD_KINDS: Kind[] = [
  ['a number instead of an object', () => 42],
  ['an array', () => [1, 2]],
  ['{}', () => ({})],
  ...WRONG_TYPE,
];

/** Replacements of the options argument (undefined and {} are valid there). */
const OPTIONS_KINDS: Kind[] = [
  ['a number instead of options', () => 42],
  ['an array instead of options', () => []],
  ['null options', () => null],
  ['a string instead of options', () => 'fast'],
  ['a Symbol instead of options', () => Symbol('x')],
  ['a function instead of options', () => () => 1],
];

// ---------------------------------------------------------------- the walk

const isNumberArray = (x: unknown): x is ArrayLike<number> =>
  (Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView))) &&
  (x as ArrayLike<unknown>).length > 0 &&
  Array.from(x as ArrayLike<unknown>).every((v) => typeof v === 'number');

const isMatrixRows = (x: unknown): x is ArrayLike<number>[] =>
  Array.isArray(x) && x.length > 0 && x.every((r) => isNumberArray(r));

const isRowsColsData = (x: unknown): x is { rows: number; cols: number; data: ArrayLike<number> } =>
  typeof x === 'object' && x !== null && 'rows' in x && 'cols' in x && 'data' in x;

const isPlainObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x) && !ArrayBuffer.isView(x);

/** Every hostile variant of `args` (the valid argument list), one replacement at a time. */
export function mutations(args: unknown[], shape: Shape, paramNames: string[]): Mutation[] {
  const out: Mutation[] = [];
  const clone = () => structuredCloneArgs(args);

  /** Emits `kinds` at `path` (a list of keys from the argument list). */
  const emit = (path: (string | number)[], kinds: Kind[], extraNames: string[] = []) => {
    for (const [kind, make] of kinds) {
      const copy = clone();
      setAt(copy, path, make());
      out.push({ path: showPath(path), kind, names: [...namesOf(path, paramNames), ...extraNames], args: copy });
    }
  };

  const walk = (value: unknown, path: (string | number)[], context: 'arg' | 'entry' | 'field' | 'option') => {
    if (typeof value === 'number') {
      emit(path, context === 'entry' ? ENTRY_KINDS : SCALAR_KINDS);
    } else if (typeof value === 'string') {
      emit(path, (shape.text ?? []).includes(showPath(path)) ? TEXT_KINDS : stringKinds(value));
    } else if (typeof value === 'boolean') {
      emit(path, BOOLEAN_KINDS);
    } else if (isMatrixRows(value)) {
      const rows = value.length;
      const cols = value[0].length;
      emit(path, matrixKinds(rows, cols));
      // One row and two entries are enough to reach the per-entry checks.
      emit([...path, 0], [['a row that is a number', () => 7], ['an empty row', () => []], ['a row of strings', () => new Array(cols).fill('1')]]);
      walk(value[0][0], [...path, 0, 0], 'entry');
      if (rows * cols > 1) walk(value[rows - 1][cols - 1], [...path, rows - 1, cols - 1], 'entry');
    } else if (isNumberArray(value)) {
      emit(path, vectorKinds(value));
      walk(value[0], [...path, 0], 'entry');
      if (value.length > 1) walk(value[value.length - 1], [...path, value.length - 1], 'entry');
    } else if (isRowsColsData(value)) {
      emit(path, matrixKinds(value.rows, value.cols));
      for (const key of ['rows', 'cols'] as const)
        emit([...path, key], [['-1', () => -1], ['1.5', () => 1.5], ['NaN', () => NaN], ['1e10', () => 1e10], ['a string', () => '2'], ['null', () => null]]);
      walk(value.data, [...path, 'data'], 'field');
    } else if (isPlainObject(value)) {
      const isOptions = context === 'arg' && path.length === 1 && path[0] === shape.options;
      if (isOptions) {
        emit(path, OPTIONS_KINDS);
        emit(path, [['a misspelt option name', () => ({ ...(value as object), fromula: 1 })]], ['fromula']);
        emit(path, [['an unknown option', () => ({ ...(value as object), bogusOption: true })]], ['bogusOption']);
      } else {
        emit(path, RECORD_KINDS);
        // Every field of a record is needed: dropping one must be an error.
        for (const key of Object.keys(value)) emit(path, [[`no field "${key}"`, () => omit(value, key)]]);
      }
      for (const [key, v] of Object.entries(value)) walk(v, [...path, key], isOptions ? 'option' : 'field');
    }
  };

  args.forEach((a, i) => {
    const optional = i === shape.options || (shape.optional ?? []).includes(i);
    if (!optional) emit([i], [['undefined', () => undefined]]);
    walk(a, [i], 'arg');
  });
  return out;
}

function omit(obj: Record<string, unknown>, key: string): Record<string, unknown> {
  const copy = { ...obj };
  delete copy[key];
  return copy;
}

/** A deep copy of the valid arguments (typed arrays stay typed; plain data only). */
function structuredCloneArgs(args: unknown[]): unknown[] {
  const copy = (x: unknown): unknown => {
    if (ArrayBuffer.isView(x)) return (x as Float64Array).slice();
    if (Array.isArray(x)) return x.map(copy);
    if (isPlainObject(x)) return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, copy(v)]));
    return x;
  };
  return args.map(copy);
}

function setAt(root: unknown[], path: (string | number)[], value: unknown): void {
  type Node = Record<string | number, unknown>;
  let parent: Node | null = null;
  let node = root as unknown as Node;
  for (let i = 0; i < path.length - 1; i++) {
    parent = node;
    node = node[path[i]] as Node;
  }
  // A typed array cannot hold a non-number: put the hostile entry into a plain copy of it.
  if (ArrayBuffer.isView(node) && typeof value !== 'number' && parent) {
    node = Array.from(node as unknown as ArrayLike<number>) as unknown as Node;
    parent[path[path.length - 2]] = node;
  }
  node[path[path.length - 1]] = value;
}

function showPath(path: (string | number)[]): string {
  return `args[${path[0]}]` + path.slice(1).map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('');
}

function namesOf(path: (string | number)[], paramNames: string[]): string[] {
  const names = [paramNames[path[0] as number] ?? `argument ${path[0]}`];
  for (const k of path.slice(1)) if (typeof k === 'string') names.push(k);
  return names;
}

/** The parameter names of a function, from its source (`(p, q, options = {}) => …`, `kl(p, q) {…}`). */
export function parameterNames(fn: (...args: never[]) => unknown): string[] {
  const src = Function.prototype.toString.call(fn);
  const m = /^(?:async\s+)?(?:function\b[^(]*)?[\w$]*\s*\(([^)]*)\)/.exec(src) ?? /^([\w$]+)\s*=>/.exec(src);
  if (!m) return [];
  return m[1]
    .split(',')
    .map((p) => p.trim().replace(/^\.\.\./, '').split(/[\s=:]/)[0])
    .filter((p) => /^[\w$]+$/.test(p));
}
