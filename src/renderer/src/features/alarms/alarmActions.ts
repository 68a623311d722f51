// Going to an alarm from anywhere (the banner's headline): the Alarms
// screen, the sub-view that lists it, the cursor and selection on it, and
// a filter that does not hide it.
import { isHidden, NO_ALARM_FILTER, useHmi } from '../../stores';
import { matchesFilter } from './alarmList';

export function openAlarm(id: string | null): void {
  const state = useHmi.getState();
  state.setView('alarms');
  const alarm = id === null ? undefined : state.alarms.get(id);
  if (!alarm) {
    if (state.alarmTab !== 'active' && state.alarmTab !== 'hidden') state.setAlarmTab('active');
    return;
  }
  state.setAlarmTab(isHidden(alarm) ? 'hidden' : 'active');
  const filter = state.alarmFilter;
  if (!matchesFilter(alarm, filter, filter.search.trim().toLowerCase())) {
    state.setAlarmFilter(NO_ALARM_FILTER);
  }
  state.setAlarmCursor(alarm.id);
  state.setAlarmSelection(new Set([alarm.id]));
}
