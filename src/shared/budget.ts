// The budget of a read request: what one answer may cost, for the whole
// request (every path of a history query together), checked before any work
// starts where the request alone tells the cost, and bounded while the work
// runs where it does not (a raw range's sample count, a KPI range's
// activations, the bytes of a journal's messages).
//
// One viewer's query must not freeze the runtime: 32 paths × 1,000,000
// intervals of `twa` once ran 83 s, stopped live updates for 43 s and took
// 1.8 GB. Past a budget the answer is a 400 (`invalid_request`) whose message
// names the limit and what the request asked for.

/** Points one history query answers over all its paths: maxPoints, intervals or raw samples, times the paths. */
export const MAX_QUERY_POINTS = 1_000_000;

/** How long a query may run in its worker before it stops (the worker then takes the next message). */
export const QUERY_TIME_LIMIT_MS = 5_000;

/**
 * The bytes of one answer as JSON. A journal or audit list is cut here
 * (`truncated`); anything else this large is refused. 1,000,000 points of a
 * numeric series are about 35 MB.
 */
export const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

/** "1,000,000" */
export function count(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** The points a history request asks for per path, from the request alone; null for raw without maxPoints (counted in the worker). */
export function pointsPerPath(request: { from: number; to: number; maxPoints?: number; aggregate?: string; intervalMs?: number }): number | null {
  if (request.aggregate !== undefined && request.intervalMs !== undefined) return Math.max(1, Math.ceil((request.to - request.from) / request.intervalMs));
  return request.maxPoints ?? null;
}

/** Why a history request is over the point budget, or null. */
export function queryPointsProblem(request: { paths: readonly unknown[]; from: number; to: number; maxPoints?: number; aggregate?: string; intervalMs?: number }): string | null {
  const each = pointsPerPath(request);
  if (each === null) return null;
  const total = each * request.paths.length;
  if (total <= MAX_QUERY_POINTS) return null;
  const what =
    request.aggregate !== undefined ? `${count(each)} intervals of ${count(request.intervalMs ?? 0)} ms` : `maxPoints ${count(each)}`;
  return `a query answers at most ${count(MAX_QUERY_POINTS)} points over all its paths; this one asks for ${count(total)} (${request.paths.length} ${request.paths.length === 1 ? 'path' : 'paths'} × ${what}): ask for fewer paths, a longer interval or a shorter range`;
}
