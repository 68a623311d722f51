// Security schema 1: users and the audit trail (the first released layout;
// files of that version carry no application_id).
import type { Migration } from '../../storage/openStore';

export const m001: Migration = {
  version: 1,
  up: (db) =>
    db.exec(`
      CREATE TABLE IF NOT EXISTS users (
        name TEXT PRIMARY KEY, role TEXT NOT NULL, hash TEXT NOT NULL, created_at INTEGER NOT NULL, changed_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS audit (
        seq INTEGER PRIMARY KEY, ts INTEGER NOT NULL, user TEXT NOT NULL, workstation TEXT NOT NULL, action TEXT NOT NULL,
        target TEXT NOT NULL, old_value TEXT, new_value TEXT, comment TEXT, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS audit_ts ON audit (ts);
    `),
};
