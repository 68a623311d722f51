// A client's event subscriptions: one channel per IPC window or WebSocket.
// Each subscription has an id chosen by the client; subscribing again with
// the same id (and the same event) replaces its params in place, without a
// gap in the stream. Nothing here knows one event from another: what each
// stream is comes from the runtime's table of sources (eventSources.ts), and
// who may subscribe from the contract's `events` table.
import {
  ContractFailure,
  describeSchemaError,
  events,
  isEventName,
  quoteName,
  type Caller,
  type EventName,
  type PayloadOf,
} from '../../shared/contract';
import type { MethodPermission } from '../../shared/security';
import type { EventSources, EventStream } from './eventSources';

export type EventSend = <E extends EventName>(subscriptionId: string, event: E, payload: PayloadOf<E>) => void;

/** Throws a ContractFailure (401/403) unless the caller has the permission; `touch`: the asking counts as the user's activity. */
export type AuthorizeEvent = (permission: MethodPermission, caller: Caller, touch: boolean) => void;

interface Active {
  readonly event: EventName;
  readonly stream: EventStream<EventName>;
}

export class EventChannel {
  private readonly active = new Map<string, Active>();

  constructor(
    private readonly sources: EventSources,
    private readonly send: EventSend,
    /** The caller as the transport knows it now (an IPC window's login changes while the channel lives). */
    private readonly caller: () => Caller,
    private readonly authorize: AuthorizeEvent,
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
    this.authorize(events[event].permission, this.caller(), true);
    const parsed = events[event].params.safeParse(params ?? {});
    if (!parsed.success) throw new ContractFailure('invalid_request', describeSchemaError(parsed.error));

    let active = this.active.get(id);
    if (active && active.event !== event) {
      this.unsubscribe(id);
      active = undefined;
    }
    if (!active) {
      active = { event, stream: this.open(id, event) };
      this.active.set(id, active);
    }
    // A stream refuses part of its params by throwing (a tag that does not exist); it keeps the rest.
    active.stream.update(parsed.data);
  }

  /** The channel's open subscriptions, by event name. */
  subscriptions(): EventName[] {
    return [...this.active.values()].map((active) => active.event);
  }

  unsubscribe(id: unknown): void {
    if (typeof id !== 'string') return;
    this.active.get(id)?.stream.close();
    this.active.delete(id);
  }

  /**
   * The caller's login changed (ended, or a role changed): each subscription
   * the caller may no longer have ends, quietly, as if the client had ended
   * it. The rest go on (`auth.session` tells the client what changed).
   */
  recheck(): void {
    const caller = this.caller();
    for (const [id, active] of [...this.active]) {
      try {
        this.authorize(events[active.event].permission, caller, false);
      } catch {
        this.unsubscribe(id);
      }
    }
  }

  close(): void {
    for (const active of this.active.values()) active.stream.close();
    this.active.clear();
    this.onClose();
  }

  private open<E extends EventName>(id: string, event: E): EventStream<EventName> {
    const source = this.sources[event];
    const stream = source.open((payload) => this.send(id, event, payload), { caller: this.caller });
    return stream as unknown as EventStream<EventName>;
  }
}
