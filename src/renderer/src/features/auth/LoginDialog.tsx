// The login dialog, from the user menu or a "Log in…" in a banner. On a
// client elsewhere that is not logged in (it may not even look) it is
// required: no Cancel, no Esc, and it says why.
import { useHmi } from '../../stores';
import { useModalDialog } from '../../ui/useModalDialog';
import { LoginForm } from './LoginForm';

export function LoginDialog({ required = false }: { required?: boolean }) {
  const close = () => useHmi.getState().openAuthDialog(null);
  const current = useHmi((s) => s.session?.user ?? null);
  const ref = useModalDialog('[data-autofocus]');
  return (
    <dialog
      ref={ref}
      className="dialog auth-dialog"
      data-testid="login-dialog"
      aria-labelledby="login-dialog-title"
      onCancel={(e) => {
        e.preventDefault();
        if (!required) close();
      }}
    >
      <header className="dialog-head">
        <h2 id="login-dialog-title">
          <span className="padlock" aria-hidden="true" /> Log in
        </h2>
        {!required && (
          <button type="button" className="btn btn-ghost" aria-label="Close" onClick={close}>
            ✕
          </button>
        )}
      </header>
      <p className="auth-lead">
        {required
          ? 'This runtime shows the plant only to a logged-in user.'
          : current !== null
            ? `Logged in as ${current}. Logging in as another user logs ${current} out first.`
            : 'Not logged in, this workstation only looks. Log in to write, acknowledge or change anything.'}
      </p>
      <LoginForm onDone={close} onCancel={required ? undefined : close} />
    </dialog>
  );
}
