// The first start: no user exists, so this workstation runs as a viewer
// until somebody creates the administrator. The dialog opens by itself once
// (the plant stays visible behind it) and can be put off ("Not now"): the
// banner keeps offering it. Creating it logs in as that administrator.
import { useState } from 'react';
import { useClient } from '../../api';
import { useHmi } from '../../stores';
import { useModalDialog } from '../../ui/useModalDialog';
import { AuthField, FormProblem, Refusal, useAuthSubmit } from './AuthFields';
import { MIN_PASSWORD, newPasswordProblem, userNameProblem } from './authRules';
import { setupAdministrator } from './authSession';

export function SetupDialog() {
  const client = useClient();
  const close = () => useHmi.getState().openAuthDialog(null);
  const ref = useModalDialog('[data-autofocus]');
  const [user, setUser] = useState('admin');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');

  const name = user.trim();
  const nameProblem = userNameProblem(name);
  const passwordProblem = newPasswordProblem(password, repeat);
  const problem = nameProblem ?? passwordProblem;

  const { touched, busy, refusal, submit } = useAuthSubmit(problem, async () => {
    await setupAdministrator(client, name, password);
    close();
  });

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
          <AuthField id="setup-user" label="User" testId="setup-user" autoComplete="username" aria-invalid={touched && nameProblem !== null} value={user} onValue={setUser} />
          <AuthField id="setup-password" label="Password" testId="setup-password" autofocus type="password" autoComplete="new-password" aria-invalid={touched && passwordProblem !== null} aria-describedby="setup-password-rule" value={password} onValue={setPassword} />
          <AuthField id="setup-repeat" label="Repeat" testId="setup-repeat" type="password" autoComplete="new-password" aria-invalid={touched && passwordProblem !== null} value={repeat} onValue={setRepeat} />
        </div>
        <p id="setup-password-rule" className="auth-rule muted">
          At least {MIN_PASSWORD} characters. Keep it safe: it is the only way to manage users.
        </p>
        <FormProblem shown={touched} problem={problem} testId="setup-problem" />
        {refusal !== null && <Refusal testId="setup-error">The runtime refused: {refusal}</Refusal>}
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
