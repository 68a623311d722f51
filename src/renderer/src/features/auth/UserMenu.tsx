// Who is at the controls, in the header: the user and role, or "Viewer (not
// logged in)". Its menu logs in, changes one's password, locks the screen
// and logs out. While a user is logged in the mark is filled, so a glance
// from across the room tells an operated station from a looking one.
import { useCallback, useRef, useState } from 'react';
import { useClient } from '../../api';
import { ROLE_TEXT, useHmi } from '../../stores';
import { ContextMenu, type MenuItem } from '../../ui/ContextMenu';
import { formatTime } from '../../ui/format';
import { logout } from './authSession';

export function UserMenu() {
  const client = useClient();
  const session = useHmi((s) => s.session);
  const error = useHmi((s) => s.sessionError);
  const open = useHmi((s) => s.openAuthDialog);
  const [menu, setMenu] = useState<{ x: number; y: number } | null>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  // A click on the button while the menu is open first closes it (the menu
  // listens for any press outside itself): that click must not open it again.
  const closedAt = useRef(0);
  const closeMenu = useCallback(() => {
    closedAt.current = Date.now();
    setMenu(null);
  }, []);

  const user = session?.user ?? null;
  const role = session?.role ?? null;
  const text =
    session === null
      ? error !== null
        ? 'Login unknown'
        : 'Checking login…'
      : user !== null
        ? null
        : role === 'viewer'
          ? 'Viewer (not logged in)'
          : 'Not logged in';

  const items: MenuItem[] = [];
  if (user === null) {
    if (session?.setupRequired && role !== null) {
      items.push({ id: 'setup', label: 'Create the administrator…', testId: 'user-menu-setup', onSelect: () => open('setup') });
    } else {
      items.push({ id: 'login', label: 'Log in…', testId: 'user-menu-login', onSelect: () => open('login') });
    }
  } else {
    items.push(
      { id: 'password', label: 'Change my password…', testId: 'user-menu-password', onSelect: () => open('password') },
      {
        id: 'lock',
        label: 'Lock screen',
        testId: 'user-menu-lock',
        title: 'Log out and cover the HMI until someone logs in; the plant runs on',
        onSelect: () => void logout(client, 'lock'),
      },
      { id: 'switch', label: 'Log in as another user…', testId: 'user-menu-switch', onSelect: () => open('login') },
      { id: 'logout', label: `Log out ${user}`, testId: 'user-menu-logout', onSelect: () => void logout(client, 'menu') },
    );
  }

  const title =
    user !== null
      ? `Logged in as ${user} (${role === null ? 'no role' : ROLE_TEXT[role]})${
          session?.expiresAt ? `, until ${formatTime(session.expiresAt).slice(0, 5)}` : ''
        }. Logged out after ${session?.idleLogoutMinutes ?? '?'} min without input.`
      : error !== null
        ? `Cannot ask who is logged in: ${error}`
        : 'Not logged in: this workstation looks, it does not operate. Click to log in.';

  return (
    <>
      <button
        ref={buttonRef}
        type="button"
        className="user-menu-button"
        data-testid="user-menu"
        data-user={user ?? ''}
        data-role={role ?? ''}
        data-logged-in={user !== null}
        aria-haspopup="menu"
        aria-expanded={menu !== null}
        title={title}
        onClick={() => {
          if (menu !== null || Date.now() - closedAt.current < 300) return setMenu(null);
          const rect = buttonRef.current?.getBoundingClientRect();
          setMenu({ x: rect ? rect.right - 220 : 0, y: rect ? rect.bottom + 2 : 0 });
        }}
      >
        <span className="user-mark" aria-hidden="true" />
        {text === null ? (
          <>
            <span className="user-name" data-testid="user-name">
              {user}
            </span>
            <span className="user-role" data-testid="user-role">
              {role === null ? '' : ROLE_TEXT[role]}
            </span>
          </>
        ) : (
          <span className="user-name" data-testid="user-name">
            {text}
          </span>
        )}
        <span className="user-caret" aria-hidden="true">
          ▾
        </span>
      </button>
      {menu && <ContextMenu x={menu.x} y={menu.y} label="User" items={items} onClose={closeMenu} />}
    </>
  );
}
