// The parts of a log screen (the alarm journal, the audit trail): a time
// range (the last hour … week following the present, or a fixed one), a
// debounced search, the newest-first answer of a query with its busy mark,
// error and summary, a virtualised table and a CSV of what is loaded.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { toApiError } from '../../api';
import { formatCount } from '../../ui/format';
import { useDebouncedCallback } from '../../ui/useDebouncedCallback';
import { fromLocalInput, JOURNAL_PRESETS, resolveRange, toLocalInput, type JournalRange } from '../alarms/journalRange';
import { downloadBlob, fileStamp } from '../trends/exportTrend';
import { formatRange } from '../trends/trendRange';
import './logView.css';

/** The most entries one query asks for. */
export const LOG_LIMIT = 10_000;
const ROW_HEIGHT = 26;
const HEAD_HEIGHT = 28;

export interface LogAnswer<T> {
  readonly entries: readonly T[];
  readonly truncated: boolean;
  readonly from: number;
  readonly to: number;
}

/**
 * Asks `fetch` for the range whenever it or the range changes; an answer
 * overtaken by a newer question is dropped. `what` names the log in errors.
 */
export function useLogQuery<T>(
  range: JournalRange,
  fetch: (from: number, to: number) => Promise<{ entries: readonly T[]; truncated: boolean }>,
  what: string,
) {
  const [answer, setAnswer] = useState<LogAnswer<T> | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
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
      const result = await fetch(from, to);
      if (mine !== seq.current) return;
      setAnswer({ entries: result.entries, truncated: result.truncated, from, to });
      setError(null);
    } catch (e) {
      if (mine === seq.current) setError(`Cannot read ${what}: ${toApiError(e).describe()}`);
    } finally {
      if (mine === seq.current) setBusy(false);
    }
  }, [range, fetch, what]);

  // Ask again whenever what is asked changes.
  useEffect(() => {
    void query();
  }, [query]);

  return { answer, busy, error, query };
}

interface RangeControlProps {
  readonly range: JournalRange;
  readonly onChange: (range: JournalRange) => void;
  /** data-testid prefix: `${prefix}-range-1h`, `${prefix}-from`… */
  readonly testId: string;
  /** How far back the custom inputs start before a custom range is chosen. */
  readonly fallbackMs: number;
}

/** The preset buttons, "Custom", and a custom range's two inputs. */
export function RangeControl({ range, onChange, testId, fallbackMs }: RangeControlProps) {
  const customFrom = range.kind === 'custom' ? range.from : Date.now() - fallbackMs;
  const customTo = range.kind === 'custom' ? range.to : Date.now();
  return (
    <>
      <div className="btn-group" role="group" aria-label="Range">
        {JOURNAL_PRESETS.map((p) => (
          <button
            key={p.id}
            type="button"
            className="btn btn-small seg"
            data-testid={`${testId}-range-${p.id}`}
            aria-pressed={range.kind === 'preset' && range.preset === p.id}
            title={`The last ${p.label}, following the present`}
            onClick={() => onChange({ kind: 'preset', preset: p.id })}
          >
            {p.label}
          </button>
        ))}
        <button
          type="button"
          className="btn btn-small seg"
          data-testid={`${testId}-range-custom`}
          aria-pressed={range.kind === 'custom'}
          title="A fixed range: type its start and end"
          onClick={() => {
            const now = Date.now();
            const r = resolveRange(range, now);
            onChange({ kind: 'custom', from: r.from, to: Math.min(r.to, now) });
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
            data-testid={`${testId}-from`}
            value={toLocalInput(customFrom)}
            onChange={(e) => {
              const ms = fromLocalInput(e.target.value);
              if (ms !== null) onChange({ kind: 'custom', from: ms, to: customTo });
            }}
          />
          <span aria-hidden="true">–</span>
          <input
            type="datetime-local"
            aria-label="To"
            data-testid={`${testId}-to`}
            value={toLocalInput(customTo)}
            onChange={(e) => {
              const ms = fromLocalInput(e.target.value);
              if (ms !== null) onChange({ kind: 'custom', from: customFrom, to: ms });
            }}
          />
        </span>
      )}
    </>
  );
}

interface LogSearchProps {
  readonly id: string;
  readonly className: string;
  readonly testId: string;
  readonly placeholder: string;
  readonly label: string;
  /** The search, 300 ms after typing stops (at once on Esc, which empties it). */
  readonly onSearch: (search: string) => void;
}

export function LogSearch({ id, className, testId, placeholder, label, onSearch }: LogSearchProps) {
  const [text, setText] = useState('');
  const apply = useDebouncedCallback(onSearch, 300);
  return (
    <input
      id={id}
      type="search"
      className={`search-input ${className}`}
      data-testid={testId}
      placeholder={placeholder}
      aria-label={label}
      autoComplete="off"
      spellCheck={false}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        apply(e.target.value);
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && text !== '') {
          e.preventDefault();
          setText('');
          apply('');
          onSearch('');
        }
      }}
    />
  );
}

/** Refresh and CSV, after the busy mark. */
export function LogActions({
  busy,
  testId,
  canExport,
  exportTitle,
  onRefresh,
  onExport,
}: {
  busy: boolean;
  testId: string;
  canExport: boolean;
  exportTitle: string;
  onRefresh: () => void;
  onExport: () => void;
}) {
  return (
    <>
      {busy && (
        <span className="trend-busy" role="status">
          <span aria-hidden="true">⧗</span> Reading…
        </span>
      )}
      <button type="button" className="btn btn-small" data-testid={`${testId}-refresh`} onClick={onRefresh}>
        Refresh
      </button>
      <button
        type="button"
        className="btn btn-small"
        data-testid={`${testId}-export-csv`}
        disabled={!canExport}
        title={exportTitle}
        onClick={onExport}
      >
        CSV
      </button>
    </>
  );
}

/** A failed query, with Retry. */
export function LogError({ error, testId, onRetry }: { error: string | null; testId: string; onRetry: () => void }) {
  if (error === null) return null;
  return (
    <div className="alarm-error" role="alert" data-testid={testId}>
      <span className="alarm-error-symbol" aria-hidden="true">
        ✕
      </span>
      <span>{error}</span>
      <button type="button" className="btn btn-small" onClick={onRetry}>
        Retry
      </button>
    </div>
  );
}

/** How many entries, over what range, and whether the limit cut them. */
export function LogSummary<T>({ answer, testId }: { answer: LogAnswer<T> | null; testId: string }) {
  return (
    <div className="journal-summary" data-testid={`${testId}-summary`}>
      {answer && (
        <>
          <span className="num">{formatCount(answer.entries.length)}</span> entries ·{' '}
          <span className="num">{formatRange({ mode: 'history', from: answer.from, to: answer.to })}</span>
          {answer.truncated && (
            <strong className="journal-truncated" data-testid={`${testId}-truncated`}>
              {' '}
              · ▲ Only the newest {formatCount(LOG_LIMIT)} are shown: narrow the range or the filter to see older ones.
            </strong>
          )}
        </>
      )}
    </div>
  );
}

/** Downloads `csv` as `${name}-<now>.csv`. */
export function downloadCsv(csv: string, name: string): void {
  downloadBlob(new Blob([csv], { type: 'text/csv;charset=utf-8' }), `${name}-${fileStamp(Date.now())}.csv`);
}

interface LogGridProps<T extends { readonly seq: number }> {
  readonly entries: readonly T[];
  /** Class prefix: `${kind}-grid`, `${kind}-head`, `${kind}-body`; also the data-testid of the grid. */
  readonly kind: string;
  readonly label: string;
  readonly head: ReactNode;
  readonly emptyText: string;
  readonly row: (entry: T, index: number, rowRef: (el: HTMLDivElement | null) => void, key: string | number | bigint) => ReactNode;
}

/** A virtualised newest-first table; a new answer with newer entries starts at the top, where they are. */
export function LogGrid<T extends { readonly seq: number }>({ entries, kind, label, head, emptyText, row }: LogGridProps<T>) {
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
  const newest = entries[0]?.seq;

  const lastNewest = useRef(newest);
  useEffect(() => {
    if (lastNewest.current === newest) return;
    lastNewest.current = newest;
    if ((scrollRef.current?.scrollTop ?? 0) > 0) virtualizer.scrollToOffset(0);
  }, [newest, virtualizer]);

  return (
    <div
      ref={scrollRef}
      className={`log-grid ${kind}-grid`}
      role="table"
      aria-label={label}
      aria-rowcount={entries.length + 1}
      data-testid={`${kind}-grid`}
      tabIndex={0}
    >
      <div className={`log-head ${kind}-head`} role="row">
        {head}
      </div>
      <div ref={virtualizer.containerRef} className={`log-body ${kind}-body`} role="rowgroup">
        {items.map((item) => {
          const entry = entries[item.index];
          return entry ? row(entry, item.index, virtualizer.measureElement, item.key) : null;
        })}
      </div>
      {entries.length === 0 && emptyText !== '' && <div className="alarm-empty">{emptyText}</div>}
    </div>
  );
}
