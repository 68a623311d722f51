// The one client the UI uses, whatever the transport. Its methods are derived
// from the contract by the mapped type `Client`, so calling a method the
// runtime does not have, or with the wrong request, fails to compile.
import type {
  Client,
  EventName,
  MethodName,
  ParamsOf,
  PayloadOf,
  RequestOf,
  ResponseOf,
} from '../../../shared/contract';
// The method names without their schemas: the renderer does not bundle zod.
import { METHOD_NAMES } from '../../../shared/names';
import { ApiError } from './errors';
import type { ConnectionState, Transport } from './transport';

/** Ends the subscription when called; `update` replaces its parameters. */
export interface Subscription<E extends EventName> {
  (): void;
  update(params: ParamsOf<E>): void;
}

export interface SubscribeOptions {
  /** The runtime refused the subscription (bad params, unknown event). */
  readonly onError?: (error: ApiError) => void;
}

export interface ConnectionMonitor {
  get(): ConnectionState;
  subscribe(listener: (state: ConnectionState) => void): () => void;
}

export interface ScadaClient extends Client {
  /** Same as `client[method](request)`, for code that holds the name in a variable. */
  call<M extends MethodName>(method: M, request: RequestOf<M>): Promise<ResponseOf<M>>;
  subscribe<E extends EventName>(
    event: E,
    params: ParamsOf<E>,
    listener: (payload: PayloadOf<E>) => void,
    options?: SubscribeOptions,
  ): Subscription<E>;
  readonly connection: ConnectionMonitor;
  readonly transport: { readonly kind: 'ipc' | 'http'; readonly endpoint: string };
  /**
   * Hears every call the runtime refused, whichever part of the UI made it:
   * the store wiring watches for `unauthenticated` and `forbidden`, which may mean
   * the login ended (idle, expired, logged out in another tab).
   */
  onCallError(listener: (method: MethodName, error: ApiError) => void): () => void;
  /**
   * The login changed: the event stream is opened again so that it carries
   * the new session (serve mode's socket holds the cookie it was opened
   * with). Over IPC the main process keeps the window's session: nothing to do.
   */
  renewEvents(): void;
  dispose(): void;
}

export function createClient(transport: Transport): ScadaClient {
  const errorListeners = new Set<(method: MethodName, error: ApiError) => void>();
  const callAndReport = async (method: MethodName, request: unknown): Promise<unknown> => {
    try {
      return await transport.call(method, request);
    } catch (error) {
      if (error instanceof ApiError) {
        for (const listener of [...errorListeners]) {
          try {
            listener(method, error);
          } catch (cause) {
            console.error(`a call error listener failed on ${method}`, cause);
          }
        }
      }
      throw error;
    }
  };
  const call = <M extends MethodName>(method: M, request: RequestOf<M>): Promise<ResponseOf<M>> =>
    callAndReport(method, request) as Promise<ResponseOf<M>>;

  const methods: Record<string, (request: unknown) => Promise<unknown>> = {};
  for (const name of METHOD_NAMES) {
    methods[name] = (request) => callAndReport(name, request);
  }

  const subscribe = <E extends EventName>(
    event: E,
    params: ParamsOf<E>,
    listener: (payload: PayloadOf<E>) => void,
    options: SubscribeOptions = {},
  ): Subscription<E> => {
    const onError =
      options.onError ?? ((error: ApiError) => console.error(`subscribe ${event} refused: ${error.describe()}`));
    const sub = transport.subscribe(event, params, (payload) => listener(payload as PayloadOf<E>), onError);
    return Object.assign(() => sub.close(), { update: (next: ParamsOf<E>) => sub.update(next) });
  };

  return {
    ...(methods as unknown as Client),
    call,
    subscribe,
    connection: {
      get: () => transport.connectionState(),
      subscribe: (listener) => transport.onConnectionState(listener),
    },
    transport: { kind: transport.kind, endpoint: transport.endpoint },
    onCallError: (listener) => {
      errorListeners.add(listener);
      return () => errorListeners.delete(listener);
    },
    renewEvents: () => transport.renewEvents?.(),
    dispose: () => {
      errorListeners.clear();
      transport.dispose();
    },
  };
}
