// Deterministic benchmark inputs shared by the wasm, native and scipy sides.
//
// cpp/bench/bench.cpp (`mathlens_bench gaussian-inputs`) forms the files, because Σ = A Aᵀ/d + 0.1 I
// costs O(d³) and takes seconds in plain JS at d = 2048. This module implements the same generator
// (recipe "gaussian-v1", see bench.cpp) and checks sampled entries of every file against it, so the
// recipe is verified to be identical in C++ and JS, at O(d) cost per entry.
//
// File: little-endian float64 [d, mean_p (d), cov_p (d·d, row-major), mean_q (d), cov_q (d·d)].
import { readFileSync } from 'node:fs';

const MASK = (1n << 64n) - 1n;
const GAMMA = 0x9e3779b97f4a7c15n;

function mix64(z) {
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK;
  return z ^ (z >> 31n);
}

/** x(s, k) = 2·(splitmix64_mix(s + (k+1)·γ) >> 11)·2⁻⁵³ − 1, in [−1, 1). */
export function recipeX(seed, k) {
  const state = (BigInt(seed) + (BigInt(k) + 1n) * GAMMA) & MASK;
  return 2 * (Number(mix64(state) >> 11n) * 2 ** -53) - 1;
}

/** s = 1000003·d + 1 for p, + 2 for q. */
export const recipeSeed = (d, which) => 1000003 * d + which;

/** Reads one input file: { d, p, q } with p = { mean: Float64Array, cov: { rows, cols, data } }. */
export function readInputs(path) {
  const buf = readFileSync(path);
  const all = new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8);
  const d = all[0];
  if (!Number.isInteger(d) || all.length !== 1 + 2 * (d + d * d)) throw new Error(`${path}: bad size or header`);
  let o = 1;
  const normal = () => {
    const mean = all.slice(o, o + d);
    o += d;
    const data = all.slice(o, o + d * d);
    o += d * d;
    return { mean, cov: { rows: d, cols: d, data } };
  };
  const p = normal();
  const q = normal();
  return { d, p, q };
}

/** Checks a few entries of each normal against the recipe; throws on a mismatch. Returns the count checked. */
export function verifyRecipe({ d, p, q }) {
  let checked = 0;
  for (const [which, x] of [[1, p], [2, q]]) {
    const s = recipeSeed(d, which);
    const row = (i) => Float64Array.from({ length: d }, (_, j) => recipeX(s, i * d + j));
    const picks = [0, d - 1, Math.floor(d / 3)];
    for (const i of picks) {
      const want = recipeX(s, d * d + i);
      if (x.mean[i] !== want) throw new Error(`inputs d=${d}: mean[${i}] is ${x.mean[i]}, recipe gives ${want}`);
      checked++;
    }
    for (const [i, j] of [[0, 0], [d - 1, 0], [Math.floor(d / 2), Math.floor(d / 3)]]) {
      const a = row(i), b = row(j);
      let sum = 0, mag = 0;
      for (let k = 0; k < d; k++) {
        sum += a[k] * b[k];
        mag += Math.abs(a[k] * b[k]);
      }
      const want = sum / d + (i === j ? 0.1 : 0);
      const got = x.cov.data[i * d + j];
      const sym = x.cov.data[j * d + i];
      if (Math.abs(got - want) > 1e-12 * (mag / d + 0.1) || got !== sym)
        throw new Error(`inputs d=${d}: cov(${i}, ${j}) is ${got} (transposed ${sym}), recipe gives ${want}`);
      checked++;
    }
  }
  return checked;
}

/** A normal in the form a plain-JS user (and mathjs) would hold: number[] and number[][]. */
export function nested({ mean, cov }) {
  const rows = [];
  for (let i = 0; i < cov.rows; i++) rows.push(Array.from(cov.data.subarray(i * cov.cols, (i + 1) * cov.cols)));
  return { mean: Array.from(mean), cov: rows };
}
