// Wires the client to the stores for the life of the window: connection
// state, the tag catalogue, the devices and their status stream, the alarms
// and NE107 statuses (their stream), and the historian's status (polled: it
// has no event stream). The tag value stream is opened by the tag table, for
// the rows it shows, and by the trend chart for its pens.
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

  // The alarm stream's first batch after (re)subscribing holds every
  // configured alarm and replaces what the store has (an alarm removed while
  // the link was down goes); later batches carry what changed, merged by id.
  // The transport re-sends the subscription when the link is back, so the
  // flag is raised again on every reconnect.
  let alarmsFirstBatch = true;
  const endAlarms = client.subscribe(
    'alarms.changed',
    {},
    (batch) => {
      if (typeof batch !== 'object' || batch === null) return;
      store.getState().applyAlarmBatch(batch, alarmsFirstBatch);
      alarmsFirstBatch = false;
    },
    { onError: (error) => store.getState().setAlarmsError(describe(error)) },
  );

  // `alarms.list` once per connection: the journal's state (which has no
  // stream), a snapshot in case the stream is slow to start, and a clear
  // error when this runtime has no alarms to give.
  const loadAlarms = async (): Promise<void> => {
    try {
      const { alarms, counts, journal } = await client['alarms.list']({ filter: { show: 'all' } });
      if (disposed) return;
      store.getState().setAlarmSnapshot(alarms, counts);
      store.getState().setJournalStatus(journal);
    } catch (error) {
      if (!disposed && store.getState().connection !== 'reconnecting') store.getState().setAlarmsError(describe(error));
    }
  };

  store.getState().setConnection(client.connection.get());
  const offConnection = client.connection.subscribe((state) => {
    const previous = store.getState().connection;
    store.getState().setConnection(state);
    if (state !== 'connected') return;
    if (previous === 'reconnecting') alarmsFirstBatch = true;
    // Back after a loss: refresh what may be stale. (The first connect needs
    // nothing: the initial loads below are already on their way.)
    const { catalogStatus, devicesError } = store.getState();
    if (previous === 'reconnecting' || devicesError !== null) void loadDevices();
    if (catalogStatus === 'error') void loadCatalog();
    if (previous === 'reconnecting' || store.getState().alarmsError !== null) void loadAlarms();
    void loadHistorian();
  });

  const endDeviceStatus = client.subscribe('devices.status', {}, (devices) => {
    if (Array.isArray(devices)) store.getState().setDevices(devices);
  });

  void loadCatalog();
  void loadDevices();
  void loadHistorian();
  void loadAlarms();

  return () => {
    disposed = true;
    clearInterval(historianTimer);
    if (retryTimer !== null) clearTimeout(retryTimer);
    offConnection();
    endDeviceStatus();
    endAlarms();
  };
}

function describe(error: unknown): string {
  return error instanceof ApiError ? error.describe() : String(error);
}
