// The one object the preload exposes to the renderer (as `window.scada`).
// It carries the contract and nothing else: no ipcRenderer, no Node.
import type { ContractError, Result } from './contract';
import type { EventName, MethodName } from './names';

/** One subscription through the bridge. */
export interface BridgeSubscription {
  /** Replaces the params in place: the main process keeps the stream (and its id), no gap, no resubscribe. */
  update(params: unknown): void;
  close(): void;
}

export interface ScadaBridge {
  /** Calls a contract method; errors come back as values. */
  call(method: MethodName, request: unknown): Promise<Result<unknown>>;
  /**
   * Subscribes to an event stream. A refusal of the subscription (or of an
   * update: bad params, no permission, a tag that does not exist) reaches
   * `onError`, as over the WebSocket.
   */
  subscribe(event: EventName, params: unknown, listener: (payload: unknown) => void, onError?: (error: ContractError) => void): BridgeSubscription;
}

export const BRIDGE_KEY = 'scada';

/** IPC channel names, shared by the preload and the main process. */
export const IPC = {
  call: 'contract:call',
  subscribe: 'contract:subscribe',
  unsubscribe: 'contract:unsubscribe',
  event: 'contract:event',
} as const;
