// The trend being looked at: its pens and its time range, and the state of
// its query. Structure only: the samples themselves live in the chart's
// controller (features/trends), outside React.
import type { StateCreator } from 'zustand';
import type { TrendView } from '../../../shared/contract';

export const MAX_PENS = 16;

export interface TrendPen {
  readonly path: string;
  /** #rrggbb from the pen palette. */
  readonly color: string;
  /** Fixed axis limits; absent: the axis follows the data. */
  readonly min?: number;
  readonly max?: number;
}

export type TrendRange = TrendView['range'];

export type AddPenResult = 'added' | 'present' | 'full';

export interface TrendSlice {
  pens: readonly TrendPen[];
  range: TrendRange;
  /** A history query is outstanding. */
  trendBusy: boolean;
  /** The last query's failure, shown above the chart. */
  trendError: string | null;
  /** A short confirmation ("Added … to the trend"), shown in the status bar. */
  trendNotice: string | null;
  /** Paths the historian does not record (their pens stay empty). */
  unrecorded: ReadonlyMap<string, string>;
  addPen(path: string): AddPenResult;
  removePen(path: string): void;
  setPenLimits(path: string, min: number | undefined, max: number | undefined): void;
  setRange(range: TrendRange): void;
  openView(view: TrendView): void;
  setTrendBusy(busy: boolean): void;
  setTrendError(message: string | null): void;
  setTrendNotice(message: string | null): void;
  setUnrecorded(unrecorded: ReadonlyMap<string, string>): void;
}

/**
 * Muted pen colours for a light grey chart: distinguishable, none of them
 * the saturated red or amber that ISA-101 keeps for alarms and bad quality.
 */
export const PEN_COLORS: readonly string[] = [
  '#1f4e79', // deep blue
  '#2e7d6b', // teal green
  '#6a4c93', // muted violet
  '#5b6770', // slate
  '#7a5c2e', // umber
  '#3a7ca5', // steel blue
  '#4f772d', // olive
  '#8e5572', // plum
  '#2f4858', // dark slate
  '#55828b', // grey teal
  '#5e548e', // indigo grey
  '#86a873', // sage
  '#6d597a', // mauve
  '#9c7a54', // tan
  '#33658a', // mid blue
  '#7a8b99', // blue grey
];

/** The first palette colour no pen uses yet (the palette repeats past 16). */
export function nextPenColor(pens: readonly Pick<TrendPen, 'color'>[]): string {
  const used = new Set(pens.map((p) => p.color.toLowerCase()));
  return PEN_COLORS.find((c) => !used.has(c)) ?? PEN_COLORS[pens.length % PEN_COLORS.length]!;
}

export const DEFAULT_RANGE: TrendRange = { mode: 'live', spanMs: 10 * 60_000 };

export const createTrendSlice: StateCreator<TrendSlice, [], [], TrendSlice> = (set, get) => ({
  pens: [],
  range: DEFAULT_RANGE,
  trendBusy: false,
  trendError: null,
  trendNotice: null,
  unrecorded: new Map(),
  addPen: (path) => {
    const { pens } = get();
    if (pens.some((p) => p.path === path)) return 'present';
    if (pens.length >= MAX_PENS) return 'full';
    set({ pens: [...pens, { path, color: nextPenColor(pens) }] });
    return 'added';
  },
  removePen: (path) => {
    const pens = get().pens.filter((p) => p.path !== path);
    if (pens.length !== get().pens.length) set({ pens });
  },
  setPenLimits: (path, min, max) => {
    set({
      pens: get().pens.map((p) => {
        if (p.path !== path) return p;
        const { min: _min, max: _max, ...rest } = p;
        return { ...rest, ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }) };
      }),
    });
  },
  setRange: (range) => {
    const current = get().range;
    if (sameRange(current, range)) return;
    set({ range });
  },
  openView: (view) => {
    const pens: TrendPen[] = [];
    for (const pen of view.pens.slice(0, MAX_PENS)) {
      if (pens.some((p) => p.path === pen.path)) continue;
      pens.push({ ...pen, color: pen.color ?? nextPenColor(pens) });
    }
    set({ pens, range: view.range, trendError: null });
  },
  setTrendBusy: (trendBusy) => {
    if (get().trendBusy !== trendBusy) set({ trendBusy });
  },
  setTrendError: (trendError) => {
    if (get().trendError !== trendError) set({ trendError });
  },
  setTrendNotice: (trendNotice) => set({ trendNotice }),
  setUnrecorded: (unrecorded) => {
    const current = get().unrecorded;
    if (current.size === unrecorded.size && [...unrecorded].every(([k, v]) => current.get(k) === v)) return;
    set({ unrecorded });
  },
});

export function sameRange(a: TrendRange, b: TrendRange): boolean {
  if (a.mode === 'live' && b.mode === 'live') return a.spanMs === b.spanMs;
  if (a.mode === 'history' && b.mode === 'history') return a.from === b.from && a.to === b.to;
  return false;
}
