// The package's matrix helpers: fromRows / toRows round trip, and fromRows' checks (it used to
// accept ragged rows silently, padding short rows with zeros and letting long ones overwrite the next).
import { describe, expect, it } from 'vitest';
import { fromRows, toRows } from 'mathlens';
import { errorOf } from './errors.js';

describe('fromRows and toRows', () => {
  it('round-trips nested arrays and rows of typed arrays, row-major', () => {
    const m = fromRows([[1, 2, 3], [4, 5, 6]]);
    expect(m.rows).toBe(2);
    expect(m.cols).toBe(3);
    expect(Array.from(m.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(toRows(m)).toEqual([[1, 2, 3], [4, 5, 6]]);
    const t = fromRows([Float32Array.of(0.5, -1), Float64Array.of(2, 3)]);
    expect(Array.from(t.data)).toEqual([0.5, -1, 2, 3]);
    expect(fromRows([])).toEqual({ rows: 0, cols: 0, data: new Float64Array(0) });
  });

  it('rejects ragged rows, non-numbers and matrices that are not nested arrays', () => {
    expect(errorOf(() => fromRows([[1, 2], [3]]))).toBe('fromRows: rows row 1 has 1 entries, expected 2 like row 0');
    expect(errorOf(() => fromRows([[1], [2, 3]]))).toBe('fromRows: rows row 1 has 2 entries, expected 1 like row 0');
    expect(errorOf(() => fromRows([[1, 2], [3, 4, 5], [6, 7]]))).toBe('fromRows: rows row 1 has 3 entries, expected 2 like row 0');
    expect(errorOf(() => fromRows([[1, '2']] as unknown as number[][]))).toBe('fromRows: rows has a non-numeric entry (string) at (0, 1)');
    expect(errorOf(() => fromRows('12' as unknown as number[][]))).toBe('fromRows: rows must be a matrix (array of rows or {rows, cols, data}), got string');
    expect(errorOf(() => fromRows({ rows: 1, cols: 1, data: [1] } as unknown as number[][]))).toBe(
      'fromRows: rows must be an array of rows; {rows, cols, data} is a matrix already',
    );
  });
});
