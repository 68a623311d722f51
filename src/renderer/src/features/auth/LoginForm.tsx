// The login form, shared by the login dialog and the lock screen: user and
// password, the runtime's refusal in its own words ("unknown user or wrong
// password"), and after too many failures its wait, counted down on the
// button so nobody hammers it. The password field is emptied after every
// refusal; the user name stays.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { toApiError, useClient } from '../../api';
import { useNow } from '../../ui/useNow';
import { AuthField, FormProblem, Refusal } from './AuthFields';
import { loginRefusal, userNameProblem, type LoginRefusal } from './authRules';
import { login } from './authSession';

interface LoginFormProps {
  /** The user name to start with (the locked user on the lock screen). */
  readonly initialUser?: string;
  /** Focus the password rather than the user name (the name is known). */
  readonly focusPassword?: boolean;
  readonly submitText?: string;
  readonly onDone: () => void;
  /** A Cancel button beside the submit; absent: none (a login that is required). */
  readonly onCancel?: () => void;
}

export function LoginForm({ initialUser = '', focusPassword = false, submitText = 'Log in', onDone, onCancel }: LoginFormProps) {
  const client = useClient();
  const [user, setUser] = useState(initialUser);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [touched, setTouched] = useState(false);
  const [refusal, setRefusal] = useState<(LoginRefusal & { until: number | null }) | null>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const alive = useRef(true);
  const until = refusal?.until ?? null;
  const now = useNow(until !== null);
  const waitLeft = until !== null ? Math.max(0, Math.ceil((until - now) / 1000)) : 0;

  // The dialog around the form gives the keyboard to [data-autofocus] when it opens.
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  const name = user.trim();
  const nameProblem = userNameProblem(name);
  const problem = nameProblem ?? (password === '' ? 'Enter the password' : null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (problem !== null || busy || waitLeft > 0) return;
    setBusy(true);
    try {
      await login(client, name, password);
      if (alive.current) onDone();
    } catch (error) {
      if (!alive.current) return;
      const refused = loginRefusal(toApiError(error).toContractError());
      setRefusal({ ...refused, until: refused.waitSeconds === null ? null : Date.now() + refused.waitSeconds * 1000 });
      setPassword('');
      setTouched(false);
      passwordRef.current?.focus();
    } finally {
      if (alive.current) setBusy(false);
    }
  };

  return (
    <form className="auth-form" onSubmit={(e) => void submit(e)} noValidate data-testid="login-form">
      <div className="auth-fields">
        <AuthField id="login-user" label="User" testId="login-user" autofocus={!focusPassword} autoComplete="username" aria-invalid={touched && nameProblem !== null} value={user} onValue={setUser} />
        <AuthField id="login-password" label="Password" testId="login-password" ref={passwordRef} autofocus={focusPassword} type="password" autoComplete="current-password" aria-invalid={touched && nameProblem === null && password === ''} value={password} onValue={setPassword} />
      </div>
      <FormProblem shown={touched} problem={problem} />
      {refusal !== null && (
        <Refusal testId="login-error" kind={refusal.kind}>
          {sentence(refusal.text)}
          {refusal.kind !== 'rate_limited' && refusal.kind !== 'unauthenticated' && (
            <span className="muted"> ({refusal.kind})</span>
          )}
        </Refusal>
      )}
      <footer className="dialog-actions">
        {onCancel && (
          <button type="button" className="btn" disabled={busy} onClick={onCancel}>
            Cancel
          </button>
        )}
        <button
          type="submit"
          className="btn btn-primary"
          data-testid="login-submit"
          disabled={busy || waitLeft > 0}
          title={waitLeft > 0 ? `Too many failed logins: wait ${waitLeft} s` : undefined}
        >
          {busy ? 'Checking…' : waitLeft > 0 ? `${submitText} (${waitLeft} s)` : submitText}
        </button>
      </footer>
    </form>
  );
}

/** The runtime's words as a sentence on screen: "Unknown user or wrong password". */
function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
