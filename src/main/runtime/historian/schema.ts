// The historian file's schema, by version. Each migration is applied in its
// own transaction; the version lives in `meta`. A file written by a newer
// build is refused with the versions named; an older one is migrated (or,
// opened for review only, read as it is when its version is still readable).
import type Database from 'better-sqlite3';

export const SCHEMA_VERSION = 2;
/**
 * The oldest version this build can read without migrating: a schema 1 file
 * opened for review reads as it is (no text samples, no quality transitions).
 */
export const OLDEST_READABLE = 1;
export const FILE_KIND = 'scada-hmi-historian';

const MIGRATIONS: Record<number, string> = {
  1: `
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE tags (
      id INTEGER PRIMARY KEY,
      path TEXT NOT NULL UNIQUE,
      units TEXT NOT NULL DEFAULT '',
      description TEXT NOT NULL DEFAULT '',
      data_type TEXT NOT NULL,
      grp TEXT NOT NULL DEFAULT ''
    );
    -- One row per compressed piece of one tag's samples. Sealed chunks cover a
    -- whole window; unsealed ones (sealed = 0) are the pieces written every
    -- second while the window is open, merged into one when it closes.
    -- Statistics beside the blob let long ranges skip decoding; the blobs live
    -- in their own table so that reading statistics never reads blobs.
    CREATE TABLE chunks (
      id INTEGER PRIMARY KEY,
      tag_id INTEGER NOT NULL REFERENCES tags(id),
      t_start INTEGER NOT NULL,
      t_end INTEGER NOT NULL,
      window INTEGER NOT NULL,
      sealed INTEGER NOT NULL,
      count INTEGER NOT NULL,
      good_count INTEGER NOT NULL,
      v_min REAL,
      v_max REAL,
      v_first REAL,
      v_last REAL,
      q_first INTEGER NOT NULL,
      q_last INTEGER NOT NULL,
      bytes INTEGER NOT NULL
    );
    -- segments: for a sealed chunk, the statistics of its independently
    -- decodable segments (segments.ts); null for a piece (one codec stream).
    CREATE TABLE chunk_data (id INTEGER PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE, data BLOB NOT NULL, segments BLOB);
    CREATE UNIQUE INDEX chunks_by_tag_time ON chunks (tag_id, t_start);
    CREATE INDEX chunks_by_time ON chunks (t_end);
  `,
  // Text tags (data type string) and the reasons behind qualities. Both are
  // rare next to numeric samples (a text is kept on change, a quality when it
  // changes), so plain rows keyed by tag and time, never the numeric codec.
  2: `
    CREATE TABLE text_samples (
      tag_id INTEGER NOT NULL REFERENCES tags(id),
      t INTEGER NOT NULL,
      value TEXT,
      q INTEGER NOT NULL,
      PRIMARY KEY (tag_id, t)
    ) WITHOUT ROWID;
    -- By time: the file's oldest and newest sample, for every status report.
    CREATE INDEX text_samples_by_time ON text_samples (t);
    -- One row each time a tag's quality (status, reason or protocol code) changed.
    CREATE TABLE quality_changes (
      tag_id INTEGER NOT NULL REFERENCES tags(id),
      t INTEGER NOT NULL,
      status INTEGER NOT NULL,
      reason TEXT,
      code_value INTEGER,
      code_name TEXT,
      PRIMARY KEY (tag_id, t)
    ) WITHOUT ROWID;
  `,
};

/** Whether a file (perhaps an older one opened for review) has the tables of schema 2. */
export function hasTextTables(db: Database.Database): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'text_samples'").get() !== undefined;
}

export class SchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaError';
  }
}

function versionOf(db: Database.Database): number {
  const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
  if (!hasMeta) {
    const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
    if (tables.n > 0) throw new SchemaError('the file is an SQLite database, but not a historian file (it has no meta table)');
    return 0;
  }
  const kind = db.prepare("SELECT value FROM meta WHERE key = 'kind'").get() as { value: string } | undefined;
  if (kind && kind.value !== FILE_KIND) throw new SchemaError(`the file is a "${kind.value}", not a historian file`);
  const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
  return row ? Number(row.value) : 0;
}

/** Brings a writable file to SCHEMA_VERSION; throws a SchemaError that says why it cannot. */
export function migrate(db: Database.Database): void {
  const version = versionOf(db);
  if (version > SCHEMA_VERSION) {
    throw new SchemaError(
      `the file was written by a newer version (schema ${version}); this build reads schema ${OLDEST_READABLE} to ${SCHEMA_VERSION}`,
    );
  }
  for (let next = version + 1; next <= SCHEMA_VERSION; next++) {
    const sql = MIGRATIONS[next];
    if (!sql) throw new SchemaError(`no migration to schema ${next}`);
    db.transaction(() => {
      db.exec(sql);
      db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('kind', ?), ('schema_version', ?)").run(FILE_KIND, String(next));
      if (next === 1) db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('created', ?)").run(String(Date.now()));
    })();
  }
}

/** For a file opened read-only: says why it cannot be read, or returns its version. */
export function checkReadable(db: Database.Database): number {
  const version = versionOf(db);
  if (version === 0) throw new SchemaError('the file is empty: it holds no history');
  if (version > SCHEMA_VERSION) {
    throw new SchemaError(
      `the file was written by a newer version (schema ${version}); this build reads schema ${OLDEST_READABLE} to ${SCHEMA_VERSION}`,
    );
  }
  if (version < OLDEST_READABLE) {
    throw new SchemaError(`the file has schema ${version}, older than this build can read (${OLDEST_READABLE}); open it once with write access to migrate it`);
  }
  return version;
}
