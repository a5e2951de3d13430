/**
 * The cost-model page: the post's conclusion restated with the numbers of the model chosen in the
 * widget (its crossovers, the per-n table of spec/MATH.md §1 for that model, linear attention's
 * break-even for its head size, Kaplan's estimate). Everything is written with textContent.
 */
import { onLang } from '../site.js';
import { init, type LayerCost, type MathLens } from '../../src/index.js';
import { MathLensFlops } from '../../src/widgets/index.js';

const widget = document.getElementById('flops-widget');
let ml: MathLens | null = null;
let last: LayerCost | null = null;
let lang: 'en' | 'zh' = 'en';

const fmt = (x: number) => x.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-US', { maximumFractionDigits: 0 });
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function setLive(name: string, text: string): void {
  for (const el of document.querySelectorAll<HTMLElement>(`[data-live="${name}"]`)) el.textContent = text;
}

function crossing(r: LayerCost, key: string): string {
  const c = r.crossovers.find((x) => x.key === key);
  if (!c || c.firstN === null) return lang === 'zh' ? '∞（不会）' : '∞ (never)';
  return fmt(c.firstN - 1);
}

function update(): void {
  if (!ml || !last || !(widget instanceof MathLensFlops)) return;
  const r = last;
  const c = r.config;
  const o = widget.options;
  const presetName = widget.shareState().preset;
  const preset = ml.flops.presets().find((p) => p.name === presetName);
  const model = preset?.label ?? (lang === 'zh' ? '自定义模型' : 'the custom model');
  // The post's argument is about standard attention: evaluate it for this model even when the
  // widget shows a variant.
  const std = ml.flops.layer({ ...o, variant: 'standard', featureMultiple: 4 });
  const ctx = preset?.context ?? c.n;
  const atCtx = ml.flops.layer({ ...o, variant: 'standard', n: ctx });
  setLive('model', model);
  setLive('hidden', fmt(c.hidden));
  setLive('x1', crossing(std, 'attentionFfn'));
  setLive('x2', crossing(std, 'quadraticLinear'));
  setLive('ctx', fmt(ctx));
  setLive('qctx', pct(atCtx.shares.quadratic));
  const small = atCtx.shares.quadratic < 0.25;
  setLive('verdict-en', small ? ': at that length, quadratic attention is not what makes it slow.' : ': at that length the quadratic term does matter.');
  setLive('verdict-zh', small ? '：在这个长度上，拖慢它的并不是平方复杂度的 Attention。' : '：在这个长度上，平方项确实不可忽略。');
  const d = c.headSize;
  setLive('d', `d = ${fmt(d)}`);
  const lin1 = ml.flops.layer({ ...o, variant: 'standard', featureMultiple: 1 });
  setLive('lin1', `n > ${crossing(lin1, 'linearCore')}`);
  setLive('lin4', `n > ${crossing(std, 'linearCore')}`);
  setLive('n', fmt(c.n));
  setLive('kaplan', fmt(r.kaplan.flopsPerToken));
  setLive('ours', fmt(Math.round(r.model.flopsPerToken)));
  const ratio = r.model.flopsPerToken / r.kaplan.flopsPerToken;
  setLive('kaplan-note-en', `${(ratio * 100).toFixed(1)}% of Kaplan’s; ${c.causal ? 'causal, as Kaplan assumes' : 'without a causal mask every query sees all n keys, which doubles the context term'}`);
  setLive('kaplan-note-zh', `为 Kaplan 估计的 ${(ratio * 100).toFixed(1)}%；${c.causal ? '与 Kaplan 一样按因果掩码计' : '没有因果掩码时每个 query 都看到全部 n 个 key，上下文项翻倍'}`);

  // The per-n table of MATH.md §1, for this model (one sequence), with its two crossovers.
  const x1 = std.crossovers.find((x) => x.key === 'attentionFfn')?.closedForm;
  const x2 = std.crossovers.find((x) => x.key === 'quadraticLinear')?.closedForm;
  const ns = [...new Set([128, 512, 8192, ...[x1, x2].filter((x): x is number => !!x && Number.isInteger(x) && x <= 1048576)])].sort((a, b) => a - b);
  const s = ml.flops.sweep({ ...o, variant: 'standard', batch: 1 }, ns);
  const rows = ns.map((n, i) => {
    const sa = s.macs.projections[i] + s.macs.attentionCore[i];
    const ffn = s.macs.ffn[i];
    const tr = document.createElement('tr');
    if (n === x1 || n === x2) tr.className = 'cross';
    for (const text of [fmt(n), fmt(sa), fmt(ffn), fmt(s.macs.total[i]), (sa / ffn).toFixed(6), s.shares.quadratic[i].toFixed(6)]) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.append(td);
    }
    return tr;
  });
  document.querySelector('#per-n tbody')?.replaceChildren(...rows);
}

widget?.addEventListener('change', (e) => {
  last = (e as CustomEvent<LayerCost>).detail;
  update();
});

onLang((l) => {
  lang = l;
  update();
});

init().then((m) => {
  ml = m;
  if (widget instanceof MathLensFlops && widget.result) last = widget.result;
  update();
});
