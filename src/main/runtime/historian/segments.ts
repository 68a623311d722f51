// A sealed chunk is stored as a few segments (sub-windows of its window),
// each an independently decodable codec stream, with each segment's
// statistics in a small index beside the blob. A long-range query that meets
// a chunk straddling two pixel columns then decodes only the segment where
// the boundary falls, not the whole window.
import { QUALITY_CODE } from '../../../shared/types';
import { decodeChunk, encodeChunk, type DecodedChunk } from './codec/chunk';
import type { SampleBuffer } from './sampleBuffer';

/** Segments per sealed window (10 minutes each for the default hour). */
export const SEGMENTS_PER_WINDOW = 6;
/** tFirst, tLast, count, good, min, max, first, last, qFirst, qLast, byteEnd. */
const FIELDS = 11;
const BAD = QUALITY_CODE.bad;

export interface Segment {
  readonly tFirst: number;
  readonly tLast: number;
  readonly count: number;
  readonly good: number;
  /** Of the Good (and Uncertain) samples; NaN when there are none. */
  readonly min: number;
  readonly max: number;
  readonly first: number;
  readonly last: number;
  readonly qFirst: number;
  readonly qLast: number;
  readonly byteStart: number;
  readonly byteEnd: number;
}

export interface SegmentedChunk {
  readonly data: Uint8Array;
  /** The segments' statistics, as float64s. */
  readonly index: Uint8Array;
}

/** Encodes `samples` (all in the window starting at `windowStart`) as segments of windowMs / SEGMENTS_PER_WINDOW. */
export function encodeSegmented(samples: SampleBuffer, windowStart: number, windowMs: number, step?: number, offset?: number): SegmentedChunk {
  const span = windowMs / SEGMENTS_PER_WINDOW;
  const parts: Uint8Array[] = [];
  const index: number[] = [];
  let bytes = 0;
  let i = 0;
  while (i < samples.count) {
    const k = Math.floor((samples.t[i]! - windowStart) / span);
    const limit = windowStart + (k + 1) * span;
    let j = i;
    while (j < samples.count && samples.t[j]! < limit) j++;
    const part = encodeChunk({ t: samples.t.subarray(i, j), v: samples.v.subarray(i, j), q: samples.q.subarray(i, j), count: j - i }, step, offset);
    let good = 0;
    let min = Infinity;
    let max = -Infinity;
    let first = NaN;
    let last = NaN;
    for (let n = i; n < j; n++) {
      if (samples.q[n] === BAD) continue;
      const v = samples.v[n]!;
      good++;
      if (v < min) min = v;
      if (v > max) max = v;
      if (Number.isNaN(first)) first = v;
      last = v;
    }
    bytes += part.byteLength;
    parts.push(part);
    index.push(samples.t[i]!, samples.t[j - 1]!, j - i, good, good ? min : NaN, good ? max : NaN, first, last, samples.q[i]!, samples.q[j - 1]!, bytes);
    i = j;
  }
  const data = new Uint8Array(bytes);
  let at = 0;
  for (const part of parts) {
    data.set(part, at);
    at += part.byteLength;
  }
  return { data, index: new Uint8Array(Float64Array.from(index).buffer) };
}

export function readSegments(index: Uint8Array): Segment[] {
  // SQLite hands back blobs at any byte offset: copy to align the float64s.
  const f = new Float64Array(index.slice().buffer);
  const out: Segment[] = [];
  let start = 0;
  for (let k = 0; k + FIELDS <= f.length; k += FIELDS) {
    out.push({
      tFirst: f[k]!, tLast: f[k + 1]!, count: f[k + 2]!, good: f[k + 3]!, min: f[k + 4]!, max: f[k + 5]!,
      first: f[k + 6]!, last: f[k + 7]!, qFirst: f[k + 8]!, qLast: f[k + 9]!, byteStart: start, byteEnd: f[k + 10]!,
    });
    start = f[k + 10]!;
  }
  return out;
}

export function decodeSegment(data: Uint8Array, segment: Segment): DecodedChunk {
  return decodeChunk(data.subarray(segment.byteStart, segment.byteEnd));
}

/** All the samples of a segmented chunk, in one set of columns. */
export function decodeSegmented(data: Uint8Array, index: Uint8Array): DecodedChunk {
  const parts = readSegments(index).map((segment) => decodeSegment(data, segment));
  const total = parts.reduce((n, p) => n + p.t.length, 0);
  const out: DecodedChunk = { t: new Float64Array(total), v: new Float64Array(total), q: new Uint8Array(total) };
  let at = 0;
  for (const part of parts) {
    out.t.set(part.t, at);
    out.v.set(part.v, at);
    out.q.set(part.q, at);
    at += part.t.length;
  }
  return out;
}
