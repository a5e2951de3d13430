// The flops module through the public API on the real wasm build: the post's headline numbers and
// the per-n table of spec/MATH.md §1, closed-form vs numeric crossovers, sweeps, presets, the
// fixtures of an independent implementation (tests/fixtures/gen_flops.py) and the exact error
// messages of both layers (TypeScript checks and the C++ core).
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { init, type LayerCost, type LayerOptions, type MathLens } from 'mathlens';
import { errorOf } from './errors';

let ml: MathLens;
beforeAll(async () => {
  ml = await init();
});

const cross = (r: LayerCost, key: string) => {
  const x = r.crossovers.find((c) => c.key === key);
  if (!x) throw new Error(`no crossover ${key}`);
  return x;
};

describe('the post (MATH.md §1d)', () => {
  it('per-n table of BERT-base, exact integers', () => {
    const rows: [number, number, number, number, number, number][] = [
      [128, 327155712, 603979776, 931135488, 0.541667, 0.027027],
      [512, 1610612736, 2415919104, 4026531840, 0.666667, 0.1],
      [1536, 7247757312, 7247757312, 14495514624, 1, 0.25],
      [4608, 43486543872, 21743271936, 65229815808, 2, 0.5],
      [8192, 122406567936, 38654705664, 161061273600, 3.166667, 0.64],
    ];
    for (const [n, sa, ffn, total, ratio, quad] of rows) {
      const r = ml.flops.layer({ preset: 'bert-base', n });
      expect(r.macs.attention).toBe(sa);
      expect(r.macs.ffn).toBe(ffn);
      expect(r.macs.total).toBe(total);
      expect(r.flops.total).toBe(2 * total);
      expect(r.attentionFfnRatio).toBeCloseTo(ratio, 6);
      expect(r.shares.quadratic).toBeCloseTo(quad, 6);
      expect(Math.abs(r.shares.quadratic - n / (n + 4608))).toBeLessThan(1e-15);
      expect(Math.abs(r.attentionFfnRatio - (0.5 + n / 3072))).toBeLessThan(1e-15);
    }
  });

  it('headline crossovers 1536, 4608, 1024 — closed forms, numeric roots and the first n beyond', () => {
    const r = ml.flops.layer({ preset: 'bert-base', n: 512, featureMultiple: 4 });
    expect(r.crossovers.map((c) => c.key)).toEqual(['attentionFfn', 'quadraticLinear', 'linearCore']);
    const sa = cross(r, 'attentionFfn');
    expect(sa).toMatchObject({ closedForm: 1536, formula: '2H', firstN: 1537, always: false });
    expect(Math.abs((sa.numeric as number) - 1536)).toBeLessThan(1536 * 1e-13);
    const q = cross(r, 'quadraticLinear');
    expect(q).toMatchObject({ closedForm: 4608, formula: '6H', firstN: 4609 });
    expect(Math.abs((q.numeric as number) - 4608)).toBeLessThan(4608 * 1e-13);
    const lin = cross(r, 'linearCore');
    expect(lin).toMatchObject({ closedForm: 1024, formula: 'k^{2}d', firstN: 1025 });
    expect(Math.abs((lin.numeric as number) - 1024)).toBeLessThan(1024 * 1e-13);
    // equal head size: n > d
    expect(cross(ml.flops.layer({ preset: 'bert-base' }), 'linearCore').closedForm).toBe(64);
  });

  it('large model: thresholds 2048 and 6144, n = 512 gives SA/FFN 0.625 and 1/13 quadratic', () => {
    const r = ml.flops.layer({ hidden: 1024, heads: 16, n: 512 });
    expect(cross(r, 'attentionFfn').closedForm).toBe(2048);
    expect(cross(r, 'quadraticLinear').closedForm).toBe(6144);
    expect(r.attentionFfnRatio).toBe(0.625);
    expect(Math.abs(r.shares.quadratic - 1 / 13)).toBeLessThan(1e-16);
  });

  it('attention core at d = 64, n = 1024: standard 2n²d = linear with 4d, 2n(4d)²', () => {
    const std = ml.flops.attention({ n: 1024, headSize: 64 });
    const lin = ml.flops.attention({ n: 1024, headSize: 64, variant: 'linear', featureMultiple: 4 });
    expect(std.macs).toBe(134217728);
    expect(lin.macs).toBe(134217728);
    expect(lin.flops).toBe(268435456);
    expect(std.terms.map((t) => t.key)).toEqual(['scores', 'weightedSum']);
    expect(lin.terms.map((t) => [t.key, t.macs])).toEqual([
      ['linearKV', 1024 * 256 * 256],
      ['linearQ', 1024 * 256 * 256],
    ]);
    expect(std.memory).toEqual({ entries: 1048576, bytes: 4194304 });
    expect(std.config).toMatchObject({ n: 1024, headSize: 64, heads: 1, kvHeads: 1, variant: 'standard' });
  });
});

describe('the result', () => {
  it('states both conventions and is consistent', () => {
    const r = ml.flops.layer({ preset: 'llama-2-7b', n: 2048, kvHeads: 8 });
    expect(r.convention).toMatch(/^MACs: one multiply-add.*FLOPs = 2 × MACs/);
    for (const k of Object.keys(r.macs) as (keyof typeof r.macs)[]) expect(r.flops[k]).toBe(2 * r.macs[k]);
    let sum = 0;
    for (const t of r.terms) {
      expect(t.flops).toBe(2 * t.macs);
      expect(t.n2 * 2048 * 2048 + t.n1 * 2048 + t.n0).toBe(t.macs);
      sum += t.macs;
    }
    expect(sum).toBe(r.macs.total);
    expect(r.config).toMatchObject({ hidden: 4096, heads: 32, headSize: 128, kvHeads: 8, ffn: 11008, gated: true, causal: true, layers: 32 });
    expect(r.terms.find((t) => t.key === 'kProj')?.macs).toBe(2048 * 4096 * 1024);
    expect(r.terms.find((t) => t.key === 'ffn')?.label).toBe('FFN (gated, 3 matrices)');
    expect(r.terms.find((t) => t.key === 'scores')?.label).toBe('scores QKᵀ'); // UTF-8 from C++
    expect(cross(r, 'quadraticLinear').label).toBe('the n² part exceeds the part linear in n');
    expect(r.model.macs).toBe(32 * r.macs.total);
    expect(r.model.flopsPerToken).toBe(r.model.flops / 2048);
    expect(r.parameters).toBe(2 * 4096 * 4096 + 2 * 4096 * 1024 + 3 * 4096 * 11008);
    expect(r.attentionMemory.entries).toBe(32 * 2048 * 2048);
  });

  it('Kaplan et al.: 2N + 2·n_layer·n_ctx·d_attn, next to the causal count', () => {
    const r = ml.flops.layer({ preset: 'gpt2-small' });
    const N = 12 * 12 * 768 * 768;
    expect(r.kaplan).toEqual({ parameters: N, flopsPerToken: 2 * N + 2 * 12 * 1024 * 768, contextFlopsPerToken: 2 * 12 * 1024 * 768 });
    expect(r.model.flopsPerToken).toBe(2 * N + 2 * 12 * 1025 * 768);
  });

  it('presets, and options override them', () => {
    const list = ml.flops.presets();
    expect(list.map((p) => p.name)).toEqual(['bert-base', 'bert-large', 'gpt2-small', 'gpt2-medium', 'gpt2-large', 'gpt2-xl', 'llama-2-7b']);
    expect(list[6]).toEqual({ name: 'llama-2-7b', label: 'LLaMA-2-7B', context: 4096, hidden: 4096, heads: 32, ffn: 11008, layers: 32, gated: true, causal: true });
    list[0].hidden = 1; // a copy
    expect(ml.flops.presets()[0].hidden).toBe(768);
    const r = ml.flops.layer({ preset: 'gpt2-xl', causal: false, ffnRatio: 2, layers: 2 });
    expect(r.config).toMatchObject({ hidden: 1600, heads: 25, headSize: 64, n: 1024, causal: false, ffn: 3200, ffnRatio: 2, layers: 2 });
  });

  it('variants: Performer and Nyström terms, numeric-only crossovers', () => {
    const p = ml.flops.attention({ n: 1000, headSize: 64, variant: 'performer', features: 256 });
    expect(p.macs).toBe(4 * 1000 * 256 * 64);
    const ny = ml.flops.attention({ n: 4096, headSize: 64, variant: 'nystrom' });
    expect(ny.macs).toBe(4 * 4096 * 64 * 64 + 2 * 64 * 64 * 64 + 24 * 64 ** 3);
    expect(ny.terms.map((t) => t.key)).toEqual(['nystromF', 'nystromA', 'nystromB', 'nystromBV', 'nystromPinv', 'nystromPinvBV', 'nystromOut']);
    const r = ml.flops.layer({ preset: 'bert-base', n: 4096, variant: 'nystrom' });
    const c = cross(r, 'nystromCore');
    expect(c.closedForm).toBeNull();
    expect(c.formula).toBeNull();
    expect(Math.abs((c.numeric as number) - (64 + Math.sqrt(57344)))).toBeLessThan(1e-12 * 300);
    expect(c.firstN).toBe(304);
    expect(cross(r, 'layerVsStandard').firstN).toBe(304);
    expect(cross(r, 'quadraticLinear')).toMatchObject({ numeric: null, firstN: null, always: false });
    const perf = ml.flops.layer({ preset: 'bert-base', variant: 'performer' });
    expect(cross(perf, 'performerCore')).toMatchObject({ closedForm: 512, formula: '2m', firstN: 513 });
  });

  it('counts above 2^53 are returned when exact, and rejected when not', () => {
    const r = ml.flops.layer({ preset: 'llama-2-7b', n: 131072, batch: 4 });
    expect(r.model.flops).toBeGreaterThan(2 ** 53);
    const n = 131072n;
    const exact = 256n * (4n * n * 4096n * 4096n + 3n * n * 4096n * 11008n + 4096n * n * (n + 1n));
    expect(BigInt(r.model.flops)).toBe(exact);
    expect(errorOf(() => ml.flops.layer({ hidden: 1001, heads: 7, n: 100003, layers: 1001, batch: 3 }))).toBe(
      'flops.layer: counts too large to be exact: the model count = 6.37e+16 is not exactly representable as a double (above 2^53 only some integers are); reduce n, batch, layers or the sizes',
    );
    expect(errorOf(() => ml.flops.layer({ hidden: 1001, heads: 7, n: 1e9, batch: 1e9 }))).toBe(
      'flops.layer: counts too large to be exact: they overflow 64-bit integers; reduce n, batch, layers or the sizes',
    );
  });
});

describe('sweeps', () => {
  it('over a list of n and over a log-spaced range, equal to layer() at every n', () => {
    const options: LayerOptions = { preset: 'gpt2-medium', variant: 'linear', featureMultiple: 4 };
    const s = ml.flops.sweep(options, { from: 64, to: 131072, points: 40 });
    expect(s.n).toBeInstanceOf(Float64Array);
    expect(s.n.length).toBe(40);
    expect(s.n[0]).toBe(64);
    expect(s.n[39]).toBe(131072);
    expect(s.terms.map((t) => t.key)).toEqual(['qProj', 'kProj', 'vProj', 'oProj', 'linearKV', 'linearQ', 'ffn']);
    for (let i = 0; i < s.n.length; i += 7) {
      const r = ml.flops.layer({ ...options, n: s.n[i] });
      s.terms.forEach((t, k) => expect(t.macs[i]).toBe(r.terms[k].macs));
      expect(s.macs.total[i]).toBe(r.macs.total);
      expect(s.shares.attention[i]).toBe(r.shares.attention);
      expect(s.shares.quadratic[i]).toBe(0);
    }
    const list = ml.flops.sweep({ preset: 'bert-base' }, new Float64Array([128, 512, 1536]));
    expect(Array.from(list.macs.total)).toEqual([931135488, 4026531840, 14495514624]);
    expect(Array.from(list.shares.quadratic)).toEqual([1 / 37, 0.1, 0.25].map((x) => expect.closeTo(x, 15)));
  });
});

// ---------------------------------------------------------------- fixtures

interface Fixture {
  layers: {
    name: string;
    preset: string | null;
    config: Record<string, unknown>;
    cases: Record<string, unknown>[];
    crossovers: Record<string, { closed_form: number | null; numeric: number | null; first_n: number | null }>;
  }[];
  attention: { config: Record<string, unknown>; terms: Record<string, number>; macs: number; memory_entries: number }[];
}
const fixtures: Fixture = JSON.parse(readFileSync(new URL('../fixtures/flops.json', import.meta.url), 'utf8'));

const camel = (s: string) => s.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());
const optionsOf = (config: Record<string, unknown>) => Object.fromEntries(Object.entries(config).map(([k, v]) => [camel(k), v])) as LayerOptions;

describe('fixtures (independent reference: traced matrix products in Python integers)', () => {
  it('has the configurations', () => {
    expect(fixtures.layers.length).toBeGreaterThanOrEqual(20);
  });
  for (const L of fixtures.layers) {
    it(L.name, () => {
      const base: LayerOptions = L.preset ? { ...optionsOf(L.config), preset: L.preset as LayerOptions['preset'] } : optionsOf(L.config);
      for (const k of L.cases) {
        const r = ml.flops.layer({ ...base, n: k.n as number });
        for (const t of r.terms) expect(t.macs, t.key).toBe((k.terms as Record<string, number>)[t.key]);
        expect(r.terms.length).toBe(Object.keys(k.terms as object).length);
        expect(r.macs.attention).toBe(k.attention);
        expect(r.macs.ffn).toBe(k.ffn);
        expect(r.macs.total).toBe(k.total);
        expect(r.flops.total).toBe(k.total_flops);
        expect(r.attentionMemory.bytes).toBe(k.memory_bytes);
        expect(r.model.flops).toBe(k.model_flops);
        expect(r.model.parameters).toBe(k.model_parameters);
        expect(r.kaplan.flopsPerToken).toBe(k.kaplan_flops_per_token);
      }
      const r = ml.flops.layer({ ...base, n: L.cases[L.cases.length - 1].n as number });
      expect(r.crossovers.map((c) => c.key).sort()).toEqual(Object.keys(L.crossovers).sort());
      for (const c of r.crossovers) {
        const want = L.crossovers[c.key];
        expect(c.firstN, c.key).toBe(want.first_n);
        if (want.numeric === null) expect(c.numeric, c.key).toBeNull();
        else expect(Math.abs((c.numeric as number) - want.numeric), c.key).toBeLessThanOrEqual(1e-12 * want.numeric);
        if (want.closed_form === null) expect(c.closedForm, c.key).toBeNull();
        else {
          expect(Math.abs((c.closedForm as number) - want.closed_form)).toBeLessThanOrEqual(1e-15 * want.closed_form);
          // the closed form and the numeric root are the same point
          expect(Math.abs((c.closedForm as number) - (c.numeric as number))).toBeLessThanOrEqual(1e-12 * want.closed_form);
        }
      }
    });
  }
  it('attention cores', () => {
    for (const A of fixtures.attention) {
      const r = ml.flops.attention(optionsOf(A.config) as Parameters<MathLens['flops']['attention']>[0]);
      expect(r.macs).toBe(A.macs);
      expect(r.memory.entries).toBe(A.memory_entries);
      for (const t of r.terms) expect(t.macs).toBe(A.terms[t.key]);
    }
  });
});

// ---------------------------------------------------------------- errors

describe('errors: exact messages, never a TypeError, the module keeps working', () => {
  const layer = (o: unknown) => errorOf(() => ml.flops.layer(o as LayerOptions));
  it('JavaScript types and option names', () => {
    expect(layer(undefined)).toBe('flops.layer: options must be an object, got undefined');
    expect(layer(null)).toBe('flops.layer: options must be an object, got null');
    expect(layer('bert-base')).toBe('flops.layer: options must be an object, got "bert-base"');
    expect(layer([768])).toBe('flops.layer: options must be an object, got an array');
    expect(layer({ preset: 'bert-base', hiden: 768 })).toBe(
      'flops.layer: unknown option "hiden" (expected one of preset, hidden, heads, headSize, kvHeads, ffn, ffnRatio, gated, causal, n, batch, layers, bytesPerElement, variant, featureMultiple, widenValues, features, landmarks, pinvIterations, convKernel)',
    );
    expect(layer({ preset: 'gpt5' })).toBe(
      'flops.layer: preset must be one of bert-base, bert-large, gpt2-small, gpt2-medium, gpt2-large, gpt2-xl, llama-2-7b, got "gpt5"',
    );
    expect(layer({ hidden: 768, n: 512 })).toBe('flops.layer: heads is required (or give a preset)');
    expect(layer({ hidden: 768, heads: 12 })).toBe('flops.layer: n is required (or give a preset)');
    expect(layer({ preset: 'bert-base', n: '512' })).toBe('flops.layer: n must be a positive integer, got "512"');
    expect(layer({ preset: 'bert-base', n: NaN })).toBe('flops.layer: n must be a positive integer, got NaN');
    expect(layer({ preset: 'bert-base', n: Infinity })).toBe('flops.layer: n must be a positive integer, got Infinity');
    expect(layer({ preset: 'bert-base', n: 512.5 })).toBe('flops.layer: n must be a positive integer, got 512.5');
    expect(layer({ preset: 'bert-base', n: 2 ** 60 })).toBe('flops.layer: n must be a positive integer, got 1152921504606847000');
    expect(layer({ preset: 'bert-base', batch: null })).toBe('flops.layer: batch must be a positive integer, got null');
    expect(layer({ preset: 'bert-base', headSize: 0 })).toBe('flops.layer: headSize must be a positive integer, got 0');
    expect(layer({ preset: 'bert-base', kvHeads: {} })).toBe('flops.layer: kvHeads must be a positive integer, got an object');
    expect(layer({ preset: 'bert-base', gated: 'yes' })).toBe('flops.layer: gated must be true or false, got "yes"');
    expect(layer({ preset: 'bert-base', causal: 1 })).toBe('flops.layer: causal must be true or false, got 1');
    expect(layer({ preset: 'bert-base', variant: 'fast' })).toBe(
      'flops.layer: variant must be one of standard, linear, performer, nystrom, got "fast"',
    );
    expect(layer({ preset: 'bert-base', ffn: 3072, ffnRatio: 4 })).toBe('flops.layer: give ffn or ffnRatio, not both');
    expect(layer({ preset: 'bert-base', ffnRatio: -1 })).toBe('flops.layer: ffnRatio must be a positive number, got -1');
    expect(layer({ preset: 'bert-base', pinvIterations: 1.5 })).toBe('flops.layer: pinvIterations must be a non-negative integer, got 1.5');
  });

  it('values the core rejects (C++ messages, unchanged)', () => {
    expect(layer({ hidden: 768, heads: 10, n: 512 })).toBe(
      'flops.layer: hidden (768) is not divisible by heads (10); give headSize for an attention width other than hidden',
    );
    expect(layer({ hidden: 0, heads: 12, n: 512 })).toBe('flops.layer: hidden must be a positive integer, got 0');
    expect(layer({ preset: 'bert-base', n: -5 })).toBe('flops.layer: n must be a positive integer, got -5');
    expect(layer({ preset: 'llama-2-7b', kvHeads: 5 })).toBe('flops.layer: heads (32) is not divisible by kvHeads (5)');
    expect(layer({ preset: 'bert-base', ffnRatio: 2.7 })).toBe('flops.layer: ffnRatio × hidden = 2073.6 is not a whole number; give ffn instead');
    expect(layer({ preset: 'bert-base', variant: 'nystrom', n: 32 })).toBe('flops.layer: landmarks (64) must not exceed n (32)');
    expect(layer({ preset: 'gpt2-small', variant: 'nystrom' })).toBe(
      'flops.layer: causal attention is not supported by the nystrom variant (landmark pooling mixes future tokens)',
    );
    expect(layer({ preset: 'bert-base', features: 0 })).toBe('flops.layer: features must be a positive integer, got 0');
    expect(layer({ preset: 'bert-base', layers: -1 })).toBe('flops.layer: layers must be a positive integer, got -1');
  });

  it('attention() and sweep()', () => {
    const att = (o: unknown) => errorOf(() => ml.flops.attention(o as Parameters<MathLens['flops']['attention']>[0]));
    expect(att({ n: 100 })).toBe('flops.attention: headSize is required');
    expect(att({ n: 100, headSize: 64, hidden: 768 })).toBe(
      'flops.attention: unknown option "hidden" (expected one of n, headSize, heads, kvHeads, batch, causal, bytesPerElement, variant, featureMultiple, widenValues, features, landmarks, pinvIterations, convKernel)',
    );
    expect(att({ n: 100, headSize: 64, variant: 'nystrom', landmarks: 128 })).toBe('flops.attention: landmarks (128) must not exceed n (100)');
    expect(att({ n: 0, headSize: 64 })).toBe('flops.attention: n must be a positive integer, got 0');
    const sweep = (o: unknown, ns: unknown) => errorOf(() => ml.flops.sweep(o as LayerOptions, ns as number[]));
    expect(sweep({ preset: 'bert-base' }, [])).toBe('flops.sweep: ns is empty');
    expect(sweep({ preset: 'bert-base' }, [64, 0])).toBe('flops.sweep: ns[1] must be a positive integer, got 0');
    expect(sweep({ preset: 'bert-base' }, [64, 'x'])).toBe('flops.sweep: ns has a non-numeric entry (string) at [1]');
    expect(sweep({ preset: 'bert-base' }, 'abc')).toBe('flops.sweep: ns must be an array of numbers, got string');
    expect(sweep({ preset: 'bert-base' }, null)).toBe('flops.sweep: ns must be an array of numbers, got null');
    expect(sweep({ preset: 'bert-base' }, { from: 64 })).toBe('flops.sweep: ns.to is required');
    expect(sweep({ preset: 'bert-base' }, { from: 64, to: 32 })).toBe('flops.sweep: to (32) must be greater than from (64)');
    expect(sweep({ preset: 'bert-base' }, { from: 64, to: 128, points: 1 })).toBe('flops.sweep: points must be an integer from 2 to 10000, got 1');
    expect(sweep({ preset: 'bert-base' }, { from: 64, to: 128, step: 2 })).toBe('flops.sweep: unknown option "step" in ns (expected one of from, to, points)');
    expect(sweep({ preset: 'bert-base', variant: 'nystrom' }, [32, 1024])).toBe('flops.sweep: landmarks (64) must not exceed n (32)');
    expect(sweep({ hidden: 64 }, [32])).toBe('flops.sweep: heads is required (or give a preset)');
  });

  it('keeps working after many errors', () => {
    for (let i = 0; i < 2000; i++) layer({ hidden: 768, heads: 10, n: 512 });
    expect(ml.flops.layer({ preset: 'bert-base', n: 1536 }).macs.total).toBe(14495514624);
  });
});
