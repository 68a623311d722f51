// The alarm journal's file, as its worker sees it: every transition and
// operator action, and the state of each alarm, in a SQLite file of its own
// (opened by storage/openStore.ts). The runtime talks to it through
// journal.ts; nothing here runs on the event loop that polls devices.
//
// Each batch the client sends is written in one transaction (a flood of
// 10,000 is one commit). When the disk refuses (full, read-only, locked),
// entries wait here in memory, bounded, and the status says why; writing
// resumes by itself every `retryMs`. WAL with synchronous=NORMAL: a crashed
// application loses nothing committed, a power cut at most the last commit.
import type Database from 'better-sqlite3';
import type { AlarmKpis, AlarmPriority, JournalEntry, JournalEvent } from '../../../shared/alarms';
import type { TagScalar } from '../../../shared/types';
import { openStore, setMaxPageCount, StoreFileError } from '../storage/openStore';
import { Rows, type ServiceFactory, type StoreService } from '../storage/protocol';
import { describeSqliteError } from '../storage/sqliteProblem';
import { JOURNAL_KIND } from './journalSchema/index';
import type { AppendBatch, JournalOptions, JournalQuery, NewEntry, StoreJournalStatus } from './journalTypes';
import { Deadline, NO_DEADLINE, withinBytes, type DeadlineCheck } from '../budget/limits';
import { computeKpis, type Activation, type StandingCandidate } from './kpis';
import type { MachineSnapshot } from './machine';

const DAY = 86_400_000;
const WHAT = 'alarm journal entries';

interface EntryRow {
  seq: number;
  ts: number;
  alarm_id: string;
  path: string;
  kind: string;
  priority: string;
  event: string;
  state: string;
  value: string | null;
  message: string;
  user: string | null;
  workstation: string | null;
  comment: string | null;
}

export class JournalStore {
  private db: Database.Database | null = null;
  private nextSeq = 1;
  private pending: JournalEntry[] = [];
  private readonly pendingStates = new Map<string, MachineSnapshot>();
  private problem: string | null = null;
  private dropped = 0;
  private received = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private retentionTimer: NodeJS.Timeout | null = null;
  private readonly maxPending: number;
  private readonly retryMs: number;

  constructor(
    private readonly options: JournalOptions,
    private readonly changed: (status: StoreJournalStatus) => void = () => {},
  ) {
    this.maxPending = options.maxPending ?? 1_000_000;
    this.retryMs = options.retryMs ?? 5000;
  }

  /** Opens (or creates) the file; returns the saved alarm states. A file it cannot use leaves the journal degraded. */
  open(): Map<string, MachineSnapshot> {
    try {
      this.db = this.openDatabase();
      this.problem = null;
      this.applyRetention();
      const every = Math.min(6 * 3_600_000, (this.options.maxAgeDays ?? 1) * DAY);
      this.retentionTimer ??= setInterval(() => this.applyRetention(), every).unref();
      return this.loadStates();
    } catch (error) {
      this.db?.close();
      this.db = null;
      this.fail(error);
      return new Map();
    }
  }

  status(): StoreJournalStatus {
    return {
      state: this.problem === null ? 'ok' : 'degraded',
      problem: this.problem,
      file: this.options.file,
      pending: this.pending.length,
      dropped: this.dropped,
      received: this.received,
    };
  }

  /** Takes a batch and writes it (with whatever waited) in one transaction; false when the disk refuses. */
  append(batch: AppendBatch): boolean {
    for (const entry of batch.entries) this.pending.push({ seq: this.nextSeq++, ...entry });
    this.received += batch.entries.length;
    if (this.pending.length > this.maxPending) {
      const excess = this.pending.length - this.maxPending;
      this.pending.splice(0, excess);
      this.dropped += excess;
    }
    for (const [id, snapshot] of batch.states) this.pendingStates.set(id, snapshot);
    return this.flush();
  }

  /** Writes what waits; returns false (and keeps it) when the disk refuses. */
  flush(): boolean {
    if (this.pending.length === 0 && this.pendingStates.size === 0) return true;
    if (!this.db) return false;
    try {
      const entries = this.pending;
      const states = [...this.pendingStates];
      this.writeBatch(entries, states);
      this.pending = this.pending.slice(entries.length);
      for (const [id, snapshot] of states) if (this.pendingStates.get(id) === snapshot) this.pendingStates.delete(id);
      this.succeeded();
      return true;
    } catch (error) {
      this.fail(error);
      return false;
    }
  }

  /** Entries in [from, to], newest first; what waits in memory is merged in. */
  query(query: JournalQuery): { entries: JournalEntry[]; truncated: boolean } {
    const fromDisk = this.db ? this.select(query, query.limit + 1) : [];
    const waiting = this.pending.filter((entry) => matches(entry, query)).reverse();
    const seen = new Set(fromDisk.map((entry) => entry.seq));
    const all = [...waiting.filter((entry) => !seen.has(entry.seq)), ...fromDisk].sort((a, b) => b.ts - a.ts || b.seq - a.seq);
    // Bounded in bytes too (shared/budget.ts): long messages and comments cut the list short, `truncated` says so.
    const { entries, cut } = withinBytes(all.slice(0, query.limit));
    return { entries: [...entries], truncated: cut || all.length > query.limit };
  }

  /** Activations in [from, to), oldest first, for the KPIs. */
  activations(from: number, to: number, deadline: DeadlineCheck = NO_DEADLINE): Activation[] {
    const rows = this.requireDb()
      .prepare("SELECT ts, alarm_id, path, priority FROM journal WHERE event = 'activated' AND ts >= ? AND ts < ? ORDER BY ts, seq")
      .raw()
      .iterate(from, to) as IterableIterator<[number, string, string, string]>;
    // Read row by row so that a flood of millions stops at the request's time limit, not after.
    const out: Activation[] = [];
    for (const [ts, alarmId, path, priority] of rows) {
      if ((out.length & 4095) === 0) deadline.check();
      out.push({ ts, alarmId, path, priority: parsePriority(priority) });
    }
    return out;
  }

  /** Alarms still active at `to`: their last activation or clearance before it was an activation. */
  activeAt(to: number): StandingCandidate[] {
    const rows = this.requireDb()
      .prepare(
        `SELECT j.alarm_id, j.path, j.ts FROM journal j
           JOIN (SELECT alarm_id, MAX(seq) AS seq FROM journal
                  WHERE event IN ('activated', 'cleared') AND ts <= ? GROUP BY alarm_id) last
             ON j.seq = last.seq
          WHERE j.event = 'activated'`,
      )
      .raw()
      .all(to) as [string, string, number][];
    return rows.map(([alarmId, path, activeAt]) => ({ alarmId, path, activeAt }));
  }

  /** The KPIs of a range, computed here so that a year of activations never crosses to the runtime. */
  kpis(from: number, to: number): AlarmKpis {
    const deadline = new Deadline('alarms.kpis');
    const activations = this.activations(from, to, deadline);
    const active = this.activeAt(to);
    deadline.check();
    return computeKpis(from, to, activations, active);
  }

  setMaxPageCount(pages: number): void {
    if (this.db) setMaxPageCount(this.db, pages);
  }

  close(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    this.retryTimer = this.retentionTimer = null;
    this.flush();
    this.db?.close();
    this.db = null;
  }

  private openDatabase(): Database.Database {
    const db = openStore(this.options.file, JOURNAL_KIND, { maxPageCount: this.options.maxPageCount });
    try {
      const last = db.prepare('SELECT MAX(seq) FROM journal').pluck().get() as number | null;
      // Entries appended before the file opened (or while it was away) were numbered from 1.
      const first = (last ?? 0) + 1;
      if (this.pending.length > 0 && this.pending[0]!.seq < first) {
        this.pending = this.pending.map((entry, i) => ({ ...entry, seq: first + i }));
      }
      this.nextSeq = Math.max(this.nextSeq, first + this.pending.length);
      return db;
    } catch (error) {
      db.close();
      throw error;
    }
  }

  private loadStates(): Map<string, MachineSnapshot> {
    const rows = this.requireDb().prepare('SELECT alarm_id, snapshot FROM alarm_state').raw().all() as [string, string][];
    const states = new Map<string, MachineSnapshot>();
    for (const [id, snapshot] of rows) {
      try {
        states.set(id, JSON.parse(snapshot) as MachineSnapshot);
      } catch {
        // A row we cannot read is one alarm's state lost, not the journal: it starts normal.
      }
    }
    return states;
  }

  private writeBatch(entries: readonly JournalEntry[], states: readonly [string, MachineSnapshot][]): void {
    const db = this.requireDb();
    const insert = db.prepare(
      'INSERT INTO journal (seq, ts, alarm_id, path, kind, priority, event, state, value, message, user, workstation, comment) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)',
    );
    const upsert = db.prepare('INSERT INTO alarm_state (alarm_id, snapshot) VALUES (?, ?) ON CONFLICT (alarm_id) DO UPDATE SET snapshot = excluded.snapshot');
    db.transaction(() => {
      for (const e of entries) {
        insert.run(e.seq, e.ts, e.alarmId, e.path, e.kind, String(e.priority), e.event, e.state, e.value === null ? null : JSON.stringify(e.value), e.message, e.user, e.workstation, e.comment);
      }
      for (const [id, snapshot] of states) upsert.run(id, JSON.stringify(snapshot));
    })();
  }

  private select(query: JournalQuery, limit: number): JournalEntry[] {
    const where = ['ts >= ?', 'ts <= ?'];
    const args: unknown[] = [query.from, query.to];
    if (query.alarmId !== undefined) {
      where.push('alarm_id = ?');
      args.push(query.alarmId);
    }
    if (query.area) {
      where.push('(path = ? OR substr(path, 1, ?) = ?)');
      args.push(query.area, query.area.length + 1, `${query.area}/`);
    }
    if (query.events && query.events.length > 0) {
      where.push(`event IN (${query.events.map(() => '?').join(',')})`);
      args.push(...query.events);
    }
    if (query.search) {
      const like = `%${query.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      where.push("(path LIKE ? ESCAPE '\\' OR message LIKE ? ESCAPE '\\' OR user LIKE ? ESCAPE '\\' OR comment LIKE ? ESCAPE '\\')");
      args.push(like, like, like, like);
    }
    const rows = this.requireDb()
      .prepare(`SELECT * FROM journal WHERE ${where.join(' AND ')} ORDER BY ts DESC, seq DESC LIMIT ?`)
      .all(...args, limit) as EntryRow[];
    return rows.map(toEntry);
  }

  private applyRetention(): void {
    if (!this.db || this.options.maxAgeDays === undefined) return;
    try {
      this.db.prepare('DELETE FROM journal WHERE ts < ?').run(Date.now() - this.options.maxAgeDays * DAY);
    } catch (error) {
      this.fail(error);
    }
  }

  private requireDb(): Database.Database {
    if (!this.db) throw new StoreFileError(`the alarm journal is not available: ${this.problem ?? 'it is closed'}`);
    return this.db;
  }

  private succeeded(): void {
    const was = this.problem;
    this.problem = null;
    if (was !== null) this.changed(this.status());
  }

  private fail(error: unknown): void {
    this.problem = error instanceof StoreFileError ? error.message : describeSqliteError(this.options.file, WHAT, error);
    this.changed(this.status());
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      // The machines already run: what a late-opening file held is older than them.
      if (!this.db) this.open();
      if (this.db && !this.flush() && !this.retryTimer) this.fail(new StoreFileError(this.problem ?? 'retry failed'));
      else this.changed(this.status());
    }, this.retryMs);
    this.retryTimer.unref();
  }
}

/** The journal as a store service (storeWorker/services.ts runs it in its worker). */
export const journalService: ServiceFactory<JournalOptions> = (options, emit) => {
  const store = new JournalStore(options, (status) => emit('status', status));
  const withStatus = <T>(value: T) => ({ value, status: store.status() });
  const service: StoreService = {
    handlers: {
      open: () => withStatus(store.open()),
      append: (batch: AppendBatch) => withStatus(store.append(batch)),
      flush: () => withStatus(store.flush()),
      status: () => store.status(),
      query: (query: JournalQuery) => {
        const { entries, truncated } = store.query(query);
        return new Rows('entries', entries, { truncated });
      },
      activations: ({ from, to }: { from: number; to: number }) => new Rows('activations', store.activations(from, to), {}),
      activeAt: ({ to }: { to: number }) => store.activeAt(to),
      kpis: ({ from, to }: { from: number; to: number }) => store.kpis(from, to),
      setMaxPageCount: ({ pages }: { pages: number }) => store.setMaxPageCount(pages),
    },
    close: () => store.close(),
  };
  return service;
};

function parsePriority(text: string): AlarmPriority {
  return text === 'diagnostic' ? 'diagnostic' : (Number(text) as AlarmPriority);
}

function toEntry(row: EntryRow): JournalEntry {
  return {
    seq: row.seq,
    ts: row.ts,
    alarmId: row.alarm_id,
    path: row.path,
    kind: row.kind as JournalEntry['kind'],
    priority: parsePriority(row.priority),
    event: row.event as JournalEvent,
    state: row.state as JournalEntry['state'],
    value: row.value === null ? null : (JSON.parse(row.value) as TagScalar),
    message: row.message,
    user: row.user,
    workstation: row.workstation,
    comment: row.comment,
  };
}

/** The same filter as `select`, for entries still in memory. */
function matches(entry: NewEntry & { seq: number }, query: JournalQuery): boolean {
  if (entry.ts < query.from || entry.ts > query.to) return false;
  if (query.alarmId !== undefined && entry.alarmId !== query.alarmId) return false;
  if (query.area && entry.path !== query.area && !entry.path.startsWith(`${query.area}/`)) return false;
  if (query.events && query.events.length > 0 && !query.events.includes(entry.event)) return false;
  if (query.search) {
    const needle = query.search.toLowerCase();
    const hay = [entry.path, entry.message, entry.user ?? '', entry.comment ?? ''];
    if (!hay.some((text) => text.toLowerCase().includes(needle))) return false;
  }
  return true;
}
