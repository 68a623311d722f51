// Wires the client to the stores for the life of the window: connection
// state, the tag catalogue, the devices and their status stream. The tag
// value stream is opened by the tag table, for the rows it shows.
import { ApiError, type ScadaClient } from './api';
import { liveValues, useHmi } from './stores';

const RETRY_MS = 2_000;

export function startSession(client: ScadaClient): () => void {
  const store = useHmi;
  let disposed = false;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;

  const loadCatalog = async (): Promise<void> => {
    try {
      const tags = await client['tags.list']({});
      if (disposed) return;
      liveValues.seed(tags);
      store.getState().setCatalog(tags);
    } catch (error) {
      if (disposed) return;
      store.getState().setCatalogError(describe(error));
      retryTimer ??= setTimeout(() => {
        retryTimer = null;
        void loadCatalog();
      }, RETRY_MS);
    }
  };

  const loadDevices = async (): Promise<void> => {
    try {
      const devices = await client['devices.list']({});
      if (!disposed) store.getState().setDevices(devices);
    } catch (error) {
      if (!disposed) store.getState().setDevicesError(describe(error));
    }
  };

  store.getState().setConnection(client.connection.get());
  const offConnection = client.connection.subscribe((state) => {
    store.getState().setConnection(state);
    if (state !== 'connected') return;
    // Back after a loss (or a late first connect): refresh what may be stale.
    void loadDevices();
    if (store.getState().catalogStatus !== 'ready') void loadCatalog();
  });

  const endDeviceStatus = client.subscribe('devices.status', {}, (devices) => {
    if (Array.isArray(devices)) store.getState().setDevices(devices);
  });

  void loadCatalog();
  void loadDevices();

  return () => {
    disposed = true;
    if (retryTimer !== null) clearTimeout(retryTimer);
    offConnection();
    endDeviceStatus();
  };
}

function describe(error: unknown): string {
  return error instanceof ApiError ? error.describe() : String(error);
}
