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
import type { ApiError } from './errors';
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
  dispose(): void;
}

export function createClient(transport: Transport): ScadaClient {
  const call = <M extends MethodName>(method: M, request: RequestOf<M>): Promise<ResponseOf<M>> =>
    transport.call(method, request) as Promise<ResponseOf<M>>;

  const methods: Record<string, (request: unknown) => Promise<unknown>> = {};
  for (const name of METHOD_NAMES) {
    methods[name] = (request) => transport.call(name, request);
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
    dispose: () => transport.dispose(),
  };
}
