// uPlot options for a trend: x in seconds over the window the controller
// says, one y scale per pen or per group of pens with the same units (see
// scaleGroups), stepped pens (values hold until the next sample) with gaps
// only at real Bad samples, and the ISA-101 look: grey plot area, grey grid,
// text in the UI's greys, pens in their muted colours. A text pen draws
// nothing and has no axis: the legend reads its text at the cursor.
import uPlot from 'uplot';
import { autoRange, scaleGroups, type PenAxisInfo, type ScaleGroup } from './trendData';
import { formatTimeTicks } from './trendRange';

export interface ChartPen extends PenAxisInfo {
  readonly path: string;
  readonly color: string;
}

export interface ChartCallbacks {
  /** The x window, in seconds. */
  readonly xRange: () => [number, number];
  readonly onCursor: (u: uPlot) => void;
  readonly onSelect: (u: uPlot) => void;
  /** After each complete draw (for the render-time measure). */
  readonly onDraw?: (u: uPlot) => void;
}

/** Axes beyond this many are hidden (their pens' legend rows still name units and limits). */
const MAX_AXES = 8;

export const CHART_FONT = '11px "Segoe UI", "Noto Sans", "DejaVu Sans", "Liberation Sans", Arial, sans-serif';
const LABEL_FONT = '600 11px "Segoe UI", "Noto Sans", "DejaVu Sans", "Liberation Sans", Arial, sans-serif';
export const CHART_TEXT = '#484c51';
const GRID = '#a6aaaf';
const TICKS = '#8f9398';

/** Values hold until the next sample: a step at each sample; a gap runs from a Bad sample to the next good one. */
const steppedPath = uPlot.paths.stepped?.({ align: 1, alignGaps: 1 });
const noPath: uPlot.Series.PathBuilder = () => null;

export function buildChartOptions(
  pens: readonly ChartPen[],
  size: { width: number; height: number },
  callbacks: ChartCallbacks,
): uPlot.Options {
  const { groups, keyOf } = scaleGroups(pens);

  const scales: uPlot.Scales = {
    x: { time: true, auto: true, range: () => callbacks.xRange() },
  };
  for (const group of groups) scales[group.key] = { auto: true, range: yRange(group) };

  const axes: uPlot.Axis[] = [
    {
      scale: 'x',
      stroke: CHART_TEXT,
      font: CHART_FONT,
      grid: { stroke: GRID, width: 1 },
      ticks: { stroke: TICKS, width: 1, size: 4 },
      space: 80,
      size: 44,
      values: (_u, splits, _axisIdx, _space, incr) => formatTimeTicks(splits, incr),
    },
    ...groups.map((group, i) => yAxis(group, i, pens)),
  ];

  const series: uPlot.Series[] = [
    {},
    ...pens.map(
      (pen, i): uPlot.Series => ({
        label: pen.path,
        scale: keyOf[i],
        stroke: pen.color,
        width: 1.5,
        paths: pen.isText ? noPath : steppedPath,
        points: { show: false },
        spanGaps: false,
      }),
    ),
  ];

  return {
    width: Math.max(50, size.width),
    height: Math.max(50, size.height),
    padding: [12, groups.length > 1 ? 4 : 14, 0, 4],
    legend: { show: false },
    scales,
    axes,
    series,
    cursor: {
      y: false,
      points: { show: false },
      drag: { x: true, y: false, setScale: false },
      // Double-click does nothing (uPlot would reset the zoom to the data).
      bind: { dblclick: () => null },
    },
    hooks: {
      setCursor: [callbacks.onCursor],
      setSelect: [callbacks.onSelect],
      draw: callbacks.onDraw ? [callbacks.onDraw] : [],
    },
  };
}

function yRange(group: ScaleGroup): uPlot.Scale.Range {
  if (group.isBool && group.min === undefined && group.max === undefined) return () => [-0.15, 1.15];
  return (_u, dataMin, dataMax) => {
    const [autoMin, autoMax] = autoRange(dataMin, dataMax);
    const min = group.min ?? autoMin;
    let max = group.max ?? autoMax;
    if (max <= min) max = min + Math.max(1, Math.abs(min) * 0.1);
    return [min, max];
  };
}

function yAxis(group: ScaleGroup, index: number, pens: readonly ChartPen[]): uPlot.Axis {
  const only = group.pens.length === 1 ? pens[group.pens[0]!] : undefined;
  // One pen: the axis wears its colour, so it is clear which line it measures.
  const stroke = only ? only.color : CHART_TEXT;
  const label = group.isBool ? '' : group.units || (only ? leaf(only.path) : '');
  return {
    scale: group.key,
    show: index < MAX_AXES && !group.isText,
    side: index % 2 === 0 ? 3 : 1,
    stroke,
    font: CHART_FONT,
    labelFont: LABEL_FONT,
    label,
    labelSize: label ? 16 : 0,
    labelGap: 0,
    gap: 4,
    grid: { show: index === 0, stroke: GRID, width: 1 },
    ticks: { stroke: TICKS, width: 1, size: 4 },
    space: 28,
    size: axisSize,
    ...(group.isBool
      ? {
          splits: () => [0, 1],
          values: (_u: uPlot, splits: number[]) => splits.map((v) => (v === 1 ? 'ON' : v === 0 ? 'OFF' : '')),
        }
      : {}),
  };
}

/** Wide enough for the longest tick label (uPlot's recipe for auto-sized axes). */
function axisSize(u: uPlot, values: string[] | null, axisIdx: number, cycleNum: number): number {
  const axis = u.axes[axisIdx]!;
  // Settled after the first cycle: keep it, or the axes can oscillate.
  const previous = (axis as { _size?: number })._size;
  if (cycleNum > 1 && previous !== undefined) return previous;
  const ticks = axis.ticks as { size?: number } | undefined;
  let size = (ticks?.size ?? 4) + (axis.gap ?? 4) + (axis.labelSize ?? 0) + 4;
  const longest = (values ?? []).reduce((acc, v) => (v.length > acc.length ? v : acc), '');
  if (longest !== '') {
    // uPlot caches the font it set last: measure, then put its font back.
    const font = u.ctx.font;
    u.ctx.font = CHART_FONT;
    size += u.ctx.measureText(longest).width;
    u.ctx.font = font;
  }
  return Math.ceil(Math.max(size, 30));
}

function leaf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
