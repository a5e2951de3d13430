/**
 * The repetition page: presets for the matrix widget, the character/word comparison of the text
 * widget's text (in a worker), and an n = 2000 analysis in a worker with progress (MATH.md §6).
 */
import './repetition.css';
import { lang, onLang } from '../site.js';
import '../../src/widgets/index.js';
import { MathLensRepetition, RepetitionWorkerClient, type TextReport } from '../../src/widgets/index.js';
import type { RepetitionAnalysis, SparseTransitionMatrix } from '../../src/index.js';

// ---- presets of the matrix widget ----
interface Preset {
  matrix: string;
  decoding: { temperature?: number; topK?: number; topP?: number; greedy?: boolean };
  en: string;
  zh: string;
}
const WORKED = '0.5 0.3 0.1; 0.2 0.2 0.5; 0.4 0.4 0.1';
const PLAIN = {};
const PRESETS: Record<string, Preset> = {
  worked: {
    matrix: WORKED,
    decoding: PLAIN,
    en: 'The post’s example, each row leaving 0.1 to EOS: R = 0.512720, ρ(S) = 0.340199, and R lies between the rigorous 0.419271 and n ρ/(1 − ρ) = 1.54682.',
    zh: '原文的算例，每行留 0.1 给 EOS：R = 0.512720，ρ(S) = 0.340199，R 介于严格下界 0.419271 与 n ρ/(1 − ρ) = 1.54682 之间。',
  },
  top2: {
    matrix: WORKED,
    decoding: { topK: 2 },
    en: 'Top-2 keeps two entries per row (EOS is dropped everywhere): R more than doubles to 1.14095.',
    zh: 'Top-2 每行只留两个元素（EOS 全被去掉）：R 翻了一倍多，变成 1.14095。',
  },
  greedy: {
    matrix: WORKED,
    decoding: { greedy: true },
    en: 'Greedy: w1’s argmax is w1 itself, a deterministic loop — R = ∞, and every simulated sequence from w1 repeats.',
    zh: '贪心解码：w1 的 argmax 就是 w1 自己，形成确定性的环——R = ∞，从 w1 出发的每条模拟序列都在重复。',
  },
  peaked: {
    matrix: '0.02 0.9 0.03 0.02; 0.4 0.02 0.3 0.2; 0.3 0.3 0.2 0.1; 0.25 0.25 0.25 0.15',
    decoding: PLAIN,
    en: 'Row w1 is almost one-hot (like 忐 → 忑): its Σⱼ P₁ⱼ² = 0.81 lifts ρ(S). Lower the 0.9 in the editor and watch R fall.',
    zh: 'w1 这一行近乎 one-hot（就像 忐 → 忑）：它的 Σⱼ P₁ⱼ² = 0.81 抬高了 ρ(S)。在编辑器里把 0.9 调小，看 R 如何下降。',
  },
  flat: {
    matrix: '0.225 0.225 0.225 0.225; 0.225 0.225 0.225 0.225; 0.225 0.225 0.225 0.225; 0.225 0.225 0.225 0.225',
    decoding: PLAIN,
    en: 'Uniform rows minimise Σⱼ Pᵢⱼ² for a given row sum: ρ(S) = 4 · 0.225² = 0.2025 and R = 0.2025/0.7975 = 0.253918.',
    zh: '行和固定时，均匀的行使 Σⱼ Pᵢⱼ² 最小：ρ(S) = 4 · 0.225² = 0.2025，R = 0.2025/0.7975 = 0.253918。',
  },
};

let preset: string | null = null;
const note = document.getElementById('preset-note');
const showPresetNote = () => {
  if (note) note.textContent = preset ? PRESETS[preset][lang] : '';
};
const widget = document.getElementById('repetition-widget');
for (const b of document.querySelectorAll<HTMLButtonElement>('[data-preset]'))
  b.addEventListener('click', () => {
    const key = b.dataset.preset ?? '';
    const p = PRESETS[key];
    if (!p || !(widget instanceof MathLensRepetition)) return;
    // Properties (not attributes): they also reset what the reader changed with the sliders and editor.
    widget.matrix = p.matrix.split(';').map((r) => r.trim().split(/\s+/).map(Number));
    widget.decoding = { temperature: 1, topK: 0, topP: 1, greedy: false, ...p.decoding };
    preset = key;
    for (const o of document.querySelectorAll<HTMLButtonElement>('[data-preset]')) o.setAttribute('aria-pressed', String(o === b));
    showPresetNote();
  });
onLang(() => showPresetNote());

// ---- characters versus words on the text widget's text ----
const fmt = (x: number, d = 4) => (Number.isFinite(x) ? (Math.abs(x) < 1e-3 && x !== 0 ? x.toExponential(d - 1) : x.toPrecision(d)) : '∞');
const client = new RepetitionWorkerClient();
const textWidget = document.getElementById('text-widget');
let compareRun = 0;

async function compare(): Promise<void> {
  if (!(textWidget instanceof MathLensRepetition)) return;
  const run = ++compareRun;
  const text = textWidget.text;
  for (const level of ['char', 'word'] as const) {
    let plain: TextReport;
    let greedy: TextReport;
    try {
      plain = await client.textReport(text, { level });
      greedy = await client.textReport(text, { level, decoding: { greedy: true } });
    } catch {
      return; // the widget shows the error
    }
    if (run !== compareRun) return;
    const a: RepetitionAnalysis = plain.analysis;
    const g = greedy.analysis;
    const v = greedy.model.vocabulary;
    const show = (t: string) => (t === ' ' ? '␣' : t);
    const loops = g.divergent ? g.cycles.slice(0, 3).map((c) => [...c, c[0]].map((i) => show(v[i])).join('→')).join('  ') : '—';
    const cells = document.querySelectorAll<HTMLTableCellElement>(`#compare tr[data-level="${level}"] td`);
    const values = [String(a.n), fmt(a.rate), fmt(a.rate / a.n), fmt(a.spectralRadius), loops];
    cells.forEach((c, i) => (c.textContent = values[i]));
  }
}
if (textWidget) {
  let timer = 0;
  textWidget.addEventListener('change', () => {
    clearTimeout(timer);
    timer = window.setTimeout(() => void compare(), 300);
  });
}

// ---- n = 2000 in a worker ----
/** A random sparse chain: `succ` successors per token with random weights, EOS 0.05 per row (seeded). */
function randomChain(n: number, succ: number, seed: number): SparseTransitionMatrix {
  let s = seed >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const row: number[] = [];
  const col: number[] = [];
  const value: number[] = [];
  for (let i = 0; i < n; i++) {
    const cols = new Set<number>();
    while (cols.size < succ) cols.add(Math.floor(rand() * n));
    const w = [...cols].map(() => rand() ** 3 + 1e-3);
    const total = w.reduce((a, b) => a + b, 0);
    [...cols].forEach((j, k) => {
      row.push(i);
      col.push(j);
      value.push((0.95 * w[k]) / total);
    });
  }
  return { rows: n, cols: n, row, col, value };
}

const runButton = document.getElementById('scale-run') as HTMLButtonElement | null;
const bar = document.getElementById('scale-bar');
const status = document.getElementById('scale-status');
const result = document.getElementById('scale-result');
const nSelect = document.getElementById('scale-n') as HTMLSelectElement | null;
const STAGES: Record<string, { en: string; zh: string }> = {
  transform: { en: 'preparing', zh: '准备' },
  factorize: { en: 'factorizing I − S', zh: '分解 I − S' },
  'spectral radius': { en: 'spectral radius', zh: '谱半径' },
  series: { en: 'lower bounds', zh: '下界' },
  done: { en: 'done', zh: '完成' },
};
runButton?.addEventListener('click', async () => {
  const n = Number(nSelect?.value ?? 2000);
  runButton.disabled = true;
  if (result) result.hidden = true;
  const chain = randomChain(n, 20, 2021);
  const t0 = performance.now();
  try {
    const a = await client.call<RepetitionAnalysis>('analyze', [chain, {}], (f, stage) => {
      if (bar) bar.style.width = `${Math.round(f * 100)}%`;
      const st = STAGES[stage]?.[lang] ?? stage;
      if (status) status.textContent = `${Math.round(f * 100)}% — ${st}`;
    });
    const ms = performance.now() - t0;
    if (bar) bar.style.width = '100%';
    if (status) status.textContent = lang === 'zh' ? `n = ${n}：完成` : `n = ${n}: done`;
    const set = (k: string, v: string) => {
      const el = result?.querySelector(`[data-k="${k}"]`);
      if (el) el.textContent = v;
    };
    set('rate', fmt(a.rate, 8));
    set('rho', `${fmt(a.spectralRadius, 8)} ∈ [${fmt(a.spectralRadiusBracket[0], 12)}, ${fmt(a.spectralRadiusBracket[1], 12)}]`);
    set('bracket', `[${fmt(a.rateBracket[0], 5)}, ${fmt(a.rateBracket[1], 5)}]`);
    set('time', `${(ms / 1000).toFixed(2)} s`);
    if (result) {
      result.hidden = false;
      result.dataset.n = String(n);
    }
  } catch (e) {
    if (status) status.textContent = String((e as Error).message);
  } finally {
    runButton.disabled = false;
  }
});
