// The historian's health as the `history.status` stream last pushed it, and whether this window reviews a file instead of a live plant.
import type { StateCreator } from 'zustand';
import type { HistorianStatus } from '../../../shared/types';

export interface HistorianSlice {
  /** null until the first answer. */
  historian: HistorianStatus | null;
  /** Why `history.status` itself failed (history off, runtime unreachable). */
  historianError: string | null;
  setHistorian(status: HistorianStatus): void;
  setHistorianError(message: string): void;
}

export const createHistorianSlice: StateCreator<HistorianSlice, [], [], HistorianSlice> = (set, get) => ({
  historian: null,
  historianError: null,
  setHistorian: (status) => {
    const current = get().historian;
    // Re-render only when something shown changed (the counters move with every write).
    if (current !== null && sameStatus(current, status) && get().historianError === null) return;
    set({ historian: status, historianError: null });
  },
  setHistorianError: (historianError) => {
    if (get().historianError !== historianError) set({ historianError });
  },
});

function sameStatus(a: HistorianStatus, b: HistorianStatus): boolean {
  return (
    a.state === b.state &&
    a.problem === b.problem &&
    a.file === b.file &&
    a.reviewOnly === b.reviewOnly &&
    a.newest === b.newest &&
    a.oldest === b.oldest &&
    a.dropped === b.dropped
  );
}

/** Review of a historian file: no live data, ranges end at the file's newest sample. */
export function isReview(state: Pick<HistorianSlice, 'historian'>): boolean {
  return state.historian?.reviewOnly === true;
}
