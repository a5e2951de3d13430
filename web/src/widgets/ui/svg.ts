/**
 * Small SVG helpers for the plots: element creation, a square world→screen view with y up, a light
 * grid with axes and tick labels, and pointer coordinates.
 * @module
 */

export const SVG_NS = 'http://www.w3.org/2000/svg';

export type Attrs = Record<string, string | number>;

const round = (x: number) => Math.round(x * 100) / 100;

/** Sets attributes, rounding numbers to 0.01 (screen units). */
export function setAttrs(el: Element, attrs: Attrs): void {
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, typeof v === 'number' ? String(round(v)) : v);
}

export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  parent?: Element,
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  parent?.append(el);
  return el;
}

/** A square view: world point (cx, cy) at the centre of a size × size screen, `span` world units wide, y up. */
export interface View {
  cx: number;
  cy: number;
  span: number;
  size: number;
}

export function toScreen(v: View, x: number, y: number): [number, number] {
  const s = v.size / v.span;
  return [(x - v.cx) * s + v.size / 2, v.size / 2 - (y - v.cy) * s];
}

export function toWorld(v: View, sx: number, sy: number): [number, number] {
  const s = v.span / v.size;
  return [(sx - v.size / 2) * s + v.cx, (v.size / 2 - sy) * s + v.cy];
}

/** Bounds [xmin, ymin, xmax, ymax]. */
export type Bounds = [number, number, number, number];

/** The view that shows `b` with a margin (`pad` = fraction of the span on each side). */
export function fitView(b: Bounds, size: number, pad = 0.08): View {
  const w = Math.max(b[2] - b[0], b[3] - b[1], 1e-9);
  return { cx: (b[0] + b[2]) / 2, cy: (b[1] + b[3]) / 2, span: w * (1 + 2 * pad), size };
}

/** Whether the view shows `b` comfortably: inside, and not a speck (smaller than `minFill` of the span). */
export function viewShows(v: View, b: Bounds, minFill = 0.35): boolean {
  const h = v.span / 2;
  const inside = b[0] >= v.cx - h && b[2] <= v.cx + h && b[1] >= v.cy - h && b[3] <= v.cy + h;
  return inside && Math.max(b[2] - b[0], b[3] - b[1]) >= minFill * v.span;
}

/** A 1-2-5 step giving about `target` intervals over `span`. */
export function niceStep(span: number, target = 8): number {
  const raw = span / target;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

function tickLabel(x: number, step: number): string {
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return (Math.abs(x) < step / 2 ? 0 : x).toFixed(decimals).replace('-', '−');
}

/** Redraws grid lines, the x/y axes (when visible) and tick labels into `g`; returns the grid step. */
export function drawGrid(g: SVGGElement, v: View): number {
  g.replaceChildren();
  const step = niceStep(v.span);
  const h = v.span / 2;
  const [x0, x1, y0, y1] = [v.cx - h, v.cx + h, v.cy - h, v.cy + h];
  const lines = svg('g', { class: 'grid-lines' }, g);
  const axes = svg('g', { class: 'axes' }, g);
  const labels = svg('g', { class: 'ticks' }, g);
  for (let k = Math.ceil(x0 / step); k * step <= x1; k++) {
    const [sx] = toScreen(v, k * step, 0);
    svg('line', { x1: sx, y1: 0, x2: sx, y2: v.size }, k === 0 ? axes : lines);
    if (k !== 0 || !(y0 < 0 && y1 > 0)) svg('text', { x: sx + 3, y: v.size - 4 }, labels).textContent = tickLabel(k * step, step);
  }
  for (let k = Math.ceil(y0 / step); k * step <= y1; k++) {
    const [, sy] = toScreen(v, 0, k * step);
    svg('line', { x1: 0, y1: sy, x2: v.size, y2: sy }, k === 0 ? axes : lines);
    svg('text', { x: 3, y: sy - 3 }, labels).textContent = tickLabel(k * step, step);
  }
  return step;
}

/** Client (CSS pixel) coordinates → the svg's user units. */
export function clientToSvg(el: SVGSVGElement, clientX: number, clientY: number): [number, number] {
  const m = el.getScreenCTM();
  if (!m) return [0, 0];
  const p = new DOMPoint(clientX, clientY).matrixTransform(m.inverse());
  return [p.x, p.y];
}
