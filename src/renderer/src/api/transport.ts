// What the client needs from a transport. Two implement it: the Electron
// preload bridge (`window.scada`) and serve mode's HTTP + WebSocket.
import type { EventName, MethodName } from '../../../shared/contract';
import type { ApiError } from './errors';

/**
 * `connecting`: never connected yet. `connected`: events flow.
 * `reconnecting`: the link was lost; the transport is retrying with backoff
 * and will restore every live subscription when it is back.
 */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting';

export interface TransportSubscription {
  /** Replaces the subscription's parameters (for `tags.changed`: its paths). */
  update(params: unknown): void;
  close(): void;
}

export interface Transport {
  readonly kind: 'ipc' | 'http';
  /** Where the runtime is, for the status bar ("IPC", "127.0.0.1:8080"). */
  readonly endpoint: string;
  /** Resolves with the method's response; rejects with an ApiError. */
  call(method: MethodName, request: unknown): Promise<unknown>;
  subscribe(
    event: EventName,
    params: unknown,
    listener: (payload: unknown) => void,
    onError: (error: ApiError) => void,
  ): TransportSubscription;
  connectionState(): ConnectionState;
  onConnectionState(listener: (state: ConnectionState) => void): () => void;
  /** Opens the event stream again (with the session now current); optional: IPC has no need. */
  renewEvents?(): void;
  dispose(): void;
}
