// Serve mode's Host check as a user runs it (`node out/main/serve.js`, built
// before the tests): `--allow-host` adds names, a request naming any other
// host is refused (DNS rebinding), on loopback and off it with TLS, where
// the bound address must keep working with its port.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeTlsFiles } from '../../helpers/tls';
import { RawModbusServer } from '../../helpers/rawModbusServer';
import { waitFor } from '../../helpers/waitFor';

const SERVE = join(process.cwd(), 'out', 'main', 'serve.js');
const dir = mkdtempSync(join(tmpdir(), 'serve-hosts-'));
const children: ChildProcess[] = [];
let device: RawModbusServer;
let projectFile: string;

beforeAll(async () => {
  device = new RawModbusServer();
  const port = await device.listen();
  device.registers[0] = 7;
  projectFile = join(dir, 'project.yaml');
  writeFileSync(projectFile, `name: hosts\ndevices:\n  - { name: plc, driver: modbus-tcp, host: 127.0.0.1, port: ${port}, pollMs: 100 }\ntags:\n  - { path: A/B, device: plc, address: "HR:0" }\n`);
});

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

afterAll(async () => {
  await device?.close();
});

function serve(args: string[]) {
  const child = spawn(process.execPath, [SERVE, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (d: Buffer) => (out.stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out.stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, out, exited };
}

interface Answer {
  readonly status: number;
  readonly message?: string;
}

/** POST /api/tags.list to `address:port` with the Host header given, over HTTP or (with `ca`) HTTPS. */
function tagsList(address: string, port: number, host: string, ca?: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // Over TLS, from 127.0.0.2: a client the server does not count as this machine (so it needs a login).
    const options = {
      host: address,
      port,
      path: '/api/tags.list',
      method: 'POST',
      headers: { Host: host, 'Content-Type': 'application/json' },
      agent: false as const,
      localAddress: ca ? '127.0.0.2' : undefined,
    };
    const onResponse = (res: IncomingMessage) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => {
        let message: string | undefined;
        try {
          message = (JSON.parse(text) as { error?: { message: string } }).error?.message;
        } catch {
          message = undefined;
        }
        resolve({ status: res.statusCode ?? 0, message });
      });
    };
    // The test certificate is for 127.0.0.1; the name checked here is the Host header's, not the certificate's.
    const req = ca ? httpsRequest({ ...options, ca, checkServerIdentity: () => undefined }, onResponse) : httpRequest(options, onResponse);
    req.on('error', reject);
    req.end('{}');
  });
}

/** The status of a WebSocket upgrade sent by hand with this Host. */
function upgradeStatus(port: number, host: string): Promise<number> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () =>
      socket.write(`GET /api/events HTTP/1.1\r\nHost: ${host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`),
    );
    let reply = '';
    const done = () => {
      socket.destroy();
      resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1] ?? 0));
    };
    socket.on('data', (d: Buffer) => {
      reply += d.toString('latin1');
      if (reply.includes('\r\n\r\n')) done();
    });
    socket.on('close', done);
    socket.on('error', done);
  });
}

describe('serve mode: the names it answers to', () => {
  it('refuses an --allow-host with a port, a wildcard or a URL, with the usage', async () => {
    for (const [value, text] of [
      ['hmi.plant.test:8700', 'without a port'],
      ['*.plant.test', 'wildcards'],
      ['http://hmi.plant.test', 'not a host name'],
    ]) {
      const { out, exited } = serve(['--project', projectFile, '--port', '0', '--data', join(dir, 'bad'), '--allow-host', value!]);
      expect(await exited).toBe(2);
      expect(out.stderr).toContain(text);
      expect(out.stderr).toContain('--allow-host NAME');
    }
  });

  it('on loopback: answers to 127.0.0.1, localhost and the --allow-host names; refuses the rebinding attack', async () => {
    const { out } = serve(['--project', projectFile, '--port', '0', '--data', join(dir, 'loopback'), '--allow-host', 'hmi.plant.test,Other.Plant.Test', '--allow-host', 'third.test']);
    const port = Number(await waitFor(() => /HMI ready at http:\/\/127\.0\.0\.1:(\d+)\//.exec(out.stdout)?.[1], 'the ready line', 15_000));
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `hmi.plant.test:${port}`, `other.plant.test:${port}`, `third.test:${port}`]) {
      expect((await tagsList('127.0.0.1', port, host)).status, host).toBe(200);
    }
    const attack = await tagsList('127.0.0.1', port, `evil.example:${port}`);
    expect(attack.status).toBe(403);
    expect(attack.message).toContain('"evil.example"');
    expect(await upgradeStatus(port, `evil.example:${port}`)).toBe(403);
    expect(await upgradeStatus(port, `hmi.plant.test:${port}`)).toBe(101);
  });

  it('off loopback with TLS: answers to the bound address with its port and the --allow-host names, refuses others', async () => {
    const tls = makeTlsFiles(mkdtempSync(join(dir, 'certs-')));
    const ca = readFileSync(tls.ca);
    const { out } = serve([
      '--project', projectFile, '--host', '127.0.0.2', '--port', '0', '--data', join(dir, 'tls'),
      '--tls-cert', tls.serverCert, '--tls-key', tls.serverKey, '--allow-host', 'hmi.plant.test',
    ]);
    const port = Number(await waitFor(() => /HMI ready at https:\/\/127\.0\.0\.2:(\d+)\//.exec(out.stdout)?.[1], 'the ready line', 15_000));
    // Past the Host check, every request off loopback needs a login: 401, not 403.
    for (const host of [`127.0.0.2:${port}`, '127.0.0.2', `hmi.plant.test:${port}`]) {
      const answer = await tagsList('127.0.0.2', port, host, ca);
      expect(answer.status, `${host}: ${answer.message}`).toBe(401);
    }
    const attack = await tagsList('127.0.0.2', port, `evil.example:${port}`, ca);
    expect(attack.status).toBe(403);
    expect(attack.message).toContain('"evil.example"');
  });
});
