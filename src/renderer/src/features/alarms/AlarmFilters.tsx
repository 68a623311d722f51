// The list's filter bar: area (a folder alarms live in), priorities and
// states as check boxes with their counts; and the search of path and
// message (in the toolbar, where there is room).
// The filter lives in the store, so it survives a trip to another screen.
import { useMemo, useState, type KeyboardEvent } from 'react';
import { ALARM_PRIORITIES, type AlarmInfo, type AlarmPriority, type AlarmState } from '../../../../shared/alarms';
import { NO_ALARM_FILTER, useHmi, type AlarmFilter } from '../../stores';
import { formatCount } from '../../ui/format';
import { useDebouncedCallback } from '../../ui/useDebouncedCallback';
import {
  areasOf,
  filterAlarms,
  isFiltered,
  priorityKey,
  PRIORITY_SHORT,
  PRIORITY_TEXT,
  STATE_TEXT,
  type ListShow,
} from './alarmList';
import { PriorityMark } from './PriorityMark';

export const ALARM_SEARCH_INPUT_ID = 'alarm-search';

const STATES: Record<ListShow, readonly AlarmState[]> = {
  active: ['unacknowledged', 'acknowledged', 'rtn_unacknowledged', 'latched'],
  hidden: ['unacknowledged', 'acknowledged', 'rtn_unacknowledged', 'latched', 'normal'],
};

function toggle<T>(list: readonly T[], item: T, on: boolean): T[] {
  return on ? [...list.filter((x) => x !== item), item] : list.filter((x) => x !== item);
}

export function AlarmFilters({ show, alarms }: { show: ListShow; alarms: ReadonlyMap<string, AlarmInfo> }) {
  const filter = useHmi((s) => s.alarmFilter);
  const setFilter = useHmi((s) => s.setAlarmFilter);
  const areas = useMemo(() => areasOf(alarms.values()), [alarms]);

  // Counts beside each box: what the view would show with that box alone changed.
  const byPriority = useMemo(
    () => countBy(filterAlarms(alarms.values(), show, { ...filter, priorities: [] }), (a) => priorityKey(a.priority)),
    [alarms, show, filter],
  );
  const byState = useMemo(
    () => countBy(filterAlarms(alarms.values(), show, { ...filter, states: [] }), (a) => a.state),
    [alarms, show, filter],
  );
  const filtered = isFiltered(filter);

  return (
    <div className="alarm-filters" role="group" aria-label="Filter the alarms">
      <label className="alarm-filter-field">
        <span className="filter-label">Area</span>
        <select
          className="alarm-select"
          data-testid="alarm-filter-area"
          value={filter.area}
          onChange={(e) => setFilter({ area: e.target.value })}
        >
          <option value="">All areas</option>
          {areas.map((a) => (
            <option key={a} value={a}>
              {'\u2003'.repeat(a.split('/').length - 1)}
              {a.slice(a.lastIndexOf('/') + 1)}
            </option>
          ))}
          {filter.area !== '' && !areas.includes(filter.area) && <option value={filter.area}>{filter.area}</option>}
        </select>
      </label>

      <fieldset className="alarm-filter-set" data-testid="alarm-filter-priorities">
        <legend className="filter-label">Priority</legend>
        {ALARM_PRIORITIES.map((p) => (
          <PriorityBox
            key={String(p)}
            priority={p}
            filter={filter}
            count={byPriority.get(priorityKey(p)) ?? 0}
            onChange={setFilter}
          />
        ))}
      </fieldset>

      <fieldset className="alarm-filter-set" data-testid="alarm-filter-states">
        <legend className="filter-label">State</legend>
        {STATES[show].map((state) => (
          <label key={state} className="alarm-check">
            <input
              type="checkbox"
              data-testid={`alarm-filter-state-${state}`}
              checked={filter.states.includes(state)}
              onChange={(e) => setFilter({ states: toggle(filter.states, state, e.target.checked) })}
            />
            <span className="alarm-state-symbol" data-state={state} data-priority="none" aria-hidden="true" />
            {STATE_TEXT[state]}
            <span className="muted num">{formatCount(byState.get(state) ?? 0)}</span>
          </label>
        ))}
      </fieldset>

      {filtered && (
        <button
          type="button"
          className="btn btn-small"
          data-testid="alarm-filter-clear"
          onClick={() => setFilter(NO_ALARM_FILTER)}
        >
          Clear filter
        </button>
      )}
    </div>
  );
}

function PriorityBox({
  priority,
  filter,
  count,
  onChange,
}: {
  priority: AlarmPriority;
  filter: AlarmFilter;
  count: number;
  onChange: (patch: Partial<AlarmFilter>) => void;
}) {
  const key = priorityKey(priority);
  return (
    <label className="alarm-check" title={PRIORITY_TEXT[key]}>
      <input
        type="checkbox"
        data-testid={`alarm-filter-priority-${key}`}
        checked={filter.priorities.includes(priority)}
        onChange={(e) => onChange({ priorities: toggle(filter.priorities, priority, e.target.checked) })}
      />
      <PriorityMark priority={priority} />
      {PRIORITY_SHORT[key]}
      <span className="muted num">{formatCount(count)}</span>
    </label>
  );
}

/** Path or message, applied 150 ms after typing pauses; Esc clears, ↓/Enter goes to the list. */
export function AlarmSearch({ onLeave }: { onLeave: () => void }) {
  const setFilter = useHmi((s) => s.setAlarmFilter);
  const stored = useHmi((s) => s.alarmFilter.search);
  const [text, setText] = useState(stored);
  const [seen, setSeen] = useState(stored);
  // The filter was cleared (or set) elsewhere: show it.
  if (stored !== seen) {
    setSeen(stored);
    setText(stored);
  }
  const apply = useDebouncedCallback((search: string) => setFilter({ search }), 150);

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Escape' && text !== '') {
      e.preventDefault();
      setText('');
      apply('');
      setFilter({ search: '' });
    } else if (e.key === 'ArrowDown' || e.key === 'Enter') {
      e.preventDefault();
      apply(text);
      setFilter({ search: text });
      onLeave();
    }
  };

  return (
    <label className="alarm-filter-field">
      <span className="filter-label">Search</span>
      <input
        id={ALARM_SEARCH_INPUT_ID}
        type="search"
        className="search-input alarm-search"
        data-testid="alarm-search"
        placeholder="Tag or message   ( / )"
        autoComplete="off"
        spellCheck={false}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          apply(e.target.value);
        }}
        onKeyDown={onKeyDown}
      />
    </label>
  );
}

function countBy<K>(rows: readonly AlarmInfo[], keyOf: (a: AlarmInfo) => K): Map<K, number> {
  const counts = new Map<K, number>();
  for (const row of rows) counts.set(keyOf(row), (counts.get(keyOf(row)) ?? 0) + 1);
  return counts;
}
