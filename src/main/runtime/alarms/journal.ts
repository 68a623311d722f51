// The alarm journal: every transition and operator action, and the state of
// each alarm, in a SQLite file of its own. It survives restarts: the states
// bring back the active and unacknowledged alarms, the entries their story.
//
// Entries are written in one transaction per batch (a flood of 10,000 is one
// commit). When the disk refuses (full, read-only, locked), entries wait in
// memory, bounded, and the status says why; writing resumes by itself.
// WAL with synchronous=NORMAL: a crashed application loses nothing, a power
// cut at most the last commit.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { AlarmPriority, JournalEntry, JournalEvent, JournalStatus } from '../../../shared/alarms';
import type { TagScalar } from '../../../shared/types';
import { describeSqliteError } from '../storage/sqliteProblem';
import type { Activation, StandingCandidate } from './kpis';
import type { MachineSnapshot } from './machine';

const SCHEMA_VERSION = 1;

export interface JournalOptions {
  readonly file: string;
  /** Entries older than this are deleted; absent: kept for ever. */
  readonly maxAgeDays?: number;
  /** Entries held in memory while the disk refuses them; beyond, the oldest are dropped. */
  readonly maxPending?: number;
  readonly retryMs?: number;
  /** Batches are written at most this often. */
  readonly flushMs?: number;
  /** A cap on the file in 4 KiB pages (tests use it to fill the "disk"). */
  readonly maxPageCount?: number;
}

export type NewEntry = Omit<JournalEntry, 'seq'>;

export interface JournalQuery {
  readonly from: number;
  readonly to: number;
  readonly search?: string;
  readonly alarmId?: string;
  readonly area?: string;
  readonly events?: readonly JournalEvent[];
  readonly limit: number;
}

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

interface StateRow {
  alarm_id: string;
  snapshot: string;
}

const DAY = 86_400_000;

export class JournalError extends Error {}

export class AlarmJournal {
  private db: Database.Database | null = null;
  private nextSeq = 1;
  private pending: JournalEntry[] = [];
  private readonly pendingStates = new Map<string, MachineSnapshot>();
  private problem: string | null = null;
  private dropped = 0;
  private flushTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private retentionTimer: NodeJS.Timeout | null = null;
  private readonly maxPending: number;
  private readonly retryMs: number;
  private readonly flushMs: number;

  constructor(private readonly options: JournalOptions) {
    this.maxPending = options.maxPending ?? 1_000_000;
    this.retryMs = options.retryMs ?? 5000;
    this.flushMs = options.flushMs ?? 100;
  }

  /** Opens (or creates) the file; returns the saved alarm states. A file it cannot use leaves the journal degraded, not the runtime down. */
  open(): Map<string, MachineSnapshot> {
    try {
      this.db = this.openDatabase();
      this.problem = null;
      this.applyRetention();
      const every = Math.min(6 * 3_600_000, (this.options.maxAgeDays ?? 1) * DAY);
      this.retentionTimer = setInterval(() => this.applyRetention(), every).unref();
      return this.loadStates();
    } catch (error) {
      this.db?.close();
      this.db = null;
      this.fail(error);
      return new Map();
    }
  }

  status(): JournalStatus {
    return {
      state: this.problem === null ? 'ok' : 'degraded',
      problem: this.problem,
      file: this.options.file,
      pending: this.pending.length,
      dropped: this.dropped,
    };
  }

  append(entry: NewEntry): JournalEntry {
    const full: JournalEntry = { seq: this.nextSeq++, ...entry };
    this.pending.push(full);
    if (this.pending.length > this.maxPending) {
      const excess = this.pending.length - this.maxPending;
      this.pending.splice(0, excess);
      this.dropped += excess;
    }
    this.schedule();
    return full;
  }

  saveState(alarmId: string, snapshot: MachineSnapshot): void {
    this.pendingStates.set(alarmId, snapshot);
    this.schedule();
  }

  /** Writes what waits; returns false (and keeps it) when the disk refuses. */
  flush(): boolean {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (this.pending.length === 0 && this.pendingStates.size === 0) return true;
    if (!this.db) return false;
    try {
      const entries = this.pending;
      const states = [...this.pendingStates];
      this.writeBatch(entries, states);
      this.pending = this.pending.slice(entries.length);
      for (const [id, snapshot] of states) if (this.pendingStates.get(id) === snapshot) this.pendingStates.delete(id);
      this.problem = null;
      return true;
    } catch (error) {
      this.fail(error);
      return false;
    }
  }

  /** Entries in [from, to], newest first. Whatever waits in memory is written (or merged) first. */
  query(query: JournalQuery): { entries: JournalEntry[]; truncated: boolean } {
    this.flush();
    const fromDisk = this.db ? this.select(query, query.limit + 1) : [];
    const waiting = this.pending.filter((entry) => matches(entry, query)).reverse();
    const seen = new Set(fromDisk.map((entry) => entry.seq));
    const all = [...waiting.filter((entry) => !seen.has(entry.seq)), ...fromDisk].sort((a, b) => b.ts - a.ts || b.seq - a.seq);
    return { entries: all.slice(0, query.limit), truncated: all.length > query.limit };
  }

  /** Activations in [from, to), oldest first, for the KPIs. */
  activations(from: number, to: number): Activation[] {
    this.flush();
    const db = this.requireDb();
    const rows = db
      .prepare("SELECT ts, alarm_id, path, priority FROM journal WHERE event = 'activated' AND ts >= ? AND ts < ? ORDER BY ts, seq")
      .raw()
      .all(from, to) as [number, string, string, string][];
    return rows.map(([ts, alarmId, path, priority]) => ({ ts, alarmId, path, priority: parsePriority(priority) }));
  }

  /** Alarms still active at `to`: their last activation or clearance before it was an activation. */
  activeAt(to: number): StandingCandidate[] {
    this.flush();
    const db = this.requireDb();
    const rows = db
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

  /** For tests: changes the page cap of the open file. */
  setMaxPageCount(pages: number): void {
    this.db?.pragma(`max_page_count = ${pages}`);
  }

  close(): void {
    for (const timer of [this.flushTimer, this.retryTimer]) if (timer) clearTimeout(timer);
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    this.flushTimer = this.retryTimer = this.retentionTimer = null;
    this.flush();
    this.db?.close();
    this.db = null;
  }

  private openDatabase(): Database.Database {
    mkdirSync(dirname(this.options.file), { recursive: true });
    const db = new Database(this.options.file);
    try {
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version > SCHEMA_VERSION) {
        throw new JournalError(`${this.options.file} was written by a newer version (journal schema ${version}, this build reads ${SCHEMA_VERSION}); it is left untouched`);
      }
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      if (this.options.maxPageCount !== undefined) db.pragma(`max_page_count = ${this.options.maxPageCount}`);
      db.exec(`
        CREATE TABLE IF NOT EXISTS journal (
          seq INTEGER PRIMARY KEY, ts INTEGER NOT NULL, alarm_id TEXT NOT NULL, path TEXT NOT NULL,
          kind TEXT NOT NULL, priority TEXT NOT NULL, event TEXT NOT NULL, state TEXT NOT NULL,
          value TEXT, message TEXT NOT NULL, user TEXT, workstation TEXT, comment TEXT);
        CREATE INDEX IF NOT EXISTS journal_ts ON journal (ts);
        CREATE INDEX IF NOT EXISTS journal_alarm ON journal (alarm_id, seq);
        CREATE TABLE IF NOT EXISTS alarm_state (alarm_id TEXT PRIMARY KEY, snapshot TEXT NOT NULL);
      `);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
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
    const rows = this.requireDb().prepare('SELECT alarm_id, snapshot FROM alarm_state').all() as StateRow[];
    const states = new Map<string, MachineSnapshot>();
    for (const row of rows) {
      try {
        states.set(row.alarm_id, JSON.parse(row.snapshot) as MachineSnapshot);
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
      where.push("(path = ? OR substr(path, 1, ?) = ?)");
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
    if (!this.db) throw new JournalError(`the alarm journal is not available: ${this.problem ?? 'it is closed'}`);
    return this.db;
  }

  private schedule(): void {
    if (this.flushTimer || this.retryTimer) return;
    this.flushTimer = setTimeout(() => this.flush(), this.flushMs);
    this.flushTimer.unref();
  }

  private fail(error: unknown): void {
    this.problem = error instanceof JournalError ? error.message : describeSqliteError(this.options.file, 'the alarm journal', error);
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.db) {
        const states = this.open();
        void states; // the machines already run; what the file held is older than them
      }
      if (!this.flush() && !this.retryTimer) this.fail(new JournalError(this.problem ?? 'retry failed'));
    }, this.retryMs);
    this.retryTimer.unref();
  }
}

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
function matches(entry: JournalEntry, query: JournalQuery): boolean {
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
