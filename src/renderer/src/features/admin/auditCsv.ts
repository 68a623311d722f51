// The audit trail as CSV, one row per entry, newest first as shown: RFC 4180
// quoting and the journal's defence against formula injection (a user name,
// target, value or comment starting with = + - @ gets a leading apostrophe).
// A value that is a plain number ("-5", "51.5") is left alone: a spreadsheet
// reads it as the number, nothing runs. The sequence numbers and both hashes
// go along, so an export can be checked against the chain later. Times in
// ISO 8601 UTC, as the other exports. Pure: no DOM.
import type { AuditEntry } from '../../../../shared/security';
import { csvText } from '../alarms/journalCsv';

export const AUDIT_CSV_COLUMNS = [
  'seq',
  'time',
  'user',
  'workstation',
  'action',
  'target',
  'old_value',
  'new_value',
  'comment',
  'prev_hash',
  'hash',
] as const;

const PLAIN_NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

/** An old or new value: a number as it is, anything else as text (defused). */
export function csvAuditValue(value: string | null): string {
  if (value === null) return '';
  return PLAIN_NUMBER.test(value) ? value : csvText(value);
}

export function auditCsv(entries: readonly AuditEntry[]): string {
  const lines: string[] = [AUDIT_CSV_COLUMNS.join(',')];
  for (const e of entries) {
    lines.push(
      [
        String(e.seq),
        Number.isFinite(e.ts) ? new Date(e.ts).toISOString() : '',
        csvText(e.user),
        csvText(e.workstation),
        csvText(e.action),
        csvText(e.target),
        csvAuditValue(e.oldValue),
        csvAuditValue(e.newValue),
        csvText(e.comment),
        csvText(e.prevHash),
        csvText(e.hash),
      ].join(','),
    );
  }
  return lines.join('\r\n') + '\r\n';
}
