// Wires the client to the stores for the life of the window: connection
// state, who is logged in (the `auth.session` stream), the tag catalogue,
// the devices and their status stream, the alarms and NE107 statuses (their
// stream), the historian's status and the MQTT uplink's (their streams:
// the runtime pushes each change, nothing here polls). The tag value stream
// is opened by the tag table, for the rows it shows, and by the trend chart
// for its pens.
import { ApiError, type ScadaClient } from './api';
import { isSessionRefusal, refreshSession, restoreLock, sessionPushed } from './features/auth/authSession';
import { can, liveValues, useHmi } from './stores';

const RETRY_MS = 2_000;
/** A refused call asks who we are at most this often. */
const REFUSAL_ASK_MS = 2_000;
/** setTimeout's limit is 2^31 ms (24.8 days); a session may last 30: check at least daily. */
const MAX_TIMER_MS = 86_400_000;

export function wireStores(client: ScadaClient): () => void {
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

  // While the link is down the link banner says so: a refusal then is not the news.
  const linkUp = (): boolean => store.getState().connection !== 'reconnecting';

  // The historian's and the uplink's status: pushed now and on every change.
  // The transport re-sends both subscriptions when the link is back (and
  // after a login, when serve mode's socket is opened again).
  const endHistorian = client.subscribe('history.status', {}, (status) => store.getState().setHistorian(status), {
    onError: (error) => {
      if (!disposed && linkUp()) store.getState().setHistorianError(describe(error));
    },
  });
  const endUplink = client.subscribe('uplink.status', {}, (status) => store.getState().setUplink(status), {
    onError: (error) => {
      if (!disposed && linkUp()) store.getState().setUplinkError(describe(error));
    },
  });

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
      store.getState().applyAlarmBatch(batch, alarmsFirstBatch || batch.complete === true);
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

  // ---- who is logged in ----

  // Refreshes never overlap: a burst of refused calls asks once.
  let sessionInFlight = false;
  const loadSession = async (): Promise<void> => {
    if (sessionInFlight || disposed) return;
    sessionInFlight = true;
    try {
      await refreshSession(client);
    } finally {
      sessionInFlight = false;
    }
  };
  // Who we are, pushed on every login, logout, expiry and role change (a
  // logout in another tab of this browser, an administrator's change).
  const endSessionStream = client.subscribe('auth.session', {}, (info) => sessionPushed(info), {
    onError: (error) => {
      if (!disposed && linkUp()) store.getState().setSessionError(describe(error));
    },
  });
  // A call refused as not logged in / not allowed may mean the login ended
  // (expired, idle in the runtime, logged out elsewhere): ask who we are. At
  // most every 2 s: a client elsewhere that is not logged in has every call
  // refused, and one question answers them all.
  let refusalAskedAt = 0;
  const offCallError = client.onCallError((method, error) => {
    if (!isSessionRefusal(method, error.kind) || Date.now() - refusalAskedAt < REFUSAL_ASK_MS) return;
    refusalAskedAt = Date.now();
    void loadSession();
  });
  // The session's own end: ask again just after it.
  let expiryTimer: ReturnType<typeof setTimeout> | null = null;
  const offSessionWatch = store.subscribe((state, previous) => {
    if (state.session === previous.session) return;
    if (expiryTimer !== null) clearTimeout(expiryTimer);
    expiryTimer = null;
    const expiresAt = state.session?.expiresAt ?? null;
    if (expiresAt !== null) {
      const wait = Math.min(MAX_TIMER_MS, Math.max(0, expiresAt - Date.now() + 1_000));
      expiryTimer = setTimeout(() => void loadSession(), wait);
    }
    // A client elsewhere may look only once logged in: what failed before, load now.
    if (previous.session !== null && !can(previous.session, 'read') && can(state.session, 'read')) reloadAll();
  });
  const reloadAll = (): void => {
    alarmsFirstBatch = true;
    void loadCatalog();
    void loadDevices();
    void loadAlarms();
  };

  store.getState().setConnection(client.connection.get());
  const offConnection = client.connection.subscribe((state) => {
    const previous = store.getState().connection;
    store.getState().setConnection(state);
    if (state !== 'connected') return;
    void loadSession();
    if (previous === 'reconnecting') alarmsFirstBatch = true;
    // Back after a loss: refresh what may be stale. (The first connect needs
    // nothing: the initial loads below are already on their way.)
    const { catalogStatus, devicesError } = store.getState();
    if (previous === 'reconnecting' || devicesError !== null) void loadDevices();
    if (catalogStatus === 'error') void loadCatalog();
    if (previous === 'reconnecting' || store.getState().alarmsError !== null) void loadAlarms();
  });

  const endDeviceStatus = client.subscribe('devices.status', {}, (devices) => {
    if (Array.isArray(devices)) store.getState().setDevices(devices);
  });

  restoreLock();
  void loadSession();
  void loadCatalog();
  void loadDevices();
  void loadAlarms();

  return () => {
    disposed = true;
    if (expiryTimer !== null) clearTimeout(expiryTimer);
    offSessionWatch();
    offCallError();
    if (retryTimer !== null) clearTimeout(retryTimer);
    offConnection();
    endDeviceStatus();
    endAlarms();
    endHistorian();
    endUplink();
    endSessionStream();
  };
}

function describe(error: unknown): string {
  return error instanceof ApiError ? error.describe() : String(error);
}
