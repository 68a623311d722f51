// The historian store on a real SQLite file, in process: windows, pieces and
// sealing, reopening, retention, a capped file standing in for a full disk,
// and files it must refuse.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { querySeries, type SeriesSource } from '../../../src/main/runtime/historian/query';
import { SchemaError } from '../../../src/main/runtime/historian/schema';
import { raster } from '../../helpers/raster';
import { HistorianStore, type StoreTag } from '../../../src/main/runtime/historian/store';

const dir = mkdtempSync(join(tmpdir(), 'historian-store-'));
let n = 0;
const fresh = () => join(dir, `h${++n}.db`);
const open: HistorianStore[] = [];
afterEach(() => {
  for (const store of open.splice(0)) store.close();
});

const TAGS: StoreTag[] = [
  { path: 'A/Level', units: 'm', description: 'level', dataType: 'uint16', group: 'fast', step: 0.001, offset: 0 },
  { path: 'A/Temp', units: '°C', description: 'temp', dataType: 'float32', group: 'slow' },
];
const HOUR = 3_600_000;

function storeAt(file: string, options: ConstructorParameters<typeof HistorianStore>[1] = {}) {
  const store = new HistorianStore(file, { chunkMs: HOUR, ...options });
  open.push(store);
  return store;
}

function sourceOf(store: HistorianStore, id: number): SeriesSource {
  return {
    rows: (from, to) => store.chunkRows(id, from, to),
    before: (time) => store.chunkBefore(id, time),
    decode: (row) => store.decode(row),
    segments: (row) => store.segmentsOf(row),
    pending: () => store.pendingOf(id),
  };
}

/** n samples of both tags, one per second from `start`. */
function feed(store: HistorianStore, ids: number[], start: number, count: number) {
  const size = count * 2;
  const idArr = new Int32Array(size);
  const t = new Float64Array(size);
  const v = new Float64Array(size);
  const q = new Uint8Array(size);
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < 2; k++) {
      const j = i * 2 + k;
      idArr[j] = ids[k]!;
      t[j] = start + i * 1000;
      v[j] = k === 0 ? ((start / 1000 + i) % 5000) / 1000 : Math.sin(i / 100) * 20 + 50;
      q[j] = i % 1000 < 3 ? 2 : 0;
    }
  }
  store.append(idArr, t, v, q, size);
}

describe('historian store', () => {
  it('keeps samples across windows, flushes pieces, seals windows, and reads them back after reopening', () => {
    const file = fresh();
    const start = 1_700_000_000_000 - (1_700_000_000_000 % HOUR);
    let store = storeAt(file);
    let ids = store.registerTags(TAGS);
    feed(store, ids, start, 1800); // half of the first hour
    store.flush(start + 1800_000); // the window is still open: one piece each
    const pieces = store.db.prepare('SELECT count(*) AS n FROM chunks WHERE sealed = 0').get() as { n: number };
    expect(pieces.n).toBe(2);
    store.close();

    store = storeAt(file); // a restart in the middle of the window
    ids = store.registerTags(TAGS);
    feed(store, ids, start + 1800_000, 3600); // the rest of hour 1 and half of hour 2
    store.flush(start + 5400_000);
    const rows = store.db.prepare('SELECT window, sealed, count FROM chunks WHERE tag_id = ? ORDER BY t_start').all(ids[0]) as { window: number; sealed: number; count: number }[];
    expect(rows.map((r) => [r.sealed, r.count])).toEqual([[1, 3600], [0, 1800]]);

    const series = querySeries(sourceOf(store, ids[0]!), { from: start, to: start + 5399_000 });
    expect(series.t.length).toBe(5400);
    expect(series.t[0]).toBe(start);
    expect(series.v[5]).toBe(((start / 1000 + 5) % 5000) / 1000);
    expect(Number.isNaN(series.v[1]!)).toBe(true); // the Bad samples are gaps
    const integrity = store.db.pragma('integrity_check', { simple: true });
    expect(integrity).toBe('ok');
  });

  it('stores a scaled register in well under a byte per sample', () => {
    const store = storeAt(fresh());
    const ids = store.registerTags(TAGS);
    const start = 1_700_000_000_000 - (1_700_000_000_000 % HOUR);
    feed(store, ids, start, 7200);
    store.flush(start + 3 * HOUR);
    const bytes = store.db.prepare('SELECT sum(bytes) AS n FROM chunks WHERE tag_id = ?').get(ids[0]) as { n: number };
    expect(bytes.n / 7200).toBeLessThan(1);
  });

  it('answers M4 over segmented chunks with the same pixels as the raw samples', () => {
    const store = storeAt(fresh());
    const ids = store.registerTags(TAGS);
    const start = 1_700_000_000_000 - (1_700_000_000_000 % HOUR);
    feed(store, ids, start, 6 * 3600);
    store.flush(start + 7 * HOUR);
    const segments = store.db.prepare('SELECT count(*) AS n FROM chunk_data WHERE segments IS NOT NULL').get() as { n: number };
    expect(segments.n).toBe(12);
    for (const id of ids) {
      for (const width of [37, 500, 1500]) {
        const from = start;
        const to = start + 6 * HOUR;
        const m4 = querySeries(sourceOf(store, id), { from, to, maxPoints: width * 4 });
        const raw = querySeries(sourceOf(store, id), { from, to });
        expect(m4.mode).toBe('m4');
        const values = Array.from(raw.v).filter((v) => !Number.isNaN(v));
        const lo = Math.min(...values);
        const hi = Math.max(...values);
        expect(raster(m4.t, m4.v, from, to, width, lo, hi)).toEqual(raster(raw.t, raw.v, from, to, width, lo, hi));
      }
    }
  });

  it('refuses samples that are not after the last one, and counts them', () => {
    const store = storeAt(fresh());
    const [id] = store.registerTags(TAGS);
    store.append([id!, id!, id!], [2000, 2000, 1000], [1, 2, 3], [0, 0, 0], 3);
    expect(store.rejected).toBe(2);
    expect(store.pendingCount()).toBe(1);
  });

  it('keeps everything in memory while the file is full, and writes it once there is room', () => {
    const file = fresh();
    const store = storeAt(file, { maxPageCount: 40 });
    const ids = store.registerTags(TAGS);
    const start = 1_700_000_000_000 - (1_700_000_000_000 % HOUR);
    let full: unknown = null;
    let hour = 0;
    for (; hour < 200 && !full; hour++) {
      feed(store, ids, start + hour * HOUR, 3600);
      try {
        store.flush(start + (hour + 1) * HOUR);
      } catch (error) {
        full = error;
      }
    }
    expect((full as { code?: string }).code).toBe('SQLITE_FULL');
    const waiting = store.pendingCount();
    expect(waiting).toBeGreaterThan(0);
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    store.db.pragma('max_page_count = 100000'); // space is free again
    store.flush(start + (hour + 1) * HOUR);
    expect(store.pendingCount()).toBe(0);
    const stored = store.db.prepare('SELECT sum(count) AS n FROM chunks').get() as { n: number };
    expect(stored.n).toBe(hour * 3600 * 2);
  });

  it('keeps samples in memory while the file is read-only, and writes them once it is writable again', () => {
    // Root ignores file modes, so the connection is made read-only instead: SQLite answers SQLITE_READONLY alike.
    const store = storeAt(fresh());
    const ids = store.registerTags(TAGS);
    const start = 1_700_000_000_000 - (1_700_000_000_000 % HOUR);
    feed(store, ids, start, 100);
    store.db.pragma('query_only = 1');
    expect(() => store.flush(start + 200_000)).toThrow(expect.objectContaining({ code: 'SQLITE_READONLY' }));
    expect(store.pendingCount()).toBe(200);
    store.db.pragma('query_only = 0');
    store.flush(start + 200_000);
    expect(store.pendingCount()).toBe(0);
    expect(querySeries(sourceOf(store, ids[1]!), { from: start, to: start + 100_000 }).t.length).toBe(100);
  });

  it('applies retention by age and by size, per group, and hands the space back', () => {
    const file = fresh();
    const store = storeAt(file);
    const ids = store.registerTags(TAGS);
    const start = 1_700_000_000_000 - (1_700_000_000_000 % HOUR);
    for (let h = 0; h < 24; h++) feed(store, ids, start + h * HOUR, 3600);
    store.flush(start + 25 * HOUR);
    const before = store.summary().bytes;
    expect(store.applyRetention('fast', { olderThan: start + 12 * HOUR })).toBe(12);
    const fast = store.db.prepare('SELECT min(t_start) AS t FROM chunks WHERE tag_id = ?').get(ids[0]) as { t: number };
    expect(fast.t).toBe(start + 12 * HOUR);
    const slow = store.db.prepare('SELECT count(*) AS n FROM chunks WHERE tag_id = ?').get(ids[1]) as { n: number };
    expect(slow.n).toBe(24); // another group: untouched
    const slowBytes = store.db.prepare('SELECT sum(bytes) AS n FROM chunks WHERE tag_id = ?').get(ids[1]) as { n: number };
    store.applyRetention('slow', { maxBytes: slowBytes.n / 2 });
    const left = store.db.prepare('SELECT sum(bytes) AS n FROM chunks WHERE tag_id = ?').get(ids[1]) as { n: number };
    expect(left.n).toBeLessThanOrEqual(slowBytes.n / 2);
    expect(store.summary().bytes).toBeLessThan(before);
  });

  it('refuses a damaged file without touching it, and a file from a newer schema naming the versions', () => {
    const damaged = fresh();
    writeFileSync(damaged, Buffer.alloc(8192, 7));
    const hash = createHash('sha256').update(readFileSync(damaged)).digest('hex');
    expect(() => storeAt(damaged)).toThrow(/not a database/);
    expect(createHash('sha256').update(readFileSync(damaged)).digest('hex')).toBe(hash);

    const newer = fresh();
    storeAt(newer).close();
    const db = new Database(newer);
    db.prepare("UPDATE meta SET value = '99' WHERE key = 'schema_version'").run();
    db.close();
    expect(() => storeAt(newer)).toThrow(SchemaError);
    expect(() => storeAt(newer)).toThrow('written by a newer version (schema 99); this build reads schema 1 to 2');
    expect(() => storeAt(newer, { readonly: true })).toThrow('schema 99');

    const other = fresh();
    const foreign = new Database(other);
    foreign.exec('CREATE TABLE customers (id INTEGER)');
    foreign.close();
    expect(() => storeAt(other)).toThrow('not a historian file');
  });

  it('lets one writer hold the file: a second one is told about the lock', () => {
    const file = fresh();
    const first = storeAt(file);
    first.registerTags(TAGS);
    let error: unknown;
    try {
      storeAt(file);
    } catch (e) {
      error = e;
    }
    expect((error as { code?: string }).code).toBe('SQLITE_BUSY');
  });
});
