// Queue schema 1: the messages and the running totals (the first released
// layout; files of that version carry no application_id).
import type { Migration } from '../../storage/openStore';

export const m001: Migration = {
  version: 1,
  up: (db) =>
    db.exec(`
      CREATE TABLE IF NOT EXISTS messages (
        seq INTEGER PRIMARY KEY, ts INTEGER NOT NULL, qos INTEGER NOT NULL, size INTEGER NOT NULL,
        topic TEXT NOT NULL, payload BLOB NOT NULL);
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER) WITHOUT ROWID;
    `),
};
