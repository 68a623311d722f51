// The audit trail's queue, in the security store's worker: what keeps an
// audit entry when the disk refuses it (full, read-only, locked), so that an
// action carried out is never answered as failed, and its entry reaches the
// trail later, in order and chained.
//
// The worker is the file's one writer and handles calls one at a time, so the
// order of the calls is the order of the chain: while anything waits, a new
// entry goes behind it, never past it. Writing is retried every `retryMs`;
// the waiting entries are written in one transaction (all or nothing, so the
// chain stays whole).
//
// The queue is bounded (`maxPending`). Past the bound, new entries are
// dropped, counted, and the trail itself records the gap: once the disk is
// back, an `audit.dropped` entry follows the queued ones, with how many were
// lost and when. Nothing is dropped without a count the HMI shows.
import type { AuditEntry, AuditStoreStatus } from '../../../shared/security';
import { describeSqliteError } from '../storage/sqliteProblem';

/** An entry as an action gives it; the file numbers and chains it. */
export type NewAuditEntry = Omit<AuditEntry, 'seq' | 'prevHash' | 'hash'>;

/** The part of the security file the queue writes to. */
export interface AuditWriter {
  /** Appends the entries in one transaction, chained; throws (and writes none) when the disk refuses. */
  appendAudits(entries: readonly NewAuditEntry[]): AuditEntry[];
}

export interface AuditQueueOptions {
  readonly file: string | null;
  readonly maxPending?: number;
  readonly retryMs?: number;
}

export class AuditQueue {
  private pending: NewAuditEntry[] = [];
  private problem: string | null = null;
  private dropped = 0;
  /** Dropped since the trail last recorded a gap, and the span of their times. */
  private unrecorded = 0;
  private unrecordedFrom = 0;
  private unrecordedTo = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly maxPending: number;
  private readonly retryMs: number;

  constructor(
    private readonly writer: AuditWriter,
    private readonly options: AuditQueueOptions,
    private readonly changed: (status: AuditStoreStatus) => void = () => {},
  ) {
    this.maxPending = options.maxPending ?? 100_000;
    this.retryMs = options.retryMs ?? 2000;
  }

  status(): AuditStoreStatus {
    return { state: this.problem === null ? 'ok' : 'degraded', problem: this.problem, pending: this.pending.length, dropped: this.dropped };
  }

  /** Writes the entry (after whatever waits); null when it waits (or was dropped: the status counts it). */
  append(entry: NewAuditEntry): AuditEntry | null {
    if (this.waiting() && !this.flush()) {
      this.enqueue(entry);
      return null;
    }
    try {
      const [written] = this.writer.appendAudits([entry]);
      return written!;
    } catch (error) {
      this.fail(error);
      this.enqueue(entry);
      return null;
    }
  }

  /** Writes what waits (and the record of a gap); false when the disk still refuses. */
  flush(): boolean {
    if (!this.waiting()) return true;
    const batch = this.unrecorded > 0 ? [...this.pending, this.gapEntry()] : this.pending;
    try {
      this.writer.appendAudits(batch);
    } catch (error) {
      this.fail(error);
      return false;
    }
    this.pending = [];
    this.unrecorded = 0;
    this.problem = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.changed(this.status());
    return true;
  }

  /** Stops retrying, after a last try (the file is about to close). */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.flush();
  }

  private waiting(): boolean {
    return this.pending.length > 0 || this.unrecorded > 0;
  }

  private enqueue(entry: NewAuditEntry): void {
    if (this.pending.length < this.maxPending) this.pending.push(entry);
    else {
      // The oldest are kept (an incident's first actions matter most); the gap is recorded in the trail.
      this.dropped++;
      if (this.unrecorded++ === 0) this.unrecordedFrom = entry.ts;
      this.unrecordedTo = entry.ts;
    }
    this.changed(this.status());
  }

  private gapEntry(): NewAuditEntry {
    const span = this.unrecordedFrom === this.unrecordedTo ? `at ${iso(this.unrecordedFrom)}` : `from ${iso(this.unrecordedFrom)} to ${iso(this.unrecordedTo)}`;
    return {
      ts: this.unrecordedTo,
      user: 'runtime',
      workstation: 'local',
      action: 'audit.dropped',
      target: 'audit trail',
      oldValue: null,
      newValue: String(this.unrecorded),
      comment: `${this.unrecorded} audit entries ${span} were lost: the trail could not be written and its queue (${this.maxPending}) was full`,
    };
  }

  private fail(error: unknown): void {
    const problem = describeSqliteError(this.options.file ?? 'the security file', 'the audit trail', error);
    const first = this.problem === null;
    this.problem = problem;
    this.timer ??= setTimeout(() => this.retry(), this.retryMs);
    this.timer.unref();
    if (first) this.changed(this.status());
  }

  private retry(): void {
    this.timer = null;
    if (!this.flush()) this.changed(this.status());
  }
}

function iso(ts: number): string {
  return new Date(ts).toISOString();
}
