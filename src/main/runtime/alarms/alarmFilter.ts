// The `alarms.list` filter and order: what an operator's list shows, sorted
// by priority (1 first, diagnostic last), then the newest activation first.
import type { AlarmInfo, AlarmPriority, AlarmState } from '../../../shared/alarms';
import { isUnder } from '../../../shared/tagPath';

export interface AlarmFilter {
  readonly area?: string;
  readonly priorities?: readonly AlarmPriority[];
  readonly states?: readonly AlarmState[];
  readonly search?: string;
  readonly show: 'active' | 'hidden' | 'all';
}

const PRIORITY_ORDER: Readonly<Record<string, number>> = { '1': 1, '2': 2, '3': 3, '4': 4, diagnostic: 5 };

export function isHidden(alarm: AlarmInfo): boolean {
  return alarm.shelvedUntil !== null || alarm.suppressed || alarm.outOfService;
}

export function filterAlarms(alarms: readonly AlarmInfo[], filter: AlarmFilter): AlarmInfo[] {
  const needle = filter.search?.toLowerCase() ?? '';
  const priorities = filter.priorities && filter.priorities.length > 0 ? new Set(filter.priorities) : null;
  const states = filter.states && filter.states.length > 0 ? new Set(filter.states) : null;
  return alarms
    .filter((alarm) => {
      if (filter.show === 'active' && (alarm.state === 'normal' || isHidden(alarm))) return false;
      if (filter.show === 'hidden' && !isHidden(alarm)) return false;
      if (filter.area && !isUnder(alarm.path, filter.area)) return false;
      if (priorities && !priorities.has(alarm.priority)) return false;
      if (states && !states.has(alarm.state)) return false;
      if (needle && !alarm.path.toLowerCase().includes(needle) && !alarm.message.toLowerCase().includes(needle)) return false;
      return true;
    })
    .sort(
      (a, b) =>
        PRIORITY_ORDER[String(a.priority)]! - PRIORITY_ORDER[String(b.priority)]! ||
        (b.activeAt ?? 0) - (a.activeAt ?? 0) ||
        a.id.localeCompare(b.id),
    );
}
