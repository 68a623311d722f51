// Everything about logging in that sits over the HMI rather than in it: the
// dialog that is open (login, first start, change my password), the lock
// screen, and the idle logout's clock. Mounted once, in App.
import { useEffect } from 'react';
import { useClient } from '../../api';
import { useHmi } from '../../stores';
import { logout } from './authSession';
import { ChangePasswordDialog } from './ChangePasswordDialog';
import { IdleTimer, warnBefore } from './idleTimer';
import { LockOverlay } from './LockOverlay';
import { LoginDialog } from './LoginDialog';
import { SetupDialog } from './SetupDialog';
import './auth.css';

export function AuthLayer() {
  useIdleLogout();
  const dialog = useHmi((s) => s.authDialog);
  const lockedBy = useHmi((s) => s.lockedBy);
  const session = useHmi((s) => s.session);
  // A client elsewhere that is not logged in may not even look: the login is not optional.
  const mustLogIn = session !== null && session.role === null && !session.setupRequired;
  if (lockedBy !== null) return <LockOverlay user={lockedBy} />;
  if (mustLogIn) return <LoginDialog required />;
  if (dialog === 'login') return <LoginDialog />;
  if (dialog === 'setup') return <SetupDialog />;
  if (dialog === 'password') return <ChangePasswordDialog />;
  return null;
}

/** Input that keeps a login alive. Mouse moves count: an operator watching a trend with the mouse is there. */
const ACTIVITY_EVENTS = ['keydown', 'pointerdown', 'pointermove', 'wheel', 'touchstart'] as const;
/** Other windows of this HMI (serve mode in several tabs share one login) hear our input at most this often. */
const SHARE_MS = 5_000;
const CHANNEL = 'scada-hmi-activity';

/**
 * Logs out after `idleLogoutMinutes` without keyboard or mouse input, with
 * a warning a minute before (the banner counts down). The runtime ends idle
 * sessions too, but the HMI's own calls (status polls) keep a session alive
 * there, so the HMI has to watch its operator itself. In serve mode several
 * tabs share one login: each tells the others of its input, so a tab left in
 * the background does not log out a user busy in another.
 */
function useIdleLogout() {
  const client = useClient();
  const user = useHmi((s) => s.session?.user ?? null);
  const minutes = useHmi((s) => s.session?.idleLogoutMinutes ?? 0);

  useEffect(() => {
    if (user === null || !(minutes > 0)) return;
    const idleMs = minutes * 60_000;
    const store = useHmi.getState();
    const timer = new IdleTimer({
      idleMs,
      warnMs: warnBefore(idleMs),
      onWarn: (at) => store.setIdleLogoutAt(at),
      onActive: () => store.setIdleLogoutAt(null),
      onIdle: () => {
        store.setIdleLogoutAt(null);
        void logout(client, 'idle');
      },
    });
    const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(CHANNEL);
    let lastShared = 0;
    const onInput = () => {
      timer.touch();
      const now = Date.now();
      if (channel !== null && now - lastShared >= SHARE_MS) {
        lastShared = now;
        channel.postMessage({ user });
      }
    };
    if (channel !== null) {
      channel.onmessage = (e: MessageEvent) => {
        if ((e.data as { user?: unknown } | null)?.user === user) timer.touch();
      };
    }
    for (const name of ACTIVITY_EVENTS) window.addEventListener(name, onInput, { capture: true, passive: true });
    timer.start();
    return () => {
      timer.stop();
      for (const name of ACTIVITY_EVENTS) window.removeEventListener(name, onInput, { capture: true });
      channel?.close();
      useHmi.getState().setIdleLogoutAt(null);
    };
  }, [client, user, minutes]);
}
