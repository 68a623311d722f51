// Electron: the contract over the preload bridge (`window.scada`). IPC does
// not drop while the window lives, so the connection is always `connected`.
import type { EventName, MethodName, Result } from '../../../shared/contract';
import { BRIDGE_KEY, type BridgeSubscription, type ScadaBridge } from '../../../shared/bridge';
import { ApiError, parseContractError } from './errors';
import type { ConnectionState, Transport, TransportSubscription } from './transport';

declare global {
  interface Window {
    scada?: ScadaBridge;
  }
}

/** The bridge if the preload exposed one (we run inside Electron). */
export function findBridge(): ScadaBridge | null {
  const candidate: unknown = (window as unknown as Record<string, unknown>)[BRIDGE_KEY];
  if (typeof candidate !== 'object' || candidate === null) return null;
  const { call, subscribe } = candidate as Record<string, unknown>;
  return typeof call === 'function' && typeof subscribe === 'function' ? (candidate as ScadaBridge) : null;
}

export class BridgeTransport implements Transport {
  readonly kind = 'ipc';
  readonly endpoint = 'IPC';

  constructor(private readonly bridge: ScadaBridge) {}

  async call(method: MethodName, request: unknown): Promise<unknown> {
    let result: Result<unknown>;
    try {
      result = await this.bridge.call(method, request);
    } catch (error) {
      throw new ApiError({ kind: 'unavailable', message: `IPC call failed: ${String(error)}` });
    }
    if (result.ok) return result.value;
    throw new ApiError(
      parseContractError(result.error) ?? { kind: 'internal', message: 'malformed error from the runtime' },
    );
  }

  subscribe(
    event: EventName,
    params: unknown,
    listener: (payload: unknown) => void,
    onError: (error: ApiError) => void,
  ): TransportSubscription {
    const refused = (error: unknown) =>
      onError(new ApiError(parseContractError(error) ?? { kind: 'internal', message: 'subscription refused' }));
    let subscription: BridgeSubscription | null;
    try {
      subscription = this.bridge.subscribe(event, params, listener, refused);
    } catch (error) {
      onError(new ApiError({ kind: 'invalid_request', message: String(error) }));
      subscription = null;
    }
    return {
      // In place: the main process keeps the subscription and takes its new params.
      update: (next) => subscription?.update(next),
      close: () => {
        subscription?.close();
        subscription = null;
      },
    };
  }

  connectionState(): ConnectionState {
    return 'connected';
  }

  onConnectionState(): () => void {
    return () => {};
  }

  dispose(): void {}
}
