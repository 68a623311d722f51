// Journal schema 2: the file is stamped as an alarm journal (openStore does
// that with every migration), and activations get an index of their own: the
// KPIs read every activation of a range (a year of a flooding plant is
// millions of rows) and must not scan every other event with them.
import type { Migration } from '../../storage/openStore';

export const m002: Migration = {
  version: 2,
  up: (db) => db.exec('CREATE INDEX IF NOT EXISTS journal_event_ts ON journal (event, ts)'),
};
