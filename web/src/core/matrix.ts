import { MathLensError } from './errors.js';
import type { Heap } from './heap.js';

/** A list of numbers: a plain array or any typed array. */
export type Vector = ArrayLike<number>;

/** A dense row-major matrix, as every mathlens function returns it. */
export interface Matrix {
  rows: number;
  cols: number;
  /** Row-major entries, `data[i * cols + j]`. */
  data: Float64Array;
}

/**
 * A matrix as accepted by mathlens: nested arrays (`number[][]`, rows of typed arrays) or
 * `{ rows, cols, data }` with row-major `data` of length rows × cols.
 */
export type MatrixLike = ArrayLike<ArrayLike<number>> | { rows: number; cols: number; data: ArrayLike<number> };

/** A matrix shape checked in JS, ready to be copied into the wasm heap. */
export interface Shaped {
  rows: number;
  cols: number;
  /** Copies the entries, row-major, to `address`. */
  write(heap: Heap, address: number): void;
}

function isVectorLike(x: unknown): x is ArrayLike<unknown> {
  return (
    Array.isArray(x) ||
    (ArrayBuffer.isView(x) && !(x instanceof DataView)) ||
    // An array-like object needs a valid array length ({length: -1} or NaN must not reach the core).
    (typeof x === 'object' && x !== null && Number.isSafeInteger((x as { length?: unknown }).length) && (x as { length: number }).length >= 0)
  );
}

function checkNumbers(values: ArrayLike<unknown>, fn: string, arg: string, where: (k: number) => string): void {
  if (ArrayBuffer.isView(values)) {
    if (values instanceof BigInt64Array || values instanceof BigUint64Array)
      throw new MathLensError(`${fn}: ${arg} must hold numbers, got a BigInt array`);
    return;
  }
  for (let k = 0; k < values.length; k++)
    if (typeof values[k] !== 'number')
      throw new MathLensError(`${fn}: ${arg} has a non-numeric entry (${typeName(values[k])}) at ${where(k)}`);
}

function typeName(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'array';
  return typeof x;
}

/** No single array may exceed this many numbers (2 GB of float64, the most a wasm32 block can hold). */
const MAX_NUMBERS = 2 ** 28;

/** Checks a vector argument: an array or typed array of numbers. */
export function vectorArg(x: unknown, fn: string, arg: string): Vector {
  if (!isVectorLike(x) || typeof x === 'string')
    throw new MathLensError(`${fn}: ${arg} must be an array of numbers, got ${typeName(x)}`);
  if (x.length > MAX_NUMBERS)
    throw new MathLensError(`${fn}: ${arg} is too large for wasm memory (${x.length} numbers)`);
  checkNumbers(x, fn, arg, (k) => `[${k}]`);
  return x as Vector;
}

/** Checks a matrix argument and returns its shape and a writer. Ragged rows are rejected here. */
export function matrixArg(x: unknown, fn: string, arg: string): Shaped {
  if (typeof x === 'object' && x !== null && !isVectorLike(x) && 'data' in x) {
    const m = x as { rows: unknown; cols: unknown; data: unknown };
    if (!Number.isInteger(m.rows) || !Number.isInteger(m.cols) || (m.rows as number) < 0 || (m.cols as number) < 0)
      throw new MathLensError(`${fn}: ${arg}.rows and ${arg}.cols must be non-negative integers`);
    const rows = m.rows as number;
    const cols = m.cols as number;
    const data = vectorArg(m.data, fn, `${arg}.data`);
    if (data.length !== rows * cols)
      throw new MathLensError(`${fn}: ${arg}.data has ${data.length} entries, expected rows × cols = ${rows * cols}`);
    return { rows, cols, write: (heap, address) => heap.put(address, data) };
  }
  if (!isVectorLike(x) || typeof x === 'string')
    throw new MathLensError(`${fn}: ${arg} must be a matrix (array of rows or {rows, cols, data}), got ${typeName(x)}`);
  const rows = x.length;
  if (rows > MAX_NUMBERS) throw new MathLensError(`${fn}: ${arg} is too large for wasm memory (${rows} rows)`);
  let cols = 0;
  for (let i = 0; i < rows; i++) {
    const row = x[i];
    if (!isVectorLike(row) || typeof row === 'string')
      throw new MathLensError(`${fn}: ${arg} row ${i} must be an array of numbers, got ${typeName(row)}`);
    if (i === 0) cols = row.length;
    else if (row.length !== cols)
      throw new MathLensError(`${fn}: ${arg} row ${i} has ${row.length} entries, expected ${cols} like row 0`);
    checkNumbers(row, fn, arg, (k) => `(${i}, ${k})`);
  }
  const rowsOf = x as ArrayLike<ArrayLike<number>>;
  return {
    rows,
    cols,
    write: (heap, address) => {
      for (let i = 0; i < rows; i++) heap.put(address + 8 * i * cols, rowsOf[i]);
    },
  };
}

/** Converts a returned Matrix to nested arrays, e.g. for printing or JSON. */
export function toRows(m: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  return out;
}

/**
 * A Matrix from nested arrays (rows of numbers or typed arrays). Rows of different lengths and
 * entries that are not numbers are a {@link MathLensError}, as for every mathlens argument.
 */
export function fromRows(rows: ArrayLike<ArrayLike<number>>): Matrix {
  if (typeof rows === 'object' && rows !== null && 'data' in rows)
    throw new MathLensError(`fromRows: rows must be an array of rows; {rows, cols, data} is a matrix already`);
  const shape = matrixArg(rows, 'fromRows', 'rows');
  const data = new Float64Array(shape.rows * shape.cols);
  for (let i = 0; i < shape.rows; i++) data.set(rows[i], i * shape.cols);
  return { rows: shape.rows, cols: shape.cols, data };
}
