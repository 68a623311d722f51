// The Active and the Shelved/hidden lists: the toolbar (acknowledge the
// selection or the page in view, with an optional comment; shelve,
// unshelve), the filter bar, the virtualised table, the row menu (with the
// engineering actions: out of service, return to service) and the dialogs.
// Every call's failure is said in words in the toolbar, with the runtime's
// error kind; a success in a line that fades. Each action needs its
// permission (acknowledge, shelve, out of service): without it the button
// or menu item is off and says who may; Enter and double click say it in
// the status bar.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { isSystemAlarm, isUnacknowledged, type AlarmInfo } from '../../../../shared/alarms';
import { toApiError, useClient } from '../../api';
import { gate, useHmi, type SessionGrants } from '../../stores';
import { ContextMenu, type MenuItem } from '../../ui/ContextMenu';
import { formatCount } from '../../ui/format';
import { showGateHint } from '../auth/gateHint';
import { addPenWithNotice } from '../trends/penActions';
import { AlarmActionDialog, type AlarmAction } from './AlarmActionDialog';
import { AlarmFilters, AlarmSearch } from './AlarmFilters';
import { ackPageIds, ackSelectedIds, isFiltered, listAlarms, visibleRange, type ListShow } from './alarmList';
import { ALARM_HEAD_HEIGHT, ALARM_ROW_HEIGHT, AlarmTable } from './AlarmTable';

type Message = { readonly text: string; readonly error: boolean };

const MAX_COMMENT = 1000;

export function AlarmListView({ show }: { show: ListShow }) {
  const client = useClient();
  const alarms = useHmi((s) => s.alarms);
  const filter = useHmi((s) => s.alarmFilter);
  const selection = useHmi((s) => s.alarmSelection);
  const cursor = useHmi((s) => s.alarmCursor);
  const loaded = useHmi((s) => s.alarmsLoaded);
  const loadError = useHmi((s) => s.alarmsError);
  const session = useHmi((s) => s.session);
  const ackDenied = gate(session, 'alarms.ack');
  const shelveDenied = gate(session, 'alarms.shelve');
  const rows = useMemo(() => listAlarms(alarms.values(), show, filter), [alarms, show, filter]);
  const gridRef = useRef<HTMLDivElement>(null);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Message | null>(null);
  const [dialog, setDialog] = useState<{ action: AlarmAction; alarms: readonly AlarmInfo[] } | null>(null);
  const [menu, setMenu] = useState<{ id: string; x: number; y: number } | null>(null);

  // A login that ends (idle logout, lock) takes its open dialog with it.
  const oosDenied = gate(session, 'alarms.outOfService');
  const dialogDenied = dialog === null ? null : dialog.action === 'shelve' ? shelveDenied : oosDenied;
  useEffect(() => {
    if (dialogDenied !== null) setDialog(null);
  }, [dialogDenied]);

  // Confirmations fade; errors stay until the next action.
  useEffect(() => {
    if (!message || message.error) return;
    const timer = setTimeout(() => setMessage(null), 6_000);
    return () => clearTimeout(timer);
  }, [message]);

  const selectedRows = useMemo(() => rows.filter((a) => selection.has(a.id)), [rows, selection]);
  const targets = selectedRows.length > 0 ? selectedRows : rows.filter((a) => a.id === cursor);
  const ackable = ackSelectedIds(rows, selection, cursor);

  const ack = useCallback(
    async (ids: readonly string[]) => {
      if (ids.length === 0 || busy) return;
      if (ackDenied !== null) {
        showGateHint(ackDenied);
        return;
      }
      setBusy(true);
      setMessage(null);
      try {
        const text = comment.trim();
        const { acknowledged } = await client['alarms.ack']({ ids: [...ids], ...(text === '' ? {} : { comment: text }) });
        setComment('');
        setMessage({
          text:
            acknowledged.length === ids.length
              ? `✓ Acknowledged ${plural(acknowledged.length, 'alarm')}`
              : `✓ Acknowledged ${acknowledged.length} of ${ids.length}; the others needed none any more`,
          error: false,
        });
      } catch (error) {
        setMessage({ text: `Acknowledge failed: ${toApiError(error).describe()}`, error: true });
      } finally {
        setBusy(false);
      }
    },
    [busy, client, comment, ackDenied],
  );

  const ackPage = () => {
    const grid = gridRef.current;
    if (!grid) return;
    const rowsHeight = grid.clientHeight - ALARM_HEAD_HEIGHT;
    const { first, last } = visibleRange(grid.scrollTop, rowsHeight, ALARM_ROW_HEIGHT, rows.length);
    const ids = ackPageIds(rows, first, last);
    if (ids.length === 0) setMessage({ text: 'No alarm on this page waits for acknowledgement', error: false });
    else void ack(ids);
  };

  const unshelve = async (list: readonly AlarmInfo[]) => {
    const shelved = list.filter((a) => a.shelvedUntil !== null);
    if (shelved.length === 0 || busy) return;
    if (shelveDenied !== null) {
      showGateHint(shelveDenied);
      return;
    }
    setBusy(true);
    setMessage(null);
    const text = comment.trim();
    const failed: string[] = [];
    for (const alarm of shelved) {
      try {
        await client['alarms.unshelve']({ id: alarm.id, ...(text === '' ? {} : { comment: text }) });
      } catch (error) {
        failed.push(`${alarm.path}: ${toApiError(error).describe()}`);
      }
    }
    setBusy(false);
    if (failed.length === 0) {
      setComment('');
      setMessage({ text: `✓ Unshelved ${plural(shelved.length, 'alarm')}`, error: false });
    } else {
      setMessage({ text: `Unshelve failed: ${failed.join('; ')}`, error: true });
    }
  };

  const openMenu = useCallback((id: string, x: number, y: number) => setMenu({ id, x, y }), []);
  const closeMenu = useCallback(() => setMenu(null), []);
  const focusGrid = () => gridRef.current?.focus();

  const shelvedTargets = targets.filter((a) => a.shelvedUntil !== null);
  const emptyText = !loaded
    ? loadError !== null
      ? `Cannot load the alarms: ${loadError}`
      : 'Loading alarms…'
    : alarms.size === 0
      ? 'This project has no alarms configured.'
      : isFiltered(filter)
        ? 'No alarm matches the filter.'
        : show === 'active'
          ? 'No alarm is active or waiting for acknowledgement.'
          : 'No alarm is shelved, suppressed or out of service.';

  return (
    <div className="alarm-list-view" data-testid={`alarm-view-${show}`}>
      <div className="toolbar alarm-toolbar" role="toolbar" aria-label="Alarm actions">
        <button
          type="button"
          className="btn btn-primary"
          data-testid="alarm-ack-selected"
          disabled={busy || ackable.length === 0 || ackDenied !== null}
          title={ackDenied ?? 'Acknowledge the selected alarms (or the one under the cursor)   Enter'}
          onClick={() => void ack(ackable)}
        >
          Ack selected{ackable.length > 0 ? ` (${ackable.length})` : ''}
        </button>
        <button
          type="button"
          className="btn"
          data-testid="alarm-ack-page"
          disabled={busy || rows.length === 0 || ackDenied !== null}
          title={ackDenied ?? 'Acknowledge the alarms wholly visible on this page of the list'}
          onClick={ackPage}
        >
          Ack page
        </button>
        <input
          className="search-input alarm-comment"
          data-testid="alarm-comment"
          disabled={ackDenied !== null && shelveDenied !== null}
          title={ackDenied !== null && shelveDenied !== null ? ackDenied : undefined}
          placeholder="Comment for the journal (optional)"
          aria-label="Comment for the journal, sent with the next acknowledge or unshelve"
          maxLength={MAX_COMMENT}
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              if (ackable.length > 0) void ack(ackable);
            }
          }}
        />
        <span className="toolbar-sep" />
        <button
          type="button"
          className="btn"
          data-testid="alarm-shelve"
          disabled={busy || targets.length === 0 || shelveDenied !== null}
          title={shelveDenied ?? 'Hide the selected alarms for a limited time, with a reason'}
          onClick={() => setDialog({ action: 'shelve', alarms: targets })}
        >
          Shelve…
        </button>
        {show === 'hidden' && (
          <button
            type="button"
            className="btn"
            data-testid="alarm-unshelve"
            disabled={busy || shelvedTargets.length === 0 || shelveDenied !== null}
            title={shelveDenied ?? 'Put the selected shelved alarms back on the list'}
            onClick={() => void unshelve(shelvedTargets)}
          >
            Unshelve
          </button>
        )}
        <span className="toolbar-grow" />
        {message && (
          <span
            className="alarm-message"
            data-error={message.error}
            data-testid="alarm-message"
            role={message.error ? 'alert' : 'status'}
          >
            {message.error && (
              <span className="alarm-error-symbol" aria-hidden="true">
                ✕
              </span>
            )}
            {message.text}
          </span>
        )}
        <AlarmSearch onLeave={focusGrid} />
        <span className="toolbar-scope" data-testid="alarm-list-count">
          <span className="num">{formatCount(rows.length)}</span>
          <span className="muted"> alarms</span>
          {selectedRows.length > 0 && <span className="muted"> · {formatCount(selectedRows.length)} selected</span>}
        </span>
      </div>
      <AlarmFilters show={show} alarms={alarms} />
      <AlarmTable
        rows={rows}
        show={show}
        gridRef={gridRef}
        emptyText={emptyText}
        onAck={(ids) => void ack(ids)}
        onMenu={openMenu}
      />
      {menu && (
        <AlarmMenu
          id={menu.id}
          x={menu.x}
          y={menu.y}
          targets={targets}
          session={session}
          onClose={closeMenu}
          onAck={(ids) => void ack(ids)}
          onUnshelve={(list) => void unshelve(list)}
          onDialog={(action, list) => setDialog({ action, alarms: list })}
        />
      )}
      {dialog && (
        <AlarmActionDialog
          action={dialog.action}
          alarms={dialog.alarms}
          onClose={() => {
            setDialog(null);
            focusGrid();
          }}
          onDone={(text) => setMessage({ text: `✓ ${text}`, error: false })}
        />
      )}
    </div>
  );
}

interface AlarmMenuProps {
  readonly id: string;
  readonly x: number;
  readonly y: number;
  /** The selection the menu acts on (it includes `id`). */
  readonly targets: readonly AlarmInfo[];
  readonly session: SessionGrants;
  readonly onClose: () => void;
  readonly onAck: (ids: string[]) => void;
  readonly onUnshelve: (alarms: readonly AlarmInfo[]) => void;
  readonly onDialog: (action: AlarmAction, alarms: readonly AlarmInfo[]) => void;
}

function AlarmMenu({ id, x, y, targets, session, onClose, onAck, onUnshelve, onDialog }: AlarmMenuProps) {
  const alarm = useHmi((s) => s.alarms.get(id));
  if (!alarm) return null;
  const list = targets.some((a) => a.id === id) ? targets : [alarm];
  const n = list.length > 1 ? ` (${list.length})` : '';
  const unack = list.filter((a) => isUnacknowledged(a.state)).map((a) => a.id);
  const shelved = list.filter((a) => a.shelvedUntil !== null);
  const inService = list.filter((a) => !a.outOfService);
  const outOfService = list.filter((a) => a.outOfService);
  const ackDenied = gate(session, 'alarms.ack');
  const shelveDenied = gate(session, 'alarms.shelve');
  const oosDenied = gate(session, 'alarms.outOfService');
  const items: MenuItem[] = [
    {
      id: 'ack',
      label: `Acknowledge${n}`,
      testId: 'alarm-menu-ack',
      disabled: unack.length === 0 || ackDenied !== null,
      title: ackDenied ?? undefined,
      onSelect: () => onAck(unack),
    },
    {
      id: 'shelve',
      label: `Shelve${n}…`,
      testId: 'alarm-menu-shelve',
      disabled: shelveDenied !== null,
      title: shelveDenied ?? undefined,
      onSelect: () => onDialog('shelve', list),
    },
  ];
  if (shelved.length > 0) {
    items.push({
      id: 'unshelve',
      label: `Unshelve${shelved.length > 1 ? ` (${shelved.length})` : ''}`,
      testId: 'alarm-menu-unshelve',
      disabled: shelveDenied !== null,
      title: shelveDenied ?? undefined,
      onSelect: () => onUnshelve(shelved),
    });
  }
  items.push({
    id: 'journal',
    label: 'Show in the journal',
    testId: 'alarm-menu-journal',
    onSelect: () => {
      const state = useHmi.getState();
      state.setJournalAlarm(alarm.id);
      state.setAlarmTab('journal');
    },
  });
  // A system alarm has no tag to show or trend.
  if (!isSystemAlarm(alarm)) {
    items.push(
      {
        id: 'tag',
        label: 'Show the tag',
        testId: 'alarm-menu-tag',
        onSelect: () => {
          const state = useHmi.getState();
          state.setSearch('');
          state.selectFolder('');
          state.selectTag(alarm.path);
          state.setView('tags');
        },
      },
      {
        id: 'trend',
        label: 'Add the tag to the trend',
        testId: 'alarm-menu-trend',
        onSelect: () => addPenWithNotice(alarm.path),
      },
    );
  }
  if (inService.length > 0) {
    items.push({
      id: 'oos',
      label: `Engineering: take out of service${inService.length > 1 ? ` (${inService.length})` : ''}…`,
      testId: 'alarm-menu-oos',
      disabled: oosDenied !== null,
      title: oosDenied ?? undefined,
      onSelect: () => onDialog('out_of_service', inService),
    });
  }
  if (outOfService.length > 0) {
    items.push({
      id: 'ris',
      label: `Engineering: return to service${outOfService.length > 1 ? ` (${outOfService.length})` : ''}…`,
      testId: 'alarm-menu-return',
      disabled: oosDenied !== null,
      title: oosDenied ?? undefined,
      onSelect: () => onDialog('return_to_service', outOfService),
    });
  }
  return <ContextMenu x={x} y={y} label={`${alarm.path}: ${alarm.message}`} items={items} onClose={onClose} />;
}

function plural(n: number, word: string): string {
  return `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`;
}
