// The security file (`security.db` in the data folder): local users with
// their password hashes, and the audit trail. It runs in the security store's
// worker (see securityClient.ts for the runtime's side); opened by
// storage/openStore.ts. Every change is committed before its call is
// answered, so an action answered as done has its audit entry on disk.
//
// The audit trail is a hash chain: each entry stores the previous entry's
// hash and its own, SHA-256 over the previous hash and the entry's fields.
// Editing, deleting or inserting a row breaks the chain from there on, and
// `verify` names the first broken entry. (Whoever can rewrite the whole tail
// of the file can also recompute it: export `verify`'s head hash elsewhere
// to anchor it.) The chain is extended here, by the file's one writer.
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { AuditEntry, AuditVerification, Role, UserInfo } from '../../../shared/security';
import { withinBytes } from '../budget/limits';
import { openStore, openStoreReadOnly, setMaxPageCount } from '../storage/openStore';
import type { NewAuditEntry } from './auditQueue';
import { SECURITY_KIND } from './securitySchema/index';

const GENESIS = '0'.repeat(64);

export type { NewAuditEntry } from './auditQueue';

export interface AuditQuery {
  readonly from: number;
  readonly to: number;
  readonly user?: string;
  readonly action?: string;
  readonly search?: string;
  readonly limit: number;
}

interface UserRow {
  name: string;
  role: Role;
  hash: string;
  created_at: number;
  changed_at: number;
}

interface AuditRow {
  seq: number;
  ts: number;
  user: string;
  workstation: string;
  action: string;
  target: string;
  old_value: string | null;
  new_value: string | null;
  comment: string | null;
  prev_hash: string;
  hash: string;
}

export class SecurityFile {
  private readonly db: Database.Database;
  private lastHash: string;
  private lastSeq: number;

  /**
   * `file` null: in memory (review mode, tests). `readonly`: an existing file, for reading only
   * (while it cannot be written). Throws when the file cannot be used (another kind, a newer version, damaged, read-only).
   */
  constructor(file: string | null, options: { readonly?: boolean; maxPageCount?: number } = {}) {
    // FULL: the audit trail of an action answered as done survives a power cut too.
    this.db =
      options.readonly && file !== null
        ? openStoreReadOnly(file, SECURITY_KIND)
        : openStore(file, SECURITY_KIND, { synchronous: 'FULL', maxPageCount: options.maxPageCount });
    const last = this.db.prepare('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
    this.lastSeq = last?.seq ?? 0;
    this.lastHash = last?.hash ?? GENESIS;
  }

  close(): void {
    this.db.close();
  }

  // ---- users ----

  userCount(): number {
    return this.db.prepare('SELECT COUNT(*) FROM users').pluck().get() as number;
  }

  user(name: string): (UserInfo & { hash: string }) | undefined {
    const row = this.db.prepare('SELECT * FROM users WHERE name = ?').get(name) as UserRow | undefined;
    return row && { ...toUser(row), hash: row.hash };
  }

  users(): UserInfo[] {
    return (this.db.prepare('SELECT * FROM users ORDER BY name').all() as UserRow[]).map(toUser);
  }

  addUser(name: string, role: Role, hash: string, now: number): UserInfo {
    this.db.prepare('INSERT INTO users (name, role, hash, created_at, changed_at) VALUES (?, ?, ?, ?, ?)').run(name, role, hash, now, now);
    return { name, role, createdAt: now, changedAt: now };
  }

  setRole(name: string, role: Role, now: number): void {
    this.db.prepare('UPDATE users SET role = ?, changed_at = ? WHERE name = ?').run(role, now, name);
  }

  setHash(name: string, hash: string, now: number): void {
    this.db.prepare('UPDATE users SET hash = ?, changed_at = ? WHERE name = ?').run(hash, now, name);
  }

  removeUser(name: string): void {
    this.db.prepare('DELETE FROM users WHERE name = ?').run(name);
  }

  administrators(): number {
    return this.db.prepare("SELECT COUNT(*) FROM users WHERE role = 'administrator'").pluck().get() as number;
  }

  // ---- audit trail ----

  appendAudit(entry: NewAuditEntry): AuditEntry {
    const seq = this.lastSeq + 1;
    const prevHash = this.lastHash;
    const hash = chainHash(prevHash, seq, entry);
    this.db
      .prepare('INSERT INTO audit (seq, ts, user, workstation, action, target, old_value, new_value, comment, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?)')
      .run(seq, entry.ts, entry.user, entry.workstation, entry.action, entry.target, entry.oldValue, entry.newValue, entry.comment, prevHash, hash);
    this.lastSeq = seq;
    this.lastHash = hash;
    return { seq, ...entry, prevHash, hash };
  }

  /** Appends entries in one transaction; when the disk refuses, none is written and the chain's head is as it was. */
  appendAudits(entries: readonly NewAuditEntry[]): AuditEntry[] {
    const [seq, hash] = [this.lastSeq, this.lastHash];
    try {
      return this.db.transaction(() => entries.map((entry) => this.appendAudit(entry)))();
    } catch (error) {
      this.lastSeq = seq;
      this.lastHash = hash;
      throw error;
    }
  }

  /** For tests: caps the file (in pages) to fill the "disk". */
  setMaxPageCount(pages: number): void {
    setMaxPageCount(this.db, pages);
  }

  queryAudit(query: AuditQuery): { entries: AuditEntry[]; truncated: boolean } {
    const where = ['ts >= ?', 'ts <= ?'];
    const args: unknown[] = [query.from, query.to];
    if (query.user) {
      where.push('user = ?');
      args.push(query.user);
    }
    if (query.action) {
      where.push('action = ?');
      args.push(query.action);
    }
    if (query.search) {
      const like = `%${query.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      where.push("(target LIKE ? ESCAPE '\\' OR comment LIKE ? ESCAPE '\\' OR new_value LIKE ? ESCAPE '\\' OR old_value LIKE ? ESCAPE '\\')");
      args.push(like, like, like, like);
    }
    const rows = this.db.prepare(`SELECT * FROM audit WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT ?`).all(...args, query.limit + 1) as AuditRow[];
    // Bounded in bytes too (shared/budget.ts): long values cut the list short, `truncated` says so.
    const { entries, cut } = withinBytes(rows.slice(0, query.limit).map(toAudit));
    return { entries: [...entries], truncated: cut || rows.length > query.limit };
  }

  verifyAudit(): AuditVerification & { head: string } {
    let prev = GENESIS;
    let expectedSeq = 1;
    let count = 0;
    for (const row of this.db.prepare('SELECT * FROM audit ORDER BY seq').iterate() as IterableIterator<AuditRow>) {
      count++;
      const broken = (problem: string) => ({ ok: false, entries: count, brokenAt: row.seq, problem, head: prev });
      if (row.seq !== expectedSeq) return broken(`entry ${expectedSeq} is missing (the next is ${row.seq})`);
      if (row.prev_hash !== prev) return broken(`entry ${row.seq} does not follow entry ${row.seq - 1} (an entry before it was changed or removed)`);
      const entry = toAudit(row);
      if (chainHash(prev, row.seq, entry) !== row.hash) return broken(`entry ${row.seq} was changed after it was written`);
      prev = row.hash;
      expectedSeq++;
    }
    return { ok: true, entries: count, brokenAt: null, problem: null, head: prev };
  }
}

function chainHash(prevHash: string, seq: number, entry: NewAuditEntry): string {
  const fields = [seq, entry.ts, entry.user, entry.workstation, entry.action, entry.target, entry.oldValue, entry.newValue, entry.comment];
  return createHash('sha256').update(prevHash).update('\n').update(JSON.stringify(fields)).digest('hex');
}

function toUser(row: UserRow): UserInfo {
  return { name: row.name, role: row.role, createdAt: row.created_at, changedAt: row.changed_at };
}

function toAudit(row: AuditRow): AuditEntry {
  return {
    seq: row.seq,
    ts: row.ts,
    user: row.user,
    workstation: row.workstation,
    action: row.action,
    target: row.target,
    oldValue: row.old_value,
    newValue: row.new_value,
    comment: row.comment,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
