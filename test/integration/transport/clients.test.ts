// Fifty WebSocket clients come, subscribe, receive, and leave: everything
// they held in the runtime and the transport is given back. Asserted on the
// runtime's own counts (Runtime.clientStats: event channels, subscriptions,
// the tag fan-out's subscribers, the listeners of devices, alarms and logins)
// and on the process's active handles (sockets, timers), not on RSS, which
// the allocator keeps as it likes; the resident memory of the same scenario
// is a benchmark (bench/serveClients.ts, `serve.rss_mb_50_clients`).
//
// Clients leave every way a client does: a clean close, a dropped connection
// (terminate, as when a laptop sleeps), and a close with subscriptions
// replaced and ended first; a client leaving while its first values are on
// their way too.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { parseProject } from '../../../src/main/runtime/project/load';
import { Runtime, type ClientStats } from '../../../src/main/runtime/runtime';
import { dispatchFor } from '../../../src/main/transport/dispatch';
import { createHttpTransport } from '../../../src/main/transport/http';
import { activeResources, leftOver, type ResourceCounts } from '../../helpers/leaks';
import { RawModbusServer } from '../../helpers/rawModbusServer';
import { waitFor } from '../../helpers/waitFor';

const CLIENTS = 50;
const TAGS = 20;
let device: RawModbusServer;
let runtime: Runtime;
let url: string;
let close: () => Promise<void>;

beforeAll(async () => {
  device = new RawModbusServer();
  const port = await device.listen();
  const tags = Array.from({ length: TAGS }, (_, i) => `  - { path: Plant/Unit/T${i}, device: plc, address: "HR:${i}" }`).join('\n');
  runtime = new Runtime(
    parseProject(`
devices: [{ name: plc, driver: modbus-tcp, host: 127.0.0.1, port: ${port}, pollMs: 20, timeoutMs: 2000 }]
tags:
${tags}
  - path: Plant/Unit/Alarmed
    device: plc
    address: "HR:100"
    alarms: [{ kind: hi, limit: 50, priority: 1, message: "high" }]
`),
    { changeIntervalMs: 20, statusIntervalMs: 20 },
  );
  await runtime.start();
  const server = createHttpTransport({ dispatch: dispatchFor(runtime), openEvents: (send, caller) => runtime.openEvents(send, caller) });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/api/events`;
  close = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  await waitFor(() => runtime.engine.find('Plant/Unit/T0')!.quality.status === 'good', 'first values');
});

afterAll(async () => {
  await close?.();
  await runtime?.stop();
  await device?.close();
});

interface Client {
  readonly ws: WebSocket;
  readonly received: Set<string>;
  readonly errors: unknown[];
}

async function connect(n: number): Promise<Client> {
  const ws = new WebSocket(url);
  const client: Client = { ws, received: new Set(), errors: [] };
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString()) as { id: string; error?: unknown };
    if (message.error) client.errors.push(message.error);
    else client.received.add(message.id);
  });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const paths = Array.from({ length: 5 }, (_, i) => `Plant/Unit/T${(n + i) % TAGS}`);
  const subscribe = (id: string, event: string, params: unknown) => ws.send(JSON.stringify({ op: 'subscribe', id, event, params }));
  subscribe('tags', 'tags.changed', { paths });
  subscribe('devices', 'devices.status', {});
  subscribe('alarms', 'alarms.changed', {});
  subscribe('session', 'auth.session', {});
  return client;
}

/** The counts with no client: those of a runtime nobody watches (the runtime's own login listener included). */
function idle(stats: ClientStats): void {
  expect(stats).toEqual<ClientStats>({ channels: 0, subscriptions: {}, tagSubscribers: 0, deviceListeners: 0, alarmListeners: 0, securityListeners: stats.securityListeners });
}

function closed(ws: WebSocket): Promise<void> {
  return ws.readyState === WebSocket.CLOSED ? Promise.resolve() : new Promise((resolve) => ws.once('close', () => resolve()));
}

describe('fifty clients come and go', () => {
  let before: ResourceCounts;
  let baseline: ClientStats;

  it('holds one channel, four subscriptions and their listeners per client while they are connected', async () => {
    baseline = runtime.clientStats();
    idle(baseline);
    before = activeResources();

    const clients = await Promise.all(Array.from({ length: CLIENTS }, (_, n) => connect(n)));
    await waitFor(() => clients.every((c) => c.received.size === 4), 'every client’s first message of each stream', 10_000);
    expect(clients.flatMap((c) => c.errors)).toEqual([]);
    const busy = runtime.clientStats();
    expect(busy).toEqual<ClientStats>({
      channels: CLIENTS,
      subscriptions: { 'tags.changed': CLIENTS, 'devices.status': CLIENTS, 'alarms.changed': CLIENTS, 'auth.session': CLIENTS },
      tagSubscribers: CLIENTS,
      deviceListeners: CLIENTS,
      alarmListeners: CLIENTS,
      securityListeners: baseline.securityListeners + CLIENTS,
    });

    // Live traffic while they are there: values change, an alarm comes.
    for (let i = 0; i < TAGS; i++) device.registers[i] = 1000 + i;
    device.registers[100] = 99;
    await waitFor(() => runtime.alarms.counts().active > 0, 'the alarm');

    // A third close cleanly, a third drop the connection, a third end their subscriptions first.
    for (const [n, { ws }] of clients.entries()) {
      if (n % 3 === 0) ws.close();
      else if (n % 3 === 1) ws.terminate();
      else {
        ws.send(JSON.stringify({ op: 'subscribe', id: 'tags', event: 'tags.changed', params: { paths: ['Plant/Unit/T0'] } }));
        ws.send(JSON.stringify({ op: 'unsubscribe', id: 'alarms' }));
        ws.close();
      }
    }
    await Promise.all(clients.map((c) => closed(c.ws)));
    await waitFor(() => runtime.clientStats().channels === 0, 'every channel closed');
    idle(runtime.clientStats());
    expect(runtime.clientStats().securityListeners).toBe(baseline.securityListeners);
    // No socket, timer or process listener outlives them (what the process had before may come and go).
    expect(await leftOver(before, { settleMs: 3000 })).toEqual([]);
  });

  it('releases a client that leaves before its first values arrive, and one that never subscribed', async () => {
    const before = activeResources();
    const hasty = await Promise.all(Array.from({ length: CLIENTS }, (_, n) => connect(n)));
    for (const { ws } of hasty) ws.terminate();
    const silent = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const ws = new WebSocket(url);
        await new Promise((resolve) => ws.once('open', resolve));
        return ws;
      }),
    );
    for (const ws of silent) ws.close();
    await Promise.all([...hasty.map((c) => closed(c.ws)), ...silent.map(closed)]);
    await waitFor(() => runtime.clientStats().channels === 0, 'every channel closed');
    idle(runtime.clientStats());
    expect(runtime.clientStats().securityListeners).toBe(baseline.securityListeners);
    expect(await leftOver(before, { settleMs: 3000 })).toEqual([]);
  });

  it('ends the channels of clients still connected when the server closes', async () => {
    const clients = await Promise.all(Array.from({ length: 5 }, (_, n) => connect(n)));
    await waitFor(() => clients.every((c) => c.received.size === 4), 'first messages');
    expect(runtime.clientStats().channels).toBe(5);
    await close();
    await Promise.all(clients.map((c) => closed(c.ws)));
    await waitFor(() => runtime.clientStats().channels === 0, 'every channel closed');
    idle(runtime.clientStats());
  });
});
