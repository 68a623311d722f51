// "Change my password", for anyone logged in: the old one, the new one
// twice. The runtime checks the old one (a wrong one is refused in its
// words) and ends the user's other sessions, since a changed password is
// often a suspected leak.
import { useState, type FormEvent } from 'react';
import { toApiError, useClient } from '../../api';
import { useHmi } from '../../stores';
import { useModalDialog } from '../../ui/useModalDialog';
import { MIN_PASSWORD, newPasswordProblem } from './authRules';

export function ChangePasswordDialog() {
  const client = useClient();
  const user = useHmi((s) => s.session?.user ?? null);
  const close = () => useHmi.getState().openAuthDialog(null);
  const ref = useModalDialog('[data-autofocus]');
  const [old, setOld] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  const problem = old === '' ? 'Enter your current password' : (newPasswordProblem(password, repeat) ?? (password === old ? 'The new password is the old one' : null));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (user === null || problem !== null || busy) return;
    setBusy(true);
    setRefusal(null);
    try {
      await client['users.passwd']({ user, password, oldPassword: old });
      setDone(true);
    } catch (error) {
      setRefusal(toApiError(error).describe());
      setOld('');
    } finally {
      setBusy(false);
    }
  };

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
            <label className="auth-label" htmlFor="password-old">
              Current
            </label>
            <input
              id="password-old"
              data-autofocus
              className="auth-input"
              data-testid="password-old"
              type="password"
              autoComplete="current-password"
              maxLength={1024}
              value={old}
              onChange={(e) => setOld(e.target.value)}
            />
            <label className="auth-label" htmlFor="password-new">
              New
            </label>
            <input
              id="password-new"
              className="auth-input"
              data-testid="password-new"
              type="password"
              autoComplete="new-password"
              maxLength={1024}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
            <label className="auth-label" htmlFor="password-repeat">
              Repeat
            </label>
            <input
              id="password-repeat"
              className="auth-input"
              data-testid="password-repeat"
              type="password"
              autoComplete="new-password"
              maxLength={1024}
              value={repeat}
              onChange={(e) => setRepeat(e.target.value)}
            />
          </div>
          {touched && problem !== null && (
            <p className="field-problem auth-problem" role="alert">
              {problem}
            </p>
          )}
          {refusal !== null && (
            <p className="auth-refusal" role="alert" data-testid="password-error">
              <span className="auth-refusal-symbol" aria-hidden="true">
                ✕
              </span>
              <span>{refusal}</span>
            </p>
          )}
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
