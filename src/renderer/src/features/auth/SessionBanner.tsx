// One line under the alarm banner about the login, when there is something
// to say, most urgent first:
//   ⧗ the idle logout is coming (counting down; any input stops it),
//   ■ the HMI went back to viewer by itself (session ended, idle logout),
//   ▲ no user exists yet (the first start): create the administrator.
// Amber for what needs doing, grey for news; each with its symbol and words.
import { useHmi } from '../../stores';
import { formatTime } from '../../ui/format';
import { useNow } from '../../ui/useNow';

export function SessionBanner() {
  const idleAt = useHmi((s) => s.idleLogoutAt);
  const notice = useHmi((s) => s.sessionNotice);
  const session = useHmi((s) => s.session);
  const locked = useHmi((s) => s.lockedBy !== null);
  const open = useHmi((s) => s.openAuthDialog);

  if (idleAt !== null) return <IdleWarning at={idleAt} user={session?.user ?? ''} />;
  if (notice !== null && !locked) {
    return (
      <div className="session-banner" data-kind={notice.kind} role="status" data-testid="session-notice">
        <span className="banner-symbol session-banner-symbol" aria-hidden="true">
          ■
        </span>
        <strong>{notice.text}</strong>
        <span className="muted num">{formatTime(notice.at).slice(0, 8)}</span>
        <span className="session-banner-grow" />
        <button type="button" className="btn btn-small" data-testid="session-notice-login" onClick={() => open('login')}>
          Log in…
        </button>
        <button
          type="button"
          className="btn btn-ghost btn-small"
          aria-label="Dismiss"
          data-testid="session-notice-dismiss"
          onClick={() => useHmi.getState().setSessionNotice(null)}
        >
          ✕
        </button>
      </div>
    );
  }
  if (session?.setupRequired && session.user === null) {
    const here = session.role !== null;
    return (
      <div className="session-banner" data-kind="setup" role="status" data-testid="setup-banner">
        <span className="banner-symbol session-banner-symbol" aria-hidden="true">
          ▲
        </span>
        <strong>No users yet: nobody can write, acknowledge or change anything.</strong>
        <span>
          {here
            ? 'Create the administrator to start.'
            : 'Create the administrator on the workstation itself (or with `npm run users`).'}
        </span>
        <span className="session-banner-grow" />
        {here && (
          <button type="button" className="btn btn-small btn-primary" data-testid="setup-open" onClick={() => open('setup')}>
            Create the administrator…
          </button>
        )}
      </div>
    );
  }
  return null;
}

function IdleWarning({ at, user }: { at: number; user: string }) {
  const now = useNow(true, 500);
  const left = Math.max(0, Math.ceil((at - now) / 1000));
  return (
    <div className="session-banner" data-kind="idle-warning" role="alert" data-testid="idle-warning">
      <span className="banner-symbol session-banner-symbol" aria-hidden="true">
        ⧗
      </span>
      <strong>
        No input for a while: {user} will be logged out in <span className="num">{left} s</span>.
      </strong>
      <span>Move the mouse or press a key to stay logged in.</span>
    </div>
  );
}
