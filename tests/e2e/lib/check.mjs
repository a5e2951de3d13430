// Small helpers shared by the e2e checks.

/** Throws `message` unless `cond` holds (a check's failure). */
export function assert(cond, message) {
  if (!cond) throw new Error(message);
}

/**
 * A number as a widget displays it ("1.60283", "−2.5 × 10⁻⁷", "∞") → { value, ulp }, where ulp is one
 * unit in the last displayed digit; null when the text is not a number.
 */
export function parseDisplayed(text) {
  const sup = { '⁰': '0', '¹': '1', '²': '2', '³': '3', '⁴': '4', '⁵': '5', '⁶': '6', '⁷': '7', '⁸': '8', '⁹': '9', '⁻': '-' };
  const t = (text ?? '').trim().replace(/\u2212/g, '-');
  if (t === '∞') return { value: Infinity, ulp: 0 };
  const m = /^(-?\d+(?:\.(\d+))?)(?: × 10([⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+))?$/.exec(t);
  if (!m) return null;
  const e = m[3] ? Number([...m[3]].map((c) => sup[c]).join('')) : 0;
  return { value: Number(m[1]) * 10 ** e, ulp: 10 ** (-(m[2]?.length ?? 0) + e) };
}

/** True when `text` is `exact` correctly rounded to the digits shown (∞ must be shown as ∞). */
export function showsValue(text, exact) {
  const d = parseDisplayed(text);
  if (!d) return false;
  if (!Number.isFinite(exact)) return d.value === exact;
  return Math.abs(d.value - exact) <= 0.5 * d.ulp * (1 + 1e-9);
}
