// Serve mode as a user runs it: `node out/main/serve.js` (built by `npm test`
// before the tests), its ready line, its API, its errors and a clean stop.
import { spawn, type ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { get, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTlsFiles } from '../../helpers/tls';
import { RawModbusServer } from '../../helpers/rawModbusServer';
import { waitFor } from '../../helpers/waitFor';

const SERVE = join(process.cwd(), 'out', 'main', 'serve.js');
const dir = mkdtempSync(join(tmpdir(), 'serve-cli-'));
const children: ChildProcess[] = [];
let device: RawModbusServer | null = null;

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await device?.close();
  device = null;
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

describe('serve mode', () => {
  it('refuses a broken project with the file, line and path, and starts nothing', async () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'devices:\n  - { name: plc, driver: modbus-tcp, host: 127.0.0.1, port: 1502 }\ntags:\n  - { path: A, device: plc, address: "HR:70000" }\n');
    const { out, exited } = serve(['--project', file, '--port', '0', '--data', dir]);
    expect(await exited).toBe(1);
    expect(out.stderr).toContain('broken.yaml:4: tags[0].address: offset 70000 is past 65535');
    expect(out.stdout).not.toContain('HMI ready');
  });

  it('refuses bad flags with the usage', async () => {
    const { out, exited } = serve(['--port', 'eighty']);
    expect(await exited).toBe(2);
    expect(out.stderr).toContain('--port "eighty" is not a port number');
    expect(out.stderr).toContain('usage: npm run serve');
    const unknown = serve(['--colour', 'blue']);
    expect(await unknown.exited).toBe(2);
    expect(unknown.out.stderr).toContain('--colour');
  });

  it('prints its URL when ready, serves the renderer and the API, and stops cleanly on SIGTERM', async () => {
    device = new RawModbusServer();
    const port = await device.listen();
    device.registers[3] = 33;
    const file = join(dir, 'ok.yaml');
    writeFileSync(file, `name: CLI test\ndevices:\n  - { name: plc, driver: modbus-tcp, host: 127.0.0.1, port: ${port}, pollMs: 100 }\ntags:\n  - { path: A/B, device: plc, address: "HR:3", units: bar }\n`);
    const { child, out, exited } = serve(['--project', file, '--port', '0', '--data', join(dir, 'data')]);
    const url = await waitFor(() => /HMI ready at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out.stdout)?.[1], 'the ready line');
    expect(out.stdout).toContain('project: CLI test');
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    const value = await waitFor(async () => {
      const res = await fetch(`${url}api/tags.list`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
      const [tag] = (await res.json()) as Array<{ value: number; quality: { status: string } }>;
      return tag!.quality.status === 'good' ? tag!.value : null;
    }, 'a live value');
    expect(value).toBe(33);
    // An encoded path that climbs out of the renderer's folder gets nothing.
    const status = await new Promise<number>((resolve) => {
      get(`${url}assets/..%2f..%2f..%2fpackage.json`, (res) => resolve(res.statusCode ?? 0)).end();
    });
    expect(status).toBe(403);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out.stdout).toContain('SIGTERM, stopping');
  });

  it('binds another address only with TLS, and then every request needs a login; cookies are Secure', async () => {
    const refused = serve(['--host', '0.0.0.0', '--port', '0', '--data', join(dir, 'tls')]);
    expect(await refused.exited).toBe(2);
    expect(refused.out.stderr).toContain('--host 0.0.0.0 is reachable from other machines: give --tls-cert and --tls-key');

    device = new RawModbusServer();
    const modbusPort = await device.listen();
    const file = join(dir, 'tls.yaml');
    writeFileSync(file, `devices:\n  - { name: plc, driver: modbus-tcp, host: 127.0.0.1, port: ${modbusPort} }\ntags:\n  - { path: A/B, device: plc, address: "HR:3", writable: true }\n`);
    const tls = makeTlsFiles(mkdtempSync(join(dir, 'certs-')));
    const data = join(dir, 'tls-data');
    const add = spawnSync(process.execPath, [join(process.cwd(), 'out', 'main', 'users.js'), 'add', 'ops', '--role', 'operator', '--data', data], { input: 'ops-password\n', encoding: 'utf8' });
    expect(add.status).toBe(0);
    const { out } = serve(['--project', file, '--host', '0.0.0.0', '--port', '0', '--data', data, '--tls-cert', tls.serverCert, '--tls-key', tls.serverKey]);
    const port = await waitFor(() => /HMI ready at https:\/\/0\.0\.0\.0:(\d+)\//.exec(out.stdout)?.[1], 'the ready line');
    const ca = readFileSync(tls.ca);
    const post = (method: string, body: unknown, headers: Record<string, string> = {}, localAddress = '127.0.0.2') =>
      new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>((resolve, reject) => {
        const req = httpsRequest({ host: '127.0.0.1', port: Number(port), path: `/api/${method}`, method: 'POST', ca, localAddress, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
        });
        req.on('error', reject);
        req.end(JSON.stringify(body));
      });
    // From another address, nothing without a login.
    expect((await post('tags.list', {})).status).toBe(401);
    const login = await post('auth.login', { user: 'ops', password: 'ops-password' });
    expect(login.status).toBe(200);
    const cookie = login.headers['set-cookie']![0]!;
    expect(cookie).toMatch(/^scada_session=[\w-]+; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Strict; Secure$/);
    expect((await post('tags.list', {}, { cookie: cookie.split(';')[0]! })).status).toBe(200);
    const { token } = JSON.parse(login.body) as { token: string };
    expect((await post('tags.list', {}, { authorization: `Bearer ${token}` })).status).toBe(200);
    expect((await post('users.list', {}, { authorization: `Bearer ${token}` })).status).toBe(403);
  });
});
