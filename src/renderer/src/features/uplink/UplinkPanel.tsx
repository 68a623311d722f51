// The MQTT uplink in the Tags view's sidebar, under the devices: its state
// and since when, where it publishes and as whom, its counters, commands,
// the last errors, and the store-and-forward queue (depth, bytes against
// the limit with a bar, the oldest message's age counting every second,
// drops as a diagnostic, the queue's problem when degraded). Quiet grey
// while it publishes live; the head turns amber or red with the state, like
// a device row. A project without an uplink gets one quiet title line.
import { useShallow } from 'zustand/react/shallow';
import type { StoreForwardInfo, UplinkStatus } from '../../../../shared/uplink';
import { useHmi } from '../../stores';
import { formatCount, formatTime, NO_VALUE } from '../../ui/format';
import { useNow } from '../../ui/useNow';
import { UplinkFlagMark } from './UplinkStatusMark';
import {
  commandsText,
  dropSummary,
  FORMAT_TEXT,
  NEARLY_FULL,
  nodeName,
  queueAge,
  queueAgeTicks,
  queueBytesText,
  queueFill,
  redactUrl,
  stateSince,
  uplinkFlags,
  uplinkView,
  type UplinkView,
} from './uplinkView';
import './uplink.css';

export function UplinkPanel() {
  const { status, error } = useHmi(useShallow((s) => ({ status: s.uplink, error: s.uplinkError })));
  // Not asked yet: say nothing rather than flash a panel that may go.
  if (status === null && error === null) return null;
  // No uplink in this project (as the header's mark, a failed re-check does not change that).
  if (status?.state === 'disabled') {
    return (
      <section className="uplink-panel" data-testid="uplink-panel" data-state="disabled" aria-label="MQTT uplink">
        <div className="pane-title" title="This project has no uplink section: nothing is published to MQTT">
          Uplink
          <span className="pane-title-aside">none</span>
        </div>
      </section>
    );
  }
  const view = uplinkView(status, error);
  return (
    <section
      className="uplink-panel"
      data-testid="uplink-panel"
      data-state={view?.state}
      data-severity={view?.severity}
      aria-label="MQTT uplink"
    >
      <div className="pane-title">
        Uplink
        <span className="pane-title-aside">{status?.format ? FORMAT_TEXT[status.format] : ''}</span>
      </div>
      <div className="uplink-body">
        {view !== null && <StateHead view={view} status={status} />}
        {status !== null && <UplinkDetails status={status} />}
      </div>
    </section>
  );
}

function StateHead({ view, status }: { view: UplinkView; status: UplinkStatus | null }) {
  const since = status === null ? null : stateSince(status);
  return (
    <div className="uplink-head" data-severity={view.severity} title={view.title}>
      <div className="uplink-head-line">
        <span className="uplink-state" data-testid="uplink-state" data-state={view.state} data-severity={view.severity}>
          <span className="uplink-state-symbol" aria-hidden="true">
            {view.symbol}
          </span>
          <span className="uplink-state-word">{view.word}</span>
        </span>
        {since !== null && (
          <span className="uplink-since num" data-testid="uplink-since">
            since {formatTime(since)}
          </span>
        )}
      </div>
      <div className="uplink-detail" data-testid="uplink-detail">
        {view.detail}
      </div>
    </div>
  );
}

function UplinkDetails({ status }: { status: UplinkStatus }) {
  return (
    <>
      <dl className="uplink-facts">
        <Fact label="Broker" value={status.url === null ? NO_VALUE : redactUrl(status.url)} mono testId="uplink-url" />
        <Fact
          label="Node"
          value={nodeName(status)}
          aside={status.bdSeq === null ? undefined : `bdSeq ${status.bdSeq}`}
          mono
          testId="uplink-node"
          title="Sparkplug group / edge node, and the session's birth/death sequence"
        />
        {/* No primary host configured: births go out at once, nothing to show. */}
        {status.primaryHostId !== null && (
          <Fact label="Host" value={status.primaryHostId} mono testId="uplink-host" title="Primary host" />
        )}
        <Fact
          label="Commands"
          value={commandsText(status)}
          abnormal={status.commandsRefused > 0}
          testId="uplink-commands"
          title="DCMD commands (writes to writable tags)"
        />
      </dl>
      <dl className="uplink-stats">
        <Stat label="Tags" value={formatCount(status.publishedTags)} title="Tags published" />
        <Stat label="Messages" value={formatCount(status.messages)} title="Messages published" />
        <Stat label="Metrics" value={formatCount(status.metrics)} title="Metrics published" />
        <Stat label="Births" value={formatCount(status.births)} />
        <Stat label="Deaths" value={formatCount(status.deaths)} />
        <Stat label="Reconnects" value={formatCount(status.reconnects)} />
      </dl>
      {status.lastError !== null && (
        <Note label="Last error" at={status.lastErrorAt} text={status.lastError} testId="uplink-last-error" />
      )}
      {status.lastCommandError !== null && (
        <Note label="Last command error" at={null} text={status.lastCommandError} testId="uplink-last-command-error" />
      )}
      <QueueSection queue={status.queue} />
    </>
  );
}

function QueueSection({ queue }: { queue: StoreForwardInfo | null }) {
  if (queue === null) {
    return (
      <div className="uplink-queue" data-testid="uplink-queue" data-state="off">
        <div className="uplink-subhead">Queue</div>
        <p className="uplink-quiet">No store-and-forward: while the uplink is offline, values are not kept.</p>
      </div>
    );
  }
  const fill = queueFill(queue);
  const drops = dropSummary(queue);
  // Degraded and dropped have a block of their own below; the heading carries only "nearly full".
  const flags = uplinkFlags(queue).filter((flag) => flag.kind === 'nearly_full');
  return (
    <div className="uplink-queue" data-testid="uplink-queue" data-state={queue.state}>
      <div className="uplink-subhead" title="Store-and-forward: what waits while the broker or the primary host is away">
        Queue
        {flags.length > 0 && (
          <span className="uplink-subhead-flags">
            {flags.map((flag) => (
              <UplinkFlagMark key={flag.kind} flag={flag} />
            ))}
          </span>
        )}
      </div>
      {/* What is wrong first: the panel may scroll, these must not be the part scrolled away. */}
      {queue.state === 'degraded' && (
        <div className="uplink-warn" data-testid="uplink-queue-problem" role="alert">
          <span className="uplink-warn-symbol" aria-hidden="true">
            ▲
          </span>
          <div>
            <strong>Queue degraded</strong>: {queue.problem ?? 'no reason given'}
          </div>
        </div>
      )}
      {drops !== null && (
        <div
          className="uplink-diag"
          data-testid="uplink-dropped"
          role="note"
          title="The queue reached its size limit (maxBytes): the oldest messages were dropped to make room. The data they held is missing upstream."
        >
          <span className="uplink-diag-symbol" aria-hidden="true">
            D
          </span>
          <div>
            <strong>Dropped</strong> {drops}
          </div>
        </div>
      )}
      <dl className="uplink-stats uplink-queue-stats">
        <div className="stat" data-abnormal={queue.depth > 0 || undefined} title="Messages waiting to be sent">
          <dt>Queued</dt>
          <dd className="num" data-testid="uplink-queue-depth" data-value={queue.depth}>
            {formatCount(queue.depth)}
          </dd>
        </div>
        <QueueAge queue={queue} />
        <Stat label="Buffered metrics" value={formatCount(queue.bufferedMetrics)} title="Metrics queued while offline, since this start" />
        <Stat label="Replayed" value={formatCount(queue.replayed)} title="Queued messages sent since this start" />
      </dl>
      <div className="uplink-fill" data-testid="uplink-queue-bytes" data-full={fill >= NEARLY_FULL || undefined} title={queue.file}>
        <div className="uplink-bar" aria-hidden="true">
          <span className="uplink-bar-fill" style={{ width: `${(fill * 100).toFixed(1)}%` }} />
        </div>
        <span className="uplink-fill-text num">{queueBytesText(queue)}</span>
      </div>
    </div>
  );
}

/** The oldest message's age, counting every second while messages wait. */
function QueueAge({ queue }: { queue: StoreForwardInfo }) {
  const now = useNow(queueAgeTicks(queue));
  return (
    <div className="stat">
      <dt>Oldest waiting</dt>
      <dd
        className="num"
        data-testid="uplink-queue-age"
        title={queue.oldestTs === null || queue.depth === 0 ? undefined : `Queued at ${formatTime(queue.oldestTs)}`}
      >
        {queueAge(queue, now)}
      </dd>
    </div>
  );
}

interface StatProps {
  readonly label: string;
  readonly value: string;
  readonly abnormal?: boolean;
  readonly title?: string;
  readonly testId?: string;
}

function Stat({ label, value, abnormal = false, title, testId }: StatProps) {
  return (
    <div className="stat" data-abnormal={abnormal || undefined} title={title}>
      <dt>{label}</dt>
      <dd className="num" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}

interface FactProps extends StatProps {
  readonly mono?: boolean;
  /** Quieter text after the value ("bdSeq 4"). */
  readonly aside?: string;
}

function Fact({ label, value, mono = false, aside, abnormal = false, title, testId }: FactProps) {
  const full = aside === undefined ? value : `${value} · ${aside}`;
  return (
    <div className="uplink-fact" data-abnormal={abnormal || undefined} title={title === undefined ? full : `${title}: ${full}`}>
      <dt>{label}</dt>
      <dd>
        <span className={mono ? 'mono' : undefined} data-testid={testId}>
          {value}
        </span>
        {aside !== undefined && <span className="uplink-fact-aside num"> · {aside}</span>}
      </dd>
    </div>
  );
}

function Note({ label, at, text, testId }: { label: string; at: number | null; text: string; testId: string }) {
  return (
    <div className="uplink-note" data-testid={testId} title={text}>
      <span className="uplink-note-label">{label}</span>
      {at !== null && <span className="num"> {formatTime(at)}</span>} <span className="uplink-note-text">{text}</span>
    </div>
  );
}
