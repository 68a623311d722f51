// The application shell: header (product, the Tags / Trends / Alarms tabs
// and, for those allowed, Admin; the historian's, the MQTT uplink's, the
// security file's (only when it cannot be written) and the connection's
// state, who is logged in, clock), the alarm banner (on every screen, always
// in the same place), the session's banner when it has news,
// then the view: the tag browser (with the device panel on the left, the
// uplink panel under it, and the demo plant's fault panel under that when a
// simulator runs), the trends, the alarms or the Admin screen (users, audit
// trail); a status bar. Over it all, the login dialogs and the lock screen.
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useClient, type ConnectionState } from './api';
import { AdminView } from './features/admin/AdminView';
import { AUDIT_SEARCH_INPUT_ID } from './features/admin/AuditView';
import { AlarmBanner } from './features/alarms/AlarmBanner';
import { ALARM_SEARCH_INPUT_ID } from './features/alarms/AlarmFilters';
import { AlarmsView } from './features/alarms/AlarmsView';
import { DevicePanel } from './features/devices/DevicePanel';
import { HistorianBanner, HistorianStatusMark, ReviewBadge } from './features/history/HistorianStatusMark';
import { SimulatorPanel } from './features/simulator/SimulatorPanel';
import { SEARCH_INPUT_ID } from './features/tags/SearchBox';
import { AuthLayer } from './features/auth/AuthLayer';
import { SecurityFileBanner, SecurityFileMark } from './features/auth/SecurityFileMark';
import { SessionBanner } from './features/auth/SessionBanner';
import { UserMenu } from './features/auth/UserMenu';
import { TagBrowser } from './features/tags/TagBrowser';
import { TREND_ADD_INPUT_ID } from './features/trends/TagPicker';
import { TrendsView } from './features/trends/TrendsView';
import { UplinkPanel } from './features/uplink/UplinkPanel';
import { UplinkStatusMark } from './features/uplink/UplinkStatusMark';
import { AuditStatusMark } from './features/auth/AuditStatusMark';
import { mayAdminister, useHmi, type AppView } from './stores';
import { Clock } from './ui/Clock';
import { formatCount, formatTime } from './ui/format';
import { isTagDrag } from './ui/tagDrag';

export function App() {
  useGlobalKeys();
  const connection = useHmi((s) => s.connection);
  const view = useHmi((s) => s.view);
  return (
    <div className="app" data-link={connection}>
      <Header />
      <AlarmBanner />
      <LinkLostBanner />
      <SessionBanner />
      <HistorianBanner />
      <SecurityFileBanner />
      <main className="app-body" data-view={view} id={`view-${view}`} role="tabpanel" aria-labelledby={`tab-${view}`}>
        {view === 'tags' ? (
          <>
            <div className="sidebar">
              <DevicePanel />
              <UplinkPanel />
              <SimulatorPanel />
            </div>
            <TagBrowser />
          </>
        ) : view === 'trends' ? (
          <TrendsView />
        ) : view === 'alarms' ? (
          <AlarmsView />
        ) : (
          <AdminView />
        )}
      </main>
      <StatusBar />
      <AuthLayer />
    </div>
  );
}

const VIEWS: readonly { view: AppView; label: string; key: string }[] = [
  { view: 'tags', label: 'Tags', key: 'Alt+1' },
  { view: 'trends', label: 'Trends', key: 'Alt+2' },
  { view: 'alarms', label: 'Alarms', key: 'Alt+3' },
  { view: 'admin', label: 'Admin', key: 'Alt+4' },
];

/**
 * The views as tabs; Admin only for whoever may manage users or read the
 * audit trail. A tag dragged over "Trends" opens it, so it can be dropped on
 * the chart.
 */
function ViewTabs() {
  const current = useHmi((s) => s.view);
  const setView = useHmi((s) => s.setView);
  const admin = useHmi((s) => mayAdminister(s.session));
  const tabs = admin ? VIEWS : VIEWS.filter((v) => v.view !== 'admin');
  return (
    <nav className="view-tabs" role="tablist" aria-label="Views">
      {tabs.map(({ view, label, key }) => (
        <button
          key={view}
          id={`tab-${view}`}
          type="button"
          role="tab"
          className="view-tab"
          data-testid={`view-tab-${view}`}
          aria-selected={current === view}
          aria-controls={`view-${view}`}
          aria-keyshortcuts={key}
          tabIndex={current === view ? 0 : -1}
          title={`${label}   (${key})`}
          onClick={() => setView(view)}
          onKeyDown={(e) => {
            if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
            e.preventDefault();
            const step = e.key === 'ArrowRight' ? 1 : tabs.length - 1;
            const next = tabs[(tabs.findIndex((v) => v.view === view) + step) % tabs.length]!;
            setView(next.view);
            document.getElementById(`tab-${next.view}`)?.focus();
          }}
          onDragOver={(e) => {
            if (view !== 'trends' || !isTagDrag(e)) return;
            e.preventDefault();
            setView('trends');
          }}
        >
          {label}
        </button>
      ))}
    </nav>
  );
}

const CONNECTION_TEXT: Record<ConnectionState, { symbol: string; text: string }> = {
  connecting: { symbol: '◌', text: 'Connecting…' },
  connected: { symbol: '●', text: 'Connected' },
  reconnecting: { symbol: '✕', text: 'Reconnecting…' },
};

function Header() {
  const client = useClient();
  const { connection, since } = useHmi(useShallow((s) => ({ connection: s.connection, since: s.connectionSince })));
  const view = CONNECTION_TEXT[connection];
  const where = client.transport.kind === 'ipc' ? 'local runtime' : client.transport.endpoint;
  return (
    <header className="app-header">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        <span className="brand-name">SCADA/HMI</span>
        <span className="brand-sub">Workstation</span>
      </div>
      <ViewTabs />
      <ReviewBadge />
      <div className="header-spacer" />
      <HistorianStatusMark />
      <UplinkStatusMark />
      <SecurityFileMark />
      <AuditStatusMark />
      <div
        className="connection"
        data-testid="connection-state"
        data-state={connection}
        role="status"
        title={`${view.text} ${where} since ${formatTime(since)}`}
      >
        <span className="connection-symbol" aria-hidden="true">
          {view.symbol}
        </span>
        <span className="connection-text">{view.text}</span>
        <span className="connection-where">{where}</span>
      </div>
      <UserMenu />
      <Clock />
    </header>
  );
}

/**
 * While the link to the runtime is down, nothing on screen is updating: say
 * so across the whole width, and (in CSS) fade every live value.
 */
function LinkLostBanner() {
  const { connection, since } = useHmi(useShallow((s) => ({ connection: s.connection, since: s.connectionSince })));
  if (connection !== 'reconnecting') return null;
  return (
    <div className="link-banner" role="alert" data-testid="link-lost">
      <span className="banner-symbol" aria-hidden="true">
        ✕
      </span>
      <strong>No link to the runtime since {formatTime(since)}.</strong>
      <span>Values shown are the last received and are not updating. Reconnecting…</span>
    </div>
  );
}

function StatusBar() {
  const { total, streamCount, status, view, notice, penCount, alarmCount, gateHint } = useHmi(
    useShallow((s) => ({
      total: s.tags.length,
      streamCount: s.streamCount,
      status: s.catalogStatus,
      view: s.view,
      notice: s.trendNotice,
      penCount: s.pens.length,
      alarmCount: s.alarms.size,
      gateHint: s.gateHint,
    })),
  );
  return (
    <footer className="status-bar">
      <span>{status === 'ready' ? `${formatCount(total)} tags` : status === 'loading' ? 'Loading…' : 'Tags unavailable'}</span>
      <span className="status-sep" />
      {view === 'tags' ? (
        <span>{formatCount(streamCount)} live</span>
      ) : view === 'trends' ? (
        <span>{penCount} pens</span>
      ) : view === 'alarms' ? (
        <span>{formatCount(alarmCount)} alarms configured</span>
      ) : (
        <span>Users and audit trail</span>
      )}
      {gateHint !== null && (
        <>
          <span className="status-sep" />
          <span className="gate-hint" role="status" data-testid="gate-hint">
            <span className="padlock" aria-hidden="true" />
            {gateHint}
          </span>
        </>
      )}
      {notice !== null && (
        <>
          <span className="status-sep" />
          <span className="status-notice" role="status" data-testid="status-notice">
            {notice}
          </span>
        </>
      )}
      <span className="status-grow" />
      <span className="muted">
        {STATUS_HINTS[view]}
      </span>
    </footer>
  );
}

const STATUS_HINTS: Record<AppView, string> = {
  tags: '↑↓ select · Enter write · Shift+F10 menu · / search · Alt+2 trends · Alt+3 alarms',
  trends: 'Wheel zoom · drag zoom · Shift+drag pan · ←→ pan · +− zoom · L live · / add pen · Alt+1 tags',
  alarms: '↑↓ move · Shift+↑↓ / Space select · Enter ack · Shift+F10 menu · / search · Alt+1 tags',
  admin: '←→ Users / Audit trail · / search the audit trail · Alt+1 tags',
};

const VIEW_KEYS: Readonly<Record<string, AppView>> = { Digit1: 'tags', Digit2: 'trends', Digit3: 'alarms', Digit4: 'admin' };

const SEARCH_INPUTS: Record<AppView, string> = {
  tags: SEARCH_INPUT_ID,
  trends: TREND_ADD_INPUT_ID,
  alarms: ALARM_SEARCH_INPUT_ID,
  admin: AUDIT_SEARCH_INPUT_ID,
};

/**
 * Alt+1 … Alt+4 switch views (Alt+4, Admin, only for those allowed). "/"
 * (or Ctrl+F) jumps to the view's search box (the tag filter, the trend's
 * "Add pen", the alarm search, the audit search) from anywhere but a text
 * field. Behind the lock screen no key does anything here.
 */
function useGlobalKeys() {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const state = useHmi.getState();
      if (state.lockedBy !== null) return;
      const toView = VIEW_KEYS[e.code];
      if (e.altKey && !e.ctrlKey && !e.metaKey && toView !== undefined) {
        e.preventDefault();
        if (toView !== 'admin' || mayAdminister(state.session)) state.setView(toView);
        return;
      }
      const target = e.target as HTMLElement | null;
      const typing = (target?.closest('input, textarea, select, dialog') ?? null) !== null;
      const wantsSearch = (e.key === '/' && !typing) || (e.key === 'f' && (e.ctrlKey || e.metaKey));
      if (!wantsSearch) return;
      const search = document.getElementById(SEARCH_INPUTS[useHmi.getState().view]);
      if (!(search instanceof HTMLInputElement)) return;
      e.preventDefault();
      search.focus();
      search.select();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
