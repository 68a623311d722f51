// Wires the client to the stores for the life of the window: connection
// state, the tag catalogue, the devices and their status stream, and the
// historian's status (polled: it has no event stream). The tag value stream
// is opened by the tag table, for the rows it shows, and by the trend chart
// for its pens.
import { ApiError, type ScadaClient } from './api';
import { liveValues, useHmi } from './stores';

const RETRY_MS = 2_000;
/** How often the historian's status is asked for. */
const HISTORIAN_POLL_MS = 5_000;

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

  let historianInFlight = false;
  const loadHistorian = async (): Promise<void> => {
    if (historianInFlight) return;
    historianInFlight = true;
    try {
      const status = await client['history.status']({});
      if (!disposed) store.getState().setHistorian(status);
    } catch (error) {
      // While the link is down the link banner says so; the historian is not the news.
      if (!disposed && store.getState().connection !== 'reconnecting') store.getState().setHistorianError(describe(error));
    } finally {
      historianInFlight = false;
    }
  };
  const historianTimer = setInterval(() => void loadHistorian(), HISTORIAN_POLL_MS);

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
    void loadHistorian();
  });

  const endDeviceStatus = client.subscribe('devices.status', {}, (devices) => {
    if (Array.isArray(devices)) store.getState().setDevices(devices);
  });

  void loadCatalog();
  void loadDevices();
  void loadHistorian();

  return () => {
    disposed = true;
    clearInterval(historianTimer);
    if (retryTimer !== null) clearTimeout(retryTimer);
    offConnection();
    endDeviceStatus();
  };
}

function describe(error: unknown): string {
  return error instanceof ApiError ? error.describe() : String(error);
}
