// The alarm list's pure parts: which alarms a view shows, in which order,
// the counts per priority, the banner's headline, and which ids an
// acknowledge covers (the selection, or the rows on screen). No DOM.
import {
  ALARM_PRIORITIES,
  isActiveState,
  isUnacknowledged,
  type AlarmInfo,
  type AlarmPriority,
  type AlarmState,
} from '../../../../shared/alarms';
import { isUnder } from '../../../../shared/tagPath';
import { isHidden, type AlarmFilter } from '../../stores';

export type PriorityKey = '1' | '2' | '3' | '4' | 'diagnostic';

export const priorityKey = (p: AlarmPriority): PriorityKey => String(p) as PriorityKey;

/** 0 for priority 1 … 4 for diagnostic: the list's first sort key. */
export function priorityRank(p: AlarmPriority): number {
  const i = ALARM_PRIORITIES.indexOf(p);
  return i < 0 ? ALARM_PRIORITIES.length : i;
}

/** Priority first (1 on top), then the newest activation, then the id so the order is stable. */
export function compareAlarms(a: AlarmInfo, b: AlarmInfo): number {
  const byPriority = priorityRank(a.priority) - priorityRank(b.priority);
  if (byPriority !== 0) return byPriority;
  const at = (b.activeAt ?? -Infinity) - (a.activeAt ?? -Infinity);
  if (at !== 0 && !Number.isNaN(at)) return at;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** On the operator's list: not normal, and neither shelved, suppressed nor out of service. */
export function isListed(alarm: AlarmInfo): boolean {
  return alarm.state !== 'normal' && !isHidden(alarm);
}

export type ListShow = 'active' | 'hidden';

/** Whether the filter hides anything. */
export function isFiltered(filter: AlarmFilter): boolean {
  return filter.area !== '' || filter.priorities.length > 0 || filter.states.length > 0 || filter.search.trim() !== '';
}

export function matchesFilter(alarm: AlarmInfo, filter: AlarmFilter, needle: string): boolean {
  if (filter.area !== '' && !isUnder(alarm.area, filter.area)) return false;
  if (filter.priorities.length > 0 && !filter.priorities.includes(alarm.priority)) return false;
  if (filter.states.length > 0 && !filter.states.includes(alarm.state)) return false;
  if (needle !== '' && !alarm.path.toLowerCase().includes(needle) && !alarm.message.toLowerCase().includes(needle)) {
    return false;
  }
  return true;
}

/**
 * The rows of a view, sorted: `active` is the operator's list, `hidden` the
 * shelved, suppressed and out-of-service alarms (whatever their state), as
 * `alarms.list` defines them.
 */
export function listAlarms(alarms: Iterable<AlarmInfo>, show: ListShow, filter: AlarmFilter): AlarmInfo[] {
  return filterAlarms(alarms, show, filter).sort(compareAlarms);
}

/** The same rows unsorted: enough for counting them. */
export function filterAlarms(alarms: Iterable<AlarmInfo>, show: ListShow, filter: AlarmFilter): AlarmInfo[] {
  const needle = filter.search.trim().toLowerCase();
  const out: AlarmInfo[] = [];
  for (const alarm of alarms) {
    if (show === 'active' ? !isListed(alarm) : !isHidden(alarm)) continue;
    if (matchesFilter(alarm, filter, needle)) out.push(alarm);
  }
  return out;
}

/** Every area alarms live in, and each of its parent folders, in path order. */
export function areasOf(alarms: Iterable<AlarmInfo>): string[] {
  const areas = new Set<string>();
  for (const { area } of alarms) {
    for (let a = area; a !== '' && !areas.has(a); a = a.includes('/') ? a.slice(0, a.lastIndexOf('/')) : '') {
      areas.add(a);
    }
  }
  return [...areas].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

export interface PriorityCount {
  /** In alarm now (unacknowledged or acknowledged). */
  active: number;
  /** Waiting for an operator: unacknowledged, returned unacknowledged or latched. */
  unack: number;
}

export type PriorityCounts = Record<PriorityKey, PriorityCount>;

/** Counts per priority of the alarms on the operator's list. */
export function countByPriority(alarms: Iterable<AlarmInfo>): PriorityCounts {
  const counts = Object.fromEntries(
    ALARM_PRIORITIES.map((p) => [priorityKey(p), { active: 0, unack: 0 }]),
  ) as PriorityCounts;
  for (const alarm of alarms) {
    if (!isListed(alarm)) continue;
    const c = counts[priorityKey(alarm.priority)];
    if (!c) continue;
    if (isActiveState(alarm.state)) c.active++;
    if (isUnacknowledged(alarm.state)) c.unack++;
  }
  return counts;
}

/** The banner's headline: the newest unacknowledged alarm of the highest priority on the list. */
export function headlineAlarm(alarms: Iterable<AlarmInfo>): AlarmInfo | null {
  let best: AlarmInfo | null = null;
  for (const alarm of alarms) {
    if (!isListed(alarm) || !isUnacknowledged(alarm.state)) continue;
    if (best === null || compareAlarms(alarm, best) < 0) best = alarm;
  }
  return best;
}

/**
 * The rows wholly in view, as indexes [first, last] (last < first: none).
 * `scrollTop` and `viewportHeight` are of the rows' area, below the head.
 * Half a row at either edge is not "on the page": it is not read yet.
 */
export function visibleRange(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  count: number,
): { first: number; last: number } {
  if (count === 0 || viewportHeight <= 0 || rowHeight <= 0) return { first: 0, last: -1 };
  const first = Math.max(0, Math.ceil(scrollTop / rowHeight - 1e-6));
  const last = Math.min(count - 1, Math.floor((scrollTop + viewportHeight) / rowHeight + 1e-6) - 1);
  return { first, last };
}

/** "Ack page": the alarms waiting for acknowledgement among rows first..last. */
export function ackPageIds(rows: readonly AlarmInfo[], first: number, last: number): string[] {
  const ids: string[] = [];
  for (let i = Math.max(0, first); i <= last && i < rows.length; i++) {
    const alarm = rows[i]!;
    if (isUnacknowledged(alarm.state)) ids.push(alarm.id);
  }
  return ids;
}

/**
 * "Ack selected": the selected rows that wait for acknowledgement, in list
 * order; with nothing selected, the row the cursor is on.
 */
export function ackSelectedIds(
  rows: readonly AlarmInfo[],
  selection: ReadonlySet<string>,
  cursor: string | null,
): string[] {
  const chosen = selection.size > 0 ? selection : new Set(cursor === null ? [] : [cursor]);
  return rows.filter((a) => chosen.has(a.id) && isUnacknowledged(a.state)).map((a) => a.id);
}

/** The states an operator filters by, with the words the list uses. */
export const STATE_TEXT: Readonly<Record<AlarmState, string>> = {
  unacknowledged: 'Active, unack',
  acknowledged: 'Active, acked',
  rtn_unacknowledged: 'Cleared, unack',
  latched: 'Latched',
  normal: 'Normal',
};

export const PRIORITY_TEXT: Readonly<Record<PriorityKey, string>> = {
  '1': 'Priority 1 (urgent)',
  '2': 'Priority 2 (high)',
  '3': 'Priority 3 (medium)',
  '4': 'Priority 4 (low)',
  diagnostic: 'Diagnostic',
};

export const PRIORITY_SHORT: Readonly<Record<PriorityKey, string>> = {
  '1': 'P1',
  '2': 'P2',
  '3': 'P3',
  '4': 'P4',
  diagnostic: 'Diag',
};
