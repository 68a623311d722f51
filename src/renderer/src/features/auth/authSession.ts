// Logging in and out, and asking the runtime who we are. Outside React: the
// store wiring (storeWiring.ts) refreshes from here and hands over what the
// `auth.session` stream pushes, the dialogs and the idle timer
// act from here, and all of them write the answer into the store.
//
// Answers can cross: a refresh asked before a logout may come back after it.
// Every login, logout and refresh takes a number; an answer that is not the
// latest asked is dropped.
//
// A login that the HMI ended itself (the menu, the lock, the idle timer) is
// no news; one that vanished otherwise (expired, idle in the runtime, logged
// out in another tab, the user removed) is said: "Your session ended".
import type { SessionInfo } from '../../../../shared/security';
import { toApiError, type ScadaClient } from '../../api';
import { useHmi } from '../../stores';

let epoch = 0;
/** The HMI logged out itself; a session without a user is expected until the next login. */
let loggedOutByUs = false;
/** A logout the runtime has not confirmed (the link was down): sent again before anything else. */
let pendingLogout = false;

const LOCK_KEY = 'scada-hmi.lockedBy';

export type LogoutReason = 'menu' | 'idle' | 'lock';

/** Asks `auth.session` and stores the answer; null when it failed or was overtaken. */
export async function refreshSession(client: ScadaClient): Promise<SessionInfo | null> {
  if (pendingLogout && !(await sendLogout(client))) return null;
  const mine = ++epoch;
  try {
    const info = await client['auth.session']({});
    if (mine !== epoch) return null;
    useHmi.getState().setSession(info, loggedOutByUs);
    return info;
  } catch (error) {
    if (mine === epoch) useHmi.getState().setSessionError(toApiError(error).describe());
    return null;
  }
}

/**
 * What the `auth.session` stream pushed: the runtime's word on who this
 * client is now. It overtakes any question still on its way.
 */
export function sessionPushed(info: SessionInfo): void {
  epoch++;
  useHmi.getState().setSession(info, loggedOutByUs);
}

/**
 * Logs in (throws the runtime's ApiError when refused: wrong password,
 * rate limit). A login also unlocks a locked screen, whoever it is.
 * Someone already logged in is logged out first: a new login replaces the
 * cookie (or the window's token), and the old session must not live on
 * unheld until it idles out.
 */
export async function login(client: ScadaClient, user: string, password: string): Promise<void> {
  epoch++;
  const before = useHmi.getState().session;
  if ((before?.user ?? null) !== null) {
    loggedOutByUs = true;
    await sendLogout(client);
  }
  try {
    await client['auth.login']({ user, password });
  } catch (error) {
    // The previous user is gone either way: show the viewer that is left.
    if ((before?.user ?? null) !== null) void refreshSession(client);
    throw error;
  }
  await afterLogin(client);
}

/** The first start: creates the administrator and logs in as it. */
export async function setupAdministrator(client: ScadaClient, user: string, password: string): Promise<void> {
  epoch++;
  await client['auth.setup']({ user, password });
  await afterLogin(client);
}

async function afterLogin(client: ScadaClient): Promise<void> {
  loggedOutByUs = false;
  pendingLogout = false;
  setLock(null);
  await refreshSession(client);
  client.renewEvents();
}

/**
 * Logs out. `lock` leaves the lock overlay over the HMI; `idle` says why in
 * a banner. The HMI drops to viewer even when the runtime cannot be told
 * (the link is down): the logout is sent again when it is back.
 */
export async function logout(client: ScadaClient, reason: LogoutReason): Promise<void> {
  epoch++;
  const state = useHmi.getState();
  const before = state.session;
  const user = before?.user ?? null;
  loggedOutByUs = true;
  // No dialog of the old login survives it (a half-typed password change).
  state.openAuthDialog(null);
  if (reason === 'lock' && user !== null) setLock(user);
  if (reason === 'idle') {
    const minutes = before?.idleLogoutMinutes ?? 0;
    state.setSessionNotice({
      kind: 'idle',
      text: `${user ?? 'The user'} was logged out after ${minutes} min without input: you are a viewer now.`,
      at: Date.now(),
    });
  }
  pendingLogout = true;
  if (!(await sendLogout(client)) && before !== null) {
    // Nothing operable until the runtime has heard it.
    useHmi.getState().setSession(viewerOf(before), true);
  }
  await refreshSession(client);
  client.renewEvents();
}

async function sendLogout(client: ScadaClient): Promise<boolean> {
  try {
    await client['auth.logout']({});
    pendingLogout = false;
    return true;
  } catch {
    return false;
  }
}

/** What is left of a session after a logout the runtime has not heard yet: looking. */
function viewerOf(session: SessionInfo): SessionInfo {
  return { ...session, user: null, role: session.role === null ? null : 'viewer', permissions: ['read'], write: [], expiresAt: null };
}

/**
 * The lock survives a reload of the page (sessionStorage holds the user's
 * name, never a token): a reload must not be the way past it.
 */
function setLock(user: string | null): void {
  const at = Date.now();
  useHmi.getState().setLockedBy(user, at);
  try {
    if (user === null) sessionStorage.removeItem(LOCK_KEY);
    else sessionStorage.setItem(LOCK_KEY, JSON.stringify({ user, at }));
  } catch {
    // Storage refused (a private window): the lock lasts as long as the page.
  }
}

/** The lock of a page that was reloaded while locked. */
export function restoreLock(): void {
  try {
    const saved: unknown = JSON.parse(sessionStorage.getItem(LOCK_KEY) ?? 'null');
    if (typeof saved !== 'object' || saved === null) return;
    const { user, at } = saved as Record<string, unknown>;
    if (typeof user === 'string' && user !== '') useHmi.getState().setLockedBy(user, typeof at === 'number' ? at : Date.now());
  } catch {
    // No storage, or not ours: nothing to restore.
  }
}

/** The refusal of a call that is not about logging in: maybe the login ended. */
export function isSessionRefusal(method: string, kind: string): boolean {
  if (method.startsWith('auth.') || method === 'users.passwd') return false;
  return kind === 'unauthenticated' || kind === 'forbidden';
}
