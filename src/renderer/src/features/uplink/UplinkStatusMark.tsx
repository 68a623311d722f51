// The MQTT uplink's state in the header, beside the historian's: a symbol
// and words, quiet grey while it publishes live, amber while it waits (for
// the primary host, for a first connection), red while it is offline, with
// the queue's depth while messages wait (flagged ▲ with how full when it
// nearly is) and the queue's other flags (degraded, dropped). Broker,
// Sparkplug identity and bdSeq on hover. Nothing at all when the project has
// no uplink. Kept short: the header also holds the tabs, the historian, the
// connection and the clock; the panel in the Tags view has the rest.
import { useShallow } from 'zustand/react/shallow';
import { useHmi } from '../../stores';
import { headerQueue, uplinkView, type UplinkFlag } from './uplinkView';
import './uplink.css';

export function UplinkStatusMark() {
  const { status, error } = useHmi(useShallow((s) => ({ status: s.uplink, error: s.uplinkError })));
  const view = uplinkView(status, error);
  if (view === null) return null;
  // A failed status call shows no queue: the figure would be stale.
  const queued = error === null ? headerQueue(status?.queue ?? null) : null;
  return (
    <div
      className="header-mark uplink-status"
      data-testid="uplink-status"
      data-state={view.state}
      data-severity={view.severity}
      data-link={status?.state}
      data-flagged={view.flags.length > 0 || undefined}
      role="status"
      title={view.title}
    >
      <span className="header-mark-symbol uplink-symbol" aria-hidden="true">
        {view.symbol}
      </span>
      <span className="uplink-text">{view.text}</span>
      {queued !== null && (
        // Changes with every poll during an outage: not worth announcing each time.
        <span
          className="uplink-queued num"
          data-testid="uplink-status-queued"
          data-full={queued.full || undefined}
          aria-live="off"
        >
          {queued.full && (
            <span className="uplink-flag-symbol" aria-hidden="true">
              ▲
            </span>
          )}
          {queued.text}
        </span>
      )}
      {view.flags
        .filter((flag) => flag.kind !== 'nearly_full')
        .map((flag) => (
          <UplinkFlagMark key={flag.kind} flag={flag} />
        ))}
    </div>
  );
}

/** One flag: its symbol in its colour and its words (never the colour alone). */
export function UplinkFlagMark({ flag }: { flag: UplinkFlag }) {
  return (
    <span className="uplink-flag" data-kind={flag.kind} data-testid={`uplink-flag-${flag.kind}`}>
      <span className="uplink-flag-symbol" aria-hidden="true">
        {flag.symbol}
      </span>
      <span>{flag.text}</span>
    </span>
  );
}
