/**
 * The matexp page: presets for the rank-one widget, the log det(I + M) series at a chosen spectral
 * radius, the product of two rank-one exponentials vs the exponential of the sum, and exp(A) of a
 * random matrix up to 512 × 512 in a module Worker.
 */
import { lang, onLang } from '../site.js';
import { init, MathLensError, type MathLens } from '../../src/index.js';
import { MathLensMatexp } from '../../src/widgets/index.js';
import type { LargeMessage, LargeRequest } from './matexp.worker.js';

const $ = (id: string) => document.getElementById(id);
const fmt = (x: number, digits = 6) => (Number.isFinite(x) ? Number(x.toPrecision(digits)).toString() : String(x)).replace('-', '−');

// ---- presets of the rank-one widget ----
const RANK_PRESETS: Record<string, { x: number[]; y: number[]; en: string; zh: string }> = {
  worked: {
    x: [1, 2, 3],
    y: [0.5, -1, 1],
    en: 'x = (1, 2, 3), y = (0.5, −1, 1): s = 1.5, φ = 2.321126, ψ = 0.5179132, det = e^1.5 = 4.481689; the plane shows the first two components.',
    zh: 'x = (1, 2, 3)，y = (0.5, −1, 1)：s = 1.5，φ = 2.321126，ψ = 0.5179132，det = e^1.5 = 4.481689；平面上显示的是前两个分量。',
  },
  orthogonal: {
    x: [1, 2, -1],
    y: [0.5, 0.25, 1],
    en: 'x ⟂ y: x yᵀ is nilpotent, exp(x yᵀ) = I + x yᵀ exactly, its inverse I − x yᵀ, det = 1.',
    zh: 'x ⟂ y：x yᵀ 是幂零矩阵，exp(x yᵀ) 恰好等于 I + x yᵀ，逆为 I − x yᵀ，det = 1。',
  },
  negative: {
    x: [1.2, -0.4],
    y: [-1, 0.8],
    en: 's = −1.52: the map shrinks areas by e^−1.52 = 0.219 but is still invertible.',
    zh: 's = −1.52：面积缩小为原来的 e^−1.52 = 0.219 倍，但依然可逆。',
  },
  plane: {
    x: [1, 0.5],
    y: [0.5, 1],
    en: 'In the plane: drag the tips of x and y.',
    zh: '平面上：拖动 x 和 y 的箭头端点。',
  },
};
let preset: string | null = null;
const note = $('rank-preset-note');
const showPresetNote = () => {
  if (note) note.textContent = preset ? RANK_PRESETS[preset][lang] : '';
};
const rankWidget = $('rank-widget');
for (const b of document.querySelectorAll<HTMLButtonElement>('[data-rank-preset]'))
  b.addEventListener('click', () => {
    const key = b.dataset.rankPreset ?? '';
    const p = RANK_PRESETS[key];
    if (!p || !(rankWidget instanceof MathLensMatexp)) return;
    rankWidget.x = p.x;
    rankWidget.y = p.y;
    preset = key;
    for (const o of document.querySelectorAll<HTMLButtonElement>('[data-rank-preset]')) o.setAttribute('aria-pressed', String(o === b));
    showPresetNote();
  });

// ---- the series demo and the product demo (main thread: 3 × 3 and 2 × 2) ----
const M = [[0.2, -0.1, 0.3], [0, 0.1, 0.2], [-0.1, 0.05, -0.3]];
let ml: MathLens | null = null;

function showSeries(): void {
  const out = $('series-out');
  const slider = $('series-rho') as HTMLInputElement | null;
  if (!ml || !out || !slider) return;
  const rho = Number(slider.value);
  const value = $('series-rho-value');
  if (value) value.textContent = rho.toFixed(2);
  const r0 = ml.matexp.spectrum(M);
  let radius = 0;
  for (let i = 0; i < 3; i++) radius = Math.max(radius, Math.hypot(r0.eigenvalues.re[i], r0.eigenvalues.im[i]));
  const scaled = M.map((row) => row.map((v) => (v * rho) / radius));
  try {
    const s = ml.matexp.logDetSeries(scaled, { maxTerms: 2000 });
    out.classList.remove('bad');
    out.textContent =
      lang === 'zh'
        ? `级数：${fmt(s.value, 15)}（${s.terms} 项，余项界 ${fmt(s.remainderBound, 2)}）；LU：${fmt(s.logDet, 15)}；差 ${fmt(s.difference, 2)}；‖M‖₂ = ${fmt(s.norm2, 4)}`
        : `series: ${fmt(s.value, 15)} (${s.terms} terms, remainder bound ${fmt(s.remainderBound, 2)}); LU: ${fmt(s.logDet, 15)}; difference ${fmt(s.difference, 2)}; ‖M‖₂ = ${fmt(s.norm2, 4)}`;
  } catch (e) {
    if (!(e instanceof MathLensError)) throw e;
    out.classList.add('bad');
    out.textContent = e.message;
  }
}

function showProduct(): void {
  const out = $('product-out');
  if (!ml || !out) return;
  const a = ml.matexp.expRankOne([1, 0], [0, 1]).exp.data;
  const b = ml.matexp.expRankOne([0, 1], [1, 0]).exp.data;
  const prod = [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3], a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3]];
  const sum = ml.matexp.expm([[0, 1], [1, 0]]).data;
  const diff = Math.max(...prod.map((v, k) => Math.abs(v - sum[k])));
  const m = (d: ArrayLike<number>) => `[[${fmt(d[0])}, ${fmt(d[1])}], [${fmt(d[2])}, ${fmt(d[3])}]]`;
  out.textContent =
    lang === 'zh'
      ? `e^{e₁e₂ᵀ} e^{e₂e₁ᵀ} = ${m(prod)}，e^{e₁e₂ᵀ + e₂e₁ᵀ} = ${m(sum)}，最大差 ${fmt(diff, 16)}`
      : `e^{e₁e₂ᵀ} e^{e₂e₁ᵀ} = ${m(prod)}, e^{e₁e₂ᵀ + e₂e₁ᵀ} = ${m(sum)}, largest difference ${fmt(diff, 16)}`;
}

$('series-rho')?.addEventListener('input', showSeries);
init().then((loaded) => {
  ml = loaded;
  showSeries();
  showProduct();
});

// ---- 512 × 512 in a worker ----
let worker: Worker | null = null;
let request = 0;
let last: LargeMessage | null = null;

function showLarge(): void {
  const out = $('large-out');
  const bar = $('large-progress') as HTMLProgressElement | null;
  if (!out || !bar || !last) return;
  const m = last;
  if (m.type === 'progress') {
    bar.hidden = false;
    bar.value = m.step;
    const en = { matrix: 'building the matrix…', expm: 'computing exp(A)…', identity: 'checking det(exp A) = exp(tr A)…' };
    const zh = { matrix: '生成矩阵…', expm: '计算 exp(A)…', identity: '检验 det(exp A) = exp(tr A)…' };
    out.textContent = (lang === 'zh' ? zh : en)[m.label];
  } else if (m.type === 'error') {
    bar.hidden = true;
    out.textContent = m.message;
  } else {
    bar.hidden = true;
    out.textContent =
      lang === 'zh'
        ? `n = ${m.n}：exp(A) 用时 ${fmt(m.expmMs, 3)} ms（Padé 阶数 ${m.degree}，平方 ${m.squarings} 次，路线 ${m.route}${m.balanced ? '，已平衡' : ''}，‖A‖₁ = ${fmt(m.norm1, 4)}）；` +
          `log|det exp A| = ${fmt(m.logAbsDet, 15)}，tr A = ${fmt(m.trace, 15)}，相对差 ${fmt(m.relativeDifference, 2)}（检验用时 ${fmt(m.detMs, 3)} ms）`
        : `n = ${m.n}: exp(A) in ${fmt(m.expmMs, 3)} ms (Padé degree ${m.degree}, ${m.squarings} squarings, route ${m.route}${m.balanced ? ', balanced' : ''}, ‖A‖₁ = ${fmt(m.norm1, 4)}); ` +
          `log|det exp A| = ${fmt(m.logAbsDet, 15)}, tr A = ${fmt(m.trace, 15)}, relative difference ${fmt(m.relativeDifference, 2)} (check in ${fmt(m.detMs, 3)} ms)`;
  }
  out.dataset.state = m.type;
}

$('large-run')?.addEventListener('click', () => {
  const n = Number(($('large-n') as HTMLSelectElement | null)?.value ?? 256);
  if (!worker) {
    worker = new Worker(new URL('./matexp.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<LargeMessage>) => {
      if (e.data.id !== request) return;
      last = e.data;
      showLarge();
    };
    worker.onerror = (e) => {
      last = { type: 'error', id: request, message: e.message || 'worker error' };
      showLarge();
    };
  }
  request++;
  last = { type: 'progress', id: request, step: 0, label: 'matrix' };
  showLarge();
  worker.postMessage({ id: request, n } satisfies LargeRequest);
});

onLang(() => {
  showPresetNote();
  showSeries();
  showProduct();
  showLarge();
});
