// The audit trail (permission audit.read): who did what, where, when, from
// what to what, newest first. A time range (the last hour … week, following
// the present, or a fixed one), the runtime's filters (user, action, a
// search of target, values and comment), a virtualised table, a CSV of what
// is shown, and "Verify chain": the runtime recomputes the hash chain and
// says whether it is intact or where it breaks (that entry is marked in the
// table when it is loaded).
//
// There is no audit stream: a preset range asks again every 10 s while the
// screen is open, and at once on Refresh or any change of the filter.
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { AuditEntry, AuditVerification } from '../../../../shared/security';
import { toApiError, useClient } from '../../api';
import { formatCount } from '../../ui/format';
import { useDebouncedCallback } from '../../ui/useDebouncedCallback';
import { formatJournalTime } from '../alarms/alarmFormat';
import { fromLocalInput, JOURNAL_PRESETS, resolveRange, toLocalInput, type JournalRange } from '../alarms/journalRange';
import { downloadBlob, fileStamp } from '../trends/exportTrend';
import { formatRange } from '../trends/trendRange';
import { auditCsv } from './auditCsv';
import { actionChoices, actionText, changeText, isRefusal, usersOf } from './auditFormat';

export const AUDIT_SEARCH_INPUT_ID = 'audit-search';

const LIMIT = 10_000;
const ROW_HEIGHT = 26;
const HEAD_HEIGHT = 28;
const FOLLOW_MS = 10_000;

interface Answer {
  readonly entries: readonly AuditEntry[];
  readonly truncated: boolean;
  readonly from: number;
  readonly to: number;
}

type Verify =
  | { readonly state: 'busy' }
  | { readonly state: 'done'; readonly result: AuditVerification; readonly at: number }
  | { readonly state: 'failed'; readonly message: string };

export function AuditView() {
  const client = useClient();
  const [range, setRange] = useState<JournalRange>({ kind: 'preset', preset: '24h' });
  const [userText, setUserText] = useState('');
  const [user, setUser] = useState('');
  const [action, setAction] = useState('');
  const [searchText, setSearchText] = useState('');
  const [search, setSearch] = useState('');
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [verify, setVerify] = useState<Verify | null>(null);
  const applySearch = useDebouncedCallback(setSearch, 300);
  const applyUser = useDebouncedCallback(setUser, 300);
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
      const who = user.trim();
      const result = await client['audit.list']({
        from,
        to,
        limit: LIMIT,
        filter: {
          ...(who === '' ? {} : { user: who }),
          ...(action === '' ? {} : { action }),
          ...(needle === '' ? {} : { search: needle }),
        },
      });
      if (mine !== seq.current) return;
      setAnswer({ entries: result.entries, truncated: result.truncated, from, to });
      setError(null);
    } catch (e) {
      if (mine === seq.current) setError(`Cannot read the audit trail: ${toApiError(e).describe()}`);
    } finally {
      if (mine === seq.current) setBusy(false);
    }
  }, [client, range, user, action, search]);

  useEffect(() => {
    void query();
  }, [query]);

  // A preset range follows the present.
  const following = range.kind === 'preset';
  useEffect(() => {
    if (!following) return;
    const timer = setInterval(() => {
      if (document.visibilityState !== 'hidden') void query();
    }, FOLLOW_MS);
    return () => clearInterval(timer);
  }, [following, query]);

  const runVerify = async () => {
    setVerify({ state: 'busy' });
    try {
      const result = await client['audit.verify']({});
      setVerify({ state: 'done', result, at: Date.now() });
    } catch (e) {
      setVerify({ state: 'failed', message: toApiError(e).describe() });
    }
  };

  const exportCsv = () => {
    if (!answer) return;
    const blob = new Blob([auditCsv(answer.entries)], { type: 'text/csv;charset=utf-8' });
    downloadBlob(blob, `audit-trail-${fileStamp(Date.now())}.csv`);
  };

  const entries = answer?.entries ?? [];
  const actions = useMemo(() => actionChoices(entries.map((e) => e.action)), [entries]);
  const users = useMemo(() => usersOf(entries), [entries]);
  const brokenAt = verify?.state === 'done' && !verify.result.ok ? verify.result.brokenAt : null;
  const customFrom = range.kind === 'custom' ? range.from : Date.now() - 86_400_000;
  const customTo = range.kind === 'custom' ? range.to : Date.now();

  return (
    <div className="audit-view" data-testid="audit-view">
      <div className="toolbar admin-toolbar" role="toolbar" aria-label="Audit trail controls">
        <div className="btn-group" role="group" aria-label="Range">
          {JOURNAL_PRESETS.map((p) => (
            <button
              key={p.id}
              type="button"
              className="btn btn-small seg"
              data-testid={`audit-range-${p.id}`}
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
            data-testid="audit-range-custom"
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
              data-testid="audit-from"
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
              data-testid="audit-to"
              value={toLocalInput(customTo)}
              onChange={(e) => {
                const ms = fromLocalInput(e.target.value);
                if (ms !== null) setRange({ kind: 'custom', from: customFrom, to: ms });
              }}
            />
          </span>
        )}
        <label className="admin-field">
          <span className="admin-field-label">User</span>
          <input
            className="search-input audit-user"
            data-testid="audit-user"
            list="audit-users"
            placeholder="All users"
            autoComplete="off"
            spellCheck={false}
            maxLength={64}
            value={userText}
            onChange={(e) => {
              setUserText(e.target.value);
              applyUser(e.target.value);
            }}
          />
          <datalist id="audit-users">
            {users.map((u) => (
              <option key={u} value={u} />
            ))}
          </datalist>
        </label>
        <label className="admin-field">
          <span className="admin-field-label">Action</span>
          <select
            className="admin-select"
            data-testid="audit-action"
            value={action}
            onChange={(e) => setAction(e.target.value)}
          >
            <option value="">All actions</option>
            {actions.map((a) => (
              <option key={a} value={a}>
                {actionText(a)} · {a}
              </option>
            ))}
          </select>
        </label>
        <input
          id={AUDIT_SEARCH_INPUT_ID}
          type="search"
          className="search-input audit-search"
          data-testid="audit-search"
          placeholder="Search target, values, comment"
          aria-label="Search the audit trail"
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
        <span className="toolbar-grow" />
        {busy && (
          <span className="trend-busy" role="status">
            <span aria-hidden="true">⧗</span> Reading…
          </span>
        )}
        <button type="button" className="btn btn-small" data-testid="audit-refresh" onClick={() => void query()}>
          Refresh
        </button>
        <button
          type="button"
          className="btn btn-small"
          data-testid="audit-export-csv"
          disabled={entries.length === 0}
          title="Download the entries shown as CSV (with their hashes)"
          onClick={exportCsv}
        >
          CSV
        </button>
        <button
          type="button"
          className="btn btn-small"
          data-testid="audit-verify"
          disabled={verify?.state === 'busy'}
          title="Recompute the hash chain of the whole audit trail and say whether any entry was changed, removed or inserted"
          onClick={() => void runVerify()}
        >
          {verify?.state === 'busy' ? 'Verifying…' : 'Verify chain'}
        </button>
      </div>

      {verify !== null && verify.state !== 'busy' && <VerifyResult verify={verify} onClose={() => setVerify(null)} />}
      {error !== null && (
        <div className="alarm-error" role="alert" data-testid="audit-error">
          <span className="alarm-error-symbol" aria-hidden="true">
            ✕
          </span>
          <span>{error}</span>
          <button type="button" className="btn btn-small" onClick={() => void query()}>
            Retry
          </button>
        </div>
      )}

      <div className="journal-summary" data-testid="audit-summary">
        {answer && (
          <>
            <span className="num">{formatCount(answer.entries.length)}</span> entries ·{' '}
            <span className="num">{formatRange({ mode: 'history', from: answer.from, to: answer.to })}</span>
            {answer.truncated && (
              <strong className="journal-truncated" data-testid="audit-truncated">
                {' '}
                · ▲ Only the newest {formatCount(LIMIT)} are shown: narrow the range or the filter to see older ones.
              </strong>
            )}
          </>
        )}
      </div>
      <AuditTable
        entries={entries}
        brokenAt={brokenAt}
        emptyText={answer ? 'No audit entry matches.' : busy ? 'Reading the audit trail…' : ''}
      />
    </div>
  );
}

function VerifyResult({ verify, onClose }: { verify: Exclude<Verify, { state: 'busy' }>; onClose: () => void }) {
  const ok = verify.state === 'done' && verify.result.ok;
  return (
    <div
      className="audit-verify"
      data-testid="audit-verify-result"
      data-ok={ok}
      role={ok ? 'status' : 'alert'}
    >
      <span className="audit-verify-symbol" data-ok={ok} aria-hidden="true">
        {ok ? '✓' : '✕'}
      </span>
      {verify.state === 'failed' ? (
        <span>Cannot verify the chain: {verify.message}</span>
      ) : verify.result.ok ? (
        <span>
          <strong>Chain intact:</strong> all {formatCount(verify.result.entries)} entries follow one another unchanged
          (checked {formatJournalTime(verify.at).slice(11, 19)}).
        </span>
      ) : (
        <span>
          <strong>
            Chain broken{verify.result.brokenAt !== null ? ` at entry ${formatCount(verify.result.brokenAt)}` : ''}:
          </strong>{' '}
          {verify.result.problem ?? 'an entry was changed, removed or inserted'}. Entries from there on cannot be trusted
          as recorded; keep the file for investigation.
        </span>
      )}
      <span className="toolbar-grow" />
      <button type="button" className="btn btn-ghost btn-small" aria-label="Dismiss" onClick={onClose}>
        ✕
      </button>
    </div>
  );
}

function AuditTable({
  entries,
  brokenAt,
  emptyText,
}: {
  entries: readonly AuditEntry[];
  brokenAt: number | null;
  emptyText: string;
}) {
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

  // A new answer with newer entries starts at the top, where they are.
  const lastNewest = useRef(newest);
  useEffect(() => {
    if (lastNewest.current === newest) return;
    lastNewest.current = newest;
    if ((scrollRef.current?.scrollTop ?? 0) > 0) virtualizer.scrollToOffset(0);
  }, [newest, virtualizer]);

  return (
    <div
      ref={scrollRef}
      className="audit-grid"
      role="table"
      aria-label="Audit trail, newest first"
      aria-rowcount={entries.length + 1}
      data-testid="audit-grid"
      tabIndex={0}
    >
      <div className="audit-head" role="row">
        <span role="columnheader" className="cell">Time</span>
        <span role="columnheader" className="cell">User</span>
        <span role="columnheader" className="cell">Workstation</span>
        <span role="columnheader" className="cell">Action</span>
        <span role="columnheader" className="cell">Target</span>
        <span role="columnheader" className="cell">Old → new</span>
        <span role="columnheader" className="cell">Comment</span>
      </div>
      <div ref={virtualizer.containerRef} className="audit-body" role="rowgroup">
        {items.map((item) => {
          const entry = entries[item.index];
          if (!entry) return null;
          return (
            <AuditRow
              key={item.key}
              entry={entry}
              index={item.index}
              broken={brokenAt !== null && entry.seq === brokenAt}
              rowRef={virtualizer.measureElement}
            />
          );
        })}
      </div>
      {entries.length === 0 && emptyText !== '' && <div className="alarm-empty">{emptyText}</div>}
    </div>
  );
}

const AuditRow = memo(function AuditRow({
  entry,
  index,
  broken,
  rowRef,
}: {
  entry: AuditEntry;
  index: number;
  broken: boolean;
  rowRef: (el: HTMLDivElement | null) => void;
}) {
  const refused = isRefusal(entry.action);
  const change = changeText(entry);
  return (
    <div
      ref={rowRef}
      role="row"
      className="audit-row"
      data-index={index}
      data-testid="audit-row"
      data-seq={entry.seq}
      data-action={entry.action}
      data-refused={refused || undefined}
      data-broken={broken || undefined}
      title={broken ? `The chain breaks at this entry (${entry.seq})` : undefined}
    >
      <span role="cell" className="cell num" title={`Entry ${entry.seq}`}>
        {broken && (
          <span className="audit-broken-mark" aria-label="Chain breaks here">
            ✕{' '}
          </span>
        )}
        {formatJournalTime(entry.ts)}
      </span>
      <span role="cell" className="cell audit-user-cell" data-testid="audit-user-cell" title={entry.user}>
        {entry.user}
      </span>
      <span role="cell" className="cell muted" title={entry.workstation}>
        {entry.workstation}
      </span>
      <span role="cell" className="cell audit-action" data-testid="audit-action-cell" title={entry.action}>
        {refused && (
          <span className="audit-refused-mark" aria-hidden="true">
            ✕
          </span>
        )}
        {actionText(entry.action)}
      </span>
      <span role="cell" className="cell mono" title={entry.target}>
        {entry.target}
      </span>
      <span role="cell" className="cell audit-change num" title={change}>
        {change !== '' && (
          <>
            <span data-testid="audit-old">{entry.oldValue ?? '—'}</span>
            <span className="audit-arrow" aria-label="to">
              {' '}
              →{' '}
            </span>
            <span data-testid="audit-new">{entry.newValue ?? '—'}</span>
          </>
        )}
      </span>
      <span role="cell" className="cell" data-testid="audit-comment" title={entry.comment ?? undefined}>
        {entry.comment ?? ''}
      </span>
    </div>
  );
});

