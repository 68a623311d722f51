// Event streams, declared once in the contract, over both transports with no
// case of their own: the renderer's own client, once over serve mode's
// HTTP + WebSocket and once over the preload bridge and the IPC binding (an
// in-memory ipcMain/ipcRenderer pair, since Electron cannot run here), on
// one runtime. Every declared event opens; a refused subscription reaches
// the client's error callback on both; an IPC subscription takes new params
// in place; the status streams push changes without being asked.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { BRIDGE_KEY, IPC, type ScadaBridge } from '../../../src/shared/bridge';
import { EVENT_NAMES, type EventName } from '../../../src/shared/names';
import type { SessionInfo } from '../../../src/shared/security';
import type { TagChange } from '../../../src/shared/types';
import { parseProject } from '../../../src/main/runtime/project/load';
import { Runtime } from '../../../src/main/runtime/runtime';
import { RUNTIME_CALLER } from '../../../src/main/runtime/security/security';
import { dispatchFor } from '../../../src/main/transport/dispatch';
import { createHttpTransport } from '../../../src/main/transport/http';
import { bindIpc } from '../../../src/main/transport/ipc';
import { createClient, type ScadaClient } from '../../../src/renderer/src/api/client';
import type { ApiError } from '../../../src/renderer/src/api/errors';
import { BridgeTransport } from '../../../src/renderer/src/api/bridgeTransport';
import { HttpTransport } from '../../../src/renderer/src/api/httpTransport';
import { RawModbusServer } from '../../helpers/rawModbusServer';
import { waitFor } from '../../helpers/waitFor';

declare global {
  // The renderer's transports mention the page's `window` (its origin, the
  // preload's bridge); this test hands them both directly, but Node's types
  // must know the name.
  var window: { readonly location: { readonly origin: string } };
}

const APP = 'file:///app/out/renderer/index.html';
const PASSWORD = 'operator-password-1';

/** Electron's ipcMain and ipcRenderer for one window, joined in memory; the preload runs against it. */
const electron = vi.hoisted(() => {
  const mainHandlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  const rendererListeners = new Map<string, (event: unknown, ...args: unknown[]) => void>();
  const invoked: unknown[][] = [];
  let exposed: unknown = null;
  const sender = {
    id: 1,
    send: (channel: string, ...args: unknown[]) => rendererListeners.get(channel)?.({}, ...args),
    isDestroyed: () => false,
    once: () => undefined,
  };
  return {
    mainHandlers,
    invoked,
    sender,
    exposed: () => exposed,
    module: {
      contextBridge: { exposeInMainWorld: (_key: string, api: unknown) => (exposed = api) },
      ipcRenderer: {
        invoke: async (channel: string, ...args: unknown[]) => {
          invoked.push([channel, ...args]);
          return mainHandlers.get(channel)!({ sender, senderFrame: { url: 'file:///app/out/renderer/index.html' } }, ...args);
        },
        on: (channel: string, listener: (event: unknown, ...args: unknown[]) => void) => rendererListeners.set(channel, listener),
      },
    },
  };
});

vi.mock('electron', () => electron.module);

let device: RawModbusServer;
let runtime: Runtime;
let origin: string;
let port: number;
let closeServer: () => Promise<void>;
let unbindIpc: () => void;
const clients: Record<'http' | 'ipc', ScadaClient> = {} as Record<'http' | 'ipc', ScadaClient>;

beforeAll(async () => {
  device = new RawModbusServer();
  const modbusPort = await device.listen();
  runtime = new Runtime(
    parseProject(`
devices: [{ name: plc, driver: modbus-tcp, host: 127.0.0.1, port: ${modbusPort}, pollMs: 50, timeoutMs: 2000 }]
tags:
  - { path: Area/Level, device: plc, address: "HR:0" }
  - { path: Area/Temp, device: plc, address: "HR:1" }
`),
    { changeIntervalMs: 20, statusIntervalMs: 20 },
  );
  runtime.start();
  await runtime.security.addUser('op', 'operator', PASSWORD, RUNTIME_CALLER);

  const server = createHttpTransport({ dispatch: dispatchFor(runtime), openEvents: (send, caller) => runtime.openEvents(send, caller) });
  await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
  port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  closeServer = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  // The renderer's HttpTransport uses the browser's WebSocket; ws has the same interface.
  (globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;
  clients.http = createClient(new HttpTransport({ origin }));

  unbindIpc = bindIpc(
    {
      handle: (channel, listener) => electron.mainHandlers.set(channel, listener as (event: unknown, ...args: unknown[]) => unknown),
      removeHandler: (channel) => electron.mainHandlers.delete(channel),
    },
    {
      dispatch: dispatchFor(runtime),
      openEvents: (send, caller) => runtime.openEvents(send, caller),
      isTrustedUrl: (url) => url === APP,
      local: { user: 'os-user', workstation: 'ws-ipc' },
    },
  );
  await import('../../../src/preload/index');
  expect(BRIDGE_KEY).toBe('scada');
  clients.ipc = createClient(new BridgeTransport(electron.exposed() as ScadaBridge));
  await waitFor(() => runtime.engine.find('Area/Level')!.quality.status === 'good', 'first values');
});

afterAll(async () => {
  for (const client of Object.values(clients)) client?.dispose();
  unbindIpc?.();
  await closeServer?.();
  await runtime?.stop();
  await device?.close();
});

/** Subscribes through the client; collects payloads and errors. */
function collect<E extends EventName>(client: ScadaClient, event: E, params: unknown) {
  const payloads: unknown[] = [];
  const errors: ApiError[] = [];
  const subscription = client.subscribe(event, params as never, (payload) => payloads.push(payload), { onError: (error) => errors.push(error) });
  return { payloads, errors, subscription };
}

const PARAMS: Record<EventName, unknown> = {
  'tags.changed': { paths: ['Area/Level'] },
  'devices.status': {},
  'alarms.changed': {},
  'history.status': {},
  'uplink.status': {},
  'auth.session': {},
};

describe.each(['http', 'ipc'] as const)('event streams over %s', (kind) => {
  it('open for every event the contract declares, through the same client', async () => {
    for (const event of EVENT_NAMES) {
      const { payloads, errors, subscription } = collect(clients[kind], event, PARAMS[event]);
      // This project records no history: that one stream is refused, and says why.
      if (event === 'history.status') {
        await waitFor(() => errors.length > 0, `${event} refused`);
        expect(errors[0]).toMatchObject({ kind: 'unavailable', message: 'history is off for this project' });
      } else {
        await waitFor(() => payloads.length > 0, `the first ${event}`);
        expect(errors, event).toEqual([]);
      }
      subscription();
    }
  });

  it('hands a refused subscription to the error callback: bad params, and a tag that does not exist', async () => {
    const bad = collect(clients[kind], 'tags.changed', { paths: 'Area' });
    await waitFor(() => bad.errors.length > 0, 'the refusal');
    expect(bad.errors[0]).toMatchObject({ kind: 'invalid_request' });
    bad.subscription();

    const partly = collect(clients[kind], 'tags.changed', { paths: ['Area/Level', 'Area/Nope'] });
    await waitFor(() => partly.errors.length > 0 && partly.payloads.length > 0, 'the refusal and the known tag');
    expect(partly.errors[0]).toMatchObject({ kind: 'not_found' });
    partly.subscription();
  });

  it('replaces a subscription’s params in place', async () => {
    const invokedBefore = electron.invoked.length;
    const { payloads, errors, subscription } = collect(clients[kind], 'tags.changed', { paths: ['Area/Level'] });
    await waitFor(() => payloads.length > 0, 'the first values');
    subscription.update({ paths: ['Area/Level', 'Area/Temp'] });
    await waitFor(() => (payloads as TagChange[][]).some((batch) => batch.some((c) => c.path === 'Area/Temp')), 'the added tag');
    expect(errors).toEqual([]);
    if (kind === 'ipc') {
      const channels = electron.invoked.slice(invokedBefore).map(([channel]) => channel);
      expect(channels).toEqual([IPC.subscribe, IPC.subscribe]);
    }
    subscription();
  });

  it('pushes the login’s changes on auth.session', async () => {
    if (kind === 'http') return; // Node's fetch keeps no cookie: the raw WebSocket test below covers serve mode.
    const { payloads } = collect(clients.ipc, 'auth.session', {});
    await waitFor(() => payloads.length > 0, 'who we are');
    expect(payloads.at(-1)).toMatchObject({ user: null, role: 'viewer' });
    await clients.ipc['auth.login']({ user: 'op', password: PASSWORD });
    await waitFor(() => (payloads.at(-1) as SessionInfo).user === 'op', 'the login pushed');
    await runtime.security.setRole('op', 'engineer', RUNTIME_CALLER);
    await waitFor(() => (payloads.at(-1) as SessionInfo).role === 'engineer', 'the role change pushed');
    await runtime.security.setRole('op', 'operator', RUNTIME_CALLER);
    await clients.ipc['auth.logout']({});
    await waitFor(() => (payloads.at(-1) as SessionInfo).user === null, 'the logout pushed');
  });
});

describe('event streams over the WebSocket, from elsewhere', () => {
  function open(token?: string) {
    return new Promise<{ ws: WebSocket; messages: { id: string | null; error?: { kind: string }; payload?: unknown }[] }>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/api/events`, {
        localAddress: '127.0.0.2',
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      const messages: { id: string | null; error?: { kind: string }; payload?: unknown }[] = [];
      ws.on('message', (data) => messages.push(JSON.parse(data.toString())));
      ws.once('open', () => resolve({ ws, messages }));
      ws.once('error', reject);
    });
  }

  it('checks each event’s declared permission: a public stream opens without a login, a read stream does not', async () => {
    const anonymous = await open();
    anonymous.ws.send(JSON.stringify({ op: 'subscribe', id: 'd', event: 'devices.status', params: {} }));
    anonymous.ws.send(JSON.stringify({ op: 'subscribe', id: 'a', event: 'auth.session', params: {} }));
    await waitFor(() => anonymous.messages.length >= 2, 'two answers');
    expect(anonymous.messages.find((m) => m.id === 'd')).toMatchObject({ error: { kind: 'unauthenticated' } });
    expect(anonymous.messages.find((m) => m.id === 'a')).toMatchObject({ payload: { user: null, role: null } });
    anonymous.ws.close();
  });

  it('pushes auth.session on a role change and the logout, and ends what the login allowed', async () => {
    const login = await fetch(`${origin}/api/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'op', password: PASSWORD }),
    });
    const { token } = (await login.json()) as { token: string };
    const client = await open(token);
    client.ws.send(JSON.stringify({ op: 'subscribe', id: 'a', event: 'auth.session', params: {} }));
    client.ws.send(JSON.stringify({ op: 'subscribe', id: 'u', event: 'uplink.status', params: {} }));
    const sessions = () => client.messages.filter((m) => m.id === 'a').map((m) => m.payload as SessionInfo);
    await waitFor(() => sessions().length > 0 && client.messages.some((m) => m.id === 'u'), 'the first pushes');
    expect(sessions()[0]).toMatchObject({ user: 'op', role: 'operator' });
    expect(client.messages.find((m) => m.id === 'u')).toMatchObject({ payload: { state: 'disabled' } });

    await runtime.security.setRole('op', 'engineer', RUNTIME_CALLER);
    await waitFor(() => sessions().at(-1)?.role === 'engineer', 'the new role');
    await runtime.security.setRole('op', 'operator', RUNTIME_CALLER);
    await fetch(`${origin}/api/auth.logout`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{}' });
    await waitFor(() => sessions().at(-1)?.user === null, 'the logout');
    expect(sessions().at(-1)).toMatchObject({ user: null, role: null });
    // The read stream ended with the login; the public one goes on.
    client.ws.send(JSON.stringify({ op: 'subscribe', id: 'u', event: 'uplink.status', params: {} }));
    await waitFor(() => client.messages.some((m) => m.id === 'u' && m.error), 'the refusal');
    client.ws.close();
  });
});
