// Queries over one tag's chunks: raw samples, M4 reduction, aggregates.
//
// M4 keeps the first, lowest, highest and last sample of each pixel column,
// in time order, which draws the same line as the raw samples at that width.
// A chunk that lies inside one column and holds no Bad sample is reduced
// from the statistics stored beside it, never decoded, so a year-long range
// costs a few thousand rows. Bad quality becomes a gap (v null, q 2): a Bad
// stretch is never drawn through, nor averaged over.
//
// Values hold until the next sample (they are recorded on change), so the
// value before `from` is carried into the range as its first point.
import type { Aggregate } from '../../../shared/contract';
import { QUALITY_CODE, type QualityTransition } from '../../../shared/types';
import type { SampleBuffer } from './sampleBuffer';
import type { Segment } from './segments';
import type { ChunkRow } from './store';

const BAD = QUALITY_CODE.bad;

export interface DecodedSamples {
  readonly t: ArrayLike<number>;
  readonly v: ArrayLike<number>;
  readonly q: ArrayLike<number>;
}

/** What a query needs of the store for one tag. */
export interface SeriesSource {
  rows(from: number, to: number): ChunkRow[];
  before(time: number): ChunkRow | undefined;
  decode(row: ChunkRow): DecodedSamples;
  /** A sealed chunk's segments (statistics, each decodable alone), where the store keeps them. */
  segments?(row: ChunkRow): { segments: readonly Segment[]; decode: (segment: Segment) => DecodedSamples } | null;
  pending(): SampleBuffer | undefined;
}

export interface SeriesRequest {
  readonly from: number;
  readonly to: number;
  readonly maxPoints?: number;
  readonly aggregate?: Aggregate;
  readonly intervalMs?: number;
}

/** Columnar result; `v` is NaN where the value is a gap (Bad quality or no data). */
export interface SeriesData {
  readonly t: Float64Array;
  readonly v: Float64Array;
  readonly q: Uint8Array;
  readonly mode: 'raw' | 'm4' | 'aggregate';
  /** A text tag's texts, one per point (textQuery.ts). */
  readonly text?: (string | null)[];
  /** The quality transitions of the range, the one in force at `from` first (textQuery.ts). */
  readonly qualities?: QualityTransition[];
}

/** Growable output columns; a Bad sample's value becomes NaN (a gap). */
class Columns {
  t: Float64Array;
  v: Float64Array;
  q: Uint8Array;
  n = 0;
  constructor(capacity = 1024) {
    this.t = new Float64Array(capacity);
    this.v = new Float64Array(capacity);
    this.q = new Uint8Array(capacity);
  }
  push(t: number, v: number, q: number): void {
    if (this.n === this.t.length) this.reserve(this.n + 1);
    this.t[this.n] = t;
    this.v[this.n] = q === BAD ? NaN : v;
    this.q[this.n] = q;
    this.n++;
  }
  /** Appends samples [lo, hi) of a decoded chunk in one copy. */
  copy(s: DecodedSamples, lo: number, hi: number, anyBad: boolean): void {
    const count = hi - lo;
    if (count <= 0) return;
    this.reserve(this.n + count);
    if (s.t instanceof Float64Array && s.v instanceof Float64Array && s.q instanceof Uint8Array) {
      this.t.set(s.t.subarray(lo, hi), this.n);
      this.v.set(s.v.subarray(lo, hi), this.n);
      this.q.set(s.q.subarray(lo, hi), this.n);
      if (anyBad) for (let i = this.n; i < this.n + count; i++) if (this.q[i] === BAD) this.v[i] = NaN;
      this.n += count;
    } else {
      for (let i = lo; i < hi; i++) this.push(s.t[i]!, s.v[i]!, s.q[i]!);
    }
  }
  private reserve(size: number): void {
    if (size <= this.t.length) return;
    const capacity = Math.max(size, this.t.length * 2);
    const t = new Float64Array(capacity);
    const v = new Float64Array(capacity);
    const q = new Uint8Array(capacity);
    t.set(this.t.subarray(0, this.n));
    v.set(this.v.subarray(0, this.n));
    q.set(this.q.subarray(0, this.n));
    this.t = t;
    this.v = v;
    this.q = q;
  }
  done(mode: SeriesData['mode']): SeriesData {
    return { t: this.t.slice(0, this.n), v: this.v.slice(0, this.n), q: this.q.slice(0, this.n), mode };
  }
}

/** The first index with t[i] >= time (t sorted). */
function lowerBound(t: ArrayLike<number>, n: number, time: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (t[mid]! < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

type Visit = (t: number, v: number, q: number) => void;

/** Visits every sample of `rows` (and the unflushed ones) with from ≤ t ≤ to, in time order. */
function visitRange(source: SeriesSource, rows: readonly ChunkRow[], from: number, to: number, visit: Visit): void {
  let lastT = -Infinity;
  const each = (s: DecodedSamples, n: number) => {
    for (let i = 0; i < n; i++) {
      const t = s.t[i]!;
      if (t < from || t > to || t <= lastT) continue;
      lastT = t;
      visit(t, s.v[i]!, s.q[i]!);
    }
  };
  for (const row of rows) {
    const s = source.decode(row);
    each(s, s.t.length);
  }
  const pending = source.pending();
  if (pending) each(pending, pending.count);
}

/** The last sample before `from`, carried into the range. */
function carryIn(source: SeriesSource, from: number): { t: number; v: number; q: number } | null {
  let found: { t: number; v: number; q: number } | null = null;
  const take = (s: DecodedSamples, n: number) => {
    for (let i = 0; i < n; i++) {
      const t = s.t[i]!;
      if (t < from && (found === null || t > found.t)) found = { t, v: s.v[i]!, q: s.q[i]! };
    }
  };
  const row = source.before(from);
  if (row) {
    const s = source.decode(row);
    take(s, s.t.length);
  }
  const pending = source.pending();
  if (pending) take(pending, pending.count);
  return found;
}

export function querySeries(source: SeriesSource, request: SeriesRequest): SeriesData {
  const { from, to } = request;
  const rows = source.rows(from, to);
  const carried = carryIn(source, from);
  if (request.aggregate !== undefined) {
    return aggregateSeries(source, rows, carried, request.aggregate, from, to, request.intervalMs ?? to - from);
  }
  const pending = source.pending();
  let total = pending?.count ?? 0;
  for (const row of rows) total += row.count;
  if (request.maxPoints === undefined || total <= request.maxPoints) {
    const out = new Columns(total + 1);
    if (carried) out.push(carried.t, carried.v, carried.q);
    let latest = carried?.t ?? -Infinity;
    const take = (s: DecodedSamples, n: number, anyBad: boolean) => {
      const lo = lowerBound(s.t, n, Math.max(from, latest + 1));
      const hi = lowerBound(s.t, n, to + 1);
      out.copy(s, lo, hi, anyBad);
      if (hi > lo) latest = s.t[hi - 1]!;
    };
    for (const row of rows) {
      const s = source.decode(row);
      take(s, s.t.length, row.good_count < row.count);
    }
    const pending = source.pending();
    if (pending) take(pending, pending.count, true);
    return out.done('raw');
  }
  const out = new Columns();
  if (carried) out.push(carried.t, carried.v, carried.q);
  m4(source, rows, from, to, Math.max(1, Math.floor(request.maxPoints / 4)), out);
  return out.done('m4');
}

function m4(source: SeriesSource, rows: readonly ChunkRow[], from: number, to: number, columns: number, out: Columns): void {
  const width = (to - from) / columns;
  const columnOf = (t: number) => Math.min(columns - 1, Math.floor((t - from) / width));
  let column = -1;
  let n = 0; // samples in the current run
  let firstT = 0, firstV = 0, firstQ = 0;
  let minT = 0, minV = 0, minQ = 0;
  let maxT = 0, maxV = 0, maxQ = 0;
  let lastT = 0, lastV = 0, lastQ = 0;
  let inGap = false;
  let latest = -Infinity;

  const flush = () => {
    if (n === 0) return;
    // first, then the extremes in time order, then last; each point once.
    out.push(firstT, firstV, firstQ);
    const [aT, aV, aQ, bT, bV, bQ] = minT <= maxT ? [minT, minV, minQ, maxT, maxV, maxQ] : [maxT, maxV, maxQ, minT, minV, minQ];
    if (aT !== firstT && aT !== lastT) out.push(aT, aV, aQ);
    if (bT !== firstT && bT !== lastT && bT !== aT) out.push(bT, bV, bQ);
    if (lastT !== firstT) out.push(lastT, lastV, lastQ);
    n = 0;
  };

  const sample: Visit = (t, v, q) => {
    if (t < from || t > to || t <= latest) return;
    latest = t;
    const c = columnOf(t);
    if (c !== column) {
      flush();
      column = c;
    }
    if (q === BAD) {
      if (!inGap) {
        flush();
        out.push(t, NaN, BAD);
        inGap = true;
      }
      return;
    }
    inGap = false;
    if (n === 0) {
      firstT = minT = maxT = t;
      firstV = minV = maxV = v;
      firstQ = minQ = maxQ = q;
    } else {
      if (v < minV) {
        minT = t;
        minV = v;
        minQ = q;
      }
      if (v > maxV) {
        maxT = t;
        maxV = v;
        maxQ = q;
      }
    }
    lastT = t;
    lastV = v;
    lastQ = q;
    n++;
  };

  /**
   * A decoded chunk without Bad samples: per column it spans, only its first,
   * lowest, highest and last samples go through `sample`, found by a tight
   * loop (a year-long query decodes a few million samples this way).
   */
  const feedGood = (s: DecodedSamples, n: number) => {
    const { t, v, q } = s;
    let i0 = lowerBound(t, n, Math.max(from, latest + 1));
    const end = lowerBound(t, n, to + 1);
    while (i0 < end) {
      const c = columnOf(t[i0]!);
      // At least one sample per step: floating point may put a sample on the far side of the
      // boundary that columnOf computed, and a step that takes nothing would never end.
      const i1 = c === columns - 1 ? end : Math.max(i0 + 1, Math.min(end, lowerBound(t, n, from + (c + 1) * width)));
      let lo = i0;
      let hi = i0;
      for (let i = i0 + 1; i < i1; i++) {
        const x = v[i]!;
        if (x < v[lo]!) lo = i;
        else if (x > v[hi]!) hi = i;
      }
      const last = i1 - 1;
      const a = Math.min(lo, hi);
      const b = Math.max(lo, hi);
      sample(t[i0]!, v[i0]!, q[i0]!);
      if (a > i0 && a < last) sample(t[a]!, v[a]!, q[a]!);
      if (b > a && b > i0 && b < last) sample(t[b]!, v[b]!, q[b]!);
      if (last > i0) sample(t[last]!, v[last]!, q[last]!);
      i0 = i1;
    }
  };

  const feedDecoded = (s: DecodedSamples, allGood: boolean) => {
    if (allGood) feedGood(s, s.t.length);
    else for (let i = 0; i < s.t.length; i++) sample(s.t[i]!, s.v[i]!, s.q[i]!);
  };

  for (const row of rows) {
    const inside = row.t_start >= from && row.t_end <= to && row.t_start > latest;
    if (inside && row.good_count === row.count && row.count >= 4 && columnOf(row.t_start) === columnOf(row.t_end)) {
      // The chunk's statistics stand for its samples: same column extremes, no decoding.
      const span = row.t_end - row.t_start;
      const q = row.q_first === row.q_last ? row.q_first : QUALITY_CODE.uncertain;
      sample(row.t_start, row.v_first!, row.q_first);
      sample(row.t_start + span / 3, row.v_min!, q);
      sample(row.t_start + (2 * span) / 3, row.v_max!, q);
      sample(row.t_end, row.v_last!, row.q_last);
      continue;
    }
    // A chunk across a column boundary: its segments that sit inside one column
    // stand in by their statistics; only the others are decoded.
    const parts = inside ? source.segments?.(row) : null;
    if (parts) {
      for (const segment of parts.segments) {
        if (segment.good === segment.count && segment.count >= 4 && segment.tFirst > latest && columnOf(segment.tFirst) === columnOf(segment.tLast)) {
          const span = segment.tLast - segment.tFirst;
          const q = segment.qFirst === segment.qLast ? segment.qFirst : QUALITY_CODE.uncertain;
          sample(segment.tFirst, segment.first, segment.qFirst);
          sample(segment.tFirst + span / 3, segment.min, q);
          sample(segment.tFirst + (2 * span) / 3, segment.max, q);
          sample(segment.tLast, segment.last, segment.qLast);
        } else {
          feedDecoded(parts.decode(segment), segment.good === segment.count);
        }
      }
      continue;
    }
    feedDecoded(source.decode(row), row.good_count === row.count);
  }
  const pending = source.pending();
  if (pending) for (let i = 0; i < pending.count; i++) sample(pending.t[i]!, pending.v[i]!, pending.q[i]!);
  flush();
}

interface Interval {
  count: number;
  sum: number;
  min: number;
  max: number;
  first: number;
  last: number;
  /** ∫ v dt over the Good time, and the Good and Bad time, for twa. */
  area: number;
  goodMs: number;
  badMs: number;
}

/** Sweeps the samples of [from, to) into `count` intervals, holding each value until the next sample. */
function sweep(
  source: SeriesSource,
  rows: readonly ChunkRow[],
  carried: { t: number; v: number; q: number } | null,
  from: number,
  to: number,
  intervalMs: number,
): Interval[] {
  const count = Math.max(1, Math.ceil((to - from) / intervalMs));
  const intervals: Interval[] = Array.from({ length: count }, () => ({
    count: 0, sum: 0, min: Infinity, max: -Infinity, first: NaN, last: NaN, area: 0, goodMs: 0, badMs: 0,
  }));
  // The value held since the previous sample: spread its time over the intervals it covers.
  let heldT = from;
  let heldV = carried?.v ?? NaN;
  let heldQ = carried ? carried.q : -1; // -1: no data yet
  const hold = (until: number) => {
    let start = heldT;
    while (start < until) {
      const k = Math.min(count - 1, Math.floor((start - from) / intervalMs));
      // The last interval takes whatever is left, so every step moves forward.
      const end = k === count - 1 ? until : Math.min(until, from + (k + 1) * intervalMs);
      const span = end - start;
      const slot = intervals[k]!;
      if (heldQ === BAD) slot.badMs += span;
      else if (heldQ >= 0 && span > 0) {
        slot.goodMs += span;
        slot.area += heldV * span;
        // A value held through the interval is part of it: its extremes, first and last.
        if (heldV < slot.min) slot.min = heldV;
        if (heldV > slot.max) slot.max = heldV;
        if (Number.isNaN(slot.first)) slot.first = heldV;
        slot.last = heldV;
      }
      start = end;
    }
    heldT = until;
  };
  visitRange(source, rows, from, to, (t, v, q) => {
    hold(t);
    heldV = v;
    heldQ = q;
    if (q === BAD) return;
    const slot = intervals[Math.min(count - 1, Math.floor((t - from) / intervalMs))]!;
    slot.count++;
    slot.sum += v;
    if (v < slot.min) slot.min = v;
    if (v > slot.max) slot.max = v;
    if (Number.isNaN(slot.first)) slot.first = v;
    slot.last = v;
  });
  // Nothing is known past now: a live range is not extrapolated.
  hold(Math.max(from, Math.min(to, Date.now())));
  return intervals;
}

function aggregateSeries(
  source: SeriesSource,
  rows: readonly ChunkRow[],
  carried: { t: number; v: number; q: number } | null,
  aggregate: Aggregate,
  from: number,
  to: number,
  intervalMs: number,
): SeriesData {
  const intervals = sweep(source, rows, carried, from, to, intervalMs);
  const out = new Columns(intervals.length);
  intervals.forEach((slot, k) => {
    const value = valueOf(aggregate, slot);
    const quality = Number.isNaN(value) ? BAD : slot.badMs > 0 ? QUALITY_CODE.uncertain : QUALITY_CODE.good;
    out.push(from + k * intervalMs, value, quality);
  });
  return out.done('aggregate');
}

/** Statistics of one tag over a range, for reviews: NaN where there was no Good data. */
export function statsOf(source: SeriesSource, from: number, to: number): RangeStats {
  const [slot] = sweep(source, source.rows(from, to), carryIn(source, from), from, to, to - from);
  return {
    count: slot!.count,
    min: valueOf('min', slot!),
    max: valueOf('max', slot!),
    avg: valueOf('avg', slot!),
    twa: valueOf('twa', slot!),
    goodMs: slot!.goodMs,
    badMs: slot!.badMs,
  };
}

export interface RangeStats {
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly avg: number;
  readonly twa: number;
  /** Time with a Good (or Uncertain) value, and with a Bad one, in the range. */
  readonly goodMs: number;
  readonly badMs: number;
}

function valueOf(aggregate: Aggregate, slot: Interval): number {
  switch (aggregate) {
    case 'count':
      return slot.count;
    case 'avg':
      return slot.count > 0 ? slot.sum / slot.count : NaN;
    case 'min':
      return Number.isFinite(slot.min) ? slot.min : NaN;
    case 'max':
      return Number.isFinite(slot.max) ? slot.max : NaN;
    case 'first':
      return slot.first;
    case 'last':
      return slot.last;
    case 'twa':
      return slot.goodMs > 0 ? slot.area / slot.goodMs : NaN;
  }
}
