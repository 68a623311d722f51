// The historian file: compressed chunks of each tag's samples in SQLite.
// Runs inside the historian worker (see worker.ts), one writer per file; a
// plain class so tests can drive it directly on a real file.
//
// Samples of a tag fall into fixed windows (`chunkMs`, an hour by default).
// While a window is open, the samples that arrived since the last flush are
// written every second as a small unsealed piece, so a killed process loses
// at most that second. When the window closes its pieces are merged into one
// sealed chunk. Only unflushed samples are held in memory.
import Database from 'better-sqlite3';
import { QUALITY_CODE } from '../../../shared/types';
import { decodeChunk, encodeChunk, type DecodedChunk } from './codec/chunk';
import { decodeSegment, decodeSegmented, encodeSegmented, readSegments, type Segment } from './segments';
import { checkReadable, migrate } from './schema';
import { SampleBuffer } from './sampleBuffer';
import { TextLog } from './textLog';
import { repairLeftovers } from '../storage/leftovers';
import { probeWrite } from '../storage/openStore';

export interface StoreTag {
  readonly path: string;
  readonly units: string;
  readonly description: string;
  readonly dataType: string;
  /** Retention group (the first matching rule's name). */
  readonly group: string;
  /** Values are offset + k·step for integer k (a register's counts): stored as integers. */
  readonly step?: number;
  readonly offset?: number;
}

export interface StoreOptions {
  readonly readonly?: boolean;
  readonly chunkMs?: number;
  /** Cap on the file, in pages of 4 KiB (tests use it to fill the "disk"). */
  readonly maxPageCount?: number;
}

export interface ChunkRow {
  readonly id: number;
  readonly t_start: number;
  readonly t_end: number;
  readonly count: number;
  readonly good_count: number;
  readonly v_min: number | null;
  readonly v_max: number | null;
  readonly v_first: number | null;
  readonly v_last: number | null;
  readonly q_first: number;
  readonly q_last: number;
}

export const DEFAULT_CHUNK_MS = 3_600_000;
const BAD = QUALITY_CODE.bad;

interface OpenWindow {
  window: number;
  /** Pieces of this window are on disk (written by an earlier flush or run). */
  piecesOnDisk: boolean;
  lastT: number;
  pending: SampleBuffer;
  step?: number;
  offset?: number;
}

/** A window that closed in memory and still has to be sealed on disk. */
interface ClosedWindow {
  readonly id: number;
  readonly window: number;
  readonly piecesOnDisk: boolean;
  readonly samples: SampleBuffer;
}

export class HistorianStore {
  readonly db: Database.Database;
  readonly readonly: boolean;
  readonly chunkMs: number;
  private readonly windows = new Map<number, OpenWindow>();
  private closed: ClosedWindow[] = [];
  /** Samples dropped because the disk stayed unwritable for too long (oldest first). */
  dropped = 0;
  private readonly insertChunk: Database.Statement;
  private readonly insertData: Database.Statement;
  private readonly deletePieces: Database.Statement;
  private readonly deletePieceData: Database.Statement;
  private readonly selectPieces: Database.Statement;
  private readonly selectRows: Database.Statement;
  private readonly selectBefore: Database.Statement;
  private readonly selectData: Database.Statement;
  /** Numeric samples refused because their time was not after the tag's last one. */
  private rejectedSamples = 0;
  /** Text samples and quality transitions (textLog.ts). */
  readonly text: TextLog;

  constructor(
    readonly file: string,
    options: StoreOptions = {},
  ) {
    this.readonly = options.readonly === true;
    this.chunkMs = options.chunkMs ?? DEFAULT_CHUNK_MS;
    // What an earlier failed open left read-only (its -shm, its -wal) must not outlive the cause.
    if (!this.readonly) repairLeftovers(file);
    this.db = new Database(file, { readonly: this.readonly, fileMustExist: this.readonly, timeout: 2000 });
    try {
      if (this.readonly) {
        checkReadable(this.db);
      } else {
        // Space handed back by retention returns to the file system (incremental vacuum).
        if ((this.db.prepare("SELECT count(*) AS n FROM sqlite_master").get() as { n: number }).n === 0) {
          this.db.pragma('auto_vacuum = INCREMENTAL');
        }
        // One writer per file: a second runtime on the same file is told so instead of interleaving chunks.
        this.db.pragma('locking_mode = EXCLUSIVE');
        this.db.pragma('journal_mode = WAL');
        this.db.pragma('synchronous = NORMAL');
        if (options.maxPageCount) this.db.pragma(`max_page_count = ${options.maxPageCount}`);
        migrate(this.db);
        // A read-only file opened for reading would fail only at the first flush, on a connection
        // that never becomes writable: fail here, so the worker's retry opens a new one.
        probeWrite(this.db);
      }
    } catch (error) {
      this.db.close();
      throw error;
    }
    const columns = 'id, t_start, t_end, count, good_count, v_min, v_max, v_first, v_last, q_first, q_last';
    this.insertChunk = this.db.prepare(
      `INSERT INTO chunks (tag_id, t_start, t_end, window, sealed, count, good_count, v_min, v_max, v_first, v_last, q_first, q_last, bytes)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertData = this.db.prepare('INSERT INTO chunk_data (id, data, segments) VALUES (?, ?, ?)');
    this.deletePieceData = this.db.prepare(
      'DELETE FROM chunk_data WHERE id IN (SELECT id FROM chunks WHERE tag_id = ? AND window = ? AND sealed = 0)',
    );
    this.deletePieces = this.db.prepare('DELETE FROM chunks WHERE tag_id = ? AND window = ? AND sealed = 0');
    this.selectPieces = this.db.prepare(
      'SELECT d.data FROM chunks c JOIN chunk_data d ON d.id = c.id WHERE c.tag_id = ? AND c.window = ? AND c.sealed = 0 ORDER BY c.t_start',
    );
    // Rows as arrays, made into objects here: half the cost of better-sqlite3's own objects for a year of hours.
    this.selectRows = this.db.prepare(`SELECT ${columns} FROM chunks WHERE tag_id = ? AND t_end >= ? AND t_start <= ? ORDER BY t_start`).raw(true);
    this.selectBefore = this.db.prepare(`SELECT ${columns} FROM chunks WHERE tag_id = ? AND t_start < ? ORDER BY t_start DESC LIMIT 1`);
    this.selectData = this.db.prepare('SELECT data, segments FROM chunk_data WHERE id = ?');
    this.text = new TextLog(this.db);
    if (!this.readonly) this.recoverOpenWindows();
  }

  /** Samples (numeric and text) and quality transitions refused because their time was not after the tag's last one. */
  get rejected(): number {
    return this.rejectedSamples + this.text.rejected;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Registers tags by path (new ones get new ids) and returns their ids in the same order. */
  registerTags(tags: readonly StoreTag[]): number[] {
    const find = this.db.prepare('SELECT id FROM tags WHERE path = ?');
    const insert = this.db.prepare('INSERT INTO tags (path, units, description, data_type, grp) VALUES (?, ?, ?, ?, ?)');
    const update = this.db.prepare('UPDATE tags SET units = ?, description = ?, data_type = ?, grp = ? WHERE id = ?');
    return this.db.transaction(() =>
      tags.map((tag) => {
        const row = find.get(tag.path) as { id: number } | undefined;
        let id: number;
        if (row) {
          id = row.id;
          update.run(tag.units, tag.description, tag.dataType, tag.group, id);
        } else {
          id = Number(insert.run(tag.path, tag.units, tag.description, tag.dataType, tag.group).lastInsertRowid);
        }
        const open = this.windows.get(id);
        if (open) {
          open.step = tag.step;
          open.offset = tag.offset;
        } else {
          this.windows.set(id, { window: -1, piecesOnDisk: false, lastT: this.lastTimeOf(id), pending: new SampleBuffer(), step: tag.step, offset: tag.offset });
        }
        return id;
      }),
    )();
  }

  /**
   * Takes samples in (by tag id), in memory only: nothing reaches the file
   * before `flush`, so a write that fails (a full disk) loses nothing. Samples
   * not after a tag's last time are dropped and counted (`rejected`).
   */
  append(ids: ArrayLike<number>, t: ArrayLike<number>, v: ArrayLike<number>, q: ArrayLike<number>, count: number): void {
    for (let i = 0; i < count; i++) {
      const id = ids[i]!;
      const open = this.windows.get(id);
      if (!open) throw new Error(`tag id ${id} is not registered`);
      const time = t[i]!;
      if (!(time > open.lastT)) {
        this.rejectedSamples++;
        continue;
      }
      const window = Math.floor(time / this.chunkMs);
      if (window !== open.window) {
        if (open.pending.count > 0 || open.piecesOnDisk) {
          this.closed.push({ id, window: open.window, piecesOnDisk: open.piecesOnDisk, samples: open.pending });
          open.pending = new SampleBuffer();
        }
        open.window = window;
        open.piecesOnDisk = false;
      }
      open.pending.push(time, v[i]!, q[i]!);
      open.lastT = time;
    }
  }

  /** Windows closed in memory, waiting to be sealed on disk. */
  get closedWindows(): number {
    return this.closed.length;
  }

  /**
   * Makes everything received durable in one transaction: closed windows are
   * sealed, open ones get a piece with their unflushed samples. Memory is
   * updated only once the transaction committed, so a failure (disk full,
   * read-only, locked) leaves everything to retry.
   */
  flush(now = Date.now()): void {
    const current = Math.floor(now / this.chunkMs);
    const sealedOpen: OpenWindow[] = [];
    const pieces: OpenWindow[] = [];
    this.db.transaction(() => {
      for (const closed of this.closed) this.seal(closed.id, closed.window, closed.piecesOnDisk, closed.samples, this.windows.get(closed.id)!);
      for (const [id, open] of this.windows) {
        if (open.window < 0) continue;
        if (open.window < current) {
          if (open.pending.count > 0 || open.piecesOnDisk) {
            this.seal(id, open.window, open.piecesOnDisk, open.pending, open);
            sealedOpen.push(open);
          }
        } else if (open.pending.count > 0) {
          this.writeChunk(id, open.window, open, open.pending, false);
          pieces.push(open);
        }
      }
      this.text.write();
    })();
    this.text.committed();
    this.closed = [];
    for (const open of sealedOpen) {
      open.pending = new SampleBuffer();
      open.piecesOnDisk = false;
    }
    for (const open of pieces) {
      open.pending.clear();
      open.piecesOnDisk = true;
    }
  }

  /**
   * Bounds what waits in memory while the file cannot be written: drops the
   * oldest closed windows first. Returns the samples dropped.
   */
  shed(maxPending: number): number {
    let excess = this.pendingCount() - maxPending;
    let dropped = 0;
    while (excess > 0 && this.closed.length > 0) {
      const oldest = this.closed.shift()!;
      excess -= oldest.samples.count;
      dropped += oldest.samples.count;
    }
    if (excess > 0) dropped += this.text.shed(Math.max(0, this.text.pendingCount() - excess));
    this.dropped += dropped;
    return dropped;
  }

  /** Samples received but not yet on disk. */
  pendingCount(): number {
    let n = 0;
    for (const open of this.windows.values()) n += open.pending.count;
    for (const closed of this.closed) n += closed.samples.count;
    return n + this.text.pendingCount();
  }

  /** Unflushed samples of a tag (queries add them to what is on disk). */
  pendingOf(id: number): SampleBuffer | undefined {
    return this.windows.get(id)?.pending;
  }

  chunkRows(id: number, from: number, to: number): ChunkRow[] {
    return (this.selectRows.all(id, from, to) as number[][]).map((r) => ({
      id: r[0]!, t_start: r[1]!, t_end: r[2]!, count: r[3]!, good_count: r[4]!, v_min: r[5]!, v_max: r[6]!,
      v_first: r[7]!, v_last: r[8]!, q_first: r[9]!, q_last: r[10]!,
    }));
  }

  /** The chunk holding the last sample before `time`, for the value carried into a range. */
  chunkBefore(id: number, time: number): ChunkRow | undefined {
    return this.selectBefore.get(id, time) as ChunkRow | undefined;
  }

  decode(row: ChunkRow): DecodedChunk {
    const { data, segments } = this.selectData.get(row.id) as { data: Buffer; segments: Buffer | null };
    return segments ? decodeSegmented(data, segments) : decodeChunk(data);
  }

  /** A sealed chunk's segments, each decodable on its own; null for a piece. */
  segmentsOf(row: ChunkRow): { segments: Segment[]; decode: (segment: Segment) => DecodedChunk } | null {
    const { data, segments } = this.selectData.get(row.id) as { data: Buffer; segments: Buffer | null };
    if (!segments) return null;
    return { segments: readSegments(segments), decode: (segment) => decodeSegment(data, segment) };
  }

  /** A tag's id and whether it is a text tag (data type string: its samples are text rows, not chunks). */
  tagOf(path: string): { id: number; isText: boolean } | undefined {
    const row = this.db.prepare('SELECT id, data_type AS dataType FROM tags WHERE path = ?').get(path) as { id: number; dataType: string } | undefined;
    return row && { id: row.id, isText: row.dataType === 'string' };
  }

  idOf(path: string): number | undefined {
    return (this.db.prepare('SELECT id FROM tags WHERE path = ?').get(path) as { id: number } | undefined)?.id;
  }

  summary(): { samples: number; oldest: number | null; newest: number | null; bytes: number; tags: number } {
    const row = this.db
      .prepare('SELECT coalesce(sum(count), 0) AS samples, min(t_start) AS oldest, max(t_end) AS newest FROM chunks')
      .get() as { samples: number; oldest: number | null; newest: number | null };
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const size = this.db.pragma('page_size', { simple: true }) as number;
    const tags = (this.db.prepare('SELECT count(*) AS n FROM tags').get() as { n: number }).n;
    const text = this.text.range();
    if (text) {
      row.oldest = Math.min(row.oldest ?? Infinity, text.oldest);
      row.newest = Math.max(row.newest ?? -Infinity, text.newest);
    }
    // Text samples count as samples; quality transitions waiting in memory are in pendingCount too.
    return { ...row, samples: row.samples + this.pendingCount() + this.text.storedCount(), bytes: pages * size, tags };
  }

  /**
   * Retention: drops chunks of the group's tags older than `olderThan`, then
   * the oldest until the group's chunks fit in `maxBytes`; hands the space
   * back to the file system. Returns the chunks dropped.
   */
  applyRetention(group: string, rule: { olderThan?: number; maxBytes?: number }): number {
    let dropped = 0;
    let textDropped = 0;
    this.db.transaction(() => {
      if (rule.olderThan !== undefined) {
        const old = 'sealed = 1 AND t_end < ? AND tag_id IN (SELECT id FROM tags WHERE grp = ?)';
        this.db.prepare(`DELETE FROM chunk_data WHERE id IN (SELECT id FROM chunks WHERE ${old})`).run(rule.olderThan, group);
        dropped += this.db.prepare(`DELETE FROM chunks WHERE ${old}`).run(rule.olderThan, group).changes;
        // Text rows and quality transitions go by age only (the size rule counts the numeric chunks).
        textDropped += this.text.dropOlderThan(group, rule.olderThan);
      }
      if (rule.maxBytes !== undefined) {
        const total = (this.db
          .prepare('SELECT coalesce(sum(bytes), 0) AS n FROM chunks WHERE tag_id IN (SELECT id FROM tags WHERE grp = ?)')
          .get(group) as { n: number }).n;
        let excess = total - rule.maxBytes;
        if (excess > 0) {
          const oldest = this.db
            .prepare('SELECT id, bytes FROM chunks WHERE sealed = 1 AND tag_id IN (SELECT id FROM tags WHERE grp = ?) ORDER BY t_end')
            .iterate(group) as IterableIterator<{ id: number; bytes: number }>;
          const removeChunk = this.db.prepare('DELETE FROM chunks WHERE id = ?');
          const removeData = this.db.prepare('DELETE FROM chunk_data WHERE id = ?');
          const remove = {
            run(chunk: number) {
              removeData.run(chunk);
              removeChunk.run(chunk);
            },
          };
          const ids: number[] = [];
          for (const row of oldest) {
            if (excess <= 0) break;
            ids.push(row.id);
            excess -= row.bytes;
          }
          for (const id of ids) remove.run(id);
          dropped += ids.length;
        }
      }
    })();
    if (dropped + textDropped > 0) this.db.pragma('incremental_vacuum');
    return dropped;
  }

  /** Writes a window's sealed chunk, merging its pieces on disk with `samples`. DB work only. */
  private seal(id: number, window: number, piecesOnDisk: boolean, samples: SampleBuffer, encoding: OpenWindow): void {
    let all = samples;
    if (piecesOnDisk) {
      all = new SampleBuffer();
      for (const { data } of this.selectPieces.all(id, window) as { data: Buffer }[]) {
        const piece = decodeChunk(data);
        for (let i = 0; i < piece.t.length; i++) all.push(piece.t[i]!, piece.v[i]!, piece.q[i]!);
      }
      for (let i = 0; i < samples.count; i++) all.push(samples.t[i]!, samples.v[i]!, samples.q[i]!);
      this.deletePieceData.run(id, window);
      this.deletePieces.run(id, window);
    }
    if (all.count > 0) this.writeChunk(id, window, encoding, all, true);
  }

  private writeChunk(id: number, window: number, encoding: OpenWindow, samples: SampleBuffer, sealed: boolean): void {
    const n = samples.count;
    const { data, index } = sealed
      ? encodeSegmented(samples, window * this.chunkMs, this.chunkMs, encoding.step, encoding.offset)
      : { data: encodeChunk({ t: samples.t, v: samples.v, q: samples.q, count: n }, encoding.step, encoding.offset), index: null };
    let min = Infinity;
    let max = -Infinity;
    let good = 0;
    let first: number | null = null;
    let last: number | null = null;
    for (let i = 0; i < n; i++) {
      if (samples.q[i] === BAD) continue;
      const value = samples.v[i]!;
      good++;
      if (value < min) min = value;
      if (value > max) max = value;
      if (first === null) first = value;
      last = value;
    }
    const info = this.insertChunk.run(
      id,
      samples.t[0],
      samples.t[n - 1],
      window,
      sealed ? 1 : 0,
      n,
      good,
      good > 0 && Number.isFinite(min) ? min : null,
      good > 0 && Number.isFinite(max) ? max : null,
      first,
      last,
      samples.q[0],
      samples.q[n - 1],
      data.byteLength + (index?.byteLength ?? 0),
    );
    this.insertData.run(info.lastInsertRowid, data, index);
  }

  private lastTimeOf(id: number): number {
    const row = this.db.prepare('SELECT max(t_end) AS t FROM chunks WHERE tag_id = ?').get(id) as { t: number | null };
    return row.t ?? -Infinity;
  }

  /** Pieces left by an earlier run: their windows stay open (or are sealed at the next flush). */
  private recoverOpenWindows(): void {
    const rows = this.db
      .prepare('SELECT tag_id AS id, window, max(t_end) AS lastT FROM chunks WHERE sealed = 0 GROUP BY tag_id, window ORDER BY window')
      .all() as { id: number; window: number; lastT: number }[];
    for (const row of rows) {
      const open = this.windows.get(row.id);
      if (open && open.window >= 0) {
        // Two windows with pieces (a crash at a window's end): the older one is sealed at the next flush.
        this.closed.push({ id: row.id, window: open.window, piecesOnDisk: true, samples: new SampleBuffer() });
      }
      this.windows.set(row.id, { window: row.window, piecesOnDisk: true, lastT: row.lastT, pending: new SampleBuffer() });
    }
  }
}
