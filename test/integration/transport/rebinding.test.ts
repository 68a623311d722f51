// DNS rebinding and cross-origin requests against serve mode's HTTP
// transport, on a fresh install (no user yet).
//
// The attack: a page at http://evil.example:PORT/ whose name the attacker
// re-points at 127.0.0.1 is, to the browser, same-origin with its own API
// calls; they reach this server with `Host: evil.example:PORT`. Without a
// Host check it could create the first administrator (auth.setup is allowed
// from this machine while no user exists), read every tag and open the event
// stream. A page of another origin that is not rebound shows itself in
// `Origin` (and `Sec-Fetch-Site`) instead.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProject } from '../../../src/main/runtime/project/load';
import { Runtime } from '../../../src/main/runtime/runtime';
import { dispatchFor } from '../../../src/main/transport/dispatch';
import { createHttpTransport } from '../../../src/main/transport/http';
import { hostNameOf, isSameOrigin, parseAllowedHost } from '../../../src/main/transport/hosts';
import { RawModbusServer } from '../../helpers/rawModbusServer';
import { waitFor } from '../../helpers/waitFor';

const ALLOWED_NAME = 'hmi.plant.test';
let device: RawModbusServer;
let runtime: Runtime;
let port: number;
let close: () => Promise<void>;

beforeAll(async () => {
  device = new RawModbusServer();
  const devicePort = await device.listen();
  device.registers[0] = 42;
  runtime = new Runtime(
    parseProject(`
devices: [{ name: plc, driver: modbus-tcp, host: 127.0.0.1, port: ${devicePort}, pollMs: 50, timeoutMs: 2000 }]
tags:
  - { path: Area/Unit/Level, device: plc, address: "HR:0", units: m }
`),
    { changeIntervalMs: 20, statusIntervalMs: 20 },
  );
  await runtime.start();
  const server = createHttpTransport({
    dispatch: dispatchFor(runtime),
    openEvents: (send, caller) => runtime.openEvents(send, caller),
    allowHosts: [ALLOWED_NAME],
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  close = () =>
    new Promise((resolve) => {
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

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  readonly error?: { kind: string; message: string };
}

/** One request to 127.0.0.1:port with the Host (and other headers) given: what a rebound browser sends. */
function send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let error: Answer['error'];
        try {
          error = (JSON.parse(text) as { error?: Answer['error'] }).error;
        } catch {
          error = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, error });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const api = (method: string, headers: Record<string, string>, body: unknown = {}) =>
  send('POST', `/api/${method}`, { 'Content-Type': 'application/json', ...headers }, JSON.stringify(body));

/** A WebSocket upgrade by hand, so the refusal's status line and body can be read. */
function upgrade(headers: Record<string, string>, path = '/api/events'): Promise<{ status: number; text: string; message?: string }> {
  return new Promise((resolve) => {
    const lines = [
      `GET ${path} HTTP/1.1`,
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
      'Connection: Upgrade',
      'Upgrade: websocket',
      'Sec-WebSocket-Version: 13',
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    ];
    const socket = connect(port, '127.0.0.1', () => socket.write(`${lines.join('\r\n')}\r\n\r\n`));
    let reply = '';
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      const body = reply.slice(reply.indexOf('\r\n\r\n') + 4);
      let message: string | undefined;
      try {
        message = (JSON.parse(body) as { error: { message: string } }).error.message;
      } catch {
        message = undefined;
      }
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1] ?? 0), text: reply, message });
    };
    const timer = setTimeout(done, 2000);
    socket.on('data', (d: Buffer) => {
      reply += d.toString('utf8');
      // A 101 stays open (the server then waits for frames): its head is all there is to read.
      if (reply.startsWith('HTTP/1.1 101') && reply.includes('\r\n\r\n')) done();
    });
    socket.on('close', done);
    socket.on('error', done);
  });
}

describe('DNS rebinding: the Host header', () => {
  it('refuses every request naming another host, before anything else, and creates no administrator', async () => {
    const evil = `evil.example:${port}`;
    const answers = [
      await api('auth.setup', { Host: evil }, { user: 'mallory', password: 'mallory-password-1' }),
      await api('tags.list', { Host: evil }),
      await api('auth.session', { Host: evil }),
      await api('no.such.method', { Host: evil }),
      await send('POST', '/api/tags.list', { Host: evil, 'Content-Type': 'text/plain' }, '{}'),
      await send('GET', '/api/tags.list', { Host: evil }),
      await send('GET', '/', { Host: evil }),
    ];
    for (const answer of answers) {
      expect(answer.status, answer.text).toBe(403);
      expect(answer.headers['content-type']).toMatch(/^application\/json/);
      expect(answer.error!.kind).toBe('forbidden');
      expect(answer.error!.message).toContain('"evil.example"');
      expect(answer.error!.message).toContain('--allow-host');
      // Nothing of the plant travels in a refusal.
      expect(answer.text).not.toContain('Area/Unit');
    }
    expect(await runtime.security.store.userCount()).toBe(0);
  });

  it('refuses look-alike names, other spellings of other hosts, and malformed Host headers', async () => {
    for (const host of [
      'evil.example',
      `EVIL.Example:${port}`,
      `127.0.0.1.evil.example:${port}`,
      `localhost.evil.example:${port}`,
      `evil-localhost:${port}`,
      `${ALLOWED_NAME}.evil.example:${port}`,
      `127.0.0.2:${port}`,
      `[::2]:${port}`,
    ]) {
      const answer = await api('tags.list', { Host: host });
      expect(answer.status, host).toBe(403);
      expect(answer.error!.message).toContain(JSON.stringify(host.toLowerCase().replace(/^\[|\]?:\d+$/g, '')));
    }
    for (const host of [`localhost:${port}x`, 'local host', '[::1', `localhost:${port}:1`, ':80', '::1']) {
      const answer = await api('tags.list', { Host: host });
      expect(answer.status, host).toBe(400);
      expect(answer.error!.message).toContain('Host header');
    }
  });

  it('serves localhost, 127.0.0.1 and an --allow-host name, with the port or without, in any case', async () => {
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `LocalHost:${port}`, `localhost.:${port}`, '127.0.0.1', `${ALLOWED_NAME}:${port}`, `HMI.Plant.Test:${port}`, `[::1]:${port}`]) {
      const answer = await api('tags.list', { Host: host });
      expect(answer.status, `${host}: ${answer.text}`).toBe(200);
      expect(answer.text).toContain('Area/Unit/Level');
    }
    expect((await send('GET', '/', { Host: `localhost:${port}` })).status).toBe(404); // no renderer in this test: past the Host check
  });

  it('refuses WebSocket upgrades naming another host, and opens them for this server’s names', async () => {
    const refused = await upgrade({ Host: `evil.example:${port}` });
    expect(refused.status).toBe(403);
    expect(refused.message).toContain('"evil.example"');
    const rebound = await upgrade({ Host: `evil.example:${port}`, Origin: `http://evil.example:${port}` });
    expect(rebound.status).toBe(403);
    expect(rebound.message).toContain('"evil.example"');
    expect(runtime.clientStats().channels).toBe(0);

    expect((await upgrade({ Host: `localhost:${port}`, Origin: `http://localhost:${port}` })).status).toBe(101);
    expect((await upgrade({ Host: `127.0.0.1:${port}` })).status).toBe(101);
    expect((await upgrade({ Host: `${ALLOWED_NAME}:${port}`, Origin: `https://${ALLOWED_NAME}:${port}` })).status).toBe(101);
  });
});

describe('cross-origin requests from a browser', () => {
  it('refuses API calls from a page of another origin, naming it; the HMI’s own origin and scripts are served', async () => {
    const host = `127.0.0.1:${port}`;
    for (const origin of ['http://evil.example', `http://evil.example:${port}`, `http://localhost:${port + 1}`, `http://127.0.0.1:${port + 1}`, 'null', 'file://', 'chrome-extension://abc']) {
      const answer = await api('auth.setup', { Host: host, Origin: origin }, { user: 'mallory', password: 'mallory-password-1' });
      expect(answer.status, origin).toBe(403);
      expect(answer.error!.message).toContain(`Origin ${JSON.stringify(origin)}`);
    }
    const crossSite = await api('tags.list', { Host: host, 'Sec-Fetch-Site': 'cross-site' });
    expect(crossSite.status).toBe(403);
    expect(crossSite.error!.message).toContain('cross-site');
    expect(await runtime.security.store.userCount()).toBe(0);

    expect((await api('tags.list', { Host: host, Origin: `http://${host}`, 'Sec-Fetch-Site': 'same-origin' })).status).toBe(200);
    expect((await api('tags.list', { Host: `LOCALHOST:${port}`, Origin: `http://localhost:${port}` })).status).toBe(200);
    expect((await api('tags.list', { Host: host })).status).toBe(200); // a script: no Origin
  });

  it('refuses a WebSocket from a page of another origin, naming it', async () => {
    const answer = await upgrade({ Host: `127.0.0.1:${port}`, Origin: 'http://evil.example' });
    expect(answer.status).toBe(403);
    expect(answer.message).toContain('Origin "http://evil.example"');
  });

  it('lets the workstation itself create the first administrator, once the attacks above are refused', async () => {
    const setup = await api('auth.setup', { Host: `localhost:${port}`, Origin: `http://localhost:${port}` }, { user: 'admin', password: 'admin-password-1' });
    expect(setup.status, setup.text).toBe(200);
    expect(await runtime.security.store.userCount()).toBe(1);
  });
});

describe('host names', () => {
  it('reads the name of a Host header', () => {
    expect(hostNameOf('Example.COM:8700')).toBe('example.com');
    expect(hostNameOf('[::1]:8700')).toBe('::1');
    expect(hostNameOf('localhost.')).toBe('localhost');
    expect(hostNameOf('a:b')).toBeNull();
    expect(hostNameOf('x y')).toBeNull();
  });

  it('checks --allow-host values', () => {
    expect(parseAllowedHost('HMI.plant.test')).toBe('hmi.plant.test');
    expect(parseAllowedHost('[fe80::1]')).toBe('fe80::1');
    expect(parseAllowedHost('10.0.0.5')).toBe('10.0.0.5');
    expect(() => parseAllowedHost('hmi.plant.test:8700')).toThrow('without a port');
    expect(() => parseAllowedHost('*.plant.test')).toThrow('wildcards');
    expect(() => parseAllowedHost('http://hmi')).toThrow();
  });

  it('compares origins as the browser does', () => {
    expect(isSameOrigin('http://localhost:8700', 'LOCALHOST:8700')).toBe(true);
    expect(isSameOrigin('http://localhost', 'localhost:80')).toBe(true);
    expect(isSameOrigin('https://localhost', 'localhost:80')).toBe(false);
    expect(isSameOrigin('null', 'localhost')).toBe(false);
  });
});
