/**
 * The orthogonal-map page: presets that set the widget's a, b and construction, the post's numpy
 * check computed live, and an O(d) apply at d = 10⁶ on demand.
 */
import { lang, onLang } from '../site.js';
import { init } from '../../src/index.js';
import { MathLensOrthogonal } from '../../src/widgets/index.js';
import type { OrthogonalConstruction } from '../../src/orthogonal.js';

const widget = document.getElementById('orthogonal-widget');

// ---- presets ----
interface Preset {
  a: number[];
  b: number[];
  construction: OrthogonalConstruction;
  en: string;
  zh: string;
}
const t = 1e-7; // angle between b and −a for the "nearly" preset
const A3 = [1 / 3, 2 / 3, 2 / 3];
const W3 = [2 / Math.sqrt(5), -1 / Math.sqrt(5), 0]; // ⟂ A3
const PRESETS: Record<string, Preset> = {
  worked: {
    a: [1, 2, 2],
    b: [2, -1, 2],
    construction: 'rotation',
    en: 'a = (1,2,2)/3, b = (2,−1,2)/3: the minimal rotation is exactly (1/117)·[[88, 77, −4], [−53, 56, −88], [−56, 68, 77]] (88/117 = 0.752137); switch to Householder for [[0.8, 0.6, 0], [0.6, −0.8, 0], [0, 0, 1]].',
    zh: 'a = (1,2,2)/3，b = (2,−1,2)/3：最小旋转恰好是 (1/117)·[[88, 77, −4], [−53, 56, −88], [−56, 68, 77]]（88/117 = 0.752137）；切换到 Householder 则得到 [[0.8, 0.6, 0], [0.6, −0.8, 0], [0, 0, 1]]。',
  },
  plane: {
    a: [1, 0],
    b: [0.6, 0.8],
    construction: 'rotation',
    en: 'In the plane: the rotation [[0.6, −0.8], [0.8, 0.6]]; the Householder reflection and the post’s T are the same matrix here, [[0.6, 0.8], [0.8, −0.6]].',
    zh: '平面上：旋转为 [[0.6, −0.8], [0.8, 0.6]]；在二维中，Householder 反射与原文的 T 是同一个矩阵 [[0.6, 0.8], [0.8, −0.6]]。',
  },
  minus: {
    a: [1, 2, 2],
    b: [-1, -2, -2],
    construction: 'rotation',
    en: 'b = −a: the plane is not determined; mathlens turns the plane of a and the x-axis (the axis least aligned with a) by 180°, which gives exactly [[−1, 0, 0], [0, 0, −1], [0, −1, 0]].',
    zh: 'b = −a：平面不确定；mathlens 把 a 与 x 轴（与 a 最不共线的坐标轴）张成的平面转 180°，结果恰好是 [[−1, 0, 0], [0, 0, −1], [0, −1, 0]]。',
  },
  near: {
    a: A3,
    b: A3.map((x, i) => -Math.cos(t) * x + Math.sin(t) * W3[i]),
    construction: 'rotation',
    en: 'b is 10⁻⁷ radians from −a: T is still orthogonal to 10⁻¹⁶ and maps a to b, but it now depends sensitively on the inputs — the warning says by how much.',
    zh: 'b 与 −a 只差 10⁻⁷ 弧度：T 依然在 10⁻¹⁶ 量级上正交并把 a 映到 b，但此时它对输入非常敏感——提示给出了敏感的程度。',
  },
  same: {
    a: [1, 2, 2],
    b: [1, 2, 2],
    construction: 'householder',
    en: 'b = a with the Householder construction: the mirror must contain a but is otherwise free; mathlens keeps det T = −1 with a mirror orthogonal to the x-axis direction (made orthogonal to a).',
    zh: 'b = a 且用 Householder 构造：镜面必须包含 a，其余方向可以任选；mathlens 取与 x 轴方向（正交化到 a 之后）垂直的镜面，保持 det T = −1。',
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
    if (!p || !(widget instanceof MathLensOrthogonal)) return;
    widget.a = p.a;
    widget.b = p.b;
    widget.construction = p.construction;
    preset = key;
    for (const o of document.querySelectorAll<HTMLButtonElement>('[data-preset]')) o.setAttribute('aria-pressed', String(o === b));
    showPresetNote();
  });
onLang(() => showPresetNote());

// ---- the post's numpy check and the d = 10⁶ map ----
const fmt = (x: number, digits = 12) => x.toPrecision(digits).replace('-', '−');
const sci = (x: number) => (x === 0 ? '0' : x.toExponential(1).replace('-', '−'));

init().then((ml) => {
  const a = [1, 2, 3, 4, 5];
  const b = [9, 8, 7, 6, 5];
  const y = ml.orthogonal.apply(a, b, a, { construction: 'simplest' });
  const ratio = Math.sqrt(55 / 255);
  const cells = document.querySelectorAll('#post-ratio td');
  let worst = 0;
  y.forEach((v, i) => {
    if (cells[i]) cells[i].textContent = fmt(v / b[i]);
    worst = Math.max(worst, Math.abs(v / b[i] - ratio));
  });
  const summary = document.getElementById('post-summary');
  const showSummary = () => {
    if (summary)
      summary.textContent =
        lang === 'zh'
          ? `√(55/255) = ${fmt(ratio, 15)}；最大偏差 ${sci(worst)}`
          : `√(55/255) = ${fmt(ratio, 15)}; largest deviation ${sci(worst)}`;
  };
  onLang(showSummary);

  const button = document.getElementById('million');
  const out = document.getElementById('million-result');
  let last: { ms: number; norm: number; residual: number } | null = null;
  const show = () => {
    if (!out || !last) return;
    out.textContent =
      lang === 'zh'
        ? `d = 1,000,000：T x 用时 ${last.ms.toFixed(1)} ms；| ‖Tx‖/‖x‖ − 1 | = ${sci(last.norm)}；‖T â − b̂‖ = ${sci(last.residual)}`
        : `d = 1,000,000: T x in ${last.ms.toFixed(1)} ms; | ‖Tx‖/‖x‖ − 1 | = ${sci(last.norm)}; ‖T â − b̂‖ = ${sci(last.residual)}`;
  };
  onLang(show);
  button?.addEventListener('click', () => {
    const d = 1_000_000;
    const [u, v, x] = [new Float64Array(d), new Float64Array(d), new Float64Array(d)];
    for (let i = 0; i < d; i++) {
      u[i] = Math.random() - 0.5;
      v[i] = Math.random() - 0.5;
      x[i] = Math.random() - 0.5;
    }
    const t0 = performance.now();
    const tx = ml.orthogonal.apply(u, v, x);
    const ms = performance.now() - t0;
    const norm2 = (z: Float64Array) => Math.sqrt(z.reduce((s, w) => s + w * w, 0));
    const nu = norm2(u);
    const nv = norm2(v);
    const ta = ml.orthogonal.apply(u, v, u.map((w) => w / nu));
    let r = 0;
    for (let i = 0; i < d; i++) r += (ta[i] - v[i] / nv) ** 2;
    last = { ms, norm: Math.abs(norm2(tx) / norm2(x) - 1), residual: Math.sqrt(r) };
    show();
  });
});
