// How alarm times, values and limits read on screen, and the words for
// journal events. One place for the list, the journal and the banner.
import type { AlarmInfo, JournalEvent } from '../../../../shared/alarms';
import type { TagDataType, TagScalar } from '../../../../shared/types';
import { formatTime, formatValue, NO_VALUE } from '../../ui/format';
import { formatDateTime } from '../trends/trendRange';

/** Today: "08:05:09"; an older day: "2025-03-14 08:05:09" (an alarm standing since then is news). */
export function formatAlarmTime(ts: number | null, now: number): string {
  if (ts === null || !Number.isFinite(ts) || ts <= 0) return NO_VALUE;
  const full = formatDateTime(ts);
  return full.slice(0, 10) === formatDateTime(now).slice(0, 10) ? full.slice(11) : full;
}

/** The journal's time: date and time to the millisecond. */
export function formatJournalTime(ts: number): string {
  if (!Number.isFinite(ts) || ts <= 0) return NO_VALUE;
  return `${formatDateTime(ts).slice(0, 10)} ${formatTime(ts)}`;
}

/** A value with its units; booleans as ON/OFF. */
export function formatAlarmValue(value: TagScalar | null, units: string, dataType?: TagDataType): string {
  if (value === null) return NO_VALUE;
  const text = formatValue(value, dataType ?? 'float64');
  return units && typeof value === 'number' ? `${text} ${units}` : text;
}

/** The limit the alarm compares against, with its units; digital and quality alarms have none. */
export function formatLimit(alarm: Pick<AlarmInfo, 'limit' | 'units' | 'kind'>): string {
  if (alarm.limit === null) return '';
  const text = formatValue(alarm.limit, 'float64');
  const units = alarm.kind === 'roc' && alarm.units ? `${alarm.units}/s` : alarm.units;
  return units ? `${text} ${units}` : text;
}

export const EVENT_TEXT: Readonly<Record<JournalEvent, string>> = {
  activated: 'Activated',
  cleared: 'Cleared',
  acknowledged: 'Acknowledged',
  reset: 'Reset',
  reannunciated: 'Re-alarmed',
  shelved: 'Shelved',
  unshelved: 'Unshelved',
  suppressed: 'Suppressed',
  unsuppressed: 'Unsuppressed',
  out_of_service: 'Out of service',
  in_service: 'Returned to service',
  removed: 'Removed from configuration',
};

export const KIND_TEXT: Readonly<Record<AlarmInfo['kind'], string>> = {
  hihi: 'HiHi',
  hi: 'Hi',
  lo: 'Lo',
  lolo: 'LoLo',
  deviation: 'Deviation',
  roc: 'Rate of change',
  digital: 'Digital',
  quality: 'Bad quality',
  ne107: 'NE107',
  system: 'System',
  communication: 'Communication',
};
