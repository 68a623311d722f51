// The historian's rows beside the numeric chunks: text samples (tags of data
// type string, kept on change) and quality transitions (why a stretch was not
// Good: our reason and the protocol's own code). Both are rare next to
// numeric samples, so they are plain rows, never the numeric codec.
//
// Like the chunks, what arrives waits in memory until `write` runs inside
// the store's flush transaction; `committed` forgets it only once that
// transaction succeeded, so a full disk loses nothing. Queries read the file
// and add what still waits.
import type Database from 'better-sqlite3';
import { hasTextTables } from './schema';

export interface TextRecord {
  readonly id: number;
  readonly t: number;
  readonly value: string | null;
  /** QUALITY_CODE of the sample. */
  readonly q: number;
}

export interface QualityRecord {
  readonly id: number;
  readonly t: number;
  /** QUALITY_CODE of the status. */
  readonly status: number;
  readonly reason: string | null;
  readonly codeValue: number | null;
  readonly codeName: string | null;
}

type Row<R> = Omit<R, 'id'>;

/** The time and last record of each tag, so out-of-order and repeated records are refused. */
interface Last<R> {
  t: number;
  record: Row<R> | null;
}

export class TextLog {
  private pendingText: TextRecord[] = [];
  private pendingQuality: QualityRecord[] = [];
  /** Records in flight: taken by `write`, forgotten by `committed`. */
  private writing = { text: 0, quality: 0 };
  private readonly lastText = new Map<number, Last<TextRecord>>();
  private readonly lastQuality = new Map<number, Last<QualityRecord>>();
  /** Text samples on disk (kept here: counting rows for every status would scan the table). */
  private storedText = 0;
  /** Records refused because they were not after the tag's last one. */
  rejected = 0;
  /** Whether the file has the tables (a schema 1 file opened for review has not). */
  readonly enabled: boolean;
  private readonly statements: {
    insertText: Database.Statement;
    insertQuality: Database.Statement;
    textIn: Database.Statement;
    textBefore: Database.Statement;
    qualityIn: Database.Statement;
    qualityBefore: Database.Statement;
    lastText: Database.Statement;
    lastQuality: Database.Statement;
  } | null;

  constructor(private readonly db: Database.Database) {
    this.enabled = hasTextTables(db);
    if (!this.enabled) {
      this.statements = null;
      return;
    }
    const quality = 't, status, reason, code_value AS codeValue, code_name AS codeName';
    this.statements = {
      insertText: db.prepare('INSERT OR REPLACE INTO text_samples (tag_id, t, value, q) VALUES (?, ?, ?, ?)'),
      insertQuality: db.prepare(
        'INSERT OR REPLACE INTO quality_changes (tag_id, t, status, reason, code_value, code_name) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      textIn: db.prepare('SELECT t, value, q FROM text_samples WHERE tag_id = ? AND t >= ? AND t <= ? ORDER BY t'),
      textBefore: db.prepare('SELECT t, value, q FROM text_samples WHERE tag_id = ? AND t < ? ORDER BY t DESC LIMIT 1'),
      qualityIn: db.prepare(`SELECT ${quality} FROM quality_changes WHERE tag_id = ? AND t > ? AND t <= ? ORDER BY t`),
      qualityBefore: db.prepare(`SELECT ${quality} FROM quality_changes WHERE tag_id = ? AND t <= ? ORDER BY t DESC LIMIT 1`),
      lastText: db.prepare('SELECT t, value, q FROM text_samples WHERE tag_id = ? ORDER BY t DESC LIMIT 1'),
      lastQuality: db.prepare(`SELECT ${quality} FROM quality_changes WHERE tag_id = ? ORDER BY t DESC LIMIT 1`),
    };
    this.storedText = (db.prepare('SELECT count(*) AS n FROM text_samples').get() as { n: number }).n;
  }

  /** Takes a text sample in (memory only); refused if not after the tag's last one. */
  appendText(record: TextRecord): void {
    const last = this.lastOf(this.lastText, record.id, 'lastText');
    if (!(record.t > last.t)) {
      this.rejected++;
      return;
    }
    last.t = record.t;
    last.record = record;
    this.pendingText.push(record);
  }

  /**
   * Takes a quality transition in (memory only). The same quality again (a
   * restart, a heartbeat) is not a transition and is skipped; one not after
   * the tag's last transition is refused.
   */
  appendQuality(record: QualityRecord): void {
    const last = this.lastOf(this.lastQuality, record.id, 'lastQuality');
    if (last.record && sameQuality(last.record, record)) return;
    if (!(record.t > last.t)) {
      this.rejected++;
      return;
    }
    last.t = record.t;
    last.record = record;
    this.pendingQuality.push(record);
  }

  /** Records waiting to be written. */
  pendingCount(): number {
    return this.pendingText.length + this.pendingQuality.length;
  }

  storedCount(): number {
    return this.storedText + this.pendingText.length;
  }

  /** Writes what waits; call inside the flush transaction, then `committed` once it committed. */
  write(): void {
    const s = this.statements;
    this.writing = { text: this.pendingText.length, quality: this.pendingQuality.length };
    if (!s) return;
    for (const r of this.pendingText) s.insertText.run(r.id, r.t, r.value, r.q);
    for (const r of this.pendingQuality) s.insertQuality.run(r.id, r.t, r.status, r.reason, r.codeValue, r.codeName);
  }

  committed(): void {
    this.storedText += this.writing.text;
    this.pendingText = this.pendingText.slice(this.writing.text);
    this.pendingQuality = this.pendingQuality.slice(this.writing.quality);
    this.writing = { text: 0, quality: 0 };
  }

  /** Bounds what waits while the file cannot be written: the oldest go first. Returns the records dropped. */
  shed(max: number): number {
    let dropped = 0;
    while (this.pendingCount() > max) {
      const text = this.pendingText[0];
      const quality = this.pendingQuality[0];
      if (text && (!quality || text.t <= quality.t)) this.pendingText.shift();
      else this.pendingQuality.shift();
      dropped++;
    }
    return dropped;
  }

  /** A tag's text samples with from ≤ t ≤ to, after the one in force at `from` (if any). */
  textSamples(id: number, from: number, to: number): Row<TextRecord>[] {
    const s = this.statements;
    const out: Row<TextRecord>[] = [];
    let before = s ? (s.textBefore.get(id, from) as Row<TextRecord> | undefined) : undefined;
    for (const r of this.pendingText) if (r.id === id && r.t < from && (!before || r.t > before.t)) before = r;
    if (before) out.push({ t: before.t, value: before.value, q: before.q });
    if (s) out.push(...(s.textIn.all(id, from, to) as Row<TextRecord>[]));
    let latest = out.length > 0 ? out[out.length - 1]!.t : -Infinity;
    for (const r of this.pendingText) {
      if (r.id !== id || r.t < from || r.t > to || r.t <= latest) continue;
      out.push({ t: r.t, value: r.value, q: r.q });
      latest = r.t;
    }
    return out;
  }

  /** A tag's quality transitions in (from, to], after the one in force at `from` (if any). */
  qualities(id: number, from: number, to: number): Row<QualityRecord>[] {
    const s = this.statements;
    const out: Row<QualityRecord>[] = [];
    let before = s ? (s.qualityBefore.get(id, from) as Row<QualityRecord> | undefined) : undefined;
    for (const r of this.pendingQuality) if (r.id === id && r.t <= from && (!before || r.t > before.t)) before = r;
    if (before) out.push(strip(before));
    if (s) out.push(...(s.qualityIn.all(id, from, to) as Row<QualityRecord>[]));
    let latest = out.length > 0 ? out[out.length - 1]!.t : -Infinity;
    for (const r of this.pendingQuality) {
      if (r.id !== id || r.t <= from || r.t > to || r.t <= latest) continue;
      out.push(strip(r));
      latest = r.t;
    }
    return out;
  }

  /** The oldest and newest text sample on disk (by the time index), or null when there is none. */
  range(): { oldest: number; newest: number } | null {
    if (!this.statements || this.storedText === 0) return null;
    // Two queries: SQLite answers a lone min() or max() from the index, both at once by a scan.
    const oldest = (this.db.prepare('SELECT min(t) AS t FROM text_samples').get() as { t: number | null }).t;
    const newest = (this.db.prepare('SELECT max(t) AS t FROM text_samples').get() as { t: number | null }).t;
    return oldest === null || newest === null ? null : { oldest, newest };
  }

  /** Retention by age: drops the rows of the group's tags older than `olderThan`. */
  dropOlderThan(group: string, olderThan: number): number {
    if (!this.statements) return 0;
    const inGroup = 'tag_id IN (SELECT id FROM tags WHERE grp = ?)';
    const text = this.db.prepare(`DELETE FROM text_samples WHERE t < ? AND ${inGroup}`).run(olderThan, group).changes;
    const quality = this.db.prepare(`DELETE FROM quality_changes WHERE t < ? AND ${inGroup}`).run(olderThan, group).changes;
    this.storedText -= text;
    return text + quality;
  }

  private lastOf<R extends TextRecord | QualityRecord>(map: Map<number, Last<R>>, id: number, statement: 'lastText' | 'lastQuality'): Last<R> {
    let last = map.get(id);
    if (!last) {
      const row = this.statements?.[statement].get(id) as Row<R> | undefined;
      last = { t: row?.t ?? -Infinity, record: row ?? null };
      map.set(id, last);
    }
    return last;
  }
}

function strip({ t, status, reason, codeValue, codeName }: Row<QualityRecord>): Row<QualityRecord> {
  return { t, status, reason, codeValue, codeName };
}

function sameQuality(a: Row<QualityRecord>, b: Row<QualityRecord>): boolean {
  return a.status === b.status && a.reason === b.reason && a.codeValue === b.codeValue && a.codeName === b.codeName;
}
