// The Admin screen (Alt+4): Users for whoever may manage users, the Audit
// trail for whoever may read it; each sub-tab only for its permission, the
// screen itself only when one of them is allowed (App hides the tab).
import type { KeyboardEvent } from 'react';
import { can, useHmi, type AdminTab } from '../../stores';
import { AuditView } from './AuditView';
import { UsersView } from './UsersView';
import './admin.css';
import '../../ui/screenTabs.css';

const TABS: readonly { tab: AdminTab; label: string; permission: 'users.manage' | 'audit.read' }[] = [
  { tab: 'users', label: 'Users', permission: 'users.manage' },
  { tab: 'audit', label: 'Audit trail', permission: 'audit.read' },
];

export function AdminView() {
  const session = useHmi((s) => s.session);
  const chosen = useHmi((s) => s.adminTab);
  const setTab = useHmi((s) => s.setAdminTab);
  const tabs = TABS.filter((t) => can(session, t.permission));
  // The chosen one if allowed, else the first that is.
  const tab = tabs.some((t) => t.tab === chosen) ? chosen : tabs[0]?.tab;

  const onKeyDown = (e: KeyboardEvent<HTMLButtonElement>) => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    e.preventDefault();
    const at = tabs.findIndex((t) => t.tab === tab);
    const next = tabs[(at + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
    if (!next) return;
    setTab(next.tab);
    document.getElementById(`admin-tab-${next.tab}`)?.focus();
  };

  if (tab === undefined) {
    return (
      <section className="screen admin" aria-label="Admin" data-testid="admin-view">
        <p className="alarm-empty">This login may neither manage users nor read the audit trail.</p>
      </section>
    );
  }

  return (
    <section className="screen admin" aria-label="Admin" data-testid="admin-view">
      <nav className="screen-tabs admin-tabs" role="tablist" aria-label="Admin views">
        {tabs.map(({ tab: t, label }) => (
          <button
            key={t}
            id={`admin-tab-${t}`}
            type="button"
            role="tab"
            className="screen-tab admin-tab"
            data-testid={`admin-tab-${t}`}
            aria-selected={tab === t}
            aria-controls={`admin-panel-${t}`}
            tabIndex={tab === t ? 0 : -1}
            onClick={() => setTab(t)}
            onKeyDown={onKeyDown}
          >
            {label}
          </button>
        ))}
      </nav>
      <div className="screen-panel admin-panel" id={`admin-panel-${tab}`} role="tabpanel" aria-labelledby={`admin-tab-${tab}`}>
        {tab === 'users' ? <UsersView /> : <AuditView />}
      </div>
    </section>
  );
}
