// The contract over both transports: HTTP + WebSocket (serve mode) and
// Electron IPC (through an in-memory ipcMain/webContents pair, since the
// Electron binary cannot run here), on a runtime polling a real Modbus server.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { IPC } from '../../../src/shared/bridge';
import type { Result } from '../../../src/shared/contract';
import type { TagChange } from '../../../src/shared/types';
import { parseProject } from '../../../src/main/runtime/project/load';
import { Runtime } from '../../../src/main/runtime/runtime';
import { dispatchFor } from '../../../src/main/transport/dispatch';
import { RUNTIME_CALLER } from '../../../src/main/runtime/security/security';

const LOCAL = { user: 'tester', workstation: 'ws-test' };
import { createHttpTransport } from '../../../src/main/transport/http';
import { bindIpc, type IpcEventLike, type IpcMainLike, type IpcSender } from '../../../src/main/transport/ipc';
import { RawModbusServer } from '../../helpers/rawModbusServer';
import { waitFor } from '../../helpers/waitFor';

let device: RawModbusServer;
let runtime: Runtime;
let base: string;
let close: () => Promise<void>;
/** An operator's session: the contract's writes and acknowledgements need one. */
let bearer: string;
const OPERATOR_PASSWORD = 'operator-password-1';

beforeAll(async () => {
  device = new RawModbusServer();
  const port = await device.listen();
  device.registers[0] = 100;
  runtime = new Runtime(
    parseProject(`
devices: [{ name: plc, driver: modbus-tcp, host: 127.0.0.1, port: ${port}, pollMs: 50, timeoutMs: 2000 }]
tags:
  - { path: Area/Unit/Level, device: plc, address: "HR:0", units: m, writable: true }
  - { path: Area/Unit/Temp, device: plc, address: "HR:1" }
  - { path: Area/Other/Flag, device: plc, address: "CO:0" }
  - path: Area/Unit/Pressure
    device: plc
    address: "HR:2"
    units: bar
    alarms: [{ kind: hi, limit: 50, priority: 1, message: "Pressure high: {value} {units}" }]
`),
    { changeIntervalMs: 20, statusIntervalMs: 20 },
  );
  runtime.start();
  await runtime.security.addUser('op', 'operator', OPERATOR_PASSWORD, RUNTIME_CALLER);
  const server = createHttpTransport({ dispatch: dispatchFor(runtime), openEvents: (send, caller) => runtime.openEvents(send, caller) });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const login = await fetch(`${base}/api/auth.login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ user: 'op', password: OPERATOR_PASSWORD }),
  });
  bearer = ((await login.json()) as { token: string }).token;
  // Keep-alive sockets would hold close() open. (The device has a 2 s timeout: on a busy machine, with the fuzzers beside this file, a slow poll is not a lost link.)
  close = () => new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  await waitFor(() => runtime.engine.find('Area/Unit/Level')!.quality.status === 'good', 'first values');
});

afterAll(async () => {
  await close?.();
  await runtime?.stop();
  await device?.close();
});

async function post(method: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${bearer}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { error?: { kind: string; message: string } } };
}

describe('contract over HTTP', () => {
  it('lists tags with value, quality, timestamp, units and writability', async () => {
    const { status, body } = await post('tags.list', {});
    expect(status).toBe(200);
    const level = (body as unknown as Array<Record<string, unknown>>).find((t) => t.path === 'Area/Unit/Level');
    expect(level).toMatchObject({ value: 100, quality: { status: 'good' }, units: 'm', writable: true, device: 'plc' });
    expect(typeof level!.ts).toBe('number');
    const filtered = (await post('tags.list', { search: 'temp' })).body as unknown as unknown[];
    expect(filtered).toHaveLength(1);
  });

  it('browses folders', async () => {
    expect((await post('tags.browse', { folder: '' })).body).toEqual([{ kind: 'folder', name: 'Area', path: 'Area', tagCount: 4 }]);
    expect((await post('tags.browse', { folder: 'Area/Unit' })).body).toEqual([
      { kind: 'tag', name: 'Level', path: 'Area/Unit/Level' },
      { kind: 'tag', name: 'Pressure', path: 'Area/Unit/Pressure' },
      { kind: 'tag', name: 'Temp', path: 'Area/Unit/Temp' },
    ]);
    expect(await post('tags.browse', { folder: 'Nope' })).toMatchObject({ status: 404, body: { error: { kind: 'not_found' } } });
  });

  it('writes to the device and reports the result', async () => {
    const { status, body } = await post('tags.write', { path: 'Area/Unit/Level', value: 321 });
    expect(status).toBe(200);
    expect(body).toMatchObject({ path: 'Area/Unit/Level', written: 321 });
    expect(device.registers[0]).toBe(321);
    expect(await post('tags.write', { path: 'Area/Unit/Temp', value: 1 })).toMatchObject({
      status: 403,
      body: { error: { kind: 'not_writable', message: 'Area/Unit/Temp is read-only' } },
    });
  });

  it('lists devices with counters', async () => {
    const { body } = await post('devices.list', {});
    expect((body as unknown as unknown[])[0]).toMatchObject({ name: 'plc', driver: 'modbus-tcp', status: 'connected', errors: 0 });
    expect(((body as unknown as Array<{ requests: number }>)[0]!).requests).toBeGreaterThan(0);
    expect(await post('simulator.status', {})).toMatchObject({ status: 503, body: { error: { kind: 'unavailable' } } });
  });

  it.each([
    ['tags.write', '{"path": 1}', 400, 'path'],
    ['tags.write', { path: 'Area/Unit/Level', value: 'x' }, 400, 'value'],
    ['tags.write', { path: 'Area/Unit/Level', value: 1, __proto__x: 1 }, 400, 'Unrecognized key'],
    ['tags.write', '{"path":"Area/Unit/Level","value":1,"__proto__":{"admin":true}}', 400, '__proto__'],
    ['tags.list', '{not json', 400, 'not JSON'],
    ['tags.list', '[1,2]', 400, 'expected object'],
    ['tags.browse', { folder: 'x'.repeat(5000) }, 400, 'folder: Too big'],
    ['nope.method', {}, 404, 'no method "nope.method"'],
    ['tags.list%E0%A4%A', {}, 400, 'not valid URL encoding'],
    ['tags.write', { path: 'No/Such', value: 1 }, 404, 'no tag "No/Such"'],
  ])('refuses a bad %s request (#%#)', async (method, body, status, text) => {
    const res = await post(method, body);
    expect(res.status).toBe(status);
    expect(res.body.error!.message).toContain(text);
    expect(device.registers[1]).toBe(0); // nothing written by a refused request
  });

  it('requires JSON and POST, and refuses huge bodies', async () => {
    const form = await fetch(`${base}/api/tags.list`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{}' });
    expect(form.status).toBe(415);
    const typed = (type: string) => fetch(`${base}/api/tags.list`, { method: 'POST', headers: { 'Content-Type': type }, body: '{}' }).then((r) => r.status);
    expect(await typed('Application/JSON; charset=utf-8')).toBe(200);
    expect(await typed('application/jsonx')).toBe(415);
    expect((await fetch(`${base}/api/tags.list`)).status).toBe(405);
    const huge = await post('tags.list', JSON.stringify({ search: 'x'.repeat(2 * 1024 * 1024) }));
    expect(huge.status).toBe(413);
  });

  it('streams batched changes of the subscribed tags only, over the WebSocket', async () => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/api/events`);
    const messages: Array<{ id: string | null; event?: string; payload?: TagChange[]; error?: { kind: string; message: string } }> = [];
    ws.on('message', (data) => messages.push(JSON.parse(data.toString())));
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ op: 'subscribe', id: 's1', event: 'tags.changed', params: { paths: ['Area/Unit/Temp'] } }));
    await waitFor(() => messages.some((m) => m.id === 's1'), 'the initial value');
    expect(messages[0]!.payload![0]).toMatchObject({ path: 'Area/Unit/Temp', quality: { status: 'good' } });
    device.registers[1] = 77;
    device.registers[0] = 5; // not subscribed
    await waitFor(() => messages.some((m) => m.payload?.some((c) => c.path === 'Area/Unit/Temp' && c.value === 77)), 'the change');
    expect(messages.flatMap((m) => m.payload ?? []).some((c) => c.path === 'Area/Unit/Level')).toBe(false);

    ws.send('not json');
    ws.send(JSON.stringify({ op: 'subscribe', id: 's2', event: 'tags.changed', params: { paths: 'Area' } }));
    ws.send(JSON.stringify({ op: 'subscribe', id: 's3', event: 'alarms.sing', params: {} }));
    ws.send(JSON.stringify({ op: 'dance' }));
    await waitFor(() => messages.filter((m) => m.error).length >= 4, 'four errors');
    const errors = messages.filter((m) => m.error).map((m) => m.error!.message);
    expect(errors[0]).toContain('bad message');
    expect(errors[1]).toContain('paths');
    expect(errors[2]).toContain('no event stream "alarms.sing"');
    expect(errors[3]).toContain('op must be');
    ws.close();
  });

  it('refuses a WebSocket from another origin', async () => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/api/events`, { headers: { Origin: 'http://evil.example' } });
    const outcome = await new Promise((resolve) => {
      ws.once('open', () => resolve('open'));
      ws.once('error', () => resolve('refused'));
    });
    expect(outcome).toBe('refused');
  });
});

/** An in-memory stand-in for Electron's ipcMain and one window's webContents. */
function fakeIpc() {
  const handlers = new Map<string, (event: IpcEventLike, ...args: unknown[]) => unknown>();
  const ipcMain: IpcMainLike = {
    handle: (channel, listener) => handlers.set(channel, listener),
    removeHandler: (channel) => handlers.delete(channel),
  };
  const received: unknown[][] = [];
  let destroyed: (() => void) | null = null;
  const sender: IpcSender = {
    id: 1,
    send: (channel, ...args) => received.push([channel, ...args]),
    isDestroyed: () => false,
    once: (_event, listener) => (destroyed = listener),
  };
  const invoke = async (url: string, channel: string, ...args: unknown[]) => {
    const handler = handlers.get(channel);
    if (!handler) throw new Error(`no handler for ${channel}`);
    return handler({ sender, senderFrame: { url } }, ...args) as Promise<Result<unknown>>;
  };
  return { ipcMain, handlers, received, invoke, destroy: () => destroyed?.() };
}

describe('contract over IPC', () => {
  const APP = 'file:///app/out/renderer/index.html';

  it('answers calls from the app window, refuses other frames, and validates requests', async () => {
    const ipc = fakeIpc();
    const unbind = bindIpc(ipc.ipcMain, { dispatch: dispatchFor(runtime), openEvents: (s, c) => runtime.openEvents(s, c), isTrustedUrl: (u) => u === APP, local: LOCAL });
    const list = await ipc.invoke(APP, IPC.call, 'tags.list', { folder: 'Area/Other' });
    expect(list).toMatchObject({ ok: true, value: [{ path: 'Area/Other/Flag' }] });
    expect(await ipc.invoke('https://evil.example/', IPC.call, 'tags.list', {})).toMatchObject({ ok: false, error: { kind: 'invalid_request' } });
    expect(await ipc.invoke(APP, IPC.call, 'tags.list', { folder: 5 })).toMatchObject({ ok: false, error: { kind: 'invalid_request' } });
    // Permission first: a viewer learns nothing about a write request, well formed or not.
    expect(await ipc.invoke(APP, IPC.call, 'tags.write', { path: 5 })).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
    expect(await ipc.invoke(APP, IPC.call, 'shell.exec', {})).toMatchObject({ ok: false, error: { kind: 'unknown_method' } });
    // A window without a login is a viewer.
    const write = await ipc.invoke(APP, IPC.call, 'tags.write', { path: 'Area/Unit/Level', value: 5 });
    expect(write).toMatchObject({ ok: false, error: { kind: 'forbidden', message: 'without a login you are a viewer, who may not write to tags' } });
    unbind();
    expect(ipc.handlers.size).toBe(0);
  });

  it('delivers subscribed events to the window and ends them when it closes', async () => {
    const ipc = fakeIpc();
    const unbind = bindIpc(ipc.ipcMain, { dispatch: dispatchFor(runtime), openEvents: (s, c) => runtime.openEvents(s, c), isTrustedUrl: (u) => u === APP, local: LOCAL });
    expect(await ipc.invoke(APP, IPC.subscribe, 'w1', 'tags.changed', { paths: ['Area/Unit/Level'] })).toEqual({ ok: true, value: null });
    expect(await ipc.invoke(APP, IPC.subscribe, 'w2', 'devices.status', {})).toEqual({ ok: true, value: null });
    expect(await ipc.invoke(APP, IPC.subscribe, 'w3', 'tags.changed', { paths: ['Nope'] })).toMatchObject({ ok: false, error: { kind: 'not_found' } });
    device.registers[0] = 4242;
    await waitFor(() => ipc.received.some(([, id, , payload]) => id === 'w1' && (payload as TagChange[]).some((c) => c.value === 4242)), 'the change over IPC');
    expect(ipc.received.some(([channel, id, event]) => channel === IPC.event && id === 'w2' && event === 'devices.status')).toBe(true);
    ipc.destroy();
    const count = ipc.received.length;
    device.registers[0] = 1;
    await new Promise((r) => setTimeout(r, 200));
    expect(ipc.received.filter(([, id]) => id === 'w1').length).toBe(ipc.received.slice(0, count).filter(([, id]) => id === 'w1').length);
    unbind();
  });
});

describe('alarms over both transports', () => {
  const APP = 'file:///app/out/renderer/index.html';
  const ID = 'Area/Unit/Pressure#hi';

  it('streams alarm changes, acknowledges over HTTP and IPC, and journals who did it from where', async () => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/api/events`);
    const batches: Array<{ id: string; payload?: { alarms: { id: string; state: string; message: string }[]; counts: { unacknowledged: number } } }> = [];
    ws.on('message', (data) => batches.push(JSON.parse(data.toString())));
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ op: 'subscribe', id: 'a1', event: 'alarms.changed', params: {} }));
    await waitFor(() => batches.some((b) => b.id === 'a1'), 'the first batch');
    expect(batches[0]!.payload!.alarms.map((a) => a.id)).toEqual([ID]);

    device.registers[2] = 80;
    const raised = await waitFor(() => batches.flatMap((b) => b.payload?.alarms ?? []).find((a) => a.id === ID && a.state === 'unacknowledged'), 'the alarm');
    expect(raised.message).toBe('Pressure high: 80 bar');
    const listed = await post('alarms.list', { filter: {} });
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({ alarms: [{ id: ID, state: 'unacknowledged', priority: 1 }], counts: { unacknowledged: 1 }, journal: { state: 'off' } });

    const acked = await post('alarms.ack', { ids: [ID], comment: 'over HTTP' });
    expect(acked).toMatchObject({ status: 200, body: { acknowledged: [ID] } });
    await waitFor(() => batches.flatMap((b) => b.payload?.alarms ?? []).some((a) => a.id === ID && a.state === 'acknowledged'), 'the ack event');
    expect(await post('alarms.ack', { ids: ['Area/Unit/Nope#hi'] })).toMatchObject({ status: 404, body: { error: { kind: 'not_found' } } });
    expect(await post('alarms.shelve', { id: ID, durationMs: -1, reason: 'x' })).toMatchObject({ status: 400 });
    expect(await post('alarms.journal', { from: 0, to: 1 })).toMatchObject({ status: 503, body: { error: { message: 'the alarm journal is off for this project' } } });
    expect(runtime.alarms.find(ID)).toMatchObject({ ackedBy: 'op' });

    device.registers[2] = 0;
    await waitFor(() => runtime.alarms.find(ID)!.state === 'normal', 'back to normal');
    device.registers[2] = 90;
    await waitFor(() => runtime.alarms.find(ID)!.state === 'unacknowledged', 'raised again');
    const ipc = fakeIpc();
    const unbind = bindIpc(ipc.ipcMain, { dispatch: dispatchFor(runtime), openEvents: (s, c) => runtime.openEvents(s, c), isTrustedUrl: (u) => u === APP, local: LOCAL });
    // Without a login the window is a viewer: it may look, not acknowledge.
    expect(await ipc.invoke(APP, IPC.call, 'alarms.ack', { ids: [ID] })).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
    expect(await ipc.invoke(APP, IPC.call, 'auth.login', { user: 'op', password: OPERATOR_PASSWORD })).toMatchObject({ ok: true, value: { role: 'operator' } });
    expect(await ipc.invoke(APP, IPC.call, 'alarms.ack', { ids: [ID] })).toEqual({ ok: true, value: { acknowledged: [ID] } });
    expect(await ipc.invoke(APP, IPC.call, 'alarms.ack', { ids: 'all' })).toMatchObject({ ok: false, error: { kind: 'invalid_request' } });
    expect(runtime.alarms.find(ID)!.ackedBy).toBe('op');
    const trail = await runtime.security.queryAudit({ from: 0, to: Date.now() + 1000, action: 'alarms.ack', limit: 10 });
    expect(trail.entries.map((e) => [e.user, e.workstation])).toEqual([
      ['op', LOCAL.workstation],
      ['op', '127.0.0.1'],
    ]);
    unbind();
    ws.close();
  });
});
