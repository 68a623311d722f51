// The first start: no user exists, so this workstation runs as a viewer
// until somebody creates the administrator. The dialog opens by itself once
// (the plant stays visible behind it) and can be put off ("Not now"): the
// banner keeps offering it. Creating it logs in as that administrator.
import { useState, type FormEvent } from 'react';
import { toApiError, useClient } from '../../api';
import { useHmi } from '../../stores';
import { useModalDialog } from '../../ui/useModalDialog';
import { MIN_PASSWORD, newPasswordProblem, userNameProblem } from './authRules';
import { setupAdministrator } from './authSession';

export function SetupDialog() {
  const client = useClient();
  const close = () => useHmi.getState().openAuthDialog(null);
  const ref = useModalDialog('[data-autofocus]');
  const [user, setUser] = useState('admin');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);

  const name = user.trim();
  const nameProblem = userNameProblem(name);
  const passwordProblem = newPasswordProblem(password, repeat);
  const problem = nameProblem ?? passwordProblem;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (problem !== null || busy) return;
    setBusy(true);
    setRefusal(null);
    try {
      await setupAdministrator(client, name, password);
      close();
    } catch (error) {
      setRefusal(toApiError(error).describe());
      setBusy(false);
    }
  };

  return (
    <dialog
      ref={ref}
      className="dialog auth-dialog setup-dialog"
      data-testid="setup-dialog"
      aria-labelledby="setup-dialog-title"
      onCancel={(e) => {
        e.preventDefault();
        if (!busy) close();
      }}
    >
      <header className="dialog-head">
        <h2 id="setup-dialog-title">Create the administrator</h2>
        <button type="button" className="btn btn-ghost" aria-label="Not now" disabled={busy} onClick={close}>
          ✕
        </button>
      </header>
      <p className="auth-lead">
        No user exists yet. Until an administrator is created this workstation only looks at the plant: nobody can
        write, acknowledge or change anything. The administrator then adds operators and engineers.
      </p>
      <form className="auth-form" onSubmit={(e) => void submit(e)} noValidate>
        <div className="auth-fields">
          <label className="auth-label" htmlFor="setup-user">
            User
          </label>
          <input
            id="setup-user"
            className="auth-input"
            data-testid="setup-user"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            maxLength={64}
            aria-invalid={touched && nameProblem !== null}
            value={user}
            onChange={(e) => setUser(e.target.value)}
          />
          <label className="auth-label" htmlFor="setup-password">
            Password
          </label>
          <input
            id="setup-password"
            data-autofocus
            className="auth-input"
            data-testid="setup-password"
            type="password"
            autoComplete="new-password"
            maxLength={1024}
            aria-invalid={touched && passwordProblem !== null}
            aria-describedby="setup-password-rule"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <label className="auth-label" htmlFor="setup-repeat">
            Repeat
          </label>
          <input
            id="setup-repeat"
            className="auth-input"
            data-testid="setup-repeat"
            type="password"
            autoComplete="new-password"
            maxLength={1024}
            aria-invalid={touched && passwordProblem !== null}
            value={repeat}
            onChange={(e) => setRepeat(e.target.value)}
          />
        </div>
        <p id="setup-password-rule" className="auth-rule muted">
          At least {MIN_PASSWORD} characters. Keep it safe: it is the only way to manage users.
        </p>
        {touched && problem !== null && (
          <p className="field-problem auth-problem" role="alert" data-testid="setup-problem">
            {problem}
          </p>
        )}
        {refusal !== null && (
          <p className="auth-refusal" role="alert" data-testid="setup-error">
            <span className="auth-refusal-symbol" aria-hidden="true">
              ✕
            </span>
            <span>The runtime refused: {refusal}</span>
          </p>
        )}
        <footer className="dialog-actions">
          <button type="button" className="btn" data-testid="setup-later" disabled={busy} onClick={close}>
            Not now (look only)
          </button>
          <button type="submit" className="btn btn-primary" data-testid="setup-submit" disabled={busy}>
            {busy ? 'Creating…' : 'Create and log in'}
          </button>
        </footer>
      </form>
    </dialog>
  );
}
