/**
 * Number formatting for the widgets.
 * @module
 */

const SUPERSCRIPT: Record<string, string> = {
  '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹', '-': '⁻', '+': '',
};

/**
 * `digits` significant digits for display: 1.60283, 0.000123457, 1.23457 × 10⁻⁷; a true minus sign;
 * '—' for null/NaN (an undefined quantity) and '∞' for infinities.
 */
export function formatNumber(x: number | null | undefined, digits = 6): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (x === 0) return '0';
  const a = Math.abs(x);
  let s: string;
  if (a < 1e-4 || a >= 10 ** Math.max(digits, 6)) {
    const [m, e] = x.toExponential(digits - 1).split('e');
    s = `${m} × 10${[...e].map((c) => SUPERSCRIPT[c] ?? c).join('')}`;
  } else s = x.toPrecision(digits);
  return s.replace('-', '−');
}

/** Short plain form that parses back as an attribute value: 0.5, 2, -1.23, 1e-7 (ASCII minus). */
export function formatCompact(x: number, digits = 3): string {
  const y = Number(x.toPrecision(digits));
  return Object.is(y, -0) ? '0' : String(y);
}
