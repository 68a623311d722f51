// Text samples and quality transitions in the historian file (schema 2), on a
// real SQLite file: written at flush, read back with the one in force at
// `from`, kept in memory while the file is full, retained by age; and the
// migration from a schema 1 file (the previous release) and from empty.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { checkReadable, SCHEMA_VERSION } from '../../../src/main/runtime/historian/schema';
import { HistorianStore, type StoreTag } from '../../../src/main/runtime/historian/store';
import { qualityTransitions, textSeries } from '../../../src/main/runtime/historian/textQuery';
import { readHistorianFile } from '../../../src/main/runtime/historian/reviewFile';

const dir = mkdtempSync(join(tmpdir(), 'historian-text-'));
let n = 0;
const fresh = () => join(dir, `t${++n}.db`);
const open: HistorianStore[] = [];
afterEach(() => {
  for (const store of open.splice(0)) store.close();
});

const TAGS: StoreTag[] = [
  { path: 'A/Recipe', units: '', description: 'recipe name', dataType: 'string', group: 'g' },
  { path: 'A/Level', units: 'm', description: 'level', dataType: 'float64', group: 'g' },
];
const T0 = 1_700_000_000_000;

function storeAt(file: string, options: ConstructorParameters<typeof HistorianStore>[1] = {}) {
  const store = new HistorianStore(file, options);
  open.push(store);
  return store;
}

/** The schema 1 tables exactly as the previous release created them, with one chunk-less tag. */
function schema1File(file: string): void {
  const db = new Database(file);
  db.exec(`
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE tags (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, units TEXT NOT NULL DEFAULT '',
      description TEXT NOT NULL DEFAULT '', data_type TEXT NOT NULL, grp TEXT NOT NULL DEFAULT '');
    CREATE TABLE chunks (id INTEGER PRIMARY KEY, tag_id INTEGER NOT NULL REFERENCES tags(id), t_start INTEGER NOT NULL,
      t_end INTEGER NOT NULL, window INTEGER NOT NULL, sealed INTEGER NOT NULL, count INTEGER NOT NULL,
      good_count INTEGER NOT NULL, v_min REAL, v_max REAL, v_first REAL, v_last REAL, q_first INTEGER NOT NULL,
      q_last INTEGER NOT NULL, bytes INTEGER NOT NULL);
    CREATE TABLE chunk_data (id INTEGER PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE, data BLOB NOT NULL, segments BLOB);
    CREATE UNIQUE INDEX chunks_by_tag_time ON chunks (tag_id, t_start);
    CREATE INDEX chunks_by_time ON chunks (t_end);
    INSERT INTO meta VALUES ('kind', 'scada-hmi-historian'), ('schema_version', '1'), ('created', '1');
    INSERT INTO tags (path, data_type) VALUES ('A/Level', 'float64');
  `);
  db.close();
}

const tables = (file: string) => {
  const db = new Database(file, { readonly: true });
  const names = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  const version = (db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string }).value;
  db.close();
  return { names, version };
};

describe('historian text samples and quality transitions', () => {
  it('creates schema 2 in an empty file', () => {
    const file = fresh();
    storeAt(file).close();
    expect(SCHEMA_VERSION).toBe(2);
    expect(tables(file)).toEqual({
      names: ['chunk_data', 'chunks', 'meta', 'quality_changes', 'tags', 'text_samples'],
      version: '2',
    });
  });

  it('migrates a schema 1 file, keeping its tags, and reads a schema 1 file for review as it is', () => {
    const file = fresh();
    schema1File(file);
    // Review (read-only) of the old file: readable, no text tables needed.
    const review = storeAt(file, { readonly: true });
    expect(review.text.enabled).toBe(false);
    expect(review.text.textSamples(1, 0, T0)).toEqual([]);
    expect(review.text.qualities(1, 0, T0)).toEqual([]);
    review.close();
    expect(readHistorianFile(file).schemaVersion).toBe(1);

    const store = storeAt(file);
    expect(store.text.enabled).toBe(true);
    expect(store.idOf('A/Level')).toBe(1);
    store.close();
    expect(tables(file).version).toBe('2');
    expect(tables(file).names).toContain('text_samples');
    const db = new Database(file, { readonly: true });
    expect(checkReadable(db)).toBe(2);
    db.close();
  });

  it('keeps a text tag on flush and reads it back with the text in force at from', () => {
    const file = fresh();
    let store = storeAt(file);
    let [recipe] = store.registerTags(TAGS) as [number, number];
    store.text.appendText({ id: recipe, t: T0, value: 'Idle', q: 0 });
    store.text.appendText({ id: recipe, t: T0 + 1000, value: 'Heating', q: 0 });
    // Pending (not yet flushed) samples are part of a query.
    expect(store.text.textSamples(recipe, T0 + 500, T0 + 2000).map((r) => r.value)).toEqual(['Idle', 'Heating']);
    store.flush(T0 + 2000);
    store.text.appendText({ id: recipe, t: T0 + 3000, value: 'Cooling, "slowly"', q: 0 });
    store.text.appendText({ id: recipe, t: T0 + 4000, value: null, q: 2 });
    store.text.appendText({ id: recipe, t: T0 + 4000, value: 'late', q: 0 }); // not after the last: refused
    expect(store.rejected).toBe(1);
    store.flush(T0 + 5000);
    expect(store.summary().samples).toBe(4);
    store.close();

    store = storeAt(file);
    const ids = store.registerTags(TAGS) as [number, number];
    recipe = ids[0];
    const level = ids[1];
    expect(store.summary()).toMatchObject({ samples: 4, oldest: T0, newest: T0 + 4000 });
    const series = textSeries(store.text.textSamples(recipe, T0 + 1500, T0 + 10_000), { from: T0 + 1500, to: T0 + 10_000 });
    expect(Array.from(series.t)).toEqual([T0 + 1000, T0 + 3000, T0 + 4000]);
    expect(series.text).toEqual(['Heating', 'Cooling, "slowly"', null]);
    expect(Array.from(series.q)).toEqual([0, 0, 2]);
    expect(Array.from(series.v).every(Number.isNaN)).toBe(true);
    expect(series.mode).toBe('raw');
    // The numeric tag has no text rows.
    expect(store.text.textSamples(level, 0, T0 + 10_000)).toEqual([]);
    // A restart carries on after the last sample.
    store.text.appendText({ id: recipe, t: T0 + 3500, value: 'old', q: 0 });
    expect(store.rejected).toBe(1);
  });

  it('records quality transitions with reason and code, skipping repeats, also across a restart', () => {
    const file = fresh();
    let store = storeAt(file);
    let [, level] = store.registerTags(TAGS) as [number, number];
    const q = (t: number, status: number, reason: string | null = null, code: [number, string] | null = null) => ({
      id: level, t, status, reason, codeValue: code?.[0] ?? null, codeName: code?.[1] ?? null,
    });
    store.text.appendQuality(q(T0, 0));
    store.text.appendQuality(q(T0 + 1000, 2, 'comm_failure'));
    store.text.appendQuality(q(T0 + 1500, 2, 'comm_failure')); // the same: not a transition
    store.text.appendQuality(q(T0 + 2000, 2, 'device_exception', [2, 'Modbus illegal data address']));
    store.text.appendQuality(q(T0 + 3000, 0));
    store.flush(T0 + 3000);
    store.close();

    store = storeAt(file);
    [, level] = store.registerTags(TAGS) as [number, number];
    store.text.appendQuality(q(T0 + 4000, 0)); // still Good after a restart: nothing new
    store.flush(T0 + 4000);
    const count = store.db.prepare('SELECT count(*) AS n FROM quality_changes').get() as { n: number };
    expect(count.n).toBe(4);

    const rows = store.text.qualities(level, T0 + 1200, T0 + 10_000);
    expect(qualityTransitions(rows, { from: T0 + 1200, to: T0 + 10_000 })).toEqual([
      { t: T0 + 1000, status: 'bad', reason: 'comm_failure' },
      { t: T0 + 2000, status: 'bad', reason: 'device_exception', code: { value: 2, name: 'Modbus illegal data address' } },
      { t: T0 + 3000, status: 'good' },
    ]);
    // A range entirely inside a stretch: the transition in force at from alone.
    expect(store.text.qualities(level, T0 + 2100, T0 + 2900).map((r) => r.t)).toEqual([T0 + 2000]);
  });

  it('thins many text changes to the first and last of each column, never aggregating text', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => ({ t: T0 + i * 1000, value: `step ${i}`, q: 0 }));
    const request = { from: T0, to: T0 + 1_000_000, maxPoints: 40 };
    const m4 = textSeries(rows, request);
    expect(m4.mode).toBe('m4');
    expect(m4.t.length).toBe(20); // 10 columns, first and last of each
    expect(m4.text[0]).toBe('step 0');
    expect(m4.text[19]).toBe('step 999');
    const aggregate = textSeries(rows, { from: T0, to: T0 + 1_000_000, aggregate: 'avg', intervalMs: 100_000 });
    expect(aggregate.text.length).toBe(20);
    expect(textSeries(rows.slice(0, 5), { from: T0, to: T0 + 1_000_000, aggregate: 'avg', intervalMs: 100_000 }).mode).toBe('raw');
  });

  it('keeps text and transitions in memory while the file is full, then writes them', () => {
    const file = fresh();
    const store = storeAt(file, { maxPageCount: 64 });
    const [recipe] = store.registerTags(TAGS) as [number, number];
    const big = 'x'.repeat(3000);
    let t = T0;
    let threw = false;
    for (let i = 0; i < 200 && !threw; i++) {
      store.text.appendText({ id: recipe, t: (t += 1000), value: `${big}${i}`, q: 0 });
      try {
        store.flush(t);
      } catch {
        threw = true;
      }
    }
    expect(threw).toBe(true);
    const waiting = store.text.pendingCount();
    expect(waiting).toBeGreaterThan(0);
    expect(store.pendingCount()).toBe(waiting);
    store.db.pragma('max_page_count = 100000');
    store.flush(t);
    expect(store.text.pendingCount()).toBe(0);
    const rows = store.db.prepare('SELECT count(*) AS n FROM text_samples').get() as { n: number };
    expect(rows.n).toBe(store.text.storedCount());
  });

  it('drops text rows and transitions by age with the retention of their group', () => {
    const file = fresh();
    const store = storeAt(file);
    const [recipe, level] = store.registerTags(TAGS) as [number, number];
    for (let i = 0; i < 10; i++) store.text.appendText({ id: recipe, t: T0 + i * 1000, value: `s${i}`, q: 0 });
    store.text.appendQuality({ id: level, t: T0, status: 2, reason: 'comm_failure', codeValue: null, codeName: null });
    store.text.appendQuality({ id: level, t: T0 + 8000, status: 0, reason: null, codeValue: null, codeName: null });
    store.flush(T0 + 10_000);
    store.applyRetention('g', { olderThan: T0 + 5000 });
    expect(store.text.textSamples(recipe, 0, T0 + 10_000).map((r) => r.value)).toEqual(['s5', 's6', 's7', 's8', 's9']);
    expect(store.text.qualities(level, 0, T0 + 10_000).map((r) => r.t)).toEqual([T0 + 8000]);
    expect(store.text.storedCount()).toBe(5);
  });

  it('gives a text tag its last text for review', () => {
    const file = fresh();
    const store = storeAt(file);
    const [recipe] = store.registerTags(TAGS) as [number, number];
    store.text.appendText({ id: recipe, t: T0, value: 'Idle', q: 0 });
    store.text.appendText({ id: recipe, t: T0 + 1000, value: 'Run', q: 0 });
    store.flush(T0 + 1000);
    store.close();
    const contents = readHistorianFile(file);
    expect(contents.tags.find((tag) => tag.path === 'A/Recipe')).toMatchObject({ dataType: 'string', last: { t: T0 + 1000, v: 'Run', q: 0 } });
    expect(contents.newest).toBe(T0 + 1000);
  });
});
