// The tag browser: folder tree, search, the virtualised table and the
// selected tag's details; a row's context menu adds it to the trend.
import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useHmi, writeGate } from '../../stores';
import { ContextMenu, type MenuItem } from '../../ui/ContextMenu';
import { formatCount } from '../../ui/format';
import { addPenWithNotice } from '../trends/penActions';
import { filterTags } from './filter';
import { FolderTree } from './FolderTree';
import { SearchBox } from './SearchBox';
import { TagDetails } from './TagDetails';
import { TagTable } from './TagTable';
import { WriteDialog } from './WriteDialog';
import './tags.css';

export function TagBrowser() {
  const { tags, lowerPaths, folder, search, status, error, writePath } = useHmi(
    useShallow((s) => ({
      tags: s.tags,
      lowerPaths: s.lowerPaths,
      folder: s.folder,
      search: s.search,
      status: s.catalogStatus,
      error: s.catalogError,
      writePath: s.writePath,
    })),
  );
  // Filtering 50,000 paths takes a few ms; defer it so typing never stalls.
  const deferredSearch = useDeferredValue(search);
  const rows = useMemo(
    () => filterTags(tags, lowerPaths, folder, deferredSearch),
    [tags, lowerPaths, folder, deferredSearch],
  );
  const gridRef = useRef<HTMLDivElement>(null);
  const [menu, setMenu] = useState<{ path: string; x: number; y: number } | null>(null);
  const openMenu = useCallback((path: string, x: number, y: number) => setMenu({ path, x, y }), []);
  const closeMenu = useCallback(() => setMenu(null), []);

  // When the write dialog closes, the keyboard goes back to the table.
  const hadDialog = useRef(false);
  useEffect(() => {
    if (writePath !== null) hadDialog.current = true;
    else if (hadDialog.current) {
      hadDialog.current = false;
      gridRef.current?.focus();
    }
  }, [writePath]);

  const emptyText =
    status === 'loading'
      ? 'Loading tags…'
      : status === 'error'
        ? `Cannot load tags: ${error ?? 'unknown error'} — retrying`
        : tags.length === 0
          ? 'This project has no tags.'
          : `No tag matches “${deferredSearch}”${folder ? ` in ${folder}` : ''}.`;

  return (
    <section className="tag-browser" aria-label="Tag browser">
      <FolderTree />
      <div className="tag-main">
        <div className="toolbar">
          <SearchBox onLeave={() => gridRef.current?.focus()} />
          <div className="toolbar-scope" data-testid="tag-count">
            <span className="num">{formatCount(rows.length)}</span>
            <span className="muted"> of {formatCount(tags.length)} tags</span>
            {folder !== '' && (
              <span className="muted">
                {' '}
                in <span className="mono">{folder}</span>
              </span>
            )}
          </div>
        </div>
        <TagTable rows={rows} gridRef={gridRef} emptyText={emptyText} onMenu={openMenu} />
        <TagDetails />
      </div>
      <WriteDialog />
      {menu && <TagMenu path={menu.path} x={menu.x} y={menu.y} onClose={closeMenu} />}
    </section>
  );
}

function TagMenu({ path, x, y, onClose }: { path: string; x: number; y: number; onClose: () => void }) {
  const tag = useHmi((s) => s.byPath.get(path));
  const openWrite = useHmi((s) => s.openWrite);
  const denied = useHmi((s) => writeGate(s.session, path));
  const setView = useHmi((s) => s.setView);
  const items: MenuItem[] = [
    { id: 'trend', label: 'Add to trend', testId: 'tag-context-add', onSelect: () => addPenWithNotice(path) },
    {
      id: 'trend-open',
      label: 'Add to trend and open Trends',
      testId: 'tag-context-add-open',
      onSelect: () => {
        addPenWithNotice(path);
        setView('trends');
      },
    },
  ];
  if (tag?.writable) {
    items.push({
      id: 'write',
      label: 'Write…',
      testId: 'tag-context-write',
      disabled: denied !== null,
      title: denied ?? undefined,
      onSelect: () => openWrite(path),
    });
  }
  return <ContextMenu x={x} y={y} label={path} items={items} onClose={onClose} />;
}
