// Queries over the rows beside the chunks (textLog.ts): a text tag's
// changes, and the quality transitions of any tag.
//
// Text is never aggregated (an average of texts means nothing): whatever the
// request — raw, M4 or an aggregate — a text tag answers with its changes,
// the text in force at `from` first. When they are more than the request
// allows (maxPoints; with an aggregate, two per interval) they are thinned
// to the first and last change of each column, which keeps the text in force
// at every column's edges; the mode then says 'm4'. Quality transitions are
// thinned the same way.
import type { QualityReason, QualityStatus, QualityTransition } from '../../../shared/types';
import type { SeriesData, SeriesRequest } from './query';
import type { QualityRecord, TextRecord } from './textLog';

const STATUS: readonly QualityStatus[] = ['good', 'uncertain', 'bad'];

/** The largest number of points the request allows, and the columns to thin into; null: no limit. */
function limitOf(request: SeriesRequest): { limit: number; columns: number } | null {
  if (request.aggregate !== undefined) {
    const intervals = Math.max(1, Math.ceil((request.to - request.from) / (request.intervalMs ?? request.to - request.from)));
    return { limit: 2 * intervals, columns: intervals };
  }
  if (request.maxPoints === undefined) return null;
  return { limit: request.maxPoints, columns: Math.max(1, Math.floor(request.maxPoints / 4)) };
}

/**
 * The indexes to keep of points at times `t` (ascending): all of them when
 * they fit, else those before `from` and the first and last of each column.
 */
export function thin(t: readonly number[], request: SeriesRequest): { keep: number[] | null } {
  const bound = limitOf(request);
  if (bound === null || t.length <= bound.limit) return { keep: null };
  const { from, to } = request;
  const width = (to - from) / bound.columns;
  const keep: number[] = [];
  let column = -1;
  for (let i = 0; i < t.length; i++) {
    const time = t[i]!;
    if (time < from) {
      keep.push(i);
      continue;
    }
    const c = Math.min(bound.columns - 1, Math.floor((time - from) / width));
    const next = i + 1 < t.length ? Math.min(bound.columns - 1, Math.floor((t[i + 1]! - from) / width)) : -2;
    // First of its column, or last of it (the next one is in another column, or there is none).
    if (c !== column || next !== c) keep.push(i);
    column = c;
  }
  return { keep };
}

/** A text tag's series: its changes (text), with v NaN throughout. */
export function textSeries(rows: readonly Omit<TextRecord, 'id'>[], request: SeriesRequest): SeriesData & { text: (string | null)[] } {
  const { keep } = thin(
    rows.map((r) => r.t),
    request,
  );
  const picked = keep === null ? rows : keep.map((i) => rows[i]!);
  const n = picked.length;
  const t = new Float64Array(n);
  const v = new Float64Array(n).fill(NaN);
  const q = new Uint8Array(n);
  const text: (string | null)[] = new Array<string | null>(n);
  picked.forEach((r, i) => {
    t[i] = r.t;
    q[i] = r.q;
    text[i] = r.value;
  });
  return { t, v, q, text, mode: keep === null ? 'raw' : 'm4' };
}

/** Quality transitions as the contract carries them, thinned like the points. */
export function qualityTransitions(rows: readonly Omit<QualityRecord, 'id'>[], request: SeriesRequest): QualityTransition[] {
  const { keep } = thin(
    rows.map((r) => r.t),
    request,
  );
  const picked = keep === null ? rows : keep.map((i) => rows[i]!);
  return picked.map((r) => ({
    t: r.t,
    status: STATUS[r.status] ?? 'bad',
    ...(r.reason === null ? {} : { reason: r.reason as QualityReason }),
    ...(r.codeValue === null ? {} : { code: { value: r.codeValue, name: r.codeName ?? '' } }),
  }));
}
