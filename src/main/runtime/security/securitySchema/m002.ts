// Security schema 2: the file is stamped as the security file (openStore sets
// its application_id with every migration), and the audit list filtered by
// user (an auditor's usual question) gets an index instead of a scan.
import type { Migration } from '../../storage/openStore';

export const m002: Migration = {
  version: 2,
  up: (db) => db.exec('CREATE INDEX IF NOT EXISTS audit_user_seq ON audit (user, seq)'),
};
