// The alarm journal as CSV (RFC 4180, the trend export's quoting), one row
// per entry, newest first as shown. Times in ISO 8601 UTC like the trend
// CSV. Text that an operator typed (comments, reasons, messages) could start
// with = + - @ (or a tab or CR, or spaces before one of them, which some
// spreadsheets skip) and be run as a formula: such a field gets a leading
// apostrophe (OWASP's advice for CSV injection). The audit trail's export
// uses the same helper. Pure: no DOM.
import type { JournalEntry } from '../../../../shared/alarms';
import { csvField, csvNumber } from '../trends/trendCsv';

export const JOURNAL_CSV_COLUMNS = [
  'time',
  'event',
  'state',
  'priority',
  'alarm',
  'path',
  'kind',
  'message',
  'value',
  'user',
  'workstation',
  'comment',
] as const;

/** What a spreadsheet may take for the start of a formula. */
const FORMULA_START = /^[\t\r]|^\s*[=+\-@]/;

/** A text field, quoted where needed and defused if a spreadsheet would read it as a formula. */
export function csvText(text: string | null): string {
  if (text === null || text === '') return '';
  return csvField(FORMULA_START.test(text) ? `'${text}` : text);
}

function csvValue(value: JournalEntry['value']): string {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return csvText(value);
  return csvNumber(value);
}

export function journalCsv(entries: readonly JournalEntry[]): string {
  const lines: string[] = [JOURNAL_CSV_COLUMNS.join(',')];
  for (const e of entries) {
    lines.push(
      [
        new Date(e.ts).toISOString(),
        e.event,
        e.state,
        String(e.priority),
        csvText(e.alarmId),
        csvText(e.path),
        e.kind,
        csvText(e.message),
        csvValue(e.value),
        csvText(e.user),
        csvText(e.workstation),
        csvText(e.comment),
      ].join(','),
    );
  }
  return lines.join('\r\n') + '\r\n';
}
