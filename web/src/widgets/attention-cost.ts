/**
 * Predicted and measured costs for the timing chart of `<mathlens-attention>`. The predictions
 * come from the `flops` module (`ml.flops.attention`: the post's multiply-add count of one
 * attention core, spec/MATH.md §1 and §5 a): exact 2n²d, linear 2nd², Performer 4nmd, Nyström
 * 4nmd + 2m²d + 4m³·iterations, per head, softmax and normalisers not counted.
 * @module
 */
import type { AttentionVariant, MathLens } from '../index.js';

/** A kernel of the attention module, by the name the widget and the worker use. */
export type KernelName = 'exact' | 'linear' | 'performer' | 'nystrom';

/** What the count depends on. */
export interface CostParams {
  n: number;
  /** Head size (= value size). */
  d: number;
  /** Nyström m. */
  landmarks: number;
  /** Performer m. */
  features: number;
  /** Nyström pseudo-inverse iterations. */
  iterations: number;
}

const VARIANT: Record<KernelName, AttentionVariant> = { exact: 'standard', linear: 'linear', performer: 'performer', nystrom: 'nystrom' };

/** Predicted multiply-adds of one head, from `ml.flops.attention`. */
export function predictedMacs(ml: MathLens, kernel: KernelName, p: CostParams): number {
  return ml.flops.attention({
    variant: VARIANT[kernel],
    n: p.n,
    headSize: p.d,
    features: p.features,
    landmarks: Math.min(p.landmarks, p.n),
    pinvIterations: p.iterations,
  }).macs;
}

/**
 * The n at which a kernel's predicted cost equals exact attention's (the approximations cost
 * a·n + b, exact attention 2dn², so there is one crossing), by bisection on the flops counts;
 * linear: n* = d, Performer: n* = 2m, Nyström: the positive root of 2dn² = 4mdn + 2m²d + 4m³k.
 */
export function predictedCrossover(ml: MathLens, kernel: Exclude<KernelName, 'exact'>, p: Omit<CostParams, 'n'>): number {
  const gap = (n: number) => predictedMacs(ml, kernel, { ...p, n }) - predictedMacs(ml, 'exact', { ...p, n });
  let lo = kernel === 'nystrom' ? p.landmarks : 1;
  let hi = 2 * lo;
  while (gap(hi) > 0 && hi < 2 ** 30) hi *= 2;
  if (gap(lo) <= 0) return lo;
  // gap(lo) > 0 ≥ gap(hi): bisect on integers (the counts take integer n), then interpolate.
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (gap(mid) > 0) lo = mid;
    else hi = mid;
  }
  const g0 = gap(lo);
  return lo + g0 / (g0 - gap(hi));
}

/**
 * The measured crossover: the first n at which the kernel beats exact attention, interpolated
 * log-linearly between the two measured lengths around it. `below` when it is faster already at
 * the shortest length, `above` when it never is; null without data.
 */
export function measuredCrossover(
  times: Map<number, { kernel?: number; exact?: number }>,
): { n: number; kind: 'at' | 'below' | 'above' } | null {
  const ns = [...times.keys()].filter((n) => times.get(n)!.kernel !== undefined && times.get(n)!.exact !== undefined).sort((x, y) => x - y);
  if (ns.length === 0) return null;
  const ratio = (n: number) => Math.log(times.get(n)!.kernel! / times.get(n)!.exact!);
  if (ratio(ns[0]) < 0) return { n: ns[0], kind: 'below' };
  for (let i = 1; i < ns.length; i++) {
    const r0 = ratio(ns[i - 1]);
    const r1 = ratio(ns[i]);
    if (r1 < 0) {
      const t = r0 / (r0 - r1);
      return { n: Math.exp(Math.log(ns[i - 1]) + t * (Math.log(ns[i]) - Math.log(ns[i - 1]))), kind: 'at' };
    }
  }
  return { n: ns[ns.length - 1], kind: 'above' };
}
