// "Change my password", for anyone logged in: the old one, the new one
// twice. The runtime checks the old one (a wrong one is refused in its
// words) and ends the user's other sessions, since a changed password is
// often a suspected leak.
import { useState } from 'react';
import { useClient } from '../../api';
import { useHmi } from '../../stores';
import { useModalDialog } from '../../ui/useModalDialog';
import { AuthField, FormProblem, Refusal, useAuthSubmit } from './AuthFields';
import { MIN_PASSWORD, newPasswordProblem } from './authRules';

export function ChangePasswordDialog() {
  const client = useClient();
  const user = useHmi((s) => s.session?.user ?? null);
  const close = () => useHmi.getState().openAuthDialog(null);
  const ref = useModalDialog('[data-autofocus]');
  const [old, setOld] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [done, setDone] = useState(false);

  const problem = old === '' ? 'Enter your current password' : (newPasswordProblem(password, repeat) ?? (password === old ? 'The new password is the old one' : null));

  const { touched, busy, refusal, submit } = useAuthSubmit(
    user === null ? 'Log in first' : problem,
    async () => {
      await client['users.passwd']({ user: user ?? '', password, oldPassword: old });
      setDone(true);
    },
    () => setOld(''),
  );

  return (
    <dialog
      ref={ref}
      className="dialog auth-dialog"
      data-testid="password-dialog"
      aria-labelledby="password-dialog-title"
      onCancel={(e) => {
        e.preventDefault();
        if (!busy) close();
      }}
    >
      <header className="dialog-head">
        <h2 id="password-dialog-title">Change my password</h2>
        <button type="button" className="btn btn-ghost" aria-label="Close" disabled={busy} onClick={close}>
          ✕
        </button>
      </header>
      {user === null ? (
        <p className="auth-lead">Log in first: only a logged-in user changes their password.</p>
      ) : done ? (
        <>
          <p className="auth-done" role="status" data-testid="password-done">
            <span className="result-mark" aria-hidden="true">
              ✓
            </span>
            The password of <strong>{user}</strong> is changed. Other sessions of {user} have ended.
          </p>
          <footer className="dialog-actions">
            <button type="button" className="btn btn-primary" autoFocus onClick={close}>
              Close
            </button>
          </footer>
        </>
      ) : (
        <form className="auth-form" onSubmit={(e) => void submit(e)} noValidate>
          <p className="auth-lead">
            For <strong>{user}</strong>. At least {MIN_PASSWORD} characters.
          </p>
          <div className="auth-fields">
            <AuthField id="password-old" label="Current" testId="password-old" autofocus type="password" autoComplete="current-password" value={old} onValue={setOld} />
            <AuthField id="password-new" label="New" testId="password-new" type="password" autoComplete="new-password" value={password} onValue={setPassword} />
            <AuthField id="password-repeat" label="Repeat" testId="password-repeat" type="password" autoComplete="new-password" value={repeat} onValue={setRepeat} />
          </div>
          <FormProblem shown={touched} problem={problem} />
          {refusal !== null && <Refusal testId="password-error">{refusal}</Refusal>}
          <footer className="dialog-actions">
            <button type="button" className="btn" disabled={busy} onClick={close}>
              Cancel
            </button>
            <button type="submit" className="btn btn-primary" data-testid="password-submit" disabled={busy}>
              {busy ? 'Changing…' : 'Change password'}
            </button>
          </footer>
        </form>
      )}
    </dialog>
  );
}
