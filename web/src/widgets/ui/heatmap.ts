/**
 * Heatmaps of matrices on a <canvas>: one pixel per entry, scaled up crisply by CSS. Sequential
 * (viridis-like) or diverging (blue–white–red, symmetric around 0) colour scales.
 * @module
 */

export type ColorScheme = 'sequential' | 'diverging';

export interface HeatmapOptions {
  rows: number;
  cols: number;
  /** Row-major values; non-finite entries are drawn transparent. */
  data: ArrayLike<number>;
  /** Colour range; defaults to the data's range (diverging: ±max|x|). */
  min?: number;
  max?: number;
  scheme?: ColorScheme;
}

// Anchors of the scales (r, g, b), interpolated linearly.
const SEQUENTIAL = [
  [68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37],
];
const DIVERGING = [
  [33, 102, 172], [146, 197, 222], [247, 247, 247], [244, 165, 130], [178, 24, 43],
];

/** The colour of t ∈ [0, 1] on a scale, as [r, g, b]. */
export function colorAt(t: number, scheme: ColorScheme = 'sequential'): [number, number, number] {
  const anchors = scheme === 'diverging' ? DIVERGING : SEQUENTIAL;
  const x = Math.min(1, Math.max(0, t)) * (anchors.length - 1);
  const i = Math.min(anchors.length - 2, Math.floor(x));
  const f = x - i;
  const a = anchors[i];
  const b = anchors[i + 1];
  return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])];
}

/** CSS gradient of a scale, for legends. */
export function gradientCss(scheme: ColorScheme = 'sequential'): string {
  const stops = [0, 0.25, 0.5, 0.75, 1].map((t) => `rgb(${colorAt(t, scheme).map(Math.round).join(',')}) ${t * 100}%`);
  return `linear-gradient(to right, ${stops.join(', ')})`;
}

/** Draws the matrix into `canvas` (resizing its bitmap to cols × rows); returns the range used. */
export function drawHeatmap(canvas: HTMLCanvasElement, o: HeatmapOptions): { min: number; max: number } {
  const scheme = o.scheme ?? 'sequential';
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0; k < o.rows * o.cols; k++) {
    const v = o.data[k];
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (scheme === 'diverging') {
    const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    lo = -m;
    hi = m;
  }
  const min = o.min ?? (Number.isFinite(lo) ? lo : 0);
  const max = o.max ?? (Number.isFinite(hi) ? hi : 1);
  const span = max - min || 1;
  canvas.width = Math.max(1, o.cols);
  canvas.height = Math.max(1, o.rows);
  const ctx = canvas.getContext('2d');
  if (!ctx) return { min, max };
  const image = ctx.createImageData(canvas.width, canvas.height);
  const px = image.data;
  for (let k = 0; k < o.rows * o.cols; k++) {
    const v = o.data[k];
    if (!Number.isFinite(v)) continue;
    const [r, g, b] = colorAt((v - min) / span, scheme);
    px[4 * k] = r;
    px[4 * k + 1] = g;
    px[4 * k + 2] = b;
    px[4 * k + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
  canvas.style.imageRendering = 'pixelated';
  return { min, max };
}
