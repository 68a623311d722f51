// The users (permission users.manage): the list with each one's role, when
// added and last changed; add a user with a role and a password; change a
// role; reset a password; remove a user (asked twice). The runtime refuses
// what would leave nobody to manage users (removing or demoting the last
// administrator): its words are shown as they come. A change to one's own
// login (role, removal) is read back from `auth.session` at once.
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { ROLES, type Role, type UserInfo } from '../../../../shared/security';
import { toApiError, useClient } from '../../api';
import { ROLE_TEXT, useHmi } from '../../stores';
import { formatJournalTime } from '../alarms/alarmFormat';
import { MIN_PASSWORD, newPasswordProblem, userNameProblem } from '../auth/authRules';
import { AuthField, FormProblem, Refusal, useAuthSubmit } from '../auth/AuthFields';
import { refreshSession } from '../auth/authSession';
import { useModalDialog } from '../../ui/useModalDialog';

type Message = { readonly text: string; readonly error: boolean };

const ROLE_HINT: Record<Role, string> = {
  viewer: 'looks only',
  operator: 'writes tags, acknowledges and shelves alarms',
  engineer: 'as an operator, and out of service, trend views, simulator, audit trail',
  administrator: 'everything, and users',
};

export function UsersView() {
  const client = useClient();
  const me = useHmi((s) => s.session?.user ?? null);
  const [users, setUsers] = useState<readonly UserInfo[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [message, setMessage] = useState<Message | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [confirmRemove, setConfirmRemove] = useState<string | null>(null);
  const [resetFor, setResetFor] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setUsers(await client['users.list']({}));
      setLoadError(null);
    } catch (error) {
      setLoadError(toApiError(error).describe());
    }
  }, [client]);

  useEffect(() => {
    void load();
  }, [load]);

  // Confirmations fade; refusals stay until the next action.
  useEffect(() => {
    if (!message || message.error) return;
    const timer = setTimeout(() => setMessage(null), 6_000);
    return () => clearTimeout(timer);
  }, [message]);

  /** One change: the runtime's answer in the message line, the list read again, one's own login re-read. */
  const change = async (user: string, what: () => Promise<unknown>, done: string, failed: string) => {
    setBusy(user);
    setMessage(null);
    try {
      await what();
      setMessage({ text: `✓ ${done}`, error: false });
    } catch (error) {
      setMessage({ text: `${failed}: ${toApiError(error).describe()}`, error: true });
    } finally {
      setBusy(null);
      await load();
      if (user === me) void refreshSession(client);
    }
  };

  const setRole = (user: string, role: Role) =>
    void change(user, () => client['users.setRole']({ user, role }), `${user} is now ${ROLE_TEXT[role].toLowerCase()}`, `Cannot change the role of ${user}`);

  const remove = (user: string) => {
    if (confirmRemove !== user) {
      setConfirmRemove(user);
      return;
    }
    setConfirmRemove(null);
    void change(user, () => client['users.remove']({ user }), `Removed ${user}`, `Cannot remove ${user}`);
  };

  return (
    <div className="users-view" data-testid="users-view">
      <AddUserForm
        onAdded={(info) => {
          setMessage({ text: `✓ Added ${info.name} as ${ROLE_TEXT[info.role].toLowerCase()}`, error: false });
          void load();
        }}
      />
      <div className="toolbar admin-toolbar users-toolbar">
        <span className="toolbar-scope">
          <span className="num">{users?.length ?? '—'}</span> <span className="muted">users</span>
        </span>
        <span className="toolbar-grow" />
        {message && (
          <span className="alarm-message" data-error={message.error} data-testid="users-message" role={message.error ? 'alert' : 'status'}>
            {message.error && (
              <span className="alarm-error-symbol" aria-hidden="true">
                ✕
              </span>
            )}
            {message.text}
          </span>
        )}
        <button type="button" className="btn btn-small" onClick={() => void load()}>
          Refresh
        </button>
      </div>
      {loadError !== null && (
        <div className="alarm-error" role="alert" data-testid="users-error">
          <span className="alarm-error-symbol" aria-hidden="true">
            ✕
          </span>
          <span>Cannot list the users: {loadError}</span>
        </div>
      )}
      <div className="users-table-wrap">
        <table className="users-table" data-testid="users-table" aria-label="Users">
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Role</th>
              <th scope="col">Added</th>
              <th scope="col">Changed</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users?.map((u) => (
              <tr key={u.name} data-testid="user-row" data-user={u.name} data-role={u.role} aria-busy={busy === u.name}>
                <th scope="row" className="mono">
                  {u.name}
                  {u.name === me && <span className="muted users-you"> (you)</span>}
                </th>
                <td>
                  <select
                    className="admin-select"
                    data-testid="user-role-select"
                    aria-label={`Role of ${u.name}`}
                    value={u.role}
                    disabled={busy !== null}
                    onChange={(e) => setRole(u.name, e.target.value as Role)}
                  >
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {ROLE_TEXT[r]}
                      </option>
                    ))}
                  </select>
                  <span className="muted users-role-hint">{ROLE_HINT[u.role]}</span>
                </td>
                <td className="num">{formatJournalTime(u.createdAt).slice(0, 16)}</td>
                <td className="num">{formatJournalTime(u.changedAt).slice(0, 16)}</td>
                <td className="users-actions">
                  <button
                    type="button"
                    className="btn btn-small"
                    data-testid="user-reset-password"
                    disabled={busy !== null}
                    onClick={() => setResetFor(u.name)}
                  >
                    Reset password…
                  </button>
                  <button
                    type="button"
                    className="btn btn-small"
                    data-testid="user-remove"
                    disabled={busy !== null}
                    aria-label={confirmRemove === u.name ? `Confirm removing ${u.name}` : `Remove ${u.name}`}
                    onClick={() => remove(u.name)}
                    onBlur={() => setConfirmRemove((c) => (c === u.name ? null : c))}
                  >
                    {confirmRemove === u.name ? `Remove ${u.name}?` : 'Remove…'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {users?.length === 0 && <p className="alarm-empty">No users.</p>}
      </div>
      {resetFor !== null && (
        <ResetPasswordDialog
          user={resetFor}
          onClose={() => setResetFor(null)}
          onDone={() => {
            setMessage({ text: `✓ New password set for ${resetFor}; their other sessions have ended`, error: false });
            setResetFor(null);
            void load();
          }}
        />
      )}
    </div>
  );
}

function AddUserForm({ onAdded }: { onAdded: (info: UserInfo) => void }) {
  const client = useClient();
  const id = useId();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('operator');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const nameRef = useRef<HTMLInputElement>(null);

  const user = name.trim();
  const problem = userNameProblem(user) ?? newPasswordProblem(password, repeat);

  const { touched, setTouched, busy, refusal, submit } = useAuthSubmit(problem, async () => {
    const info = await client['users.add']({ user, role, password });
    setName('');
    setPassword('');
    setRepeat('');
    setTouched(false);
    onAdded(info);
    nameRef.current?.focus();
  });

  return (
    <form className="users-add" onSubmit={(e) => void submit(e)} noValidate aria-label="Add a user" data-testid="user-add-form">
      <span className="users-add-title">Add a user</span>
      <label className="admin-field">
        <span className="admin-field-label">User</span>
        <input
          ref={nameRef}
          className="search-input users-input"
          data-testid="user-add-name"
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          maxLength={64}
          aria-invalid={touched && userNameProblem(user) !== null}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
      </label>
      <label className="admin-field">
        <span className="admin-field-label">Role</span>
        <select className="admin-select" data-testid="user-add-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {ROLE_TEXT[r]}
            </option>
          ))}
        </select>
      </label>
      <label className="admin-field">
        <span className="admin-field-label">Password</span>
        <input
          className="search-input users-input"
          data-testid="user-add-password"
          type="password"
          autoComplete="new-password"
          maxLength={1024}
          aria-describedby={`${id}-rule`}
          aria-invalid={touched && newPasswordProblem(password, repeat) !== null}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      <label className="admin-field">
        <span className="admin-field-label">Repeat</span>
        <input
          className="search-input users-input"
          data-testid="user-add-repeat"
          type="password"
          autoComplete="new-password"
          maxLength={1024}
          aria-invalid={touched && newPasswordProblem(password, repeat) !== null}
          value={repeat}
          onChange={(e) => setRepeat(e.target.value)}
        />
      </label>
      <button type="submit" className="btn btn-primary btn-small" data-testid="user-add-submit" disabled={busy}>
        {busy ? 'Adding…' : 'Add user'}
      </button>
      <span id={`${id}-rule`} className="muted users-rule">
        Passwords: at least {MIN_PASSWORD} characters.
      </span>
      {touched && problem !== null && (
        <span className="field-problem" role="alert" data-testid="user-add-problem">
          {problem}
        </span>
      )}
      {refusal !== null && (
        <span className="alarm-message" data-error="true" role="alert" data-testid="user-add-error">
          <span className="alarm-error-symbol" aria-hidden="true">
            ✕
          </span>
          Cannot add {user}: {refusal}
        </span>
      )}
    </form>
  );
}

function ResetPasswordDialog({ user, onClose, onDone }: { user: string; onClose: () => void; onDone: () => void }) {
  const client = useClient();
  const ref = useModalDialog('[data-autofocus]');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const problem = newPasswordProblem(password, repeat);

  const { touched, busy, refusal, submit } = useAuthSubmit(problem, async () => {
    await client['users.passwd']({ user, password });
    onDone();
  });

  return (
    <dialog
      ref={ref}
      className="dialog auth-dialog"
      data-testid="reset-password-dialog"
      aria-labelledby="reset-password-title"
      onCancel={(e) => {
        e.preventDefault();
        if (!busy) onClose();
      }}
    >
      <header className="dialog-head">
        <h2 id="reset-password-title">Reset the password of {user}</h2>
        <button type="button" className="btn btn-ghost" aria-label="Close" disabled={busy} onClick={onClose}>
          ✕
        </button>
      </header>
      <form className="auth-form" onSubmit={(e) => void submit(e)} noValidate>
        <p className="auth-lead">
          Sets a new password without the old one. {user}’s sessions elsewhere end. At least {MIN_PASSWORD} characters.
        </p>
        <div className="auth-fields">
          <AuthField id="reset-new" label="New" testId="reset-password-new" autofocus type="password" autoComplete="new-password" value={password} onValue={setPassword} />
          <AuthField id="reset-repeat" label="Repeat" testId="reset-password-repeat" type="password" autoComplete="new-password" value={repeat} onValue={setRepeat} />
        </div>
        <FormProblem shown={touched} problem={problem} />
        {refusal !== null && <Refusal testId="reset-password-error">{refusal}</Refusal>}
        <footer className="dialog-actions">
          <button type="button" className="btn" disabled={busy} onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" data-testid="reset-password-submit" disabled={busy}>
            {busy ? 'Setting…' : 'Set password'}
          </button>
        </footer>
      </form>
    </dialog>
  );
}
