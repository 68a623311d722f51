// The source of every event stream of the contract, declared once, keyed by
// event name. `EventSources` is a mapped type over the contract's event
// names: an event declared in the contract without a source here does not
// compile. Both transports reach these through an EventChannel
// (eventChannel.ts) and have no case of their own for any event.
//
// A source opens one stream per subscription. `update` takes the
// subscription's params (the first time, and again each time the client
// replaces them); `close` ends it.
import { ContractFailure, type Caller, type EventName, type ParsedParamsOf, type PayloadOf } from '../../shared/contract';
import type { SessionInfo } from '../../shared/security';
import type { DeviceInfo, TagChange } from '../../shared/types';
import { DISABLED_UPLINK } from '../../shared/uplink';
import type { RuntimeParts } from './parts';
import type { TagSubscription } from './tags/fanout';

export interface EventStream<E extends EventName> {
  /** Takes new params; throws a ContractFailure for the part it cannot serve, and keeps serving the rest. */
  update(params: ParsedParamsOf<E>): void;
  close(): void;
}

/** Who a stream is for: the caller as the transport knows it now. */
export interface Subscriber {
  caller(): Caller;
}

export interface EventSource<E extends EventName> {
  /** Throws a ContractFailure when the stream cannot be had at all (history is off). */
  open(emit: (payload: PayloadOf<E>) => void, subscriber: Subscriber): EventStream<E>;
}

export type EventSources = { readonly [E in EventName]: EventSource<E> };

/** What the sources need beyond the runtime's parts: its own fan-outs of tag values and device statuses. */
export interface EventRuntime extends RuntimeParts {
  subscribeTags(sink: (changes: TagChange[]) => void): TagSubscription;
  subscribeDevices(listener: (devices: DeviceInfo[]) => void): () => void;
}

/** A stream whose params are always `{}`: nothing to update. */
function fixed<E extends EventName>(close: () => void): EventStream<E> {
  return { update: () => undefined, close };
}

export function createEventSources(runtime: EventRuntime): EventSources {
  return {
    'tags.changed': {
      open: (emit) => {
        const subscription = runtime.subscribeTags(emit);
        return {
          update: ({ paths }) => {
            const unknown = subscription.setPaths(paths);
            if (unknown.length > 0) {
              const more = unknown.length > 1 ? ` and ${unknown.length - 1} more` : '';
              throw new ContractFailure('not_found', `no tag "${unknown[0]}"${more}; the others are subscribed`);
            }
          },
          close: () => subscription.close(),
        };
      },
    },
    'devices.status': { open: (emit) => fixed(runtime.subscribeDevices(emit)) },
    'alarms.changed': { open: (emit) => fixed(runtime.alarms.subscribe(emit)) },
    'history.status': {
      open: (emit) => {
        const { historian } = runtime;
        if (!historian) throw new ContractFailure('unavailable', 'history is off for this project');
        emit(historian.status());
        return fixed(historian.onStatus(emit));
      },
    },
    'uplink.status': {
      open: (emit) => {
        const { uplink } = runtime;
        if (!uplink) {
          emit(DISABLED_UPLINK);
          return fixed(() => undefined);
        }
        emit(uplink.status());
        return fixed(uplink.onStatus(emit));
      },
    },
    'auth.session': { open: (emit, subscriber) => sessionStream(runtime, emit, subscriber) },
  };
}

/**
 * The subscriber's `auth.session`, now and after every change of the logins.
 * A change is answered on the next turn of the event loop: a login ends the
 * old session and opens a new one (one push, not two), and an IPC window's
 * new token is recorded by its transport just after the login returns.
 */
function sessionStream(runtime: EventRuntime, emit: (info: SessionInfo) => void, subscriber: Subscriber): EventStream<'auth.session'> {
  let last = '';
  let timer: NodeJS.Timeout | null = null;
  let asked = 0;
  const push = async (): Promise<void> => {
    timer = null;
    const ask = ++asked;
    // Asking is no activity of the user's: it must not keep an idle login alive.
    const info = await runtime.security.sessionInfo(runtime.security.resolve(subscriber.caller(), false), false);
    // A later change asked again meanwhile: its answer is the one to send.
    if (ask !== asked) return;
    const text = JSON.stringify(info);
    if (text === last) return;
    last = text;
    emit(info);
  };
  void push();
  const off = runtime.security.onChange(() => {
    timer ??= setTimeout(() => void push(), 0);
  });
  return fixed(() => {
    off();
    if (timer !== null) clearTimeout(timer);
  });
}
