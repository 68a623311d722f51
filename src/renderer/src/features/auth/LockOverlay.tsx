// The locked screen. Locking logs the user out (the runtime keeps running:
// values, alarms and the horn go on) and lays this over the HMI: a modal
// dialog, so nothing behind it takes a click or a key, on a backdrop thin
// enough that the alarm banner still reads through it. The locked user's
// password unlocks; anyone else may log in instead. Esc does nothing.
import { useHmi } from '../../stores';
import { formatTime } from '../../ui/format';
import { useModalDialog } from '../../ui/useModalDialog';
import { LoginForm } from './LoginForm';

export function LockOverlay({ user }: { user: string }) {
  const ref = useModalDialog('[data-autofocus]');
  return (
    <dialog
      ref={ref}
      className="dialog auth-dialog lock-overlay"
      data-testid="lock-overlay"
      aria-labelledby="lock-title"
      onCancel={(e) => e.preventDefault()}
    >
      <header className="dialog-head lock-head">
        <h2 id="lock-title">
          <span className="padlock padlock-large" aria-hidden="true" /> Screen locked
        </h2>
      </header>
      <p className="auth-lead">
        Locked by <strong className="mono">{user}</strong>
        <LockedAt />. The plant runs on; nothing can be operated here until someone logs in. Enter {user}’s password
        to unlock, or log in as another user.
      </p>
      <LoginForm initialUser={user} focusPassword submitText="Unlock" onDone={() => {}} />
    </dialog>
  );
}

function LockedAt() {
  const at = useHmi((s) => s.lockedAt);
  return at === null ? null : <> at {formatTime(at).slice(0, 8)}</>;
}
