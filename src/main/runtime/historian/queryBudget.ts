// The historian's side of a query's budget (shared/budget.ts): what the
// request alone cannot tell. Raw samples without `maxPoints` are as many as
// the range holds, so they are counted from the chunk rows' counts (an
// index read, nothing decoded) before any work; and an answer's bytes are
// estimated from its columns, since texts and quality reasons have no bound
// of their own.
import { count, MAX_ANSWER_BYTES, MAX_QUERY_POINTS } from '../../../shared/budget';
import { tooManyBytes } from '../budget/limits';
import type { QueryReply } from './protocol';
import type { SeriesRequest } from './query';
import type { HistorianStore } from './store';

/** Why a raw query (no maxPoints, no aggregate) is over the point budget, or null. */
export function rawPointsProblem(store: HistorianStore, paths: readonly string[], request: SeriesRequest): string | null {
  if (request.aggregate !== undefined || request.maxPoints !== undefined) return null;
  let total = 0;
  for (const path of paths) {
    const tag = store.tagOf(path);
    // A text tag's changes are few; its bytes are checked on the answer.
    if (tag === undefined || tag.isText) continue;
    for (const row of store.chunkRows(tag.id, request.from, request.to)) total += row.count;
    total += store.pendingOf(tag.id)?.count ?? 0;
  }
  if (total <= MAX_QUERY_POINTS) return null;
  return (
    `a query answers at most ${count(MAX_QUERY_POINTS)} points over all its paths; the range holds about ${count(total)} raw samples ` +
    `over ${paths.length} ${paths.length === 1 ? 'path' : 'paths'}: give maxPoints (M4), an aggregate or a shorter range`
  );
}

/**
 * The most a number takes in the JSON of a column, with its comma: a time
 * is 13 digits, a value at most 24 characters (`-1.2345678901234567e-300`),
 * a quality one digit.
 */
const BYTES_PER_POINT = 14 + 25 + 2;

/** Why an answer is too large in bytes, or null; an upper estimate, without building the JSON. */
export function answerBytes(reply: QueryReply, maxBytes: number = MAX_ANSWER_BYTES): string | null {
  let bytes = 0;
  for (const series of reply.series) {
    bytes += 200 + series.t.length * BYTES_PER_POINT;
    if (series.text) for (const text of series.text) bytes += text === null ? 5 : 3 * text.length + 3;
    if (series.qualities) bytes += series.qualities.length * 120;
  }
  return bytes <= maxBytes ? null : tooManyBytes('history.query', bytes, maxBytes);
}
