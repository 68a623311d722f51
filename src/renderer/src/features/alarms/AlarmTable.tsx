// The virtualised alarm list (the tag table's pattern: only the rows in view
// are in the DOM, only their tags are subscribed for live values).
//
// Keys: ↑/↓ move (Shift extends the selection), PgUp/PgDn, Home/End, Space
// adds or removes the row, Ctrl+A selects all, Esc clears the selection,
// Enter acknowledges the selection (or the row under the cursor),
// Shift+F10 (or the menu key) opens the row's menu. Mouse: click selects,
// Ctrl+click adds, Shift+click selects a range, double click acknowledges.
import {
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type MouseEvent,
  type RefObject,
} from 'react';
import type { AlarmInfo } from '../../../../shared/alarms';
import { useHmi } from '../../stores';
import { cursorTarget, isMenuKey, rowMenuPoint, useLiveGrid } from '../shared/liveGrid';
import { ackSelectedIds, type ListShow } from './alarmList';
import { AlarmRow, alarmRowId } from './AlarmRow';

/** Must match `--alarm-row-h` and `--table-head-h` in alarms.css. */
export const ALARM_ROW_HEIGHT = 28;
export const ALARM_HEAD_HEIGHT = 28;

interface AlarmTableProps {
  readonly rows: readonly AlarmInfo[];
  readonly show: ListShow;
  readonly gridRef: RefObject<HTMLDivElement | null>;
  readonly emptyText: string;
  readonly onAck: (ids: string[]) => void;
  readonly onMenu: (id: string, x: number, y: number) => void;
}

export function AlarmTable({ rows, show, gridRef, emptyText, onAck, onMenu }: AlarmTableProps) {
  const cursor = useHmi((s) => s.alarmCursor);
  const selection = useHmi((s) => s.alarmSelection);
  const byPath = useHmi((s) => s.byPath);
  const setCursor = useHmi((s) => s.setAlarmCursor);
  const setSelection = useHmi((s) => s.setAlarmSelection);
  const now = useMinute();
  /** Where a Shift selection starts. */
  const anchor = useRef<string | null>(null);

  // Live values for the tags of the rows in the DOM (one tag may have several alarms).
  const { virtualizer, items } = useLiveGrid({
    rows,
    gridRef,
    rowHeight: ALARM_ROW_HEIGHT,
    headHeight: ALARM_HEAD_HEIGHT,
    keyOf: (a) => a.id,
  });

  const cursorIndex = useMemo(() => (cursor === null ? -1 : rows.findIndex((a) => a.id === cursor)), [rows, cursor]);

  // Opened on an alarm (from the banner, or coming back to the list): bring
  // it into view once, and give the list the keyboard (Enter acknowledges).
  const revealed = useRef<string | null>(null);
  useEffect(() => {
    if (cursorIndex < 0 || revealed.current === cursor) return;
    revealed.current = cursor;
    virtualizer.scrollToIndex(cursorIndex, { align: 'auto' });
    gridRef.current?.focus({ preventScroll: true });
  }, [cursor, cursorIndex, virtualizer, gridRef]);

  const moveTo = useCallback(
    (index: number, extend: boolean) => {
      if (rows.length === 0) return;
      const clamped = Math.max(0, Math.min(rows.length - 1, index));
      const alarm = rows[clamped]!;
      revealed.current = alarm.id;
      setCursor(alarm.id);
      if (extend) {
        const from = rows.findIndex((a) => a.id === (anchor.current ?? cursor));
        setSelection(new Set(rangeOf(rows, from < 0 ? clamped : from, clamped)));
      } else {
        anchor.current = alarm.id;
        setSelection(new Set([alarm.id]));
      }
      virtualizer.scrollToIndex(clamped, { align: 'auto' });
    },
    [rows, cursor, setCursor, setSelection, virtualizer],
  );

  const onPick = useCallback(
    (id: string, index: number, e: MouseEvent) => {
      revealed.current = id;
      const current = useHmi.getState().alarmSelection;
      if (e.ctrlKey || e.metaKey) {
        const next = new Set(current);
        if (next.has(id)) next.delete(id);
        else next.add(id);
        setSelection(next);
        anchor.current = id;
      } else if (e.shiftKey) {
        const from = rows.findIndex((a) => a.id === (anchor.current ?? id));
        setSelection(new Set(rangeOf(rows, from < 0 ? index : from, index)));
      } else {
        anchor.current = id;
        setSelection(new Set([id]));
      }
      setCursor(id);
    },
    [rows, setCursor, setSelection],
  );

  const onRowAck = useCallback((id: string) => onAck([id]), [onAck]);
  const onRowMenu = useCallback(
    (id: string, x: number, y: number) => {
      // Already in view, and the menu takes the keyboard: nothing to reveal.
      revealed.current = id;
      setCursor(id);
      if (!useHmi.getState().alarmSelection.has(id)) setSelection(new Set([id]));
      onMenu(id, x, y);
    },
    [onMenu, setCursor, setSelection],
  );

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.altKey || e.metaKey) return;
    if (isMenuKey(e)) {
      const alarm = rows[cursorIndex];
      const point = rowMenuPoint(alarmRowId(cursorIndex), 60);
      if (!alarm || !point) return;
      e.preventDefault();
      onRowMenu(alarm.id, point.x, point.y);
      return;
    }
    const at = cursorIndex;
    const target = cursorTarget(e.key, at, rows.length, gridRef.current, ALARM_ROW_HEIGHT, ALARM_HEAD_HEIGHT);
    if (target !== null) {
      e.preventDefault();
      moveTo(target, e.shiftKey);
      return;
    }
    let handled = true;
    switch (e.key) {
      case ' ': {
        const alarm = rows[at];
        if (!alarm) break;
        const next = new Set(selection);
        if (next.has(alarm.id)) next.delete(alarm.id);
        else next.add(alarm.id);
        anchor.current = alarm.id;
        setSelection(next);
        break;
      }
      case 'a':
      case 'A':
        if (!e.ctrlKey) {
          handled = false;
          break;
        }
        setSelection(new Set(rows.map((r) => r.id)));
        break;
      case 'Escape':
        if (selection.size === 0) handled = false;
        else setSelection(new Set());
        break;
      case 'Enter': {
        const ids = ackSelectedIds(rows, selection, cursor);
        if (ids.length > 0) onAck(ids);
        break;
      }
      default:
        handled = false;
    }
    if (handled) e.preventDefault();
  };

  return (
    <div
      ref={gridRef}
      className="live-grid alarm-grid"
      role="grid"
      aria-label={show === 'active' ? 'Active alarms' : 'Shelved and hidden alarms'}
      aria-multiselectable="true"
      aria-rowcount={rows.length + 1}
      aria-activedescendant={cursorIndex >= 0 ? alarmRowId(cursorIndex) : undefined}
      data-testid="alarm-grid"
      data-show={show}
      tabIndex={0}
      onKeyDown={onKeyDown}
    >
      <div className="live-head alarm-head" role="row" aria-rowindex={1}>
        <span role="columnheader" className="cell acell-prio" title="Priority">
          Pri
        </span>
        <span role="columnheader" className="cell acell-state">
          State
        </span>
        <span role="columnheader" className="cell acell-time">
          Active since
        </span>
        <span role="columnheader" className="cell acell-path">
          Tag
        </span>
        <span role="columnheader" className="cell acell-message">
          Message
        </span>
        <span role="columnheader" className="cell acell-value">
          Value
        </span>
        <span role="columnheader" className="cell acell-limit">
          Limit
        </span>
        <span role="columnheader" className="cell acell-ne107" title="NAMUR NE107 status of the instrument">
          NE107
        </span>
        <span role="columnheader" className="cell acell-flags">
          {show === 'hidden' ? 'Hidden because' : 'Flags'}
        </span>
      </div>
      <div ref={virtualizer.containerRef} className="live-body alarm-body" role="rowgroup">
        {items.map((item) => {
          const alarm = rows[item.index];
          if (!alarm) return null;
          return (
            <AlarmRow
              key={item.key}
              alarm={alarm}
              index={item.index}
              show={show}
              selected={selection.has(alarm.id)}
              cursor={item.index === cursorIndex}
              dataType={byPath.get(alarm.path)?.dataType}
              now={now}
              rowRef={virtualizer.measureElement}
              onPick={onPick}
              onAck={onRowAck}
              onMenu={onRowMenu}
            />
          );
        })}
      </div>
      {rows.length === 0 && (
        <div className="alarm-empty" data-testid="alarm-empty">
          {emptyText}
        </div>
      )}
    </div>
  );
}

function rangeOf(rows: readonly AlarmInfo[], from: number, to: number): string[] {
  const [a, b] = from <= to ? [from, to] : [to, from];
  return rows.slice(a, b + 1).map((r) => r.id);
}

/** The current minute, as ms; re-renders once a minute, not once per render. */
function useMinute(): number {
  const [minute, setMinute] = useState(() => Math.floor(Date.now() / 60_000) * 60_000);
  useEffect(() => {
    const timer = setTimeout(
      () => setMinute(Math.floor(Date.now() / 60_000) * 60_000),
      minute + 60_000 - Date.now() + 50,
    );
    return () => clearTimeout(timer);
  }, [minute]);
  return minute;
}
