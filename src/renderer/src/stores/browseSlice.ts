// What the operator is looking at: folder, search, selection, open folders,
// and the tag whose write dialog is open.
import type { StateCreator } from 'zustand';
import { parentFolder } from '../../../shared/tagPath';
import { mayWriteTag } from './permissions';
import type { SessionInfo } from '../../../shared/security';
import type { CatalogSlice } from './catalogSlice';

// A slice names the state it uses of other slices (never the whole HmiState:
// store.ts imports the slices, so that would be an import cycle).
// `session` is AuthSlice's; spelled out here, since authSlice.ts imports this file.
type BrowseState = BrowseSlice & Pick<CatalogSlice, 'byPath'> & { readonly session: SessionInfo | null };

export interface BrowseSlice {
  /** The selected folder; '' is every tag. */
  folder: string;
  /** The applied (debounced) search text. */
  search: string;
  selectedPath: string | null;
  /** Open folders of the tree ('' is the root). */
  expanded: ReadonlySet<string>;
  /** The tag whose write dialog is open. */
  writePath: string | null;
  /** How many paths the table's `tags.changed` subscription carries. */
  streamCount: number;
  selectFolder(folder: string): void;
  setSearch(search: string): void;
  selectTag(path: string | null): void;
  setExpanded(folder: string, open: boolean): void;
  openWrite(path: string): void;
  closeWrite(): void;
  setStreamCount(count: number): void;
}

export const createBrowseSlice: StateCreator<BrowseState, [], [], BrowseSlice> = (set, get) => ({
  folder: '',
  search: '',
  selectedPath: null,
  expanded: new Set(['']),
  writePath: null,
  streamCount: 0,
  selectFolder: (folder) => {
    if (get().folder === folder) return;
    // Make sure the folder is visible in the tree: open its ancestors.
    const expanded = new Set(get().expanded);
    for (let f = parentFolder(folder); ; f = parentFolder(f)) {
      expanded.add(f);
      if (f === '') break;
    }
    set({ folder, expanded });
  },
  setSearch: (search) => set({ search }),
  selectTag: (selectedPath) => set({ selectedPath }),
  setExpanded: (folder, open) => {
    const current = get().expanded;
    if (current.has(folder) === open) return;
    const expanded = new Set(current);
    if (open) expanded.add(folder);
    else expanded.delete(folder);
    set({ expanded });
  },
  openWrite: (path) => {
    const tag = get().byPath.get(path);
    // Non-writable tags cannot be written from the UI, whoever asks; writable
    // ones only by a login whose role may write there (every caller of this
    // gates its control too, with a tooltip; this is the last word).
    if (tag?.writable && mayWriteTag(get().session, path)) set({ writePath: path, selectedPath: path });
  },
  closeWrite: () => set({ writePath: null }),
  setStreamCount: (streamCount) => {
    if (get().streamCount !== streamCount) set({ streamCount });
  },
});
