// Every store's migrations on real files: from an empty file, and from a file
// at each previous schema version (version 1 being what the releases before
// the shared opener wrote: no application_id), with the data kept. A file of
// another store, another application or a newer version is refused and left
// as it was.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { JOURNAL_KIND } from '../../../src/main/runtime/alarms/journalSchema/index';
import { SECURITY_KIND } from '../../../src/main/runtime/security/securitySchema/index';
import { latestVersion, openStore, StoreFileError, type StoreKind } from '../../../src/main/runtime/storage/openStore';
import { QUEUE_KIND } from '../../../src/main/runtime/uplink/queueSchema/index';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length > 0) rmSync(dirs.pop()!, { recursive: true, force: true });
});

function tempFile(name = 'store.db'): string {
  const dir = mkdtempSync(join(tmpdir(), 'migrations-'));
  dirs.push(dir);
  return join(dir, name);
}

/** A row of each store's version-1 tables, as the old code wrote them. */
const SAMPLE_ROWS: Record<string, string> = {
  'alarm journal': `INSERT INTO journal VALUES (1, 1000, 'A#hi', 'A', 'hi', '2', 'activated', 'unacknowledged', '8.5', 'A high', NULL, NULL, NULL);
                    INSERT INTO alarm_state VALUES ('A#hi', '{"state":"unacknowledged"}');`,
  "uplink store-and-forward queue": `INSERT INTO messages VALUES (1, 1000, 1, 5, 't', x'0102'); INSERT INTO meta VALUES ('count', 1);`,
  'security file': `INSERT INTO users VALUES ('ann', 'operator', 'h', 1, 1);
                    INSERT INTO audit VALUES (1, 1000, 'ann', 'ws', 'auth.login', 'ann', NULL, 'operator', NULL, '${'0'.repeat(64)}', 'x');`,
};

const COUNT_SQL: Record<string, string> = {
  'alarm journal': 'SELECT (SELECT COUNT(*) FROM journal) + (SELECT COUNT(*) FROM alarm_state)',
  "uplink store-and-forward queue": 'SELECT (SELECT COUNT(*) FROM messages) + (SELECT COUNT(*) FROM meta)',
  'security file': 'SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM audit)',
};

/** A file at `version`, written as that version of the code wrote it. */
function fileAt(kind: StoreKind, version: number): string {
  const file = tempFile();
  const db = new Database(file);
  for (const migration of kind.migrations.filter((m) => m.version <= version)) migration.up(db);
  db.pragma(`user_version = ${version}`);
  // Version 1 predates the stamp; later versions were written by the shared opener.
  if (version >= 2) db.pragma(`application_id = ${kind.applicationId}`);
  db.exec(SAMPLE_ROWS[kind.label]!);
  db.close();
  return file;
}

function describeFile(file: string) {
  const db = new Database(file, { readonly: true });
  try {
    return {
      version: db.pragma('user_version', { simple: true }) as number,
      applicationId: db.pragma('application_id', { simple: true }) as number,
      objects: db.prepare("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[],
    };
  } finally {
    db.close();
  }
}

const KINDS = [JOURNAL_KIND, QUEUE_KIND, SECURITY_KIND];

describe.each(KINDS.map((kind) => [kind.label, kind] as const))('the %s', (_label, kind) => {
  const latest = latestVersion(kind);

  it('numbers its migrations 1..n without gaps', () => {
    expect(kind.migrations.map((m) => m.version)).toEqual(Array.from({ length: latest }, (_, i) => i + 1));
  });

  it('is created from an empty file at the latest version, stamped with its kind', () => {
    const file = tempFile();
    openStore(file, kind).close();
    const created = describeFile(file);
    expect(created).toMatchObject({ version: latest, applicationId: kind.applicationId });
    for (const table of kind.legacyTables) expect(created.objects).toContain(table);
    // Opening it again changes nothing.
    openStore(file, kind).close();
    expect(describeFile(file)).toEqual(created);
  });

  it.each(Array.from({ length: latest }, (_, i) => i))('is migrated from version %i, keeping its data', (from) => {
    const file = from === 0 ? tempFile() : fileAt(kind, from);
    openStore(file, kind).close();
    const migrated = describeFile(file);
    expect(migrated).toMatchObject({ version: latest, applicationId: kind.applicationId });
    // The same tables and indexes as a file created at the latest version.
    const fresh = tempFile();
    openStore(fresh, kind).close();
    expect(migrated.objects).toEqual(describeFile(fresh).objects);
    if (from > 0) {
      const db = new Database(file, { readonly: true });
      expect(db.prepare(COUNT_SQL[kind.label]!).pluck().get()).toBe(2);
      db.close();
    }
  });

  it('refuses a file of a newer version and leaves it untouched', () => {
    const file = fileAt(kind, latest);
    const db = new Database(file);
    db.pragma(`user_version = ${latest + 1}`);
    db.close();
    const before = readFileSync(file);
    expect(() => openStore(file, kind)).toThrow(new RegExp(`newer version \\(${kind.label} schema ${latest + 1}, this build reads up to ${latest}\\)`));
    expect(readFileSync(file)).toEqual(before);
  });

  it('refuses the file of every other store, old and new, and any other SQLite file', () => {
    for (const other of KINDS.filter((k) => k !== kind)) {
      for (const file of [fileAt(other, 1), fileAt(other, latestVersion(other))]) {
        const before = readFileSync(file);
        expect(() => openStore(file, kind)).toThrow(StoreFileError);
        expect(() => openStore(file, kind)).toThrow(/left untouched/);
        expect(readFileSync(file)).toEqual(before);
      }
      expect(() => openStore(fileAt(other, latestVersion(other)), kind)).toThrow(`is an ${other.label}, not the ${kind.label}`);
    }
    // A historian file (kind in its meta table) or anyone's SQLite file.
    const foreign = tempFile();
    const db = new Database(foreign);
    db.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT); INSERT INTO meta VALUES ('kind', 'scada-hmi-historian')");
    db.close();
    expect(() => openStore(foreign, kind)).toThrow(`is an SQLite file, but not the ${kind.label} (its tables are meta)`);
    const stamped = tempFile();
    const app = new Database(stamped);
    app.pragma('application_id = 1234');
    app.exec('CREATE TABLE x (y)');
    app.close();
    expect(() => openStore(stamped, kind)).toThrow('another application’s SQLite file');
  });

  it('refuses a file that is not SQLite with SQLite’s own error, and leaves it untouched', () => {
    const file = tempFile();
    writeFileSync(file, 'notes, not a database '.repeat(500));
    expect(() => openStore(file, kind)).toThrow(expect.objectContaining({ code: 'SQLITE_NOTADB' }));
    expect(readFileSync(file, 'utf8')).toBe('notes, not a database '.repeat(500));
  });
});
