// Asking the historian for the pens' samples, and keeping only the answer
// to the latest question.
//
// `LatestOnly` numbers its requests: starting one, or cancelling, makes every
// earlier one stale, and a stale answer is dropped when it arrives (the
// client cannot abort a call already on its way; it is simply ignored).
import { MAX_QUERY_POINTS } from '../../../../shared/budget';
import type { HistorySeries } from '../../../../shared/types';
import { ApiError, type ScadaClient } from '../../api';
import { EMPTY_SERIES, normalizeSeries, type PenSeries } from './trendData';

/** Four points per pixel column: M4 (first, min, max, last) draws exactly what raw samples would. */
export function maxPointsFor(plotWidthPx: number): number {
  return Math.max(400, Math.min(40_000, Math.round(4 * plotWidthPx)));
}

/**
 * The CSV export's points, shared by its pens: a query answers at most
 * MAX_QUERY_POINTS over all its paths (shared/budget.ts), so one pen may
 * have a million raw samples, 16 pens 62,500 each (beyond: M4).
 */
export const RAW_MAX_POINTS = MAX_QUERY_POINTS;

/** maxPoints of each pen of a CSV export of `pens` pens. */
export function rawMaxPointsPerPen(pens: number): number {
  return Math.max(4, Math.floor(RAW_MAX_POINTS / Math.max(1, pens)));
}

export interface PenHistory {
  /** One per requested path, in order; EMPTY_SERIES for a path without history. */
  readonly series: PenSeries[];
  /** Paths the historian does not record, with its message. */
  readonly unrecorded: ReadonlyMap<string, string>;
}

/**
 * Queries all paths at once. One path without history fails the whole
 * request (not_found), so then each path is asked on its own and the ones
 * without history come back empty, named in `unrecorded`.
 */
export async function queryPens(
  client: ScadaClient,
  paths: readonly string[],
  from: number,
  to: number,
  maxPoints: number,
): Promise<PenHistory> {
  if (paths.length === 0) return { series: [], unrecorded: new Map() };
  const request = (p: readonly string[]) =>
    client['history.query']({ paths: [...p], from: Math.floor(from), to: Math.ceil(to), maxPoints });
  try {
    const result = await request(paths);
    return { series: matchSeries(paths, result.series), unrecorded: new Map() };
  } catch (error) {
    if (!isNotFound(error)) throw error;
    if (paths.length === 1) return { series: [EMPTY_SERIES], unrecorded: new Map([[paths[0]!, error.message]]) };
  }
  const unrecorded = new Map<string, string>();
  const series = await Promise.all(
    paths.map(async (path) => {
      try {
        const result = await request([path]);
        return matchSeries([path], result.series)[0]!;
      } catch (error) {
        if (isNotFound(error)) {
          unrecorded.set(path, error.message);
          return EMPTY_SERIES;
        }
        throw error;
      }
    }),
  );
  return { series, unrecorded };
}

function isNotFound(error: unknown): error is ApiError {
  return error instanceof ApiError && error.kind === 'not_found';
}

function matchSeries(paths: readonly string[], answer: readonly HistorySeries[]): PenSeries[] {
  const byPath = new Map(answer.map((s) => [s.path, s]));
  return paths.map((path) => {
    const found = byPath.get(path);
    return found ? normalizeSeries(found) : EMPTY_SERIES;
  });
}

export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

/** Runs one request at a time that matters: the latest. */
export class LatestOnly {
  private generation = 0;
  private pending = 0;

  constructor(private readonly onBusy: (busy: boolean) => void) {}

  get busy(): boolean {
    return this.pending > 0;
  }

  /** Calls `done` with the outcome, unless another run or a cancel came first. */
  run<T>(work: () => Promise<T>, done: (outcome: Outcome<T>) => void): void {
    const generation = ++this.generation;
    this.setPending(1);
    work().then(
      (value) => this.finish(generation, () => done({ ok: true, value })),
      (error: unknown) => this.finish(generation, () => done({ ok: false, error })),
    );
  }

  /** The outstanding request is ignored from now on. */
  cancel(): void {
    this.generation++;
    this.setPending(0);
  }

  private finish(generation: number, report: () => void): void {
    if (generation !== this.generation) return;
    this.setPending(0);
    report();
  }

  private setPending(pending: number): void {
    if (pending === this.pending) return;
    this.pending = pending;
    this.onBusy(pending > 0);
  }
}
