// The folder tree (WAI-ARIA tree pattern). Selection follows focus:
// ↑/↓ move, → opens or goes to the first child, ← closes or goes to the
// parent, Home/End jump, Enter/Space toggles, Tab leaves to the table.
import { useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useHmi } from '../../stores';
import { formatCount } from '../../ui/format';
import { buildFolderTree, visibleFolders, type FolderNode } from './folderTree';

export function FolderTree() {
  const { tags, folder, expanded, selectFolder, setExpanded } = useHmi(
    useShallow((s) => ({
      tags: s.tags,
      folder: s.folder,
      expanded: s.expanded,
      selectFolder: s.selectFolder,
      setExpanded: s.setExpanded,
    })),
  );
  const root = useMemo(() => buildFolderTree(tags.map((t) => t.path)), [tags]);
  const nodes = useMemo(() => visibleFolders(root, expanded), [root, expanded]);
  const listRef = useRef<HTMLUListElement>(null);
  const focusWithin = useRef(false);

  // Keep DOM focus on the selected item while the tree has focus.
  useEffect(() => {
    if (!focusWithin.current) return;
    listRef.current?.querySelector<HTMLElement>('[aria-selected="true"]')?.focus();
  }, [folder, nodes]);

  const index = Math.max(
    0,
    nodes.findIndex((n) => n.path === folder),
  );
  const current = nodes[index];

  const onKeyDown = (e: KeyboardEvent) => {
    if (!current) return;
    const go = (node: FolderNode | undefined) => {
      if (node) selectFolder(node.path);
      e.preventDefault();
    };
    const open = expanded.has(current.path);
    switch (e.key) {
      case 'ArrowDown':
        return go(nodes[index + 1]);
      case 'ArrowUp':
        return go(nodes[index - 1]);
      case 'Home':
        return go(nodes[0]);
      case 'End':
        return go(nodes[nodes.length - 1]);
      case 'ArrowRight':
        e.preventDefault();
        if (current.children.length === 0) return;
        if (!open) setExpanded(current.path, true);
        else go(current.children[0]);
        return;
      case 'ArrowLeft':
        e.preventDefault();
        if (open && current.children.length > 0) setExpanded(current.path, false);
        else go(current.parent ?? undefined);
        return;
      case 'Enter':
      case ' ':
        e.preventDefault();
        if (current.children.length > 0) setExpanded(current.path, !open);
        return;
      default:
    }
  };

  return (
    <nav className="folder-pane" aria-label="Folders">
      <div className="pane-title">Folders</div>
      <ul
        ref={listRef}
        className="folder-tree"
        role="tree"
        aria-label="Tag folders"
        data-testid="folder-tree"
        onKeyDown={onKeyDown}
        onFocus={() => (focusWithin.current = true)}
        onBlur={(e) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) focusWithin.current = false;
        }}
      >
        {nodes.map((node) => {
          const selected = node.path === folder;
          const hasChildren = node.children.length > 0;
          const open = expanded.has(node.path);
          return (
            <li
              key={node.path}
              role="treeitem"
              aria-level={node.depth + 1}
              aria-selected={selected}
              aria-expanded={hasChildren ? open : undefined}
              tabIndex={selected ? 0 : -1}
              className="folder-item"
              data-depth={Math.min(node.depth, 12)}
              data-folder={node.path}
              onClick={() => selectFolder(node.path)}
            >
              <span
                className="folder-toggle"
                aria-hidden="true"
                onClick={(e) => {
                  if (!hasChildren) return;
                  e.stopPropagation();
                  setExpanded(node.path, !open);
                }}
              >
                {hasChildren ? (open ? '▾' : '▸') : ''}
              </span>
              <span className="folder-name">{node.name}</span>
              <span className="folder-count">{formatCount(node.tagCount)}</span>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
