// One way to open a store's SQLite file: the file kind, the pragmas and the
// numbered migrations, so the alarm journal, the store-and-forward queue and
// the security file do not each carry their own copy.
//
// File kind. Each store stamps its own `application_id` in the file header
// (SQLite reserves those four bytes for exactly this), so a store refuses a
// file that belongs to another store instead of creating its tables beside
// the other's. Files written before the stamp existed (schema 1) carry 0:
// they are recognised by their tables, and migration 2 stamps them.
//
// Migrations. `user_version` is the schema version. Each migration is a
// numbered module of its store, run in its own transaction with the version
// bump, so a crash mid-upgrade leaves the file at the previous version. A
// file of a newer version is refused with both versions named and left as
// it is.
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { repairLeftovers } from './leftovers';

export interface Migration {
  /** The version the file has once this migration ran (1, 2, …, without gaps). */
  readonly version: number;
  readonly up: (db: Database.Database) => void;
}

export interface StoreKind {
  /** What an operator calls the file ("alarm journal"). */
  readonly label: string;
  /** The file header's application_id for this kind (a distinct 32-bit number). */
  readonly applicationId: number;
  readonly migrations: readonly Migration[];
  /** Tables a version-1 file (from before the application_id stamp) must have to be taken as this kind. */
  readonly legacyTables: readonly string[];
}

export interface OpenOptions {
  /** A cap on the file in pages (tests use it to fill the "disk"). */
  readonly maxPageCount?: number;
  /** How long a write waits for another connection's lock before SQLITE_BUSY. */
  readonly busyTimeoutMs?: number;
  /** Default NORMAL: with WAL a crashed process loses nothing, a power cut at most the last commits. */
  readonly synchronous?: 'NORMAL' | 'FULL';
}

/** A refusal with a sentence of its own (not a SQLite error): the caller shows its message as it is. */
export class StoreFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreFileError';
  }
}

/** The application_id of every kind of file this product writes, to name the one we were given. */
export const KNOWN_KINDS: Readonly<Record<number, string>> = {
  0x5343_4a31: 'alarm journal',
  0x5343_5131: "uplink store-and-forward queue",
  0x5343_5331: 'security file',
};

export function latestVersion(kind: StoreKind): number {
  return kind.migrations.reduce((max, m) => Math.max(max, m.version), 0);
}

/**
 * Opens (or creates) `file` as a store of `kind`, brought to its latest
 * schema; `file` null opens one in memory. Throws a StoreFileError for a file
 * of another kind or a newer version, or SQLite's own error (damaged,
 * read-only, locked…) for the caller to describe.
 */
export function openStore(file: string | null, kind: StoreKind, options: OpenOptions = {}): Database.Database {
  if (file) {
    mkdirSync(dirname(file), { recursive: true });
    repairLeftovers(file);
  }
  const db = new Database(file ?? ':memory:', { timeout: options.busyTimeoutMs ?? 1000 });
  try {
    // Reads the header first: a file that is not SQLite fails here, before anything is written.
    checkKind(db, file ?? ':memory:', kind);
    const version = db.pragma('user_version', { simple: true }) as number;
    const latest = latestVersion(kind);
    if (version > latest) {
      throw new StoreFileError(
        `${file} was written by a newer version (${kind.label} schema ${version}, this build reads up to ${latest}); it is left untouched`,
      );
    }
    if (file) db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
    if (options.maxPageCount !== undefined) setMaxPageCount(db, options.maxPageCount);
    migrate(db, kind, version);
    // A read-only file opens (SQLite falls back to reading) and would fail only at the first
    // write, on a connection that stays read-only even once the file is writable again. One
    // write that changes nothing makes the open itself fail, so the store reports it now and
    // its retry opens a new connection.
    if (file) probeWrite(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Opens an existing store for reading only, for a store that serves what it
 * has while its file cannot be written. In a read-only folder SQLite cannot
 * open a WAL file even for reading (it needs its -shm beside it), so the file
 * is then read into memory as it is: complete when it was closed cleanly (no
 * -wal left with pages in it), else refused. Throws like openStore, and for a
 * file of another schema version (reading it would need its migrations).
 */
export function openStoreReadOnly(file: string, kind: StoreKind): Database.Database {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('application_id', { simple: true }); // the first read opens the WAL index
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== 'SQLITE_READONLY_DIRECTORY' && code !== 'SQLITE_CANTOPEN') throw error;
    if (existsSync(`${file}-wal`) && statSync(`${file}-wal`).size > 0) throw error;
    const image = readFileSync(file);
    // Bytes 18 and 19 say WAL (2); an image in memory has no WAL: legacy (1) reads the same pages.
    if (image.length >= 20) image[18] = image[19] = 1;
    db = new Database(image, { readonly: true });
  }
  try {
    checkKind(db, file, kind);
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version !== latestVersion(kind)) {
      throw new StoreFileError(`${file} has ${kind.label} schema ${version}, this build reads ${latestVersion(kind)}: it can be read only once it can be written (and upgraded)`);
    }
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Throws SQLite's own error (SQLITE_READONLY…) unless the connection can write; changes nothing. */
export function probeWrite(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  db.pragma(`user_version = ${version}`);
}

export function setMaxPageCount(db: Database.Database, pages: number): void {
  db.pragma(`max_page_count = ${Math.max(1, Math.floor(pages))}`);
}

function checkKind(db: Database.Database, file: string, kind: StoreKind): void {
  const id = db.pragma('application_id', { simple: true }) as number;
  if (id === kind.applicationId) return;
  if (id !== 0) {
    const other = KNOWN_KINDS[id];
    throw new StoreFileError(`${file} is ${other ? `an ${other}` : 'another application’s SQLite file'}, not the ${kind.label}; it is left untouched`);
  }
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[]);
  if (tables.length === 0) return; // new (or empty): ours to create
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version === 1 && kind.legacyTables.every((table) => tables.includes(table))) return;
  throw new StoreFileError(`${file} is an SQLite file, but not the ${kind.label} (its tables are ${tables.slice(0, 5).join(', ')}); it is left untouched`);
}

function migrate(db: Database.Database, kind: StoreKind, from: number): void {
  const ordered = [...kind.migrations].sort((a, b) => a.version - b.version);
  for (const migration of ordered) {
    if (migration.version <= from) continue;
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
      // Every file this build writes says what it is (migration 2 of the older stores does it for old files too).
      db.pragma(`application_id = ${kind.applicationId}`);
    })();
  }
}
