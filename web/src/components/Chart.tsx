import { useEffect, useRef } from 'preact/hooks';
import uPlot, { type AlignedData, type Options } from 'uplot';

/** Colours that read on the light and the dark background alike (each ≥ 3:1 against both). */
export const PALETTE = ['#2f7de1', '#d9822b', '#1f9e6b', '#d64545', '#8e5bd6', '#b07d00', '#0f9bb0', '#c2508a'];

export interface ChartSeries {
  label: string;
  color?: string;
  dash?: boolean;
}

/** A uPlot line chart that follows its container's width; `format` labels the y axis and the legend. */
export function Chart({ title, x, series, ys, format, height = 200 }: { title: string; x: number[]; series: ChartSeries[]; ys: Array<Array<number | null>>; format?: (v: number) => string; height?: number }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current!;
    const axis = getComputedStyle(document.documentElement).getPropertyValue('--muted').trim() || '#666';
    const grid = getComputedStyle(document.documentElement).getPropertyValue('--grid').trim() || '#ddd';
    const fmt = format ?? ((v: number) => String(v));
    const opts: Options = {
      width: Math.max(200, el.clientWidth),
      height,
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true } },
      axes: [
        { stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } },
        { stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, size: 64, values: (_u, vals) => vals.map((v) => (v === null ? '' : fmt(v))) },
      ],
      series: [
        {},
        ...series.map((s, i) => ({
          label: s.label,
          stroke: s.color ?? PALETTE[i % PALETTE.length],
          width: 2,
          dash: s.dash ? [6, 4] : undefined,
          spanGaps: true,
          points: { show: true, size: 5 },
          value: (_u: uPlot, v: number | null) => (v === null ? '—' : fmt(v)),
        })),
      ],
    };
    const plot = new uPlot(opts, [x, ...ys] as AlignedData, el);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(200, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [JSON.stringify([x, ys, series])]);
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <div ref={box} role="img" aria-label={`${title}: ${series.map((s) => s.label).join(', ')}`} />
    </figure>
  );
}
