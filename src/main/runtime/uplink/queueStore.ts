// The store-and-forward queue's file, as its worker sees it: while the
// broker or the primary host is away, outgoing MQTT (Sparkplug B) messages
// wait here, in a SQLite file of their own (opened by storage/openStore.ts),
// instead of being dropped; they survive a restart. The runtime talks to it
// through storeForward.ts; nothing here runs on the event loop that polls
// devices. Once the link is back the uplink drains them oldest first: peek a
// page, publish it, ack through the last seq the broker acknowledged. The
// queue keeps opaque messages (topic + bytes): marking them historical is the
// uplink's business.
//
// Size policy. `maxBytes` bounds what waits, counted as topic (UTF-8) plus
// payload bytes, on disk and in memory together. When a push would go beyond
// it, the OLDEST messages are dropped, as many as needed to make room (a
// message larger than the whole budget is dropped itself). Every drop is
// counted: `dropped` since the file was created (kept in the file),
// `droppedSinceStart`, and `lastDropAt`; the uplink shows them as a
// diagnostic. Acknowledged messages are not drops. (The bound counts message
// bytes, not the file's pages or the per-message overhead in memory.)
//
// Writing. Each batch the client sends (the pushes of one of its event-loop
// turns, at most 8 MiB) is written in one transaction before it is answered;
// what is beyond 8 MiB goes a slice per turn of this worker, so peeks and acks
// are answered in between. Acks and drops only remove a prefix of the queue,
// so they move a watermark at once (peek, depth and bytes see them straight
// away) and the rows go in the next write, deleted by seq range. Running
// totals (bytes, count, dropped, last seq) live in memory and in a meta table
// updated in the same transactions: nothing sums the table. WAL with
// synchronous=NORMAL: a crashed application loses nothing committed, a power
// cut at most the last commit. An acked message whose deletion was not yet
// committed comes back after a crash and is sent twice: at least once, never
// lost.
//
// Seq numbers are handed out here and only grow: the meta table keeps the
// last one, so they are not reused after the queue empties or the
// application restarts.
//
// When the disk refuses (full, read-only, locked, damaged), messages wait in
// this worker's memory under the same maxBytes, the status says why (pushed
// to the client as an event), and writing resumes by itself every `retryMs`.
// A damaged file is left untouched. If the file could not be opened at first
// and opens later, what waited in memory is renumbered after the file's own
// messages (they are older); that waits until the uplink has acked whatever
// it peeked from memory, so the numbers it holds stay true.
import type Database from 'better-sqlite3';
import { openStore, setMaxPageCount, StoreFileError } from '../storage/openStore';
import { type ServiceFactory, type StoreService, Transfer } from '../storage/protocol';
import { describeSqliteError } from '../storage/sqliteProblem';
import { pack, type PackableMessage, type PackedMessages, unpack } from './queueBatch';
import { QUEUE_KIND } from './queueSchema/index';
import type { QueueStoreOptions, QueueStoreStatus } from './queueTypes';

const WHAT = "the uplink's store-and-forward queue";
/** Oldest disk rows read at a time when the size policy drops from the file. */
const FRONT_ROWS = 2048;
/** Bytes written per turn, at most (a single bigger message goes alone). */
const BATCH_BYTES = 8 * 1024 * 1024;

/** What the client sends: the messages of one or more of its turns, in push order. */
export interface PushBatch {
  readonly messages: PackedMessages;
  /** Their topic + payload bytes (the client counted them; they are checked against nothing). */
  readonly bytes: number;
  /** The client's cumulative count of messages it dropped itself (its buffer alone was beyond maxBytes). */
  readonly clientDropped: number;
  readonly lastDropAt: number | null;
  /**
   * The client dropped from its buffer since the last batch: everything
   * older (all this store holds) goes too, so the oldest are dropped first.
   */
  readonly dropOlder: boolean;
}

interface Entry {
  seq: number;
  readonly topic: string;
  readonly payload: Buffer;
  readonly ts: number;
  readonly qos: 0 | 1;
  readonly size: number;
}

/** A message as a peek hands it out. */
type Peeked = PackableMessage & { readonly seq: number };
type PageRow = [seq: number, topic: string, payload: Buffer, ts: number, qos: 0 | 1, size: number];
type FrontRow = [seq: number, size: number, ts: number];
type MetaKey = 'bytes' | 'count' | 'dropped' | 'last_drop_at' | 'last_seq';

interface Statements {
  readonly insert: Database.Statement<[number, number, number, number, string, Buffer]>;
  readonly deleteThrough: Database.Statement<[number]>;
  readonly setMeta: Database.Statement<[MetaKey, number | null]>;
  readonly page: Database.Statement<[number, number]>;
  readonly front: Database.Statement<[number, number]>;
  readonly range: Database.Statement<[number, number]>;
  readonly oldest: Database.Statement<[number]>;
}

/** A refusal with a sentence of its own (not a SQLite error). */
class StoreForwardError extends Error {}

export class QueueStore {
  private db: Database.Database | null = null;
  private sql: Statements | null = null;
  private nextSeq = 1;
  // On disk, the live rows are those with seq in (removedThrough, diskLastSeq];
  // rows up to removedThrough are acked or dropped, deleted up to deletedThrough.
  private diskCount = 0;
  private diskBytes = 0;
  private diskLastSeq = 0;
  private removedThrough = 0;
  private deletedThrough = 0;
  /** The oldest live disk rows, read ahead for the size policy and oldestTs (one object, refilled in place). */
  private readonly front = { seq: [] as number[], size: [] as number[], ts: [] as number[], at: 0 };
  // In memory: pending[head..] are not written yet, oldest first, all newer than the disk's.
  private pending: Entry[] = [];
  private head = 0;
  private pendingBytes = 0;
  private dropped = 0;
  private droppedSinceStart = 0;
  /** Drops counted while no file was open: added to the file's count when it opens. */
  private droppedOffFile = 0;
  private lastDropAt: number | null = null;
  private metaDirty = false;
  /** The highest seq a peek returned: the uplink may still ack by it. */
  private handedThrough = 0;
  private problem: string | null = null;
  private closed = false;
  private flushImmediate: NodeJS.Immediate | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  /** What the client sent so far (its mirror of the status adds what is still on its way). */
  private received = 0;
  private receivedBytes = 0;
  private clientDropped = 0;
  /** The oldest live disk row's time, for the live rows after `after` (see oldestTs). */
  private oldestDisk: { after: number; ts: number | null } = { after: -1, ts: null };
  private readonly maxBytes: number;
  private readonly retryMs: number;

  constructor(
    private readonly options: QueueStoreOptions,
    /** Hears the status after work the client did not ask for (a retry, a later slice). */
    private readonly changed: (status: QueueStoreStatus) => void = () => {},
  ) {
    if (!(options.maxBytes > 0)) throw new RangeError(`storeAndForward.maxBytes must be positive, not ${options.maxBytes}`);
    this.maxBytes = options.maxBytes;
    this.retryMs = options.retryMs ?? 5000;
  }

  /** Opens (or creates) the file. A file it cannot use leaves the queue degraded, in memory, not the uplink down. */
  open(): void {
    this.closed = false;
    if (!this.db) this.attach();
  }

  /**
   * Takes a batch from the client and writes it (up to 8 MiB of it now, the
   * rest a slice per turn); true when all of it is committed, false when
   * (part of) it waits in memory.
   */
  receive(batch: PushBatch): boolean {
    if (batch.dropOlder) this.makeRoom(0);
    if (batch.clientDropped > this.clientDropped) {
      // Drops the client made (its buffer alone was beyond the budget): counted here, and in the file.
      const count = batch.clientDropped - this.clientDropped;
      this.clientDropped = batch.clientDropped;
      this.countDrops(count, batch.lastDropAt ?? Date.now());
      // They had their numbers as they were pushed: the numbering goes on as if they had come.
      this.nextSeq += count;
    }
    unpack(batch.messages, (topic, payload, ts, qos) => this.push(topic, payload, ts, qos));
    this.received += batch.messages.topics.length;
    this.receivedBytes += batch.bytes;
    this.writeSlice();
    return this.inMemory === 0;
  }

  /** Appends a message (the payload is kept as it is: a view into the batch's buffer). */
  private push(topic: string, payload: Buffer, ts: number, qos: 0 | 1): void {
    const size = Buffer.byteLength(topic, 'utf8') + payload.byteLength;
    this.pending.push({ seq: this.nextSeq++, topic, payload, ts, qos, size });
    this.pendingBytes += size;
    if (this.diskBytes + this.pendingBytes > this.maxBytes) this.makeRoom();
  }

  /**
   * Up to `max` messages, oldest first, without removing them; at most
   * `maxBytes` of topic + payload, but always the first one.
   */
  peek(max: number, maxBytes = Infinity): Peeked[] {
    const out: Peeked[] = [];
    let bytes = 0;
    if (max <= 0) return out;
    if (this.diskCount > 0 && this.sql) {
      let rows: PageRow[];
      try {
        rows = this.sql.page.all(this.removedThrough, Math.min(max, this.diskCount)) as PageRow[];
      } catch (error) {
        // Newer messages from memory must not overtake the file's: nothing this time.
        this.fail(error);
        return out;
      }
      for (const [seq, topic, payload, ts, qos, size] of rows) {
        if (out.length > 0 && bytes + size > maxBytes) return this.handOut(out);
        // A blob SQLite just read is nobody else's: it may move to the client.
        out.push({ seq, topic, payload, ts, qos, movable: true });
        bytes += size;
      }
    }
    for (let i = this.head; i < this.pending.length && out.length < max; i++) {
      const e = this.pending[i]!;
      if (out.length > 0 && bytes + e.size > maxBytes) break;
      out.push({ seq: e.seq, topic: e.topic, payload: e.payload, ts: e.ts, qos: e.qos });
      bytes += e.size;
    }
    return this.handOut(out);
  }

  /** Removes everything up to and including `throughSeq` (the broker acknowledged publishing it). */
  ack(throughSeq: number): void {
    const through = Math.min(throughSeq, this.nextSeq - 1);
    let removed = false;
    if (this.diskCount > 0 && through > this.removedThrough) {
      if (!this.consumeDisk(through)) return;
      removed = true;
    }
    while (this.head < this.pending.length && this.pending[this.head]!.seq <= through) {
      this.pendingBytes -= this.pending[this.head]!.size;
      this.head++;
      removed = true;
    }
    if (!removed) return;
    this.compact();
    this.schedule();
  }

  status(): QueueStoreStatus {
    return {
      state: this.problem === null ? 'ok' : 'degraded',
      problem: this.problem,
      file: this.options.file,
      depth: this.diskCount + this.inMemory,
      bytes: this.diskBytes + this.pendingBytes,
      oldestTs: this.oldestTs(),
      dropped: this.dropped,
      droppedSinceStart: this.droppedSinceStart,
      lastDropAt: this.lastDropAt,
      inMemory: this.inMemory,
      received: this.received,
      receivedBytes: this.receivedBytes,
      clientDropped: this.clientDropped,
    };
  }

  /** Messages held only in memory (not written yet, or refused by the disk). */
  get inMemory(): number {
    return this.pending.length - this.head;
  }

  /** Writes all that waits (and deletes what was acked or dropped); false, keeping it, when the disk refuses. */
  flush(): boolean {
    return this.writeOut(this.pending.length);
  }

  /** For tests: changes the page cap of the open file. */
  setMaxPageCount(pages: number): void {
    if (this.db) setMaxPageCount(this.db, pages);
  }

  /** Writes what is in memory and closes the file; what the disk refuses now is lost (the status says why). */
  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.flush();
    if (this.flushImmediate) clearImmediate(this.flushImmediate);
    this.flushImmediate = null;
    this.detach();
  }

  private attach(): boolean {
    let db: Database.Database | null = null;
    try {
      // The shared opener: file kind, pragmas (WAL, NORMAL, 1 s busy timeout) and the numbered migrations.
      db = openStore(this.options.file, QUEUE_KIND, { maxPageCount: this.options.maxPageCount, busyTimeoutMs: 1000 });
      const meta = new Map(db.prepare('SELECT key, value FROM meta').raw().all() as [string, number | null][]);
      const [min, max] = db.prepare('SELECT MIN(seq), MAX(seq) FROM messages').raw().get() as [number | null, number | null];
      let count = 0;
      let bytes = 0;
      if (min !== null && max !== null) {
        count = meta.get('count') ?? 0;
        bytes = meta.get('bytes') ?? -1;
        if (!(count > 0 && count <= max - min + 1 && bytes >= 0)) {
          // Totals that cannot be right (a file from a crash mid-upgrade, or edited): count once.
          [count, bytes] = db.prepare('SELECT COUNT(*), TOTAL(size) FROM messages').raw().get() as [number, number];
        }
      }
      const lastSeq = Math.max(meta.get('last_seq') ?? 0, max ?? 0);
      const firstWaiting = this.inMemory > 0 ? this.pending[this.head]!.seq : null;
      const renumber = firstWaiting !== null && firstWaiting <= lastSeq;
      if (renumber && this.handedThrough >= firstWaiting) {
        // The uplink is publishing some of them by their present numbers: after its ack.
        db.close();
        this.problem ??= `${this.options.file} opens once the messages sent from memory are acknowledged`;
        this.retryLater();
        return false;
      }
      const sql = prepare(db);

      // Nothing below throws: take the file.
      if (renumber) {
        const delta = lastSeq + 1 - firstWaiting;
        for (let i = this.head; i < this.pending.length; i++) this.pending[i]!.seq += delta;
        this.nextSeq += delta;
      }
      this.nextSeq = Math.max(this.nextSeq, lastSeq + 1);
      this.db = db;
      this.sql = sql;
      this.diskCount = count;
      this.diskBytes = bytes;
      this.removedThrough = this.deletedThrough = (min ?? lastSeq + 1) - 1;
      this.diskLastSeq = max ?? this.removedThrough;
      this.clearFront();
      this.dropped = (meta.get('dropped') ?? 0) + this.droppedOffFile;
      this.droppedOffFile = 0;
      const savedDropAt = meta.get('last_drop_at') ?? null;
      if (savedDropAt !== null && (this.lastDropAt === null || savedDropAt > this.lastDropAt)) this.lastDropAt = savedDropAt;
      this.metaDirty = true;
      this.succeeded();
      // What waited in memory, with the file's messages, may now be beyond the budget.
      if (this.diskBytes + this.pendingBytes > this.maxBytes) this.makeRoom();
      this.schedule();
      return true;
    } catch (error) {
      db?.close();
      this.fail(error);
      return false;
    }
  }

  /** Writes pending[head..end) in one transaction, with the deletions and totals. */
  private writeOut(end: number): boolean {
    if (this.flushImmediate) clearImmediate(this.flushImmediate);
    this.flushImmediate = null;
    if (!this.db) return this.inMemory === 0;
    const removeThrough = this.removedThrough > this.deletedThrough ? this.removedThrough : null;
    if (removeThrough === null && end === this.head && !this.metaDirty) return true;
    try {
      try {
        this.write(removeThrough, end);
      } catch (error) {
        // Space may be short for the new rows and not for the deletions: they free some.
        if (removeThrough !== null && end > this.head) {
          try {
            this.write(removeThrough, this.head);
          } catch {
            // The first error says why.
          }
        }
        throw error;
      }
      this.succeeded();
      return true;
    } catch (error) {
      this.fail(error);
      return false;
    }
  }

  /** A big burst (or what waited for the disk) goes in slices, one per turn, so the event loop (device polling) keeps turning. */
  private writeSlice(): void {
    if (this.writeOut(this.batchEnd()) && this.inMemory > 0) this.schedule();
  }

  /** The end of the next batch: about BATCH_BYTES, at least one message. */
  private batchEnd(): number {
    let bytes = 0;
    let end = this.head;
    while (end < this.pending.length && (end === this.head || bytes + this.pending[end]!.size <= BATCH_BYTES)) bytes += this.pending[end++]!.size;
    return end;
  }

  private detach(): void {
    this.db?.close();
    this.db = null;
    this.sql = null;
    this.diskCount = this.diskBytes = 0;
    this.removedThrough = this.deletedThrough = this.diskLastSeq;
    this.clearFront();
  }

  /** One transaction: deletions through `removeThrough`, the waiting messages pending[head..to), the totals. */
  private write(removeThrough: number | null, to: number): void {
    const sql = this.sql!;
    const from = this.head;
    let written = 0;
    let last = this.diskLastSeq;
    this.db!.transaction(() => {
      if (removeThrough !== null) sql.deleteThrough.run(removeThrough);
      for (let i = from; i < to; i++) {
        const e = this.pending[i]!;
        sql.insert.run(e.seq, e.ts, e.qos, e.size, e.topic, e.payload);
        written += e.size;
        last = e.seq;
      }
      sql.setMeta.run('bytes', this.diskBytes + written);
      sql.setMeta.run('count', this.diskCount + to - from);
      sql.setMeta.run('dropped', this.dropped);
      sql.setMeta.run('last_drop_at', this.lastDropAt);
      sql.setMeta.run('last_seq', this.nextSeq - 1);
    })();
    if (removeThrough !== null) this.deletedThrough = removeThrough;
    if (to > from) {
      this.diskCount += to - from;
      this.diskBytes += written;
      this.diskLastSeq = last;
      this.head = to;
      this.pendingBytes -= written;
      this.compact();
    }
    this.metaDirty = false;
  }

  /** Removes the disk's live rows through `through` from the counts; false (nothing removed) when the file cannot be read. */
  private consumeDisk(through: number): boolean {
    const f = this.front;
    if (through >= this.diskLastSeq) {
      this.diskCount = 0;
      this.diskBytes = 0;
      this.removedThrough = this.diskLastSeq;
      this.clearFront();
      return true;
    }
    if (f.at < f.seq.length && f.seq[f.seq.length - 1]! >= through) {
      while (f.seq[f.at]! <= through) {
        this.diskCount--;
        this.diskBytes -= f.size[f.at]!;
        f.at++;
      }
    } else {
      try {
        const [count, bytes] = this.sql!.range.get(this.removedThrough, through) as [number, number];
        this.diskCount -= count;
        this.diskBytes -= bytes;
      } catch (error) {
        this.fail(error);
        return false;
      }
      this.clearFront();
    }
    this.removedThrough = through;
    return true;
  }

  /** The size policy: drops the oldest messages until what waits fits in `budget` (maxBytes). */
  private makeRoom(budget = this.maxBytes): void {
    let over = this.diskBytes + this.pendingBytes - budget;
    let count = 0;
    const f = this.front;
    while (over > 0 && this.diskCount > 0) {
      // A file that cannot be read: the bound still holds, from memory's oldest.
      if (f.at >= f.seq.length && !this.loadFront()) break;
      const size = f.size[f.at]!;
      this.removedThrough = f.seq[f.at]!;
      f.at++;
      this.diskCount--;
      this.diskBytes -= size;
      over -= size;
      count++;
    }
    while (over > 0 && this.head < this.pending.length) {
      const size = this.pending[this.head]!.size;
      this.head++;
      this.pendingBytes -= size;
      over -= size;
      count++;
    }
    if (count === 0) return;
    this.countDrops(count, Date.now());
    this.compact();
  }

  private countDrops(count: number, at: number): void {
    this.dropped += count;
    this.droppedSinceStart += count;
    if (!this.db) this.droppedOffFile += count;
    if (this.lastDropAt === null || at > this.lastDropAt) this.lastDropAt = at;
    this.metaDirty = true;
  }

  /** Reads the next oldest live rows of the file; false when there are none or it cannot be read. */
  private loadFront(): boolean {
    let rows: FrontRow[];
    try {
      rows = this.sql!.front.all(this.removedThrough, FRONT_ROWS) as FrontRow[];
    } catch (error) {
      this.fail(error);
      return false;
    }
    if (rows.length === 0) {
      // The file holds fewer rows than its totals said: believe the rows.
      this.diskCount = this.diskBytes = 0;
      this.removedThrough = this.diskLastSeq;
      this.metaDirty = true;
      return false;
    }
    const f = this.front;
    f.seq = rows.map((r) => r[0]);
    f.size = rows.map((r) => r[1]);
    f.ts = rows.map((r) => r[2]);
    f.at = 0;
    return true;
  }

  private clearFront(): void {
    this.oldestDisk = { after: -1, ts: null };
    const f = this.front;
    f.seq = [];
    f.size = [];
    f.ts = [];
    f.at = 0;
  }

  private oldestTs(): number | null {
    if (this.diskCount > 0 && this.front.at < this.front.seq.length) return this.front.ts[this.front.at]!;
    if (this.diskCount > 0) {
      // Every answer carries the status: one row read (once per acked prefix), not a front's worth.
      if (this.oldestDisk.after !== this.removedThrough) {
        let ts: number | undefined;
        try {
          ts = this.sql?.oldest.get(this.removedThrough) as number | undefined;
        } catch {
          // loadFront below says why.
        }
        this.oldestDisk = { after: this.removedThrough, ts: ts ?? (this.loadFront() ? this.front.ts[this.front.at]! : null) };
      }
      // null: still counted but unreadable, unknown.
      return this.oldestDisk.ts;
    }
    return this.head < this.pending.length ? this.pending[this.head]!.ts : null;
  }

  private handOut(out: Peeked[]): Peeked[] {
    const last = out.at(-1);
    if (last && last.seq > this.handedThrough) this.handedThrough = last.seq;
    return out;
  }

  /** Lets go of the acked or dropped head of `pending` once it is a good part of the array. */
  private compact(): void {
    if (this.head === this.pending.length) {
      this.pending = [];
      this.head = 0;
    } else if (this.head >= 4096 && this.head * 2 >= this.pending.length) {
      this.pending = this.pending.slice(this.head);
      this.head = 0;
    }
  }

  private schedule(): void {
    if (this.flushImmediate || this.retryTimer || !this.db) return;
    this.flushImmediate = setImmediate(() => {
      this.flushImmediate = null;
      this.writeSlice();
      this.changed(this.status());
    });
  }

  private succeeded(): void {
    this.problem = null;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private fail(error: unknown): void {
    this.problem = error instanceof StoreForwardError || error instanceof StoreFileError ? error.message : describeSqliteError(this.options.file, WHAT, error);
    this.retryLater();
  }

  private retryLater(): void {
    if (this.retryTimer || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.db || this.attach()) this.writeSlice();
      this.changed(this.status());
    }, this.retryMs);
    this.retryTimer.unref();
  }
}

function prepare(db: Database.Database): Statements {
  return {
    insert: db.prepare('INSERT INTO messages (seq, ts, qos, size, topic, payload) VALUES (?, ?, ?, ?, ?, ?)'),
    deleteThrough: db.prepare('DELETE FROM messages WHERE seq <= ?'),
    setMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    page: db.prepare('SELECT seq, topic, payload, ts, qos, size FROM messages WHERE seq > ? ORDER BY seq LIMIT ?').raw(),
    front: db.prepare('SELECT seq, size, ts FROM messages WHERE seq > ? ORDER BY seq LIMIT ?').raw(),
    range: db.prepare('SELECT COUNT(*), TOTAL(size) FROM messages WHERE seq > ? AND seq <= ?').raw(),
    oldest: db.prepare('SELECT ts FROM messages WHERE seq > ? ORDER BY seq LIMIT 1').pluck(),
  };
}

/** The queue as a store service (storeWorker/services.ts runs it in its worker). Every answer carries the status. */
export const queueService: ServiceFactory<QueueStoreOptions> = (options, emit) => {
  const store = new QueueStore(options, (status) => emit('status', status));
  const withStatus = <T>(value: T) => ({ value, status: store.status() });
  const service: StoreService = {
    handlers: {
      open: () => withStatus(store.open()),
      push: (batch: PushBatch) => withStatus(store.receive(batch)),
      peek: ({ max, maxBytes }: { max: number; maxBytes: number | null }) => {
        const { packed, transfer } = pack(store.peek(max, maxBytes ?? Infinity), true);
        // The page's buffers move to the client: packed or read for it alone, never touched here again.
        return new Transfer(withStatus(packed), transfer);
      },
      ack: ({ through }: { through: number }) => withStatus(store.ack(through)),
      flush: () => withStatus(store.flush()),
      status: () => withStatus(null),
      setMaxPageCount: ({ pages }: { pages: number }) => withStatus(store.setMaxPageCount(pages)),
    },
    close: () => store.close(),
  };
  return service;
};
