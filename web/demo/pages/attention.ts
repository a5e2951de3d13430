/**
 * The Nyström page: preset buttons that set the widget's attributes, and the live table of the
 * iterative pseudo-inverse on the post's 6 × 6 example (MATH.md §5 d).
 */
import './attention.css';
import { lang, onLang } from '../site.js';
import { init, toRows } from '../../src/index.js';
import '../../src/widgets/index.js';

// The post's example: no scaling, n = 6, d = 2, m = 3.
const Q = '1 0; 0 1; 1 1; -1 0; 0 -1; 2 1';
const K = '1 1; 2 0; 0 -1; -1 2; 1 -2; 0 0';
const V = '1 0; 0 1; 1 1; 2 -1; -1 3; 0.5 0.5';

interface Preset {
  attrs: Record<string, string | null>;
  en: string;
  zh: string;
}
const RESET: Record<string, null> = { q: null, k: null, v: null, scale: null, pinv: null, iterations: null, init: null };
const PRESETS: Record<string, Preset> = {
  clustered: {
    attrs: { ...RESET, structure: 'clustered', n: '128', d: '32', method: 'nystrom', landmarks: '16' },
    en: 'Eight topics in a row, 16 landmarks: attention is nearly block-diagonal and the segment means sit on the cluster centres.',
    zh: '连续的八个话题、16 个地标：Attention 近似分块对角，分段平均正好落在各簇中心。',
  },
  random: {
    attrs: { ...RESET, structure: 'random', n: '128', d: '32', method: 'nystrom', landmarks: '16' },
    en: 'Without structure, segment means of random vectors are all close to 0: A is nearly uniform and badly conditioned, and the approximation is poor.',
    zh: '没有结构时，随机向量的分段平均都接近 0：A 几乎是均匀的、严重病态，近似效果很差。',
  },
  worked: {
    attrs: { ...RESET, q: Q, k: K, v: V, scale: 'none', method: 'nystrom', landmarks: '3', pinv: 'svd' },
    en: 'The post’s example (MATH.md §5): with the exact inverse, row 0 matches exact attention because q₀ equals the landmark q̃₂; set the pseudo-inverse to “iterative” to see what 6 steps give.',
    zh: '原文的算例（MATH.md §5）：用精确的逆，第 0 行与精确 Attention 一致，因为 q₀ 恰好等于地标 q̃₂；把伪逆改成“迭代”看看 6 步的结果。',
  },
  exactpinv: {
    attrs: { ...RESET, structure: 'clustered', n: '128', d: '32', method: 'nystrom', landmarks: '16', pinv: 'svd' },
    en: 'The same 16 landmarks with the exact pseudo-inverse: two landmarks per cluster make A ill-conditioned (condition ≈ 194), A⁺ amplifies their small differences, and the output error grows from 0.22 to 0.36 — here the paper’s 6 iterations act as a regulariser.',
    zh: '同样 16 个地标，改用精确伪逆：每个簇有两个地标，A 严重病态（条件数 ≈ 194），A⁺ 放大了它们之间的细微差别，输出误差从 0.22 增大到 0.36——在这里，论文的 6 步迭代反而起了正则化的作用。',
  },
  mn: {
    attrs: { ...RESET, structure: 'clustered', n: '128', d: '32', method: 'nystrom', landmarks: '128', pinv: 'svd' },
    en: '128 landmarks for 128 tokens: the landmarks are the tokens, A⁺ = A⁻¹, and the approximation is exact up to rounding — the requirement from which the formula is derived.',
    zh: '128 个 token 取 128 个地标：地标就是 token 本身，A⁺ = A⁻¹，近似在舍入误差范围内是精确的——这正是推导公式时提出的要求。',
  },
  performer: {
    attrs: { ...RESET, structure: 'clustered', n: '128', d: '32', method: 'performer', features: '64' },
    en: 'The Performer estimates exp(qᵀk) with 64 positive random features: unbiased but noisy, and the noise grows with ‖q‖² + ‖k‖².',
    zh: 'Performer 用 64 个正随机特征估计 exp(qᵀk)：无偏但有噪声，而且噪声随 ‖q‖² + ‖k‖² 增大。',
  },
};

const widget = document.getElementById('attention-widget');
const note = document.getElementById('preset-note');
let preset: string | null = null;

function showPresetNote(): void {
  if (note) note.textContent = preset ? PRESETS[preset][lang] : '';
}

for (const b of document.querySelectorAll<HTMLButtonElement>('[data-preset]'))
  b.addEventListener('click', () => {
    const key = b.dataset.preset ?? '';
    const p = PRESETS[key];
    if (!p || !widget) return;
    for (const [name, value] of Object.entries(p.attrs))
      if (value === null) widget.removeAttribute(name);
      else widget.setAttribute(name, value);
    preset = key;
    for (const o of document.querySelectorAll<HTMLButtonElement>('[data-preset]')) o.setAttribute('aria-pressed', String(o === b));
    showPresetNote();
  });
onLang(() => showPresetNote());

// ---- the live pseudo-inverse table ----
const AINV = [
  [5.31221800322409, -2.522028871088913, -1.7901891321351766],
  [1.8261405821583991, 2.1253823185690703, -2.951522900727469],
  [-15.111905243841958, 6.073700791499217, 10.03820445234274],
];
const rowsOf = (text: string) => text.split(';').map((r) => r.trim().split(/\s+/).map(Number));

init().then((ml) => {
  const tbody = document.getElementById('pinv-rows');
  if (!tbody) return;
  const [q, k, v] = [rowsOf(Q), rowsOf(K), rowsOf(V)];
  // A = softmax(Q̃K̃ᵀ): the exact attention of the landmarks on the key landmarks.
  const qt = ml.attention.landmarks(q, 3);
  const kt = ml.attention.landmarks(k, 3);
  const a = ml.attention.exact(qt, kt, [[0], [0], [0]], { scale: false, matrix: true }).matrix!;
  const fmt = (x: number, digits = 4) => (Math.abs(x) < 1e-4 && x !== 0 ? x.toExponential(1) : x.toPrecision(digits)).replace('-', '−');
  const rows: HTMLTableRowElement[] = [];
  for (const iterations of [0, 1, 2, 3, 4, 5, 6, 8, 10, 12]) {
    const p = ml.attention.pinv(a, { iterations });
    const inv = toRows(p.inverse);
    const maxDiff = Math.max(...inv.flatMap((r, i) => r.map((x, j) => Math.abs(x - AINV[i][j]))));
    const out = ml.attention.nystrom(q, k, v, { scale: false, landmarks: 3, iterations }).output.data;
    const tr = document.createElement('tr');
    if (maxDiff < 1e-10) tr.className = 'converged';
    tr.dataset.iterations = String(iterations);
    for (const text of [String(iterations), fmt(p.residual), fmt(maxDiff), `(${fmt(out[0], 6)}, ${fmt(out[1], 6)})`]) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.append(td);
    }
    rows.push(tr);
  }
  tbody.replaceChildren(...rows);
});
