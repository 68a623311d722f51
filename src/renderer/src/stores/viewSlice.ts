// Which screen the main area shows: the tag browser, the trends, the alarms,
// or (for those allowed) the Admin screen with users and the audit trail.
import type { StateCreator } from 'zustand';

// A slice names the state it uses of other slices (never the whole HmiState:
// store.ts imports the slices, so that would be an import cycle).
// `adminClosedByLogout` is AuthSlice's; spelled out here, since authSlice.ts imports this file.
type ViewState = ViewSlice & { adminClosedByLogout: boolean };

export type AppView = 'tags' | 'trends' | 'alarms' | 'admin';

export type AdminTab = 'users' | 'audit';

export interface ViewSlice {
  view: AppView;
  /** The Admin screen's sub-view (shown only if the login may use it). */
  adminTab: AdminTab;
  setView(view: AppView): void;
  setAdminTab(tab: AdminTab): void;
}

export const createViewSlice: StateCreator<ViewState, [], [], ViewSlice> = (set, get) => ({
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
