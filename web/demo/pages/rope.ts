/**
 * The RoPE page: presets that set the widget's attributes, and four live computations — the weight
 * conversion check in LLaMA's shape, the post's 4×4 generator family, reading 2-D coordinates back
 * from R_{x,y}, and context scaling per frequency pair with its warnings.
 */
import { lang, onLang } from '../site.js';
import { init, type MathLens, type Scaling } from '../../src/index.js';
import { MathLensRope } from '../../src/widgets/index.js';

const widget = document.getElementById('rope-widget');

// ---- presets of the widget ----
const PRESETS: Record<string, { attrs: Record<string, string>; en: string; zh: string }> = {
  worked: {
    attrs: { d: '8', base: '10000', positions: '5 2', pair: '0', encoding: 'rope2d' },
    en: 'd = 8, θ = (1, 0.1, 0.01, 0.001): the first pair of q = (0.1, …, 0.8) turns by 5 rad at m = 5; the spec’s ⟨R₅q, R₂k⟩ = 0.0169918 is qᵀR₋₃k.',
    zh: 'd = 8，θ = (1, 0.1, 0.01, 0.001)：q = (0.1, …, 0.8) 的第一对维度在 m = 5 处转过 5 弧度；规格中的 ⟨R₅q, R₂k⟩ = 0.0169918 就是 qᵀR₋₃k。',
  },
  llama: {
    attrs: { d: '128', base: '10000', positions: '100 40', pair: '8', encoding: 'rope2d' },
    en: 'A LLaMA-2 head: 64 pairs, wavelengths from 2π ≈ 6.3 to 2π·10000^(126/128) ≈ 54 000 tokens.',
    zh: 'LLaMA-2 的一个头：64 对维度，波长从 2π ≈ 6.3 到 2π·10000^(126/128) ≈ 54000 个 token。',
  },
  slow: {
    attrs: { d: '64', base: '10000', positions: '3000 0', pair: '31', encoding: 'rope2d' },
    en: 'The slowest pair turns by only 3000·θ₃₁ ≈ 0.4 rad over 3000 tokens: it carries coarse, long-range position.',
    zh: '最慢的一对维度在 3000 个 token 内只转过 3000·θ₃₁ ≈ 0.4 弧度：它承载的是粗粒度、长距离的位置信息。',
  },
  flattened: {
    attrs: { d: '64', base: '10000', positions: '5 2', pair: '0', encoding: 'flattened', width: '16' },
    en: 'With the flattened index x·16 + y the neighbour below is 16 steps away and the map shows stripes; toggle back to 2-D RoPE.',
    zh: '用展平下标 x·16 + y 时，下方的邻居相距 16 步，热图出现条纹；切回二维 RoPE 对比一下。',
  },
};

let preset: string | null = null;
const note = document.getElementById('preset-note');
const showPresetNote = () => {
  if (note) note.textContent = preset ? PRESETS[preset][lang] : '';
};
for (const b of document.querySelectorAll<HTMLButtonElement>('[data-preset]'))
  b.addEventListener('click', () => {
    const key = b.dataset.preset ?? '';
    const p = PRESETS[key];
    if (!p || !(widget instanceof MathLensRope)) return;
    for (const [k, v] of Object.entries(p.attrs)) widget.setAttribute(k, v);
    preset = key;
    for (const o of document.querySelectorAll<HTMLButtonElement>('[data-preset]')) o.setAttribute('aria-pressed', String(o === b));
    showPresetNote();
  });
onLang(showPresetNote);

// ---- live computations ----
const fmt = (x: number, digits = 4) => (x === 0 ? '0' : Math.abs(x) < 1e-3 || Math.abs(x) >= 1e6 ? x.toExponential(digits - 1) : x.toPrecision(digits)).replace('-', '−');
const el = (id: string) => document.getElementById(id);

/** Seeded uniform numbers in [−1, 1). */
function seeded(n: number, seed: number): Float64Array {
  let s = seed >>> 0;
  return Float64Array.from({ length: n }, () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 31) - 1);
}

function conversion(ml: MathLens): void {
  const out = el('conversion-out');
  if (!out) return;
  // A LLaMA-like attention block scaled down: head dim 128, 8 query heads, 2 key/value heads.
  const heads = 8;
  const kvHeads = 2;
  const hd = 128;
  const dm = 256;
  const n = 32;
  const wq = { rows: heads * hd, cols: dm, data: seeded(heads * hd * dm, 1) };
  const wk = { rows: kvHeads * hd, cols: dm, data: seeded(kvHeads * hd * dm, 2) };
  const x = { rows: n, cols: dm, data: seeded(n * dm, 3) };
  const t0 = performance.now();
  const c = ml.rope.checkConversion(wq, wk, x, { heads, kvHeads, from: 'interleaved', to: 'half' });
  const ms = performance.now() - t0;
  const show = () => {
    out.replaceChildren();
    const line = (text: string, cls?: string) => {
      const p = document.createElement('div');
      if (cls) p.className = cls;
      p.textContent = text;
      out.append(p);
    };
    line(
      lang === 'zh'
        ? `${heads} 个查询头、${kvHeads} 个键值头（GQA），头维度 ${hd}，${n} 个位置，${heads * n * n} 个分数（${fmt(ms, 2)} 毫秒）：`
        : `${heads} query heads, ${kvHeads} key/value heads (GQA), head dimension ${hd}, ${n} positions, ${heads * n * n} scores (${fmt(ms, 2)} ms):`,
    );
    line(
      lang === 'zh'
        ? `权重按 P 转换后用前后半配对：最大相对差 ${fmt(c.relativeDifference, 2)} —— ${c.agree ? '一致' : '不一致'}`
        : `converted weights with half pairing: largest relative difference ${fmt(c.relativeDifference, 2)} — ${c.agree ? 'they agree' : 'they differ'}`,
      c.agree ? 'ok' : 'bad',
    );
    line(
      lang === 'zh'
        ? `不转换权重直接换成前后半配对：最大相对差 ${fmt(100 * c.unconvertedRelativeDifference, 3)}%`
        : `the same weights with half pairing, unconverted: largest relative difference ${fmt(100 * c.unconvertedRelativeDifference, 3)}%`,
      'bad',
    );
  };
  onLang(show);
}

function family(ml: MathLens): void {
  const out = el('family-out');
  const inputs = ['fam-b', 'fam-c', 'fam-f', 'fam-eps'].map((id) => el(id) as HTMLInputElement | null);
  if (!out || inputs.some((i) => !i)) return;
  const show = () => {
    const [b, c, f, eps] = inputs.map((i) => Number(i!.value));
    if (![b, c, f, eps].every(Number.isFinite)) {
      out.textContent = lang === 'zh' ? '请输入数字。' : 'Enter numbers.';
      return;
    }
    try {
      const r = ml.rope.generatorFamily({ b, c, f, d: c * f + eps, e: -b * f });
      out.textContent =
        lang === 'zh'
          ? `d = ${fmt(c * f + eps)}，e = ${fmt(-b * f)}：max |[B₁, B₂]| = ${fmt(r.maxCommutator, 3)}（${r.commutes ? '可交换' : '不可交换'}）；` +
            `相对性残差 max |R₁,₂ᵀ R₄,₋₁ − R₃,₋₃| = ${fmt(r.relativity, 3)}；B₁、B₂ ${r.independent ? '线性无关' : '线性相关（不可逆）'}`
          : `d = ${fmt(c * f + eps)}, e = ${fmt(-b * f)}: max |[B₁, B₂]| = ${fmt(r.maxCommutator, 3)} (${r.commutes ? 'they commute' : 'they do not commute'}); ` +
            `relativity residual max |R₁,₂ᵀ R₄,₋₁ − R₃,₋₃| = ${fmt(r.relativity, 3)}; B₁, B₂ ${r.independent ? 'independent' : 'dependent (not reversible)'}`;
    } catch (e) {
      out.textContent = e instanceof Error ? e.message : String(e);
    }
  };
  for (const i of inputs) i!.addEventListener('input', show);
  onLang(show);
}

function reversibility(ml: MathLens): void {
  const out = el('reverse-out');
  if (!out) return;
  const points: [number, number][] = [
    [2, 3],
    [150, -40],
    [320, 7],
  ];
  const show = () => {
    out.replaceChildren();
    for (const p of points) {
      const c = ml.rope.checkAxial(8, [0, 0], p);
      const div = document.createElement('div');
      const rec = c.recovered.map((v) => fmt(v, 8)).join(', ');
      div.textContent =
        lang === 'zh'
          ? `d = 8，(x, y) = (${p.join(', ')})：读回 (${rec})，可逆范围 |x| < π/0.01 ≈ ${fmt(c.range[0], 5)} —— ${c.reversible ? '可逆' : '超出范围，读回的是混叠值'}；相对性残差 ${fmt(c.relativity, 2)}`
          : `d = 8, (x, y) = (${p.join(', ')}): read back (${rec}); recoverable for |x| < π/0.01 ≈ ${fmt(c.range[0], 5)} — ${c.reversible ? 'reversible' : 'out of range: the reading is aliased'}; relativity residual ${fmt(c.relativity, 2)}`;
      div.className = c.reversible ? '' : 'bad';
      out.append(div);
    }
  };
  onLang(show);
}

const SCALINGS: Record<string, { dim: number; base: number; L: number; scaling: Scaling }> = {
  none: { dim: 128, base: 10000, L: 8192, scaling: { type: 'none', originalContext: 4096 } },
  linear: { dim: 128, base: 10000, L: 8192, scaling: { type: 'linear', factor: 2, originalContext: 4096 } },
  ntk: { dim: 128, base: 10000, L: 16384, scaling: { type: 'ntk', factor: 4, originalContext: 4096 } },
  dynamic: { dim: 128, base: 10000, L: 16384, scaling: { type: 'dynamic', factor: 8, originalContext: 2048 } },
  yarn: { dim: 128, base: 1e6, L: 131072, scaling: { type: 'yarn', factor: 4, originalContext: 32768 } },
  llama3: { dim: 128, base: 500000, L: 131072, scaling: { type: 'llama3', factor: 8, originalContext: 8192 } },
  'yarn-over': { dim: 128, base: 1e6, L: 262144, scaling: { type: 'yarn', factor: 4, originalContext: 32768 } },
};

function scaling(ml: MathLens): void {
  const select = el('scaling-preset') as HTMLSelectElement | null;
  const out = el('scaling-out');
  const table = el('scaling-table') as HTMLTableElement | null;
  const warnings = el('scaling-warnings');
  if (!select || !out || !table || !warnings) return;
  const show = () => {
    const s = SCALINGS[select.value] ?? SCALINGS.yarn;
    const r = ml.rope.contextScaling(s.dim, s.L, { base: s.base, scaling: s.scaling });
    out.textContent =
      lang === 'zh'
        ? `d = ${s.dim}，base = ${fmt(s.base, 6)}，L₀ = ${r.originalContext}，L = ${r.contextLength}：有效 base ${fmt(r.effectiveBase, 5)}，注意力因子 ${fmt(r.attentionFactor, 5)}，超出训练角度范围的维度对：${r.unseenCount} / ${r.theta.length}`
        : `d = ${s.dim}, base = ${fmt(s.base, 6)}, L₀ = ${r.originalContext}, L = ${r.contextLength}: effective base ${fmt(r.effectiveBase, 5)}, attention factor ${fmt(r.attentionFactor, 5)}, pairs beyond their trained angles: ${r.unseenCount} of ${r.theta.length}`;
    const head = lang === 'zh'
      ? ['i', '原波长', '缩放后波长', 'θᵢ/θ′ᵢ', 'L 内圈数', '未见过的角度']
      : ['i', 'wavelength', 'scaled', 'θᵢ/θ′ᵢ', 'turns in L', 'unseen'];
    const tr = (cells: string[], th = false) => {
      const row = document.createElement('tr');
      for (const c of cells) {
        const cell = document.createElement(th ? 'th' : 'td');
        cell.textContent = c;
        row.append(cell);
      }
      return row;
    };
    const rows = [tr(head, true)];
    for (const i of [0, 8, 16, 24, 32, 40, 44, 48, 52, 56, 60, 63])
      rows.push(tr([String(i), fmt(r.originalWavelength[i]), fmt(r.wavelength[i]), fmt(r.interpolation[i], 4), fmt(r.rotations[i], 4), r.unseen[i] ? '✗' : '✓']));
    table.replaceChildren(...rows);
    warnings.replaceChildren(
      ...r.warnings.map((w) => {
        const li = document.createElement('li');
        li.textContent = w;
        return li;
      }),
    );
  };
  select.addEventListener('change', show);
  onLang(show);
}

init().then((ml) => {
  conversion(ml);
  family(ml);
  reversibility(ml);
  scaling(ml);
});
