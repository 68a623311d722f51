// Which screen the main area shows: the tag browser, the trends or the alarms.
import type { StateCreator } from 'zustand';
import type { HmiState } from './store';

export type AppView = 'tags' | 'trends' | 'alarms';

export interface ViewSlice {
  view: AppView;
  setView(view: AppView): void;
}

export const createViewSlice: StateCreator<HmiState, [], [], ViewSlice> = (set, get) => ({
  view: 'tags',
  setView: (view) => {
    if (get().view !== view) set({ view });
  },
});
