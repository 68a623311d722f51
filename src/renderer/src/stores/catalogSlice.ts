// Which tags exist: the `tags.list` answer, kept as structure. Values in it
// are only the values at load time; live ones are in `liveValues`.
import type { StateCreator } from 'zustand';
import type { TagInfo } from '../../../shared/types';

/** Natural order, as an operator counts: Pump2 before Pump10. */
const NATURAL = new Intl.Collator('en', { numeric: true });

export type CatalogStatus = 'loading' | 'ready' | 'error';

export interface CatalogSlice {
  catalogStatus: CatalogStatus;
  catalogError: string | null;
  tags: readonly TagInfo[];
  byPath: ReadonlyMap<string, TagInfo>;
  /** `tags[i].path.toLowerCase()`, for the search filter. */
  lowerPaths: readonly string[];
  setCatalog(tags: readonly TagInfo[]): void;
  setCatalogError(message: string): void;
}

// A slice names the state it uses of other slices (never the whole HmiState:
// store.ts imports the slices, so that would be an import cycle). `expanded` is
// BrowseSlice's; spelled out here, since browseSlice.ts imports this file.
type CatalogState = CatalogSlice & { expanded: ReadonlySet<string> };

export const createCatalogSlice: StateCreator<CatalogState, [], [], CatalogSlice> = (set) => ({
  catalogStatus: 'loading',
  catalogError: null,
  tags: [],
  byPath: new Map(),
  lowerPaths: [],
  setCatalog: (tags) => {
    const sorted = [...tags].sort((a, b) => NATURAL.compare(a.path, b.path));
    set((state) => ({
      catalogStatus: 'ready',
      catalogError: null,
      tags: sorted,
      byPath: new Map(sorted.map((t) => [t.path, t])),
      lowerPaths: sorted.map((t) => t.path.toLowerCase()),
      // First load: open the top two levels of the tree.
      expanded: state.tags.length === 0 ? defaultExpanded(sorted) : state.expanded,
    }));
  },
  setCatalogError: (message) => set({ catalogStatus: 'error', catalogError: message }),
});

function defaultExpanded(tags: readonly TagInfo[]): ReadonlySet<string> {
  const open = new Set<string>(['']);
  for (const { path } of tags) {
    const parts = path.split('/');
    if (parts.length > 1) open.add(parts[0]!);
    if (parts.length > 2) open.add(`${parts[0]!}/${parts[1]!}`);
  }
  return open;
}
