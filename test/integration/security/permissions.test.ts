// Every contract method against every kind of caller, on both transports:
// a client elsewhere without a login (401), a viewer (this machine, no
// login), an operator, an engineer and an administrator. The expectation
// comes from the method's declared permission and the role matrix, so a new
// method is covered the day it is declared.
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IPC } from '../../../src/shared/bridge';
import { methods, type Result } from '../../../src/shared/contract';
import { METHOD_NAMES, type MethodName } from '../../../src/shared/names';
import type { Role } from '../../../src/shared/security';
import { parseProject } from '../../../src/main/runtime/project/load';
import { Runtime } from '../../../src/main/runtime/runtime';
import { DEFAULT_ROLES } from '../../../src/main/runtime/security/roles';
import { RUNTIME_CALLER } from '../../../src/main/runtime/security/security';
import { dispatchFor } from '../../../src/main/transport/dispatch';
import { createHttpTransport } from '../../../src/main/transport/http';
import { bindIpc, type IpcEventLike, type IpcMainLike } from '../../../src/main/transport/ipc';
import { WebSocket } from 'ws';
import { RawModbusServer } from '../../helpers/rawModbusServer';
import { waitFor } from '../../helpers/waitFor';

const PASSWORD = 'a-long-password';
const ROLES_UNDER_TEST: Role[] = ['operator', 'engineer', 'administrator'];
const APP = 'file:///app/out/renderer/index.html';

let device: RawModbusServer;
let runtime: Runtime;
let port: number;
let close: () => Promise<void>;
const tokens = new Map<Role, string>();

/** An HTTP call from a chosen local address: 127.0.0.2 is on this machine's loopback but is not "this machine" to the runtime. */
function call(method: string, body: unknown, options: { from?: string; token?: string } = {}): Promise<{ status: number; body: { error?: { kind: string; message: string } } }> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path: `/api/${method}`,
        method: 'POST',
        localAddress: options.from ?? '127.0.0.1',
        headers: { 'content-type': 'application/json', ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) as { error?: { kind: string; message: string } } }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/** What a role may do, by the defaults (the project here sets none). */
function allowed(role: Role | 'viewer', method: MethodName): boolean {
  const permission = methods[method].permission;
  if (permission === 'public' || permission === 'read') return true;
  return (DEFAULT_ROLES[role].permissions ?? []).includes(permission);
}

beforeAll(async () => {
  device = new RawModbusServer();
  const modbusPort = await device.listen();
  runtime = new Runtime(
    parseProject(`
devices: [{ name: plc, driver: modbus-tcp, host: 127.0.0.1, port: ${modbusPort}, pollMs: 50, timeoutMs: 2000 }]
tags:
  - { path: Area/Level, device: plc, address: "HR:0", writable: true, alarms: [{ kind: hi, limit: 50, priority: 1 }] }
`),
  );
  runtime.start();
  for (const role of ROLES_UNDER_TEST) await runtime.security.addUser(role, role, PASSWORD, RUNTIME_CALLER);
  const server = createHttpTransport({ dispatch: dispatchFor(runtime), openEvents: (send, caller) => runtime.openEvents(send, caller) });
  await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
  port = (server.address() as AddressInfo).port;
  // Keep-alive sockets would hold close() open. (The device has a 2 s timeout: on a busy machine, with the fuzzers beside this file, a slow poll is not a lost link.)
  close = () => new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  for (const role of ROLES_UNDER_TEST) {
    const login = await call('auth.login', { user: role, password: PASSWORD });
    tokens.set(role, (login.body as unknown as { token: string }).token);
  }
});

afterAll(async () => {
  await close?.();
  await runtime?.stop();
  await device?.close();
});

// A deliberately empty body: what matters is whether the permission check lets it through to validation.
const outcome = (status: number) => (status === 401 ? 'unauthenticated' : status === 403 ? 'forbidden' : 'through');

describe('permissions over HTTP', () => {
  it.each(METHOD_NAMES.filter((m) => !['auth.login', 'auth.setup', 'auth.logout'].includes(m)))('%s', async (method) => {
    const permission = methods[method].permission;
    // From elsewhere, without a login: only public methods.
    const remote = await call(method, {}, { from: '127.0.0.2' });
    expect(outcome(remote.status), `remote anonymous, ${method}`).toBe(permission === 'public' ? 'through' : 'unauthenticated');
    // On this machine, without a login: a viewer.
    const viewer = await call(method, {});
    expect(outcome(viewer.status), `viewer, ${method}`).toBe(allowed('viewer', method) ? 'through' : 'forbidden');
    for (const role of ROLES_UNDER_TEST) {
      const res = await call(method, {}, { token: tokens.get(role)!, from: '127.0.0.2' });
      expect(outcome(res.status), `${role}, ${method}`).toBe(allowed(role, method) ? 'through' : 'forbidden');
      if (res.status === 403) expect(res.body.error!.message).toContain(`${role} (${role}) may not`);
    }
  });

  it('limits writes to the role’s tag paths, and puts refusals on the audit trail', async () => {
    const viewer = await call('tags.write', { path: 'Area/Level', value: 1 });
    expect(viewer).toMatchObject({ status: 403, body: { error: { message: 'without a login you are a viewer, who may not write to tags' } } });
    const operator = await call('tags.write', { path: 'Area/Level', value: 7 }, { token: tokens.get('operator') });
    expect(operator.status).toBe(200);
    const trail = (await runtime.security.queryAudit({ from: 0, to: Date.now() + 1000, limit: 100 })).entries;
    expect(trail.find((e) => e.action === 'tags.write')).toMatchObject({ user: 'operator', target: 'Area/Level', newValue: '7', workstation: '127.0.0.1' });
    expect(trail.find((e) => e.action === 'denied' && e.target === 'tags.write')).toMatchObject({ user: 'anonymous' });
  });
});

describe('event streams', () => {
  it('refuse a client elsewhere without a login, and end when its login ends', async () => {
    const open = (token?: string) =>
      new Promise<{ ws: WebSocket; messages: { id: string | null; error?: { kind: string }; payload?: unknown }[] }>((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/api/events`, {
          localAddress: '127.0.0.2',
          headers: { origin: `http://127.0.0.1:${port}`, ...(token ? { authorization: `Bearer ${token}` } : {}) },
        });
        const messages: { id: string | null; error?: { kind: string }; payload?: unknown }[] = [];
        ws.on('message', (data) => messages.push(JSON.parse(data.toString())));
        ws.once('open', () => resolve({ ws, messages }));
        ws.once('error', reject);
      });
    const anonymous = await open();
    anonymous.ws.send(JSON.stringify({ op: 'subscribe', id: 's', event: 'tags.changed', params: { paths: ['Area/Level'] } }));
    await waitFor(() => anonymous.messages.length > 0, 'an answer');
    expect(anonymous.messages[0]).toMatchObject({ id: 's', error: { kind: 'unauthenticated' } });
    anonymous.ws.close();

    const login = await call('auth.login', { user: 'operator', password: PASSWORD }, { from: '127.0.0.2' });
    const token = (login.body as unknown as { token: string }).token;
    const client = await open(token);
    client.ws.send(JSON.stringify({ op: 'subscribe', id: 's', event: 'tags.changed', params: { paths: ['Area/Level'] } }));
    await waitFor(() => client.messages.some((m) => m.payload), 'the first values');
    expect(await call('auth.logout', {}, { from: '127.0.0.2', token })).toMatchObject({ status: 200 });
    const count = client.messages.length;
    device.registers[0] = 4321;
    await new Promise((r) => setTimeout(r, 300));
    expect(client.messages.length, 'nothing after the logout').toBe(count);
    client.ws.send(JSON.stringify({ op: 'subscribe', id: 't', event: 'tags.changed', params: { paths: ['Area/Level'] } }));
    await waitFor(() => client.messages.some((m) => m.id === 't'), 'the refusal');
    expect(client.messages.find((m) => m.id === 't')).toMatchObject({ error: { kind: 'unauthenticated' } });
    client.ws.close();
  });
});

describe('permissions over IPC', () => {
  function fakeIpc() {
    const handlers = new Map<string, (event: IpcEventLike, ...args: unknown[]) => unknown>();
    const ipcMain: IpcMainLike = { handle: (channel, listener) => handlers.set(channel, listener), removeHandler: (channel) => handlers.delete(channel) };
    let nextId = 1;
    const window = () => {
      const sender = { id: nextId++, send: () => undefined, isDestroyed: () => false, once: () => undefined };
      return (method: string, body: unknown) => handlers.get(IPC.call)!({ sender, senderFrame: { url: APP } }, method, body) as Promise<Result<unknown>>;
    };
    return { ipcMain, window };
  }

  it.each(ROLES_UNDER_TEST)('a window logged in as %s may do what the role may, and nothing else', async (role) => {
    const ipc = fakeIpc();
    const unbind = bindIpc(ipc.ipcMain, {
      dispatch: dispatchFor(runtime),
      openEvents: (send, caller) => runtime.openEvents(send, caller),
      isTrustedUrl: (url) => url === APP,
      local: { user: 'os-user', workstation: 'ws-ipc' },
    });
    const window = ipc.window();
    for (const method of METHOD_NAMES.filter((m) => m !== 'auth.login' && m !== 'auth.setup' && m !== 'auth.logout')) {
      const anonymous = await window(method, {});
      const anonymousKind = anonymous.ok ? 'through' : anonymous.error.kind;
      expect(['forbidden', 'unauthenticated'].includes(anonymousKind) ? anonymousKind : 'through', `viewer window, ${method}`).toBe(allowed('viewer', method) ? 'through' : 'forbidden');
    }
    expect(await window('auth.login', { user: role, password: PASSWORD })).toMatchObject({ ok: true, value: { role } });
    for (const method of METHOD_NAMES.filter((m) => m !== 'auth.login' && m !== 'auth.setup' && m !== 'auth.logout')) {
      const result = await window(method, {});
      const kind = result.ok ? 'through' : result.error.kind;
      expect(kind === 'forbidden' || kind === 'unauthenticated' ? kind : 'through', `${role} window, ${method}`).toBe(allowed(role, method) ? 'through' : 'forbidden');
    }
    // Another window of the same app is not logged in.
    const other = ipc.window();
    expect(await other('alarms.ack', { ids: ['Area/Level#hi'] })).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
    expect(await window('auth.logout', {})).toMatchObject({ ok: true, value: { loggedOut: true } });
    expect(await window('users.list', {})).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
    unbind();
  });
});
