// The MQTT uplink's status, as `uplink.status` reports it and the HMI shows it.

export type UplinkState = 'disabled' | 'connecting' | 'online' | 'waiting_for_host' | 'offline' | 'stopped';

export interface StoreForwardInfo {
  readonly state: 'ok' | 'degraded';
  readonly problem: string | null;
  readonly file: string;
  /** Messages waiting to be replayed. */
  readonly depth: number;
  readonly bytes: number;
  readonly maxBytes: number;
  /** When the oldest waiting message was queued; null: none waits. */
  readonly oldestTs: number | null;
  /** Messages dropped (oldest first) because the queue reached maxBytes, ever and since this start. */
  readonly dropped: number;
  readonly droppedSinceStart: number;
  readonly lastDropAt: number | null;
  /** Metrics queued while offline, and messages replayed since this start. */
  readonly bufferedMetrics: number;
  readonly replayed: number;
}

export interface UplinkStatus {
  readonly state: UplinkState;
  readonly format: 'sparkplug' | 'json' | null;
  readonly url: string | null;
  readonly groupId: string | null;
  readonly edgeNodeId: string | null;
  readonly primaryHostId: string | null;
  readonly connectedSince: number | null;
  readonly lastError: string | null;
  readonly lastErrorAt: number | null;
  readonly reconnects: number;
  /** Sparkplug: the session's birth/death sequence number. */
  readonly bdSeq: number | null;
  readonly publishedTags: number;
  readonly messages: number;
  readonly metrics: number;
  readonly births: number;
  readonly deaths: number;
  readonly commandsEnabled: boolean;
  readonly commands: number;
  readonly commandsRefused: number;
  readonly lastCommandError: string | null;
  readonly queue: StoreForwardInfo | null;
}

/** The status of a project without an uplink. */
export const DISABLED_UPLINK: UplinkStatus = {
  state: 'disabled',
  format: null,
  url: null,
  groupId: null,
  edgeNodeId: null,
  primaryHostId: null,
  connectedSince: null,
  lastError: null,
  lastErrorAt: null,
  reconnects: 0,
  bdSeq: null,
  publishedTags: 0,
  messages: 0,
  metrics: 0,
  births: 0,
  deaths: 0,
  commandsEnabled: false,
  commands: 0,
  commandsRefused: 0,
  lastCommandError: null,
  queue: null,
};
