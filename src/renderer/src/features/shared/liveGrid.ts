// What the tag table and the alarm list share: a virtualised grid whose rows
// each show a tag's live value (only the rows in the DOM are subscribed), a
// keyboard cursor that moves by row, page and end, and the context-menu key.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, type KeyboardEvent, type RefObject } from 'react';
import { useTagStream } from '../tags/useTagStream';
import './liveGrid.css';

interface LiveGridOptions<T extends { readonly path: string }> {
  readonly rows: readonly T[];
  readonly gridRef: RefObject<HTMLDivElement | null>;
  readonly rowHeight: number;
  readonly headHeight: number;
  readonly keyOf: (row: T) => string;
  readonly onStreamCount?: (count: number) => void;
}

/** The virtualiser, and live values for the tags of the rows in the DOM (one tag may stand in several rows). */
export function useLiveGrid<T extends { readonly path: string }>({
  rows,
  gridRef,
  rowHeight,
  headHeight,
  keyOf,
  onStreamCount,
}: LiveGridOptions<T>) {
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => gridRef.current,
    estimateSize: () => rowHeight,
    getItemKey: (index) => {
      const row = rows[index];
      return row ? keyOf(row) : index;
    },
    overscan: 6,
    scrollMargin: headHeight,
    scrollPaddingStart: headHeight,
    directDomUpdates: true,
    directDomUpdatesMode: 'position',
  });
  const items = virtualizer.getVirtualItems();

  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;
  const visiblePaths = useMemo(() => [...new Set(rows.slice(first, last + 1).map((r) => r.path))], [rows, first, last]);
  useTagStream(visiblePaths, 120, onStreamCount);

  return { virtualizer, items };
}

/** Shift+F10 or the menu key. */
export function isMenuKey(e: KeyboardEvent): boolean {
  return e.key === 'ContextMenu' || (e.key === 'F10' && e.shiftKey);
}

/**
 * Where ↑/↓, PgUp/PgDn, Home/End move a cursor at `at` (-1: none) in
 * `count` rows of a grid; null for any other key. The caller clamps.
 */
export function cursorTarget(
  key: string,
  at: number,
  count: number,
  grid: HTMLElement | null,
  rowHeight: number,
  headHeight: number,
): number | null {
  const page = Math.max(1, Math.floor(((grid?.clientHeight ?? 0) - headHeight) / rowHeight) - 1);
  switch (key) {
    case 'ArrowDown':
      return at < 0 ? 0 : at + 1;
    case 'ArrowUp':
      return at < 0 ? 0 : at - 1;
    case 'PageDown':
      return at < 0 ? page : at + page;
    case 'PageUp':
      return at - page;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}

/** Where a row's context menu opens from the keyboard (Shift+F10): under the row, a little in; null when the row is not rendered. */
export function rowMenuPoint(rowElementId: string, indent: number): { x: number; y: number } | null {
  const rect = document.getElementById(rowElementId)?.getBoundingClientRect();
  return rect ? { x: rect.left + indent, y: rect.bottom } : null;
}
