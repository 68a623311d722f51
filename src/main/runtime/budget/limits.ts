// The budget of a read, enforced where the work runs (a worker): a deadline
// the work checks as it goes, and a byte bound that lists are cut to. The
// limits themselves, and the check a request gets before any work, are in
// src/shared/budget.ts.
import { performance } from 'node:perf_hooks';
import { count, MAX_ANSWER_BYTES, QUERY_TIME_LIMIT_MS } from '../../../shared/budget';

/**
 * A request past its budget. Its name travels with it across a worker
 * boundary (a store reply keeps the error's name as `kind`), so the handler
 * answers 400 with the message instead of 503.
 */
export class BudgetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BudgetError';
  }
}

/** Whether an error (thrown here, or come back from a worker) is a budget refusal. */
export function isBudgetError(error: unknown): error is Error {
  if (!(error instanceof Error)) return false;
  return error.name === 'BudgetError' || (error as { kind?: unknown }).kind === 'BudgetError';
}

/**
 * The time a request may take. `check()` is called between pieces of work
 * (a chunk decoded, a few thousand rows read); past the limit it throws, the
 * work unwinds, and the worker takes its next message. A clock read costs
 * ~30 ns, so calling it per chunk or per 4096 rows is free.
 */
export class Deadline {
  private readonly end: number;
  constructor(
    private readonly what: string,
    readonly limitMs: number = QUERY_TIME_LIMIT_MS,
  ) {
    this.end = performance.now() + limitMs;
  }

  check(): void {
    if (performance.now() > this.end) {
      throw new BudgetError(`${this.what} stopped after ${this.limitMs / 1000} s, the time limit of one request: ask for a shorter range or fewer tags`);
    }
  }
}

/** A deadline that never ends (work without a budget: a test, a benchmark). */
export const NO_DEADLINE = { check(): void {} };
export type DeadlineCheck = Pick<Deadline, 'check'>;

/**
 * The longest prefix of `entries` whose JSON fits in `maxBytes` (with room
 * for the envelope); `cut` says entries were left out. Entries are measured
 * as JSON in UTF-8, the way the HTTP transport sends them.
 */
export function withinBytes<T>(entries: readonly T[], maxBytes: number = MAX_ANSWER_BYTES): { entries: readonly T[]; cut: boolean } {
  let bytes = 1024;
  for (let i = 0; i < entries.length; i++) {
    bytes += Buffer.byteLength(JSON.stringify(entries[i])) + 1;
    if (bytes > maxBytes) return { entries: entries.slice(0, i), cut: true };
  }
  return { entries, cut: false };
}

/** The message of an answer refused for its size. */
export function tooManyBytes(what: string, bytes: number, maxBytes: number = MAX_ANSWER_BYTES): string {
  return `${what}: the answer would be ${count(bytes / 1048576)} MB, more than the ${count(maxBytes / 1048576)} MB one answer may take: ask for fewer points, fewer tags or a shorter range`;
}
