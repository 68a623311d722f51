// How the MQTT uplink's status reads on screen: pure functions from the
// `uplink.status` answer to words, symbols and numbers, shared by the header
// mark and the sidebar panel (and unit-tested without a DOM).
//
// What we decided, and why:
// - A project without an uplink ('disabled') shows no header mark: nothing
//   is wrong and there is nothing to watch. The sidebar keeps one quiet
//   title line ("Uplink — none") so a commissioning engineer can tell
//   "not configured" from "not loaded".
// - The runtime reports 'connecting' for every attempt, also the retries
//   during an outage. Only the very first attempt (no reconnect, no error
//   yet) reads "Connecting"; a retry after a loss still reads "Offline"
//   (reconnecting), so the mark does not flicker between the two every
//   backoff while the broker is away.
// - Severity: online and stopped (the runtime is shutting down) are quiet
//   grey; waiting for the primary host, connecting and an unknown status are
//   amber (nothing is lost yet, but nothing goes out live); offline is red.
//   Besides the state, flags: the queue degraded (its file refused, amber),
//   the queue nearly full (amber: drops are next) and messages dropped since
//   this start (the violet-grey diagnostic: data is missing upstream, a
//   matter for maintenance, not an operator alarm). Drops from before this
//   start are history: the panel lists them, the header does not.
// - Times from the runtime (connectedSince, oldestTs, …) are read against
//   this machine's clock, as every timestamp in the HMI is; an age is never
//   shown below zero when the clocks disagree a little.
import type { StoreForwardInfo, UplinkStatus } from '../../../../shared/uplink';
import { formatCount, formatDuration, formatPercent, formatTime, NO_VALUE } from '../../ui/format';

export type UplinkShownState = 'online' | 'waiting_for_host' | 'connecting' | 'offline' | 'stopped' | 'unknown';

/** How loud the state is: quiet grey, amber, red. */
export type UplinkSeverity = 'normal' | 'warning' | 'fault';

export type UplinkFlagKind = 'degraded' | 'nearly_full' | 'dropped';

export interface UplinkFlag {
  readonly kind: UplinkFlagKind;
  readonly symbol: string;
  /** Short, for the header: "queue degraded", "12 dropped". */
  readonly text: string;
}

export interface UplinkView {
  readonly state: UplinkShownState;
  readonly severity: UplinkSeverity;
  readonly symbol: string;
  /** For the panel: "Online", "Waiting for host". */
  readonly word: string;
  /** For the header: "Uplink online". */
  readonly text: string;
  /** What the state means for the data, one line. */
  readonly detail: string;
  readonly flags: readonly UplinkFlag[];
  /** Tooltip: where it publishes, as whom, since when, what is wrong. */
  readonly title: string;
}

/** The queue this full (bytes of maxBytes) says so: the oldest messages go next. */
export const NEARLY_FULL = 0.9;

export const FORMAT_TEXT: Record<NonNullable<UplinkStatus['format']>, string> = {
  sparkplug: 'Sparkplug B',
  json: 'JSON',
};

/**
 * The view of a status; null when there is nothing to show in the header:
 * no answer yet, or no uplink in this project.
 */
export function uplinkView(status: UplinkStatus | null, error: string | null): UplinkView | null {
  if (status?.state === 'disabled') return null;
  if (error !== null) {
    return {
      state: 'unknown',
      severity: 'warning',
      symbol: '?',
      word: 'Status unknown',
      text: 'Uplink unknown',
      detail: `Could not read the uplink's status: ${error}`,
      flags: [],
      title: `Could not read the uplink's status: ${error}${status === null ? '' : `\nLast known:\n${facts(status).join('\n')}`}`,
    };
  }
  if (status === null) return null;
  const base = stateView(status);
  const flags = uplinkFlags(status.queue);
  const headline = `MQTT uplink${status.format === null ? '' : ` (${FORMAT_TEXT[status.format]})`}: ${base.word}`;
  return {
    ...base,
    text: `Uplink ${base.word.toLowerCase()}`,
    flags,
    title: [`${headline} — ${base.detail}`, ...facts(status)].join('\n'),
  };
}

type StateView = Pick<UplinkView, 'state' | 'severity' | 'symbol' | 'word' | 'detail'>;

function stateView(status: UplinkStatus): StateView {
  const queued = status.queue === null ? 'values are not kept (no store-and-forward)' : 'messages wait in the queue';
  switch (status.state) {
    case 'online':
      return {
        state: 'online',
        severity: 'normal',
        symbol: '●',
        word: 'Online',
        detail: (status.queue?.depth ?? 0) > 0 ? 'publishing live, replaying the queue' : 'publishing live',
      };
    case 'waiting_for_host':
      return {
        state: 'waiting_for_host',
        severity: 'warning',
        symbol: '▲',
        word: 'Waiting for host',
        detail: `primary host${status.primaryHostId === null ? '' : ` ${status.primaryHostId}`} offline: publishing paused, ${queued}`,
      };
    case 'connecting':
      if (status.reconnects === 0 && status.lastError === null) {
        return { state: 'connecting', severity: 'warning', symbol: '◌', word: 'Connecting', detail: 'first connection to the broker' };
      }
      return { state: 'offline', severity: 'fault', symbol: '✕', word: 'Offline', detail: `reconnecting now; ${queued}` };
    case 'offline':
      return { state: 'offline', severity: 'fault', symbol: '✕', word: 'Offline', detail: `no broker; ${queued}` };
    case 'stopped':
    case 'disabled': // not reached: `uplinkView` shows nothing for it
      return { state: 'stopped', severity: 'normal', symbol: '■', word: 'Stopped', detail: 'the runtime stopped the uplink' };
  }
}

/**
 * The queue in the header, while messages wait: "55 queued", and how full
 * when it nearly is ("55 queued · 99 % full", then flagged). Null: none waits.
 */
export function headerQueue(queue: StoreForwardInfo | null): { readonly text: string; readonly full: boolean } | null {
  if (queue === null || queue.depth <= 0) return null;
  const fill = queueFill(queue);
  const full = fill >= NEARLY_FULL;
  return { text: `${formatCount(queue.depth)} queued${full ? ` · ${formatPercent(fill)} full` : ''}`, full };
}

/** What is wrong with the queue besides the link's state. */
export function uplinkFlags(queue: StoreForwardInfo | null): UplinkFlag[] {
  if (queue === null) return [];
  const flags: UplinkFlag[] = [];
  if (queue.state === 'degraded') flags.push({ kind: 'degraded', symbol: '▲', text: 'queue degraded' });
  const fill = queueFill(queue);
  if (fill >= NEARLY_FULL) flags.push({ kind: 'nearly_full', symbol: '▲', text: `${formatPercent(fill)} full` });
  if (queue.droppedSinceStart > 0) flags.push({ kind: 'dropped', symbol: 'D', text: `${formatCount(queue.droppedSinceStart)} dropped` });
  return flags;
}

function facts(status: UplinkStatus): string[] {
  const lines: string[] = [];
  if (status.url !== null) lines.push(redactUrl(status.url));
  if (status.groupId !== null || status.edgeNodeId !== null) {
    const bdSeq = status.bdSeq === null ? '' : ` · bdSeq ${status.bdSeq}`;
    lines.push(`Group ${status.groupId ?? NO_VALUE} · edge node ${status.edgeNodeId ?? NO_VALUE}${bdSeq}`);
  }
  if (status.primaryHostId !== null) lines.push(`Primary host ${status.primaryHostId}`);
  if (status.connectedSince !== null) lines.push(`Connected since ${formatTime(status.connectedSince)}`);
  if (status.lastError !== null) {
    lines.push(`Last error${status.lastErrorAt === null ? '' : ` ${formatTime(status.lastErrorAt)}`}: ${status.lastError}`);
  }
  const q = status.queue;
  if (q === null) {
    lines.push('Store-and-forward off');
  } else {
    const oldest = q.depth > 0 && q.oldestTs !== null ? `, oldest queued ${formatTime(q.oldestTs)}` : '';
    lines.push(`Queue: ${formatCount(q.depth)} messages, ${formatBytes(q.bytes)} of ${formatBytes(q.maxBytes)}${oldest}`);
    if (q.state === 'degraded') lines.push(`Queue degraded: ${q.problem ?? 'no reason given'}`);
    const drops = dropSummary(q);
    if (drops !== null) lines.push(`Dropped: ${drops}`);
  }
  return lines;
}

/** When the state began, if the runtime says: the session's start while it is up. */
export function stateSince(status: UplinkStatus): number | null {
  return status.state === 'online' || status.state === 'waiting_for_host' ? status.connectedSince : null;
}

/** A broker URL fit to show: a password in it is masked. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/@]*)@/i, (_, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    return `${scheme}${colon < 0 ? userinfo : `${userinfo.slice(0, colon)}:•••`}@`;
  });
}

/** "Group / edge node", the Sparkplug identity. */
export function nodeName(status: Pick<UplinkStatus, 'groupId' | 'edgeNodeId'>): string {
  return `${status.groupId ?? NO_VALUE} / ${status.edgeNodeId ?? NO_VALUE}`;
}

/** DCMD commands: "off", or "on · 3 received · 1 refused". */
export function commandsText(status: Pick<UplinkStatus, 'commandsEnabled' | 'commands' | 'commandsRefused'>): string {
  if (!status.commandsEnabled) return 'off';
  return `on · ${formatCount(status.commands)} received · ${formatCount(status.commandsRefused)} refused`;
}

/**
 * Bytes in decimal units, as the project file's maxBytes is written
 * (500000000 reads "500 MB"): "0 B", "999 B", "1.5 kB", "12.3 MB", "500 MB".
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return NO_VALUE;
  if (bytes < 1000) return `${Math.round(bytes)} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  // Bump the unit on the rounded value: 999,960 B is "1.0 MB", not "1000 kB".
  while (unit < units.length - 1 && Number((value < 100 ? value.toFixed(1) : value.toFixed(0))) >= 1000) {
    value /= 1000;
    unit++;
  }
  return `${value < 100 ? value.toFixed(1) : value.toFixed(0)} ${units[unit]!}`;
}

/** The queue's bytes as a share of maxBytes, 0..1 (for the bar). */
export function queueFill(queue: Pick<StoreForwardInfo, 'bytes' | 'maxBytes'>): number {
  if (!(queue.maxBytes > 0) || !(queue.bytes > 0)) return 0;
  return Math.min(1, queue.bytes / queue.maxBytes);
}

/** "1.2 MB of 500 MB (0.2 %)". */
export function queueBytesText(queue: Pick<StoreForwardInfo, 'bytes' | 'maxBytes'>): string {
  return `${formatBytes(queue.bytes)} of ${formatBytes(queue.maxBytes)} (${formatPercent(queueFill(queue))})`;
}

/**
 * How long the oldest waiting message has waited, at `now`: "2 min 13 s";
 * "—" when nothing waits; "unknown" when messages wait but the runtime
 * could not read the oldest one's time (its file refused).
 */
export function queueAge(queue: Pick<StoreForwardInfo, 'depth' | 'oldestTs'>, now: number): string {
  if (queue.depth === 0) return NO_VALUE;
  if (queue.oldestTs === null) return 'unknown';
  return formatDuration(Math.max(0, now - queue.oldestTs));
}

/** The age ticks only while something waits with a known time. */
export function queueAgeTicks(queue: Pick<StoreForwardInfo, 'depth' | 'oldestTs'> | null): boolean {
  return queue !== null && queue.depth > 0 && queue.oldestTs !== null;
}

/**
 * The drops, when there were any: "12 since start · 40 ever · last 12:01:02.345";
 * null when the queue never dropped a message.
 */
export function dropSummary(queue: Pick<StoreForwardInfo, 'dropped' | 'droppedSinceStart' | 'lastDropAt'>): string | null {
  if (queue.dropped <= 0 && queue.droppedSinceStart <= 0) return null;
  const last = queue.lastDropAt === null ? '' : ` · last ${formatTime(queue.lastDropAt)}`;
  return `${formatCount(queue.droppedSinceStart)} since start · ${formatCount(Math.max(queue.dropped, queue.droppedSinceStart))} ever${last}`;
}
