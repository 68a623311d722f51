// The application's client: Electron IPC when the preload exposed the bridge,
// otherwise serve mode over HTTP + WebSocket at the page's own origin.
import { BridgeTransport, findBridge } from './bridgeTransport';
import { createClient, type ScadaClient } from './client';
import { HttpTransport } from './httpTransport';

export { ApiError, toApiError } from './errors';
export type { ConnectionState } from './transport';
export type { ConnectionMonitor, ScadaClient, SubscribeOptions, Subscription } from './client';
export { createClient } from './client';
export { ClientProvider, useClient } from './ClientContext';

export function createDefaultClient(): ScadaClient {
  const bridge = findBridge();
  return createClient(bridge ? new BridgeTransport(bridge) : new HttpTransport());
}
