/**
 * Parsing of numeric attributes: vectors "1 2" and matrices "2 0.5; 0.5 1" (rows separated by ';',
 * entries by spaces or commas). Only the syntax is checked here; numerical validity (symmetry,
 * positive definiteness, …) is the library's job.
 * @module
 */
import { common, fill, type Lang } from './i18n.js';

type Reason = keyof (typeof common)['en'];

/** A syntax error in an attribute value, rendered in the reader's language by {@link ParseError.describe}. */
export class ParseError extends Error {
  constructor(
    readonly reason: Reason,
    readonly params: Record<string, string | number> = {},
  ) {
    super(fill(common.en[reason], params));
    this.name = 'ParseError';
  }
  describe(lang: Lang): string {
    return fill(common[lang][this.reason], this.params);
  }
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** One number; accepts the typographic minus '−'. */
export function parseNumber(token: string): number {
  const t = token.trim().replace(/\u2212/g, '-');
  if (!NUMBER.test(t)) throw new ParseError(t ? 'notANumber' : 'empty', { token: t });
  const x = Number(t);
  if (!Number.isFinite(x)) throw new ParseError('notANumber', { token: t });
  return x;
}

/** Numbers separated by spaces and/or commas. */
export function parseNumbers(text: string): number[] {
  const t = text.trim();
  if (!t) throw new ParseError('empty');
  return t.split(/[\s,]+/).map(parseNumber);
}

/** A vector of exactly `n` numbers. */
export function parseVector(text: string, n: number, example: string): number[] {
  const v = parseNumbers(text);
  if (v.length !== n) throw new ParseError('vectorLength', { n, example, got: v.length });
  return v;
}

/** An n × n matrix, rows separated by ';' (a trailing ';' is allowed). */
export function parseSquareMatrix(text: string, n: number, example: string): number[][] {
  const rows = text.split(';').map((r) => r.trim());
  if (rows.length > 1 && rows[rows.length - 1] === '') rows.pop();
  if (rows.length === 1 && rows[0] === '') throw new ParseError('empty');
  if (rows.length !== n) throw new ParseError('matrixRows', { n, example, got: rows.length });
  return rows.map((r, i) => {
    const v = parseNumbers(r);
    if (v.length !== n) throw new ParseError('matrixCols', { row: i + 1, got: v.length, n });
    return v;
  });
}

/** A whole number in [min, max]. */
export function parseInteger(text: string, min: number, max: number): number {
  const t = text.trim();
  const x = /^[+-]?\d+$/.test(t) ? Number(t) : NaN;
  if (!Number.isSafeInteger(x) || x < min || x > max) throw new ParseError('integerRange', { min, max });
  return x;
}
