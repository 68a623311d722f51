// Trend samples, columnar, and how they become uPlot's aligned data.
// Pure functions: no DOM, no uPlot at run time, unit-tested in node.
//
// One representation everywhere: `PenSeries` holds typed arrays with NaN for
// a gap (a Bad sample), whichever transport the history came over (JSON
// brings plain arrays with null, Electron IPC may bring typed arrays with
// NaN). Values are recorded on change and HOLD until the next sample, so the
// chart draws stepped lines, and the aligned data carries each pen's held
// value into the timestamps of the other pens: a pen never shows a gap just
// because another pen has a sample where it has none. Only a real Bad sample
// (NaN here, null for uPlot) makes a gap, and it lasts until the pen's next
// good sample. (uPlot.join would put `undefined` in those places instead and
// leave the holding to `spanGaps`; holding explicitly also lets the cursor
// read the value in force at any time.)
//
// A text pen (a tag of data type string) has no line: its `v` is NaN
// throughout and `text` holds what the legend reads at the cursor. Any pen
// may carry its quality transitions (`qualities`), so the legend can say why
// a stretch is Bad or Uncertain.
import type { HistorySeries, QualityTransition } from '../../../../shared/types';
import { QUALITY_CODE } from '../../../../shared/types';

export type SeriesMode = HistorySeries['mode'] | 'live';

export interface PenSeries {
  /** Sample times, ms since the epoch, ascending. */
  readonly t: Float64Array;
  /** Values; NaN is a gap (Bad quality). Booleans are 0/1. */
  readonly v: Float64Array;
  /** QUALITY_CODE per sample: 0 Good, 1 Uncertain, 2 Bad. */
  readonly q: Uint8Array;
  readonly mode: SeriesMode;
  /** A text pen: the text of each sample (null: none). */
  readonly text?: readonly (string | null)[];
  /** Quality transitions (status, reason, protocol code), ascending; the one in force at the first sample first. */
  readonly qualities?: readonly QualityTransition[];
}

export const EMPTY_SERIES: PenSeries = Object.freeze({
  t: new Float64Array(0),
  v: new Float64Array(0),
  q: new Uint8Array(0),
  mode: 'raw',
});

/** A history series as it arrived (plain arrays with null, or typed arrays with NaN) → PenSeries. */
export function normalizeSeries(series: Pick<HistorySeries, 't' | 'v' | 'q' | 'mode' | 'text' | 'qualities'>): PenSeries {
  if (series.text) return normalizeText(series as Pick<HistorySeries, 't' | 'q' | 'mode' | 'qualities'> & { text: ArrayLike<string | null> });
  const n = Math.min(series.t.length, series.v.length);
  const t = new Float64Array(n);
  const v = new Float64Array(n);
  const q = new Uint8Array(n);
  let sorted = true;
  for (let i = 0; i < n; i++) {
    t[i] = Number(series.t[i]);
    const value = series.v[i];
    const gap = value === null || value === undefined || !Number.isFinite(value);
    v[i] = gap ? NaN : value;
    const code = i < series.q.length ? Number(series.q[i]) : QUALITY_CODE.good;
    q[i] = gap ? QUALITY_CODE.bad : code === 1 || code === 2 ? code : QUALITY_CODE.good;
    if (i > 0 && t[i]! < t[i - 1]!) sorted = false;
  }
  const out: PenSeries = { t, v, q, mode: series.mode, ...qualitiesOf(series) };
  return sorted ? out : sortSeries(out);
}

/** A text series: no values (NaN, so no line), the quality as recorded (a text is not a gap), the texts. */
function normalizeText(series: Pick<HistorySeries, 't' | 'q' | 'mode' | 'qualities'> & { text: ArrayLike<string | null> }): PenSeries {
  const n = Math.min(series.t.length, series.text.length);
  const t = new Float64Array(n);
  const v = new Float64Array(n).fill(NaN);
  const q = new Uint8Array(n);
  const text: (string | null)[] = new Array<string | null>(n);
  let sorted = true;
  for (let i = 0; i < n; i++) {
    t[i] = Number(series.t[i]);
    const code = i < series.q.length ? Number(series.q[i]) : QUALITY_CODE.good;
    q[i] = code === 1 || code === 2 ? code : QUALITY_CODE.good;
    const value = series.text[i];
    text[i] = typeof value === 'string' ? value : null;
    if (i > 0 && t[i]! < t[i - 1]!) sorted = false;
  }
  const out: PenSeries = { t, v, q, mode: series.mode, text, ...qualitiesOf(series) };
  return sorted ? out : sortSeries(out);
}

function qualitiesOf(series: Pick<HistorySeries, 'qualities'>): { qualities?: QualityTransition[] } {
  if (!series.qualities || series.qualities.length === 0) return {};
  return { qualities: [...series.qualities].sort((a, b) => a.t - b.t) };
}

function sortSeries(s: PenSeries): PenSeries {
  const order = Array.from(s.t.keys()).sort((a, b) => s.t[a]! - s.t[b]! || a - b);
  return {
    t: Float64Array.from(order, (i) => s.t[i]!),
    v: Float64Array.from(order, (i) => s.v[i]!),
    q: Uint8Array.from(order, (i) => s.q[i]!),
    mode: s.mode,
    ...(s.text ? { text: order.map((i) => s.text![i]!) } : {}),
    ...(s.qualities ? { qualities: s.qualities } : {}),
  };
}

/** A window of a series: samples `start` (inclusive) to `end` (exclusive). */
export interface SeriesSlice {
  readonly t: ArrayLike<number>;
  readonly v: ArrayLike<number>;
  readonly start: number;
  readonly end: number;
}

export function wholeSlice(series: PenSeries): SeriesSlice {
  return { t: series.t, v: series.v, start: 0, end: series.t.length };
}

export type YColumn = (number | null | undefined)[];
/** uPlot.AlignedData: x in SECONDS (uPlot's default time scale), one column per pen. */
export type Aligned = [Float64Array, ...YColumn[]];

/**
 * Buffers reused from one alignment to the next (the live trend aligns up to
 * ~20 times a second): x grows by doubling, the y columns are trimmed and
 * refilled in place.
 */
export class AlignedBuffers {
  x = new Float64Array(256);
  ys: YColumn[] = [];

  ensure(points: number, pens: number): void {
    if (this.x.length < points) {
      let size = this.x.length;
      while (size < points) size *= 2;
      this.x = new Float64Array(size);
    }
    while (this.ys.length < pens) this.ys.push([]);
    this.ys.length = pens;
  }
}

/**
 * Merges the pens' timestamps into one ascending x column (duplicates
 * collapsed; at equal times a pen's last sample wins) and fills each pen's
 * column with its value in force at every x: its own sample where it has
 * one, else the value it holds (null while it is in a gap, undefined before
 * its first sample). With `endMs` after the last sample, one more x at
 * `endMs` carries every pen's held value to the end of the range (the
 * present, in a live trend), so a pen that has not changed for a while still
 * reaches the right-hand edge.
 */
export function alignSeries(
  slices: readonly SeriesSlice[],
  endMs: number | null = null,
  out: AlignedBuffers = new AlignedBuffers(),
): Aligned {
  const k = slices.length;
  let total = 1;
  for (const s of slices) total += Math.max(0, s.end - s.start);
  out.ensure(total, k);
  const x = out.x;
  const ys = out.ys;
  const at = slices.map((s) => s.start);
  const held: (number | null | undefined)[] = new Array<number | null | undefined>(k).fill(undefined);

  let n = 0;
  for (;;) {
    let next = Infinity;
    for (let p = 0; p < k; p++) {
      const s = slices[p]!;
      if (at[p]! < s.end) {
        const t = s.t[at[p]!]!;
        if (t < next) next = t;
      }
    }
    if (next === Infinity) break;
    for (let p = 0; p < k; p++) {
      const s = slices[p]!;
      let i = at[p]!;
      if (i < s.end && s.t[i] === next) {
        let value = NaN;
        while (i < s.end && s.t[i] === next) value = s.v[i++]!;
        at[p] = i;
        held[p] = Number.isNaN(value) ? null : value;
      }
      ys[p]![n] = held[p];
    }
    x[n++] = next / 1000;
  }

  if (endMs !== null && n > 0 && endMs / 1000 > x[n - 1]!) {
    for (let p = 0; p < k; p++) ys[p]![n] = held[p];
    x[n++] = endMs / 1000;
  }
  for (const column of ys) column.length = n;
  return [x.subarray(0, n), ...ys];
}

/** Index of the last sample at or before `tMs`, or -1. */
export function indexAt(t: ArrayLike<number>, tMs: number, start = 0, end = t.length): number {
  let lo = start;
  let hi = end - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (t[mid]! <= tMs) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

export interface Reading {
  /** When the value in force was recorded (ms). */
  readonly t: number;
  /** null: a gap (Bad), or a text pen. */
  readonly v: number | null;
  readonly q: number;
  /** A text pen's text in force (null: none); undefined for other pens. */
  readonly text?: string | null;
  /** The quality transition in force, when one was recorded with the same status: why it is not Good. */
  readonly quality?: QualityTransition;
}

const STATUS_OF_CODE = ['good', 'uncertain', 'bad'] as const;

/** The value in force at `tMs` (the last sample at or before it), or null before the first. */
export function readingAt(series: PenSeries, tMs: number): Reading | null {
  const i = indexAt(series.t, tMs);
  if (i < 0) return null;
  const v = series.v[i]!;
  const q = series.q[i]!;
  const quality = transitionAt(series.qualities, tMs);
  return {
    t: series.t[i]!,
    v: Number.isNaN(v) ? null : v,
    q,
    ...(series.text ? { text: series.text[i] ?? null } : {}),
    // Only when it agrees with the sample (an M4 point or a thinned list may not).
    ...(quality && quality.status === STATUS_OF_CODE[q] ? { quality } : {}),
  };
}

/** The quality transition in force at `tMs` (the last at or before it), or undefined. */
export function transitionAt(qualities: readonly QualityTransition[] | undefined, tMs: number): QualityTransition | undefined {
  if (!qualities || qualities.length === 0) return undefined;
  let lo = 0;
  let hi = qualities.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (qualities[mid]!.t <= tMs) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found < 0 ? undefined : qualities[found];
}

/** Min and max of the non-gap values in [fromMs, toMs], counting the value carried in; null if none. */
export function valueExtent(series: PenSeries, fromMs: number, toMs: number): [number, number] | null {
  let i = Math.max(0, indexAt(series.t, fromMs));
  let min = Infinity;
  let max = -Infinity;
  for (; i < series.t.length && series.t[i]! <= toMs; i++) {
    const v = series.v[i]!;
    if (Number.isNaN(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min <= max ? [min, max] : null;
}

// ---- axes ----

export interface PenAxisInfo {
  readonly units: string;
  readonly isBool: boolean;
  /** A text pen: no line, no axis of its own (one hidden scale for all of them). */
  readonly isText?: boolean;
  readonly min?: number;
  readonly max?: number;
}

export interface ScaleGroup {
  /** uPlot scale key. */
  readonly key: string;
  readonly units: string;
  readonly isBool: boolean;
  readonly isText?: boolean;
  /** Indexes of the pens on this scale. */
  readonly pens: readonly number[];
  readonly min?: number;
  readonly max?: number;
}

/**
 * One y scale (and axis) per pen, except that pens with the same units and
 * no fixed limits share one, and so do all boolean pens (OFF/ON). A pen with
 * fixed limits, or without units, keeps its own.
 */
export function scaleGroups(pens: readonly PenAxisInfo[]): { readonly groups: ScaleGroup[]; readonly keyOf: string[] } {
  const groups: { key: string; units: string; isBool: boolean; isText?: boolean; pens: number[]; min?: number; max?: number }[] = [];
  const byKey = new Map<string, (typeof groups)[number]>();
  const keyOf: string[] = [];
  pens.forEach((pen, i) => {
    const fixed = pen.min !== undefined || pen.max !== undefined;
    let key: string;
    if (pen.isText) key = 'text';
    else if (pen.isBool && !fixed) key = 'bool';
    else if (pen.units !== '' && !fixed) key = `u:${pen.units}`;
    else key = `p:${i}`;
    keyOf.push(key);
    const existing = byKey.get(key);
    if (existing) {
      existing.pens.push(i);
      return;
    }
    const group = {
      key,
      units: pen.units,
      isBool: pen.isBool,
      ...(pen.isText ? { isText: true } : {}),
      pens: [i],
      ...(pen.min === undefined ? {} : { min: pen.min }),
      ...(pen.max === undefined ? {} : { max: pen.max }),
    };
    byKey.set(key, group);
    groups.push(group);
  });
  return { groups, keyOf };
}

/**
 * The y range of an auto axis: the data's extent with 5 % head- and
 * footroom; a flat line gets a band around it so it sits mid-height.
 */
export function autoRange(min: number | null, max: number | null): [number, number] {
  if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  if (max - min < 1e-12 * Math.max(1, Math.abs(max))) {
    const pad = Math.abs(min) > 0 ? Math.abs(min) * 0.05 : 1;
    return [min - pad, max + pad];
  }
  const pad = (max - min) * 0.05;
  return [min - pad, max + pad];
}
