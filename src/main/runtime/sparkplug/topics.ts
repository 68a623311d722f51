// Sparkplug B 3.0 topics (specification chapter "Topics and Messages"):
//
//   spBv1.0/<group_id>/<NBIRTH|NDEATH|NDATA|NCMD>/<edge_node_id>
//   spBv1.0/<group_id>/<DBIRTH|DDEATH|DDATA|DCMD>/<edge_node_id>/<device_id>
//   spBv1.0/STATE/<host_id>          the host application's birth and death
//
// The levels tell the forms apart (3, 4 or 5), so a group named "STATE" is
// no ambiguity. Ids are UTF-8 strings without '+', '/' and '#'; we also
// refuse the empty string and U+0000, which MQTT forbids in topic names.
// The Sparkplug 2.2 STATE topic (`STATE/<host_id>`, no namespace) is not
// recognised: 3.0 hosts publish the form above.
//
// STATE payloads are JSON, not protobuf: {"online": true|false, "timestamp": <ms>}.

export const NAMESPACE = 'spBv1.0';

export const NODE_VERBS = ['NBIRTH', 'NDEATH', 'NDATA', 'NCMD'] as const;
export const DEVICE_VERBS = ['DBIRTH', 'DDEATH', 'DDATA', 'DCMD'] as const;
export type NodeVerb = (typeof NODE_VERBS)[number];
export type DeviceVerb = (typeof DEVICE_VERBS)[number];

/** A parsed topic, discriminated by its message type. */
export type SparkplugTopic =
  | { readonly type: NodeVerb; readonly groupId: string; readonly edgeNodeId: string }
  | { readonly type: DeviceVerb; readonly groupId: string; readonly edgeNodeId: string; readonly deviceId: string }
  | { readonly type: 'STATE'; readonly hostId: string };

/** The payload of a STATE message (Sparkplug 3.0). */
export interface HostState {
  readonly online: boolean;
  /** Milliseconds since the epoch, UTC. */
  readonly timestamp: number;
}

const LONE_SURROGATE = /\p{Cs}/u;

/**
 * What is wrong with a group, edge node, device or host id, or null when it
 * is valid. For validating configuration, where the message reaches a person.
 */
export function idProblem(id: string): string | null {
  if (typeof id !== 'string') return 'is not a string';
  if (id.length === 0) return 'is empty';
  if (id.includes('/')) return "contains '/' (it would add a topic level)";
  if (id.includes('+')) return "contains '+' (an MQTT wildcard)";
  if (id.includes('#')) return "contains '#' (an MQTT wildcard)";
  if (id.includes('\u0000')) return 'contains U+0000 (not allowed in MQTT topics)';
  if (LONE_SURROGATE.test(id)) return 'is not valid UTF-8 (it has a lone surrogate)';
  return null;
}

/** `spBv1.0/<group>/<verb>/<edge node>`. Throws a RangeError for an invalid id; an id of exactly '+' is let through for subscription filters. */
export function nodeTopic(groupId: string, verb: NodeVerb, edgeNodeId: string): string {
  checkId(groupId, 'group id');
  checkId(edgeNodeId, 'edge node id');
  return `${NAMESPACE}/${groupId}/${verb}/${edgeNodeId}`;
}

/** `spBv1.0/<group>/<verb>/<edge node>/<device>`. Ids are checked as for nodeTopic. */
export function deviceTopic(groupId: string, verb: DeviceVerb, edgeNodeId: string, deviceId: string): string {
  checkId(groupId, 'group id');
  checkId(edgeNodeId, 'edge node id');
  checkId(deviceId, 'device id');
  return `${NAMESPACE}/${groupId}/${verb}/${edgeNodeId}/${deviceId}`;
}

/** `spBv1.0/STATE/<host id>`. */
export function stateTopic(hostId: string): string {
  checkId(hostId, 'host id');
  return `${NAMESPACE}/STATE/${hostId}`;
}

/** The parts of a Sparkplug B topic, or null for anything else (other namespaces, wrong shapes, invalid ids). */
export function parseTopic(topic: string): SparkplugTopic | null {
  if (!topic.startsWith(`${NAMESPACE}/`)) return null;
  const parts = topic.split('/');
  for (let i = 1; i < parts.length; i++) if (idProblem(parts[i]!) !== null) return null;
  switch (parts.length) {
    case 3:
      return parts[1] === 'STATE' ? { type: 'STATE', hostId: parts[2]! } : null;
    case 4: {
      const verb = parts[2]!;
      return isNodeVerb(verb) ? { type: verb, groupId: parts[1]!, edgeNodeId: parts[3]! } : null;
    }
    case 5: {
      const verb = parts[2]!;
      return isDeviceVerb(verb) ? { type: verb, groupId: parts[1]!, edgeNodeId: parts[3]!, deviceId: parts[4]! } : null;
    }
    default:
      return null;
  }
}

/** The JSON of a STATE message. */
export function statePayload(state: HostState): string {
  if (!Number.isFinite(state.timestamp)) throw new RangeError(`STATE timestamp must be a finite number, got ${state.timestamp}`);
  return JSON.stringify({ online: state.online, timestamp: state.timestamp });
}

/** A STATE payload, or null when it is not the 3.0 JSON (both keys, the right types). */
export function parseStatePayload(payload: Uint8Array | string): HostState | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof payload === 'string' ? payload : new TextDecoder().decode(payload));
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const { online, timestamp } = parsed as { online?: unknown; timestamp?: unknown };
  if (typeof online !== 'boolean' || typeof timestamp !== 'number' || !Number.isFinite(timestamp)) return null;
  return { online, timestamp };
}

function isNodeVerb(verb: string): verb is NodeVerb {
  return (NODE_VERBS as readonly string[]).includes(verb);
}

function isDeviceVerb(verb: string): verb is DeviceVerb {
  return (DEVICE_VERBS as readonly string[]).includes(verb);
}

function checkId(id: string, what: string): void {
  if (id === '+') return;
  const problem = idProblem(id);
  if (problem !== null) throw new RangeError(`Sparkplug ${what} ${JSON.stringify(id)} ${problem}`);
}
