/** The Gaussian page: the widget plus preset buttons that set its p and q properties. */
import { lang, onLang } from '../site.js';
import { MathLensGaussian, type Normal2 } from '../../src/widgets/index.js';

// ---- presets of the Gaussian section ----
function rotated(angle: number, d1: number, d2: number): Normal2['cov'] {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const off = (d1 - d2) * c * s;
  return [
    [d1 * c * c + d2 * s * s, off],
    [off, d1 * s * s + d2 * c * c],
  ];
}

const PRESETS: Record<string, { p: Normal2; q: Normal2; en: string; zh: string }> = {
  worked: {
    p: { mean: [1, 2], cov: [[2, 0.5], [0.5, 1]] },
    q: { mean: [0, 0], cov: [[1, 0], [0, 3]] },
    en: 'The post’s two-dimensional example: KL(p‖q) = 1.60283, KL(q‖p) = 2.73050, W₂² = 5.80885.',
    zh: '原文的二维算例：KL(p‖q) = 1.60283，KL(q‖p) = 2.73050，W₂² = 5.80885。',
  },
  equal: {
    p: { mean: [1, -2], cov: [[2, 0.5], [0.5, 1]] },
    q: { mean: [0, 0], cov: [[2, 0.5], [0.5, 1]] },
    en: 'Equal covariances: KL = ½ΔᵀΣ⁻¹Δ = 22/7 in both directions, the Bhattacharyya distance is exactly a quarter of it (11/14), and W₂² = ‖Δ‖² = 5.',
    zh: '协方差相同：两个方向的 KL 都等于 ½ΔᵀΣ⁻¹Δ = 22/7，巴氏距离恰好是它的四分之一（11/14），W₂² = ‖Δ‖² = 5。',
  },
  commuting: {
    p: { mean: [1, -1], cov: rotated(0.3, 1, 4) },
    q: { mean: [0.5, 0.5], cov: rotated(0.3, 9, 0.25) },
    en: 'The axes are shared, so the covariances commute and W₂² = ‖Δ‖² + ‖Σp^½ − Σq^½‖²_F = 2.5 + 4 + 2.25 = 8.75.',
    zh: '两者主轴相同，协方差可交换，于是 W₂² = ‖Δ‖² + ‖Σp^½ − Σq^½‖²_F = 2.5 + 4 + 2.25 = 8.75。',
  },
  thin: {
    p: { mean: [0, 0], cov: [[1, 0], [0, 0.0004]] },
    q: { mean: [0, 0], cov: [[1, 0], [0, 1]] },
    en: 'p is nearly a line segment: KL(q‖p) ≈ 1246 explodes, KL(p‖q) ≈ 3.41, while W₂ = 0.98 — mass only has to move a little.',
    zh: 'p 几乎退化成一条线段：KL(q‖p) ≈ 1246，急剧变大；KL(p‖q) ≈ 3.41；而 W₂ = 0.98——概率质量只需挪动一点点。',
  },
  same: {
    p: { mean: [0.5, 0.5], cov: [[1.5, 0.6], [0.6, 1]] },
    q: { mean: [0.5, 0.5], cov: [[1.5, 0.6], [0.6, 1]] },
    en: 'p = q: every distance is 0 (and the Bhattacharyya coefficient is 1).',
    zh: 'p = q：所有距离都是 0（巴氏系数为 1）。',
  },
};

let preset: string | null = null;
const note = document.getElementById('preset-note');

function showPresetNote(): void {
  if (note) note.textContent = preset ? PRESETS[preset][lang] : '';
}

const widget = document.getElementById('gaussian-widget');
for (const b of document.querySelectorAll<HTMLButtonElement>('[data-preset]'))
  b.addEventListener('click', () => {
    const key = b.dataset.preset ?? '';
    const ps = PRESETS[key];
    if (!ps || !(widget instanceof MathLensGaussian)) return;
    widget.p = ps.p;
    widget.q = ps.q;
    preset = key;
    for (const o of document.querySelectorAll<HTMLButtonElement>('[data-preset]')) o.setAttribute('aria-pressed', String(o === b));
    showPresetNote();
  });

onLang(() => showPresetNote());
