// Best-of-N timing (the VM is noisy; TOOLCHAIN.md pitfall 12): the same rule as cpp/bench/bench.cpp.
import { performance } from 'node:perf_hooks';

/**
 * Times `fn` and returns per-call { bestMs, medianMs, samples, inner, value }.
 * One call first: if it takes ≥ longCallMs it is kept as a sample; otherwise it is a warm-up and
 * the batch size `inner` doubles until a batch lasts ≥ minSampleMs. Then samples until maxReps, or
 * until budgetMs is spent once there are at least minReps.
 */
export function bestOf(fn, { maxReps = 5, minReps = 2, budgetMs = 3000, minSampleMs = 5, longCallMs = 50 } = {}) {
  const perCall = [];
  let inner = 1;
  let sink = 0;
  let t0 = performance.now();
  const value = fn();
  const first = performance.now() - t0;
  if (first >= longCallMs) perCall.push(first);
  else {
    for (;;) {
      t0 = performance.now();
      for (let i = 0; i < inner; i++) sink += +fn();
      if (performance.now() - t0 >= minSampleMs || inner >= 2 ** 24) break;
      inner *= 2;
    }
  }
  const start = performance.now();
  while (perCall.length < maxReps && (perCall.length < Math.min(minReps, maxReps) || performance.now() - start < budgetMs)) {
    t0 = performance.now();
    for (let i = 0; i < inner; i++) sink += +fn();
    perCall.push((performance.now() - t0) / inner);
  }
  perCall.sort((a, b) => a - b);
  const m = perCall.length;
  const medianMs = m % 2 ? perCall[(m - 1) / 2] : 0.5 * (perCall[m / 2 - 1] + perCall[m / 2]);
  if (Number.isNaN(sink)) console.error('(timing sink is NaN)'); // keeps the calls observable
  return { bestMs: perCall[0], medianMs, samples: m, inner, value };
}
