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
import { memo, useCallback, useEffect, useMemo, useState } from 'react';
import type { AuditEntry, AuditVerification } from '../../../../shared/security';
import { toApiError, useClient } from '../../api';
import { formatCount } from '../../ui/format';
import { useDebouncedCallback } from '../../ui/useDebouncedCallback';
import { formatJournalTime } from '../alarms/alarmFormat';
import type { JournalRange } from '../alarms/journalRange';
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
import { auditCsv } from './auditCsv';
import { actionChoices, actionText, changeText, isRefusal, usersOf } from './auditFormat';

export const AUDIT_SEARCH_INPUT_ID = 'audit-search';

const FOLLOW_MS = 10_000;

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
  const [search, setSearch] = useState('');
  const [verify, setVerify] = useState<Verify | null>(null);
  const applyUser = useDebouncedCallback(setUser, 300);

  const fetch = useCallback(
    (from: number, to: number) => {
      const needle = search.trim();
      const who = user.trim();
      return client['audit.list']({
        from,
        to,
        limit: LOG_LIMIT,
        filter: {
          ...(who === '' ? {} : { user: who }),
          ...(action === '' ? {} : { action }),
          ...(needle === '' ? {} : { search: needle }),
        },
      });
    },
    [client, user, action, search],
  );
  const { answer, busy, error, query } = useLogQuery(range, fetch, 'the audit trail');

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
    if (answer) downloadCsv(auditCsv(answer.entries), 'audit-trail');
  };

  const entries = answer?.entries ?? [];
  const actions = useMemo(() => actionChoices(entries.map((e) => e.action)), [entries]);
  const users = useMemo(() => usersOf(entries), [entries]);
  const brokenAt = verify?.state === 'done' && !verify.result.ok ? verify.result.brokenAt : null;

  return (
    <div className="audit-view" data-testid="audit-view">
      <div className="toolbar admin-toolbar" role="toolbar" aria-label="Audit trail controls">
        <RangeControl range={range} onChange={setRange} testId="audit" fallbackMs={86_400_000} />
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
        <LogSearch
          id={AUDIT_SEARCH_INPUT_ID}
          className="audit-search"
          testId="audit-search"
          placeholder="Search target, values, comment"
          label="Search the audit trail"
          onSearch={setSearch}
        />
        <span className="toolbar-grow" />
        <LogActions
          busy={busy}
          testId="audit"
          canExport={entries.length > 0}
          exportTitle="Download the entries shown as CSV (with their hashes)"
          onRefresh={() => void query()}
          onExport={exportCsv}
        />
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
      <LogError error={error} testId="audit-error" onRetry={() => void query()} />
      <LogSummary answer={answer} testId="audit" />
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
  return (
    <LogGrid
      entries={entries}
      kind="audit"
      label="Audit trail, newest first"
      emptyText={emptyText}
      head={
        <>
          <span role="columnheader" className="cell">Time</span>
          <span role="columnheader" className="cell">User</span>
          <span role="columnheader" className="cell">Workstation</span>
          <span role="columnheader" className="cell">Action</span>
          <span role="columnheader" className="cell">Target</span>
          <span role="columnheader" className="cell">Old → new</span>
          <span role="columnheader" className="cell">Comment</span>
        </>
      }
      row={(entry, index, rowRef, key) => (
        <AuditRow
          key={key}
          entry={entry}
          index={index}
          broken={brokenAt !== null && entry.seq === brokenAt}
          rowRef={rowRef}
        />
      )}
    />
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
      className="log-row audit-row"
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

