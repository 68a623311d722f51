// A client's event subscriptions (one per IPC window or WebSocket). Each
// subscription has an id chosen by the client; subscribing again with the
// same id replaces its parameters.
import {
  ContractFailure,
  describeSchemaError,
  events,
  isEventName,
  quoteName,
  type EventName,
  type PayloadOf,
} from '../../shared/contract';
import type { AlarmsChanged } from '../../shared/alarms';
import type { DeviceInfo } from '../../shared/types';
import type { TagSubscription } from './tags/fanout';

export type EventSend = <E extends EventName>(subscriptionId: string, event: E, payload: PayloadOf<E>) => void;

/** What a session needs of the runtime. */
export interface EventSources {
  subscribeTags(sink: (changes: PayloadOf<'tags.changed'>) => void): TagSubscription;
  subscribeDevices(listener: (devices: DeviceInfo[]) => void): () => void;
  subscribeAlarms(listener: (batch: AlarmsChanged) => void): () => void;
}

interface Active {
  readonly event: EventName;
  readonly tags?: TagSubscription;
  readonly close: () => void;
}

export class ClientSession {
  private readonly active = new Map<string, Active>();

  constructor(
    private readonly sources: EventSources,
    private readonly send: EventSend,
    /** Throws (401/403) unless the client may still look; asked at each subscription. */
    private readonly mayRead: () => void = () => undefined,
    private readonly onClose: () => void = () => undefined,
  ) {}

  /** Throws a ContractFailure naming what is wrong with the request. */
  subscribe(id: unknown, event: unknown, params: unknown): void {
    if (typeof id !== 'string' || id.length === 0 || id.length > 128) {
      throw new ContractFailure('invalid_request', 'a subscription id must be a string of 1..128 characters');
    }
    if (!isEventName(event)) {
      throw new ContractFailure('unknown_method', `no event stream ${quoteName(event)}`);
    }
    this.mayRead();
    const parsed = events[event].params.safeParse(params ?? {});
    if (!parsed.success) throw new ContractFailure('invalid_request', describeSchemaError(parsed.error));

    const existing = this.active.get(id);
    if (existing && existing.event !== event) this.unsubscribe(id);

    switch (event) {
      case 'tags.changed': {
        const { paths } = parsed.data as { paths: string[] };
        let subscription = this.active.get(id)?.tags;
        if (!subscription) {
          const created = this.sources.subscribeTags((changes) => this.send(id, 'tags.changed', changes));
          this.active.set(id, { event, tags: created, close: () => created.close() });
          subscription = created;
        }
        const unknown = subscription.setPaths(paths);
        if (unknown.length > 0) {
          const more = unknown.length > 1 ? ` and ${unknown.length - 1} more` : '';
          throw new ContractFailure('not_found', `no tag "${unknown[0]}"${more}; the others are subscribed`);
        }
        return;
      }
      case 'devices.status': {
        if (this.active.has(id)) return;
        const close = this.sources.subscribeDevices((devices) => this.send(id, 'devices.status', devices));
        this.active.set(id, { event, close });
        return;
      }
      case 'alarms.changed': {
        if (this.active.has(id)) return;
        const close = this.sources.subscribeAlarms((batch) => this.send(id, 'alarms.changed', batch));
        this.active.set(id, { event, close });
        return;
      }
    }
  }

  unsubscribe(id: unknown): void {
    if (typeof id !== 'string') return;
    this.active.get(id)?.close();
    this.active.delete(id);
  }

  close(): void {
    for (const active of this.active.values()) active.close();
    this.active.clear();
    this.onClose();
  }
}
