// Who is logged in, as `auth.session` last said (pushed by its stream on
// every change, and asked at connect, after every login and logout and when
// a call is refused),
// and the HMI's own state around it: which login dialog is open, whether the
// screen is locked, why the HMI dropped to viewer without being asked, the
// idle logout's warning and the one-line hint of a control that is off.
//
// The token itself is never here (nor in localStorage): serve mode keeps it
// in an HTTP-only cookie, Electron's main process per window.
import type { StateCreator } from 'zustand';
import type { SessionInfo } from '../../../shared/security';
import { can, mayWriteTag } from './permissions';
import type { BrowseSlice } from './browseSlice';
import type { ViewSlice } from './viewSlice';

// A slice names the state it uses of other slices (never the whole HmiState:
// store.ts imports the slices, so that would be an import cycle).
type AuthState = AuthSlice & Pick<ViewSlice, 'view'> & Pick<BrowseSlice, 'writePath'>;

export type AuthDialog = 'login' | 'setup' | 'password';

/** Why the HMI went back to viewer by itself; shown until dismissed or the next login. */
export interface SessionNotice {
  readonly kind: 'ended' | 'idle';
  readonly text: string;
  readonly at: number;
}

export interface AuthSlice {
  /** null until the first answer. */
  session: SessionInfo | null;
  /** Why `auth.session` itself failed (the runtime is unreachable, or too old to know it). */
  sessionError: string | null;
  sessionNotice: SessionNotice | null;
  /** The screen was locked by this user: an overlay asks for a login. */
  lockedBy: string | null;
  /** When it was locked (ms since epoch). */
  lockedAt: number | null;
  authDialog: AuthDialog | null;
  /** The first-start dialog opens by itself once; after "Not now" only the banner offers it. */
  setupOffered: boolean;
  /** When the idle logout will happen, while its warning shows (ms since epoch); null: no warning. */
  idleLogoutAt: number | null;
  /** Why a control the operator just tried is off ("Log in as an operator to write"). */
  gateHint: string | null;
  /**
   * The Admin screen closed because the login went (lock, logout, end):
   * the next login that may use it returns there, unless the operator
   * went elsewhere meanwhile.
   */
  adminClosedByLogout: boolean;

  /**
   * The runtime's answer. `expected`: the HMI logged out itself (menu, lock,
   * idle), so a session that is gone is no news; otherwise a login that
   * vanished is said ("Your session ended").
   */
  setSession(info: SessionInfo, expected?: boolean): void;
  setSessionError(message: string | null): void;
  setSessionNotice(notice: SessionNotice | null): void;
  setLockedBy(user: string | null, at?: number): void;
  openAuthDialog(dialog: AuthDialog | null): void;
  setIdleLogoutAt(at: number | null): void;
  setGateHint(hint: string | null): void;
}

export const SESSION_ENDED_TEXT = 'Your session ended: you are a viewer now. Log in again to operate.';

export const createAuthSlice: StateCreator<AuthState, [], [], AuthSlice> = (set, get) => ({
  session: null,
  sessionError: null,
  sessionNotice: null,
  lockedBy: null,
  lockedAt: null,
  authDialog: null,
  setupOffered: false,
  idleLogoutAt: null,
  gateHint: null,
  adminClosedByLogout: false,

  setSession: (info, expected = false) => {
    const state = get();
    const previous = state.session;
    if (previous !== null && sameSession(previous, info) && state.sessionError === null) return;
    const patch: Partial<AuthState> = { session: info, sessionError: null };
    if ((previous?.user ?? null) !== null && info.user === null && !expected) {
      patch.sessionNotice = { kind: 'ended', text: SESSION_ENDED_TEXT, at: Date.now() };
    } else if (info.user !== null && previous?.user !== info.user) {
      // A new login: old news about the last one goes.
      patch.sessionNotice = null;
    }
    if (info.user === null) patch.idleLogoutAt = null;
    // What the new session may not do closes: the write dialog, the Admin screen.
    if (state.writePath !== null && !mayWriteTag(info, state.writePath)) patch.writePath = null;
    if (state.view === 'admin' && !mayAdminister(info)) {
      patch.view = 'tags';
      patch.adminClosedByLogout = true;
    } else if (state.adminClosedByLogout && mayAdminister(info)) {
      if (state.view === 'tags') patch.view = 'admin';
      patch.adminClosedByLogout = false;
    }
    // First start: offer the administrator once, on this machine's client (only it may create one).
    if (info.setupRequired && !state.setupOffered && state.authDialog === null && info.role !== null) {
      patch.authDialog = 'setup';
      patch.setupOffered = true;
    }
    if (!info.setupRequired && state.authDialog === 'setup') patch.authDialog = null;
    set(patch);
  },
  setSessionError: (sessionError) => {
    if (get().sessionError !== sessionError) set({ sessionError });
  },
  setSessionNotice: (sessionNotice) => set({ sessionNotice }),
  setLockedBy: (lockedBy, at = Date.now()) => {
    if (get().lockedBy !== lockedBy) set({ lockedBy, lockedAt: lockedBy === null ? null : at });
  },
  openAuthDialog: (authDialog) => {
    if (get().authDialog !== authDialog) set({ authDialog });
  },
  setIdleLogoutAt: (idleLogoutAt) => {
    if (get().idleLogoutAt !== idleLogoutAt) set({ idleLogoutAt });
  },
  setGateHint: (gateHint) => set({ gateHint }),
});

/** The Admin screen is there for whoever may manage users or read the audit trail. */
export function mayAdminister(session: SessionInfo | null): boolean {
  return can(session, 'users.manage') || can(session, 'audit.read');
}

function sameSession(a: SessionInfo, b: SessionInfo): boolean {
  return (
    a.user === b.user &&
    a.role === b.role &&
    a.expiresAt === b.expiresAt &&
    a.idleLogoutMinutes === b.idleLogoutMinutes &&
    a.setupRequired === b.setupRequired &&
    a.securityFile?.state === b.securityFile?.state &&
    a.securityFile?.problem === b.securityFile?.problem &&
    // A change of the audit trail's state alone (degraded, caught up) must reach the header too.
    JSON.stringify(a.audit) === JSON.stringify(b.audit) &&
    sameList(a.permissions, b.permissions) &&
    sameList(a.write, b.write)
  );
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
