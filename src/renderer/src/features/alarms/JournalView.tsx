// The alarm journal: every transition and operator action in a time range,
// newest first, searchable (path, message, user, comment) and filtered by
// event type; a preset range follows the present (it asks again, at most
// every 2 s, while alarms change). The table is virtualised, so the
// runtime's 10,000-entry answer scrolls freely. CSV exports what is loaded.
import { memo, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { JOURNAL_EVENTS, type JournalEntry, type JournalEvent } from '../../../../shared/alarms';
import { useClient } from '../../api';
import { useHmi } from '../../stores';
import { formatCount } from '../../ui/format';
import {
  downloadCsv,
  LOG_LIMIT,
  LogActions,
  LogError,
  LogGrid,
  LogSearch,
  LogSummary,
  RangeControl,
  useLogQuery,
} from '../shared/logView';
import { ALARM_SEARCH_INPUT_ID } from './AlarmFilters';
import { EVENT_TEXT, formatAlarmValue, formatJournalTime } from './alarmFormat';
import { STATE_TEXT } from './alarmList';
import { journalCsv } from './journalCsv';
import type { JournalRange } from './journalRange';
import { PriorityMark } from './PriorityMark';

/** A preset range asks again after alarm changes, at most this often. */
const FOLLOW_MS = 2_000;

const OPERATOR_EVENTS: readonly JournalEvent[] = [
  'acknowledged',
  'reset',
  'shelved',
  'unshelved',
  'out_of_service',
  'in_service',
];
const PROCESS_EVENTS: readonly JournalEvent[] = ['activated', 'cleared', 'reannunciated', 'suppressed', 'unsuppressed'];

export function JournalView() {
  const client = useClient();
  const journalAlarm = useHmi((s) => s.journalAlarm);
  const setJournalAlarm = useHmi((s) => s.setJournalAlarm);
  const alarmsSeq = useHmi((s) => s.alarmsSeq);
  const journalStatus = useHmi((s) => s.journalStatus);
  const [range, setRange] = useState<JournalRange>({ kind: 'preset', preset: '1h' });
  const [search, setSearch] = useState('');
  const [events, setEvents] = useState<readonly JournalEvent[]>([]);

  const fetch = useCallback(
    (from: number, to: number) => {
      const needle = search.trim();
      return client['alarms.journal']({
        from,
        to,
        limit: LOG_LIMIT,
        filter: {
          ...(needle === '' ? {} : { search: needle }),
          ...(journalAlarm === null ? {} : { alarmId: journalAlarm }),
          ...(events.length === 0 ? {} : { events: [...events] }),
        },
      });
    },
    [client, search, journalAlarm, events],
  );
  const { answer, busy, error, query } = useLogQuery(range, fetch, 'the journal');

  // A preset range follows the present: alarm changes are journal entries.
  // The latest `query` is read through a ref: the batch is the trigger.
  const latestQuery = useRef(query);
  useLayoutEffect(() => {
    latestQuery.current = query;
  });
  const lastFollow = useRef(0);
  const followedSeq = useRef(alarmsSeq);
  const following = range.kind === 'preset';
  useEffect(() => {
    if (!following || followedSeq.current === alarmsSeq) return;
    const wait = Math.max(0, lastFollow.current + FOLLOW_MS - Date.now());
    const timer = setTimeout(() => {
      followedSeq.current = alarmsSeq;
      lastFollow.current = Date.now();
      void latestQuery.current();
    }, wait);
    return () => clearTimeout(timer);
  }, [alarmsSeq, following]);

  const exportCsv = () => {
    if (answer) downloadCsv(journalCsv(answer.entries), 'alarm-journal');
  };

  return (
    <div className="journal-view" data-testid="alarm-view-journal">
      <div className="toolbar alarm-toolbar" role="toolbar" aria-label="Journal controls">
        <RangeControl range={range} onChange={setRange} testId="journal" fallbackMs={3_600_000} />
        <LogSearch
          id={ALARM_SEARCH_INPUT_ID}
          className="journal-search"
          testId="journal-search"
          placeholder="Search path, message, user, comment"
          label="Search the journal"
          onSearch={setSearch}
        />
        <EventFilter events={events} onChange={setEvents} />
        {journalAlarm !== null && (
          <span className="journal-only" data-testid="journal-only">
            Only <span className="mono">{journalAlarm}</span>
            <button
              type="button"
              className="btn btn-ghost btn-small"
              aria-label="Show every alarm"
              onClick={() => setJournalAlarm(null)}
            >
              ✕
            </button>
          </span>
        )}
        <span className="toolbar-grow" />
        <LogActions
          busy={busy}
          testId="journal"
          canExport={!!answer && answer.entries.length > 0}
          exportTitle="Download the entries shown as CSV"
          onRefresh={() => void query()}
          onExport={exportCsv}
        />
      </div>

      {journalStatus !== null && journalStatus.state !== 'ok' && (
        <div className="alarm-error" role="alert" data-testid="journal-status">
          <span className="alarm-error-symbol" aria-hidden="true">
            {journalStatus.state === 'off' ? '■' : '▲'}
          </span>
          <span>
            {journalStatus.state === 'off'
              ? 'The journal is not written to disk: entries are kept in memory only.'
              : `Journal degraded: ${journalStatus.problem ?? 'entries are not reaching the disk'}`}
            {journalStatus.dropped > 0 && ` ${formatCount(journalStatus.dropped)} entries lost.`}
          </span>
        </div>
      )}
      <LogError error={error} testId="journal-error" onRetry={() => void query()} />
      <LogSummary answer={answer} testId="journal" />
      <JournalTable
        entries={answer?.entries ?? []}
        emptyText={answer ? 'No journal entry matches.' : busy ? 'Reading the journal…' : ''}
      />
    </div>
  );
}

interface EventFilterProps {
  readonly events: readonly JournalEvent[];
  readonly onChange: (events: readonly JournalEvent[]) => void;
}

function EventFilter({ events, onChange }: EventFilterProps) {
  const label =
    events.length === 0 ? 'All events' : events.length === 1 ? EVENT_TEXT[events[0]!] : `${events.length} event types`;
  const set = (list: readonly JournalEvent[]) => onChange(JOURNAL_EVENTS.filter((e) => list.includes(e)));
  const ref = useRef<HTMLDetailsElement>(null);
  const [open, setOpen] = useState(false);

  // Like a menu: a click elsewhere or Esc closes it.
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) ref.current.open = false;
    };
    window.addEventListener('mousedown', onDown, true);
    return () => window.removeEventListener('mousedown', onDown, true);
  }, [open]);

  return (
    <details
      ref={ref}
      className="journal-events"
      data-testid="journal-events"
      onToggle={(e) => setOpen(e.currentTarget.open)}
      onKeyDown={(e) => {
        if (e.key !== 'Escape' || !ref.current?.open) return;
        e.preventDefault();
        ref.current.open = false;
        ref.current.querySelector('summary')?.focus();
      }}
    >
      <summary className="btn btn-small" title="Which events to show">
        Events: {label}
      </summary>
      <div className="journal-events-menu" role="group" aria-label="Event types">
        <div className="journal-events-quick">
          <button type="button" className="btn btn-small" onClick={() => onChange([])}>
            All
          </button>
          <button type="button" className="btn btn-small" onClick={() => set(OPERATOR_EVENTS)}>
            Operator actions
          </button>
          <button type="button" className="btn btn-small" onClick={() => set(PROCESS_EVENTS)}>
            Process
          </button>
        </div>
        {JOURNAL_EVENTS.map((event) => (
          <label key={event} className="alarm-check">
            <input
              type="checkbox"
              data-testid={`journal-event-${event}`}
              checked={events.includes(event)}
              onChange={(e) => set(e.target.checked ? [...events, event] : events.filter((x) => x !== event))}
            />
            {EVENT_TEXT[event]}
          </label>
        ))}
      </div>
    </details>
  );
}

function JournalTable({ entries, emptyText }: { entries: readonly JournalEntry[]; emptyText: string }) {
  const byPath = useHmi((s) => s.byPath);
  return (
    <LogGrid
      entries={entries}
      kind="journal"
      label="Alarm journal, newest first"
      emptyText={emptyText}
      head={
        <>
          <span role="columnheader" className="cell">Time</span>
          <span role="columnheader" className="cell">Event</span>
          <span role="columnheader" className="cell">State</span>
          <span role="columnheader" className="cell" title="Priority">Pri</span>
          <span role="columnheader" className="cell">Tag</span>
          <span role="columnheader" className="cell">Message</span>
          <span role="columnheader" className="cell jcell-value">Value</span>
          <span role="columnheader" className="cell">User</span>
          <span role="columnheader" className="cell">Workstation</span>
          <span role="columnheader" className="cell">Comment</span>
        </>
      }
      row={(entry, index, rowRef, key) => (
        <JournalRow
          key={key}
          entry={entry}
          index={index}
          rowRef={rowRef}
          units={byPath.get(entry.path)?.units ?? ''}
        />
      )}
    />
  );
}

const JournalRow = memo(function JournalRow({
  entry,
  index,
  rowRef,
  units,
}: {
  entry: JournalEntry;
  index: number;
  rowRef: (el: HTMLDivElement | null) => void;
  units: string;
}) {
  const operator = entry.user !== null;
  return (
    <div
      ref={rowRef}
      role="row"
      className="log-row journal-row"
      data-index={index}
      data-testid="journal-row"
      data-event={entry.event}
      data-alarm-id={entry.alarmId}
      data-operator={operator || undefined}
    >
      <span role="cell" className="cell num">
        {formatJournalTime(entry.ts)}
      </span>
      <span role="cell" className="cell jcell-event" data-testid="journal-event">
        {EVENT_TEXT[entry.event] ?? entry.event}
      </span>
      <span role="cell" className="cell jcell-state">
        {STATE_TEXT[entry.state] ?? entry.state}
      </span>
      <span role="cell" className="cell">
        <PriorityMark priority={entry.priority} />
      </span>
      <span role="cell" className="cell mono" title={entry.alarmId}>
        {entry.path}
      </span>
      <span role="cell" className="cell" title={entry.message}>
        {entry.message}
      </span>
      <span role="cell" className="cell jcell-value num">
        {formatAlarmValue(entry.value, units)}
      </span>
      <span role="cell" className="cell" data-testid="journal-user">
        {entry.user ?? ''}
      </span>
      <span role="cell" className="cell muted">
        {entry.workstation ?? ''}
      </span>
      <span role="cell" className="cell" data-testid="journal-comment" title={entry.comment ?? undefined}>
        {entry.comment ?? ''}
      </span>
    </div>
  );
});
