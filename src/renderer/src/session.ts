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

  let catalogInFlight = false;
  const loadCatalog = async (): Promise<void> => {
    if (catalogInFlight) return;
    catalogInFlight = true;
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
    } finally {
      catalogInFlight = false;
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
    const previous = store.getState().connection;
    store.getState().setConnection(state);
    if (state !== 'connected') return;
    // Back after a loss: refresh what may be stale. (The first connect needs
    // nothing: the initial loads below are already on their way.)
    const { catalogStatus, devicesError } = store.getState();
    if (previous === 'reconnecting' || devicesError !== null) void loadDevices();
    if (catalogStatus === 'error') void loadCatalog();
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
