/**
 * Line charts for the widgets, drawn by uPlot (small, fast, canvas-based; chosen over hand-written
 * SVG plotting for its axes, log scales and cursor). Colours come from the widget's CSS tokens.
 * Add `chartCss` to the widget's styles: `super(sheet(chartCss), …)`.
 * @module
 */
import uPlot from 'uplot';
import uplotCss from 'uplot/dist/uPlot.min.css?inline';

export const chartCss = `${uplotCss}
.u-legend { font-size: 12px; color: var(--fg); }
.u-legend .u-marker { border-radius: 2px; }
.u-select { background: color-mix(in srgb, var(--accent) 15%, transparent); }`;

export interface LineSeries {
  label: string;
  values: ArrayLike<number | null>;
  /** A CSS colour or a token name of the widget (`p`, `q`, `accent`, …). */
  color: string;
  dash?: number[];
  width?: number;
}

export interface Marker {
  x: number;
  label: string;
  color?: string;
}

export interface LineChartOptions {
  x: ArrayLike<number>;
  series: LineSeries[];
  width: number;
  height?: number;
  logX?: boolean;
  logY?: boolean;
  xLabel?: string;
  yLabel?: string;
  /** Tick labels of the y axis (default: uPlot's, which prints small decades of a log axis as "0"); '' hides a tick's label. */
  yFormat?: (value: number) => string;
  /** Vertical lines with a label (e.g. crossover lengths). */
  markers?: Marker[];
}

/** Resolves a token name (`p`) or any CSS colour against the element's computed style. */
export function cssColor(el: Element, color: string): string {
  if (/^[a-z-]+$/.test(color)) {
    const v = getComputedStyle(el).getPropertyValue(`--${color}`).trim();
    if (v) return v;
  }
  return color;
}

export class LineChart {
  private plot: uPlot;
  private markers: Marker[];

  constructor(
    private readonly host: HTMLElement,
    options: LineChartOptions,
  ) {
    this.markers = options.markers ?? [];
    this.plot = new uPlot(this.config(options), this.data(options), host);
  }

  /** Replaces the data (same series layout) and markers. */
  update(x: ArrayLike<number>, values: ArrayLike<number | null>[], markers?: Marker[]): void {
    if (markers) this.markers = markers;
    this.plot.setData([Array.from(x), ...values.map((v) => Array.from(v))] as uPlot.AlignedData);
  }

  resize(width: number, height?: number): void {
    this.plot.setSize({ width, height: height ?? this.plot.height });
  }

  destroy(): void {
    this.plot.destroy();
  }

  private data(o: LineChartOptions): uPlot.AlignedData {
    return [Array.from(o.x), ...o.series.map((s) => Array.from(s.values))] as uPlot.AlignedData;
  }

  private config(o: LineChartOptions): uPlot.Options {
    const fg = cssColor(this.host, 'fg');
    const grid = cssColor(this.host, 'grid');
    const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    return {
      width: o.width,
      height: o.height ?? 260,
      scales: { x: { time: false, distr: o.logX ? 3 : 1 }, y: { distr: o.logY ? 3 : 1 } },
      axes: [
        { ...axis, label: o.xLabel },
        {
          ...axis,
          label: o.yLabel,
          size: 60,
          ...(o.yFormat ? { values: (_u: uPlot, splits: number[]) => splits.map((v) => (v == null ? '' : o.yFormat!(v))) } : {}),
        },
      ],
      series: [
        { label: o.xLabel ?? 'x' },
        ...o.series.map((s) => ({
          label: s.label,
          stroke: cssColor(this.host, s.color),
          width: s.width ?? 2,
          dash: s.dash,
          points: { show: false },
        })),
      ],
      hooks: {
        draw: [
          (u: uPlot) => {
            const ctx = u.ctx;
            ctx.save();
            ctx.font = `${12 * devicePixelRatio}px sans-serif`;
            for (const m of this.markers) {
              const px = u.valToPos(m.x, 'x', true);
              if (!Number.isFinite(px) || px < u.bbox.left || px > u.bbox.left + u.bbox.width) continue;
              ctx.strokeStyle = cssColor(this.host, m.color ?? 'muted');
              ctx.fillStyle = ctx.strokeStyle;
              ctx.setLineDash([4 * devicePixelRatio, 4 * devicePixelRatio]);
              ctx.beginPath();
              ctx.moveTo(px, u.bbox.top);
              ctx.lineTo(px, u.bbox.top + u.bbox.height);
              ctx.stroke();
              ctx.fillText(m.label, px + 4 * devicePixelRatio, u.bbox.top + 14 * devicePixelRatio);
            }
            ctx.restore();
          },
        ],
      },
    };
  }
}
