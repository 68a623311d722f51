// What the uplink asks of a publishing format (Sparkplug B, plain JSON):
// the session's hooks, and the changes of the runtime's devices.
import type { MqttLink } from '../mqtt/link';

export interface UplinkNode {
  readonly publishedCount: number;
  readonly counters: {
    readonly births: number;
    readonly deaths: number;
    readonly messages: number;
    readonly metrics: number;
    readonly buffered: number;
    readonly commands: number;
    readonly commandsRefused: number;
    readonly lastCommandError: string | null;
  };
  readonly replayed: number;
  /** Sparkplug's bdSeq of the session; null for formats without one. */
  readonly sessionBdSeq: number | null;
  readonly waitingForHost: boolean;
  start(): void;
  stop(): void;
  will(): { topic: string; payload: Buffer; qos: 1; retain: boolean };
  online(link: MqttLink): Promise<void>;
  offline(): void;
  farewell(link: MqttLink): Promise<void>;
  message(topic: string, payload: Buffer): void;
  devicesChanged(): void;
  /** Tags were added, changed or removed. */
  tagsChanged(): void;
}
