// The one object the preload exposes to the renderer (as `window.scada`).
// It carries the contract and nothing else: no ipcRenderer, no Node.
import type { Result } from './contract';
import type { EventName, MethodName } from './names';

export interface ScadaBridge {
  /** Calls a contract method; errors come back as values. */
  call(method: MethodName, request: unknown): Promise<Result<unknown>>;
  /** Subscribes to an event stream; returns the function that ends the subscription. */
  subscribe(event: EventName, params: unknown, listener: (payload: unknown) => void): () => void;
}

export const BRIDGE_KEY = 'scada';

/** IPC channel names, shared by the preload and the main process. */
export const IPC = {
  call: 'contract:call',
  subscribe: 'contract:subscribe',
  unsubscribe: 'contract:unsubscribe',
  event: 'contract:event',
} as const;
