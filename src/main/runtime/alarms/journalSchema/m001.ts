// Journal schema 1: the entries and each alarm's saved state (the first
// released layout; files of that version carry no application_id).
import type { Migration } from '../../storage/openStore';

export const m001: Migration = {
  version: 1,
  up: (db) =>
    db.exec(`
      CREATE TABLE IF NOT EXISTS journal (
        seq INTEGER PRIMARY KEY, ts INTEGER NOT NULL, alarm_id TEXT NOT NULL, path TEXT NOT NULL,
        kind TEXT NOT NULL, priority TEXT NOT NULL, event TEXT NOT NULL, state TEXT NOT NULL,
        value TEXT, message TEXT NOT NULL, user TEXT, workstation TEXT, comment TEXT);
      CREATE INDEX IF NOT EXISTS journal_ts ON journal (ts);
      CREATE INDEX IF NOT EXISTS journal_alarm ON journal (alarm_id, seq);
      CREATE TABLE IF NOT EXISTS alarm_state (alarm_id TEXT PRIMARY KEY, snapshot TEXT NOT NULL);
    `),
};
