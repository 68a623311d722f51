// The virtualised tag table. Only the rows in view (plus a few above and
// below) are in the DOM, and only their paths are subscribed; scrolling moves
// rows without re-rendering them (directDomUpdates), and React re-renders the
// body only when the range of rows in view changes.
//
// Keys: ↑/↓ select, PgUp/PgDn page, Home/End jump, Enter writes the selected
// tag if it is writable and the login may write it (otherwise the status bar
// says who may), Shift+F10 (or the menu key) opens its context menu.
import { useCallback, useEffect, useMemo, useRef, type KeyboardEvent, type RefObject } from 'react';
import type { TagInfo } from '../../../../shared/types';
import { useHmi, writeGate } from '../../stores';
import { showGateHint } from '../auth/gateHint';
import { cursorTarget, isMenuKey, rowMenuPoint, useLiveGrid } from '../shared/liveGrid';
import { rowId, TagRow } from './TagRow';

/** Must match `--row-h` and `--table-head-h` in tags.css. */
const ROW_HEIGHT = 26;
const HEAD_HEIGHT = 28;

interface TagTableProps {
  readonly rows: readonly TagInfo[];
  readonly gridRef: RefObject<HTMLDivElement | null>;
  readonly emptyText: string;
  readonly onMenu: (path: string, x: number, y: number) => void;
}

export function TagTable({ rows, gridRef, emptyText, onMenu }: TagTableProps) {
  const selectedPath = useHmi((s) => s.selectedPath);
  const selectTag = useHmi((s) => s.selectTag);
  const openWrite = useHmi((s) => s.openWrite);
  const setStreamCount = useHmi((s) => s.setStreamCount);
  const session = useHmi((s) => s.session);

  // Subscribe to exactly the rows in the DOM.
  const { virtualizer, items } = useLiveGrid({
    rows,
    gridRef,
    rowHeight: ROW_HEIGHT,
    headHeight: HEAD_HEIGHT,
    keyOf: (t) => t.path,
    onStreamCount: setStreamCount,
  });

  const selectedIndex = useMemo(
    () => (selectedPath === null ? -1 : rows.findIndex((t) => t.path === selectedPath)),
    [rows, selectedPath],
  );

  // A new filter starts at the top, unless the selected tag is still listed.
  const lastRows = useRef(rows);
  useEffect(() => {
    if (lastRows.current === rows) return;
    lastRows.current = rows;
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: 'center' });
    else virtualizer.scrollToOffset(0);
  }, [rows, selectedIndex, virtualizer]);

  const select = useCallback(
    (index: number) => {
      const clamped = Math.max(0, Math.min(rows.length - 1, index));
      const tag = rows[clamped];
      if (!tag) return;
      selectTag(tag.path);
      virtualizer.scrollToIndex(clamped, { align: 'auto' });
    },
    [rows, selectTag, virtualizer],
  );

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.altKey || e.metaKey) return;
    if (isMenuKey(e)) {
      const tag = rows[selectedIndex];
      const point = rowMenuPoint(rowId(selectedIndex), 40);
      if (!tag || !point) return;
      e.preventDefault();
      onMenu(tag.path, point.x, point.y);
      return;
    }
    const at = selectedIndex;
    const target = cursorTarget(e.key, at, rows.length, gridRef.current, ROW_HEIGHT, HEAD_HEIGHT);
    if (target !== null) {
      e.preventDefault();
      select(target);
      return;
    }
    let handled = true;
    switch (e.key) {
      case 'Enter': {
        const tag = rows[at];
        if (!tag?.writable) break;
        const denied = writeGate(session, tag.path);
        if (denied === null) openWrite(tag.path);
        else showGateHint(denied);
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
      className="live-grid tag-grid"
      role="grid"
      aria-label="Tags"
      aria-rowcount={rows.length + 1}
      aria-activedescendant={selectedIndex >= 0 ? rowId(selectedIndex) : undefined}
      tabIndex={0}
      onKeyDown={onKeyDown}
    >
      <div className="live-head tag-head" role="row" aria-rowindex={1}>
        <span role="columnheader" className="cell cell-path">
          Path
        </span>
        <span role="columnheader" className="cell cell-value">
          Value
        </span>
        <span role="columnheader" className="cell cell-units">
          Units
        </span>
        <span role="columnheader" className="cell cell-quality">
          Quality
        </span>
        <span role="columnheader" className="cell cell-ne107" title="NAMUR NE107 status of the instrument">
          NE107
        </span>
        <span role="columnheader" className="cell cell-ts">
          Timestamp
        </span>
        <span role="columnheader" className="cell cell-action">
          <span className="visually-hidden">Action</span>
        </span>
      </div>
      <div ref={virtualizer.containerRef} className="live-body tag-body" role="rowgroup">
        {items.map((item) => {
          const tag = rows[item.index];
          if (!tag) return null;
          return (
            <TagRow
              key={item.key}
              tag={tag}
              index={item.index}
              selected={item.index === selectedIndex}
              rowRef={virtualizer.measureElement}
              writeDenied={tag.writable ? writeGate(session, tag.path) : null}
              onSelect={selectTag}
              onWrite={openWrite}
              onMenu={onMenu}
            />
          );
        })}
      </div>
      {rows.length === 0 && <div className="tag-empty">{emptyText}</div>}
    </div>
  );
}
