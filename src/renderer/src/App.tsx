// The application shell: header (product, connection, clock), the device
// panel on the left (with the demo plant's fault panel under it when a
// simulator runs), the tag browser as the main area, a status bar.
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useClient, type ConnectionState } from './api';
import { DevicePanel } from './features/devices/DevicePanel';
import { SimulatorPanel } from './features/simulator/SimulatorPanel';
import { SEARCH_INPUT_ID } from './features/tags/SearchBox';
import { TagBrowser } from './features/tags/TagBrowser';
import { useHmi } from './stores';
import { Clock } from './ui/Clock';
import { formatCount, formatTime } from './ui/format';

export function App() {
  useGlobalKeys();
  const connection = useHmi((s) => s.connection);
  return (
    <div className="app" data-link={connection}>
      <Header />
      <LinkLostBanner />
      <main className="app-body">
        <div className="sidebar">
          <DevicePanel />
          <SimulatorPanel />
        </div>
        <TagBrowser />
      </main>
      <StatusBar />
    </div>
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
      <div className="header-spacer" />
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
      <span className="link-banner-symbol" aria-hidden="true">
        ✕
      </span>
      <strong>No link to the runtime since {formatTime(since)}.</strong>
      <span>Values shown are the last received and are not updating. Reconnecting…</span>
    </div>
  );
}

function StatusBar() {
  const { total, streamCount, status } = useHmi(
    useShallow((s) => ({ total: s.tags.length, streamCount: s.streamCount, status: s.catalogStatus })),
  );
  return (
    <footer className="status-bar">
      <span>{status === 'ready' ? `${formatCount(total)} tags` : status === 'loading' ? 'Loading…' : 'Tags unavailable'}</span>
      <span className="status-sep" />
      <span>{formatCount(streamCount)} live</span>
      <span className="status-grow" />
      <span className="muted">↑↓ select · Enter write · / search · Esc close</span>
    </footer>
  );
}

/** "/" (or Ctrl+F) jumps to the search box from anywhere but a text field. */
function useGlobalKeys() {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      const typing = (target?.closest('input, textarea, select, dialog') ?? null) !== null;
      const wantsSearch = (e.key === '/' && !typing) || (e.key === 'f' && (e.ctrlKey || e.metaKey));
      if (!wantsSearch) return;
      const search = document.getElementById(SEARCH_INPUT_ID);
      if (!(search instanceof HTMLInputElement)) return;
      e.preventDefault();
      search.focus();
      search.select();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
