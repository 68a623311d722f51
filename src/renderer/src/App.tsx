// The application shell: header (product, the Tags / Trends / Alarms tabs,
// the historian's, the MQTT uplink's and the connection's state, clock), the
// alarm banner (on every screen, always in the same place), then the view:
// the tag browser (with the device panel on the left, the uplink panel under
// it, and the demo plant's fault panel under that when a simulator runs), the
// trends or the alarms; a status bar.
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useClient, type ConnectionState } from './api';
import { AlarmBanner } from './features/alarms/AlarmBanner';
import { ALARM_SEARCH_INPUT_ID } from './features/alarms/AlarmFilters';
import { AlarmsView } from './features/alarms/AlarmsView';
import { DevicePanel } from './features/devices/DevicePanel';
import { HistorianBanner, HistorianStatusMark, ReviewBadge } from './features/history/HistorianStatusMark';
import { SimulatorPanel } from './features/simulator/SimulatorPanel';
import { SEARCH_INPUT_ID } from './features/tags/SearchBox';
import { TagBrowser } from './features/tags/TagBrowser';
import { TREND_ADD_INPUT_ID } from './features/trends/TagPicker';
import { TrendsView } from './features/trends/TrendsView';
import { UplinkPanel } from './features/uplink/UplinkPanel';
import { UplinkStatusMark } from './features/uplink/UplinkStatusMark';
import { useHmi, type AppView } from './stores';
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
      <HistorianBanner />
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
        ) : (
          <AlarmsView />
        )}
      </main>
      <StatusBar />
    </div>
  );
}

const VIEWS: readonly { view: AppView; label: string; key: string }[] = [
  { view: 'tags', label: 'Tags', key: 'Alt+1' },
  { view: 'trends', label: 'Trends', key: 'Alt+2' },
  { view: 'alarms', label: 'Alarms', key: 'Alt+3' },
];

/** The views as tabs. A tag dragged over "Trends" opens it, so it can be dropped on the chart. */
function ViewTabs() {
  const current = useHmi((s) => s.view);
  const setView = useHmi((s) => s.setView);
  return (
    <nav className="view-tabs" role="tablist" aria-label="Views">
      {VIEWS.map(({ view, label, key }) => (
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
            const step = e.key === 'ArrowRight' ? 1 : VIEWS.length - 1;
            const next = VIEWS[(VIEWS.findIndex((v) => v.view === view) + step) % VIEWS.length]!;
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
  const { total, streamCount, status, view, notice, penCount, alarmCount } = useHmi(
    useShallow((s) => ({
      total: s.tags.length,
      streamCount: s.streamCount,
      status: s.catalogStatus,
      view: s.view,
      notice: s.trendNotice,
      penCount: s.pens.length,
      alarmCount: s.alarms.size,
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
      ) : (
        <span>{formatCount(alarmCount)} alarms configured</span>
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
};

const VIEW_KEYS: Readonly<Record<string, AppView>> = { Digit1: 'tags', Digit2: 'trends', Digit3: 'alarms' };

const SEARCH_INPUTS: Record<AppView, string> = {
  tags: SEARCH_INPUT_ID,
  trends: TREND_ADD_INPUT_ID,
  alarms: ALARM_SEARCH_INPUT_ID,
};

/**
 * Alt+1 / Alt+2 / Alt+3 switch views. "/" (or Ctrl+F) jumps to the view's
 * search box (the tag filter, the trend's "Add pen", the alarm search) from
 * anywhere but a text field.
 */
function useGlobalKeys() {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const toView = VIEW_KEYS[e.code];
      if (e.altKey && !e.ctrlKey && !e.metaKey && toView !== undefined) {
        e.preventDefault();
        useHmi.getState().setView(toView);
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
