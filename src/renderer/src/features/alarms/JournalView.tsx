// The alarm journal: every transition and operator action in a time range,
// newest first, searchable (path, message, user, comment) and filtered by
// event type; a preset range follows the present (it asks again, at most
// every 2 s, while alarms change). The table is virtualised, so the
// runtime's 10,000-entry answer scrolls freely. CSV exports what is loaded.
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { JOURNAL_EVENTS, type JournalEntry, type JournalEvent } from '../../../../shared/alarms';
import { toApiError, useClient } from '../../api';
import { useHmi } from '../../stores';
import { formatCount } from '../../ui/format';
import { useDebouncedCallback } from '../../ui/useDebouncedCallback';
import { downloadBlob, fileStamp } from '../trends/exportTrend';
import { formatRange } from '../trends/trendRange';
import { ALARM_SEARCH_INPUT_ID } from './AlarmFilters';
import { EVENT_TEXT, formatAlarmValue, formatJournalTime } from './alarmFormat';
import { STATE_TEXT } from './alarmList';
import { journalCsv } from './journalCsv';
import { fromLocalInput, JOURNAL_PRESETS, resolveRange, toLocalInput, type JournalRange } from './journalRange';
import { PriorityMark } from './PriorityMark';

const LIMIT = 10_000;
const ROW_HEIGHT = 26;
const HEAD_HEIGHT = 28;
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

interface Answer {
  readonly entries: readonly JournalEntry[];
  readonly truncated: boolean;
  readonly from: number;
  readonly to: number;
}

export function JournalView() {
  const client = useClient();
  const journalAlarm = useHmi((s) => s.journalAlarm);
  const setJournalAlarm = useHmi((s) => s.setJournalAlarm);
  const alarmsSeq = useHmi((s) => s.alarmsSeq);
  const journalStatus = useHmi((s) => s.journalStatus);
  const [range, setRange] = useState<JournalRange>({ kind: 'preset', preset: '1h' });
  const [searchText, setSearchText] = useState('');
  const [search, setSearch] = useState('');
  const [events, setEvents] = useState<readonly JournalEvent[]>([]);
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const applySearch = useDebouncedCallback(setSearch, 300);
  const seq = useRef(0);

  const query = useCallback(async () => {
    const mine = ++seq.current;
    const { from, to } = resolveRange(range, Date.now());
    if (to <= from) {
      setError('The range must end after it starts');
      return;
    }
    setBusy(true);
    try {
      const needle = search.trim();
      const result = await client['alarms.journal']({
        from,
        to,
        limit: LIMIT,
        filter: {
          ...(needle === '' ? {} : { search: needle }),
          ...(journalAlarm === null ? {} : { alarmId: journalAlarm }),
          ...(events.length === 0 ? {} : { events: [...events] }),
        },
      });
      if (mine !== seq.current) return;
      setAnswer({ entries: result.entries, truncated: result.truncated, from, to });
      setError(null);
    } catch (e) {
      if (mine === seq.current) setError(`Cannot read the journal: ${toApiError(e).describe()}`);
    } finally {
      if (mine === seq.current) setBusy(false);
    }
  }, [client, range, search, journalAlarm, events]);

  // Ask again whenever what is asked changes.
  useEffect(() => {
    void query();
  }, [query]);

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
    if (!answer) return;
    const blob = new Blob([journalCsv(answer.entries)], { type: 'text/csv;charset=utf-8' });
    downloadBlob(blob, `alarm-journal-${fileStamp(Date.now())}.csv`);
  };

  const customFrom = range.kind === 'custom' ? range.from : Date.now() - 3_600_000;
  const customTo = range.kind === 'custom' ? range.to : Date.now();

  return (
    <div className="journal-view" data-testid="alarm-view-journal">
      <div className="toolbar alarm-toolbar" role="toolbar" aria-label="Journal controls">
        <div className="btn-group" role="group" aria-label="Range">
          {JOURNAL_PRESETS.map((p) => (
            <button
              key={p.id}
              type="button"
              className="btn btn-small seg"
              data-testid={`journal-range-${p.id}`}
              aria-pressed={range.kind === 'preset' && range.preset === p.id}
              title={`The last ${p.label}, following the present`}
              onClick={() => setRange({ kind: 'preset', preset: p.id })}
            >
              {p.label}
            </button>
          ))}
          <button
            type="button"
            className="btn btn-small seg"
            data-testid="journal-range-custom"
            aria-pressed={range.kind === 'custom'}
            title="A fixed range: type its start and end"
            onClick={() => {
              const now = Date.now();
              const r = resolveRange(range, now);
              setRange({ kind: 'custom', from: r.from, to: Math.min(r.to, now) });
            }}
          >
            Custom
          </button>
        </div>
        {range.kind === 'custom' && (
          <span className="journal-custom">
            <input
              type="datetime-local"
              aria-label="From"
              data-testid="journal-from"
              value={toLocalInput(customFrom)}
              onChange={(e) => {
                const ms = fromLocalInput(e.target.value);
                if (ms !== null) setRange({ kind: 'custom', from: ms, to: customTo });
              }}
            />
            <span aria-hidden="true">–</span>
            <input
              type="datetime-local"
              aria-label="To"
              data-testid="journal-to"
              value={toLocalInput(customTo)}
              onChange={(e) => {
                const ms = fromLocalInput(e.target.value);
                if (ms !== null) setRange({ kind: 'custom', from: customFrom, to: ms });
              }}
            />
          </span>
        )}
        <input
          id={ALARM_SEARCH_INPUT_ID}
          type="search"
          className="search-input journal-search"
          data-testid="journal-search"
          placeholder="Search path, message, user, comment"
          aria-label="Search the journal"
          autoComplete="off"
          spellCheck={false}
          value={searchText}
          onChange={(e) => {
            setSearchText(e.target.value);
            applySearch(e.target.value);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape' && searchText !== '') {
              e.preventDefault();
              setSearchText('');
              applySearch('');
              setSearch('');
            }
          }}
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
        {busy && (
          <span className="trend-busy" role="status">
            <span aria-hidden="true">⧗</span> Reading…
          </span>
        )}
        <button type="button" className="btn btn-small" data-testid="journal-refresh" onClick={() => void query()}>
          Refresh
        </button>
        <button
          type="button"
          className="btn btn-small"
          data-testid="journal-export-csv"
          disabled={!answer || answer.entries.length === 0}
          title="Download the entries shown as CSV"
          onClick={exportCsv}
        >
          CSV
        </button>
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
      {error !== null && (
        <div className="alarm-error" role="alert" data-testid="journal-error">
          <span className="alarm-error-symbol" aria-hidden="true">
            ✕
          </span>
          <span>{error}</span>
          <button type="button" className="btn btn-small" onClick={() => void query()}>
            Retry
          </button>
        </div>
      )}

      <div className="journal-summary" data-testid="journal-summary">
        {answer && (
          <>
            <span className="num">{formatCount(answer.entries.length)}</span> entries ·{' '}
            <span className="num">{formatRange({ mode: 'history', from: answer.from, to: answer.to })}</span>
            {answer.truncated && (
              <strong className="journal-truncated" data-testid="journal-truncated">
                {' '}
                · ▲ Only the newest {formatCount(LIMIT)} are shown: narrow the range or the filter to see older ones.
              </strong>
            )}
          </>
        )}
      </div>
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
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: entries.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    getItemKey: (index) => entries[index]?.seq ?? index,
    overscan: 8,
    scrollMargin: HEAD_HEIGHT,
    directDomUpdates: true,
    directDomUpdatesMode: 'position',
  });
  const items = virtualizer.getVirtualItems();
  const byPath = useHmi((s) => s.byPath);
  const newest = entries[0]?.seq;

  // A new answer starts at the top, where the newest entries are.
  const lastNewest = useRef(newest);
  useEffect(() => {
    if (lastNewest.current === newest) return;
    lastNewest.current = newest;
    if ((scrollRef.current?.scrollTop ?? 0) > 0) virtualizer.scrollToOffset(0);
  }, [newest, virtualizer]);

  const rows = items.map((item) => {
    const entry = entries[item.index];
    if (!entry) return null;
    return (
      <JournalRow
        key={item.key}
        entry={entry}
        index={item.index}
        rowRef={virtualizer.measureElement}
        units={byPath.get(entry.path)?.units ?? ''}
      />
    );
  });

  return (
    <div
      ref={scrollRef}
      className="journal-grid"
      role="table"
      aria-label="Alarm journal, newest first"
      aria-rowcount={entries.length + 1}
      data-testid="journal-grid"
      tabIndex={0}
    >
      <div className="journal-head" role="row">
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
      </div>
      <div ref={virtualizer.containerRef} className="journal-body" role="rowgroup">
        {rows}
      </div>
      {entries.length === 0 && emptyText !== '' && <div className="alarm-empty">{emptyText}</div>}
    </div>
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
      className="journal-row"
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
