// Which screen the main area shows: the tag browser, the trends, the alarms,
// or (for those allowed) the Admin screen with users and the audit trail.
import type { StateCreator } from 'zustand';
import type { HmiState } from './store';

export type AppView = 'tags' | 'trends' | 'alarms' | 'admin';

export type AdminTab = 'users' | 'audit';

export interface ViewSlice {
  view: AppView;
  /** The Admin screen's sub-view (shown only if the login may use it). */
  adminTab: AdminTab;
  setView(view: AppView): void;
  setAdminTab(tab: AdminTab): void;
}

export const createViewSlice: StateCreator<HmiState, [], [], ViewSlice> = (set, get) => ({
  view: 'tags',
  adminTab: 'users',
  setView: (view) => {
    // Going somewhere by choice: the Admin screen is not reopened by the next login.
    if (get().view !== view) set({ view, adminClosedByLogout: false });
  },
  setAdminTab: (adminTab) => {
    if (get().adminTab !== adminTab) set({ adminTab });
  },
});
