// Serve mode as a child process, for the end-to-end tests, the screenshot
// scripts and the benchmarks: start it, wait for its ready line, stop it.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const SERVE = join(ROOT, 'out', 'main', 'serve.js');
export const DEMO_PROJECT = join(ROOT, 'resources', 'demo-plant.yaml');

/** A TCP port free on 127.0.0.1 right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * A copy of the demo project whose simulated PLC listens on a free port, so
 * that several demo plants (tests running side by side) do not collide on 5020.
 */
export async function demoProjectOnFreePort(dir) {
  const project = parseYaml(readFileSync(DEMO_PROJECT, 'utf8'));
  const port = await freePort();
  const demoPort = project.simulator.modbusTcp.port;
  project.simulator.modbusTcp.port = port;
  for (const device of project.devices ?? []) if (device.port === demoPort) device.port = port;
  const file = join(dir, 'plant.yaml');
  writeFileSync(file, stringifyYaml(project));
  return file;
}

/** Starts `node out/main/serve.js ...args` (add --port 0 for a free port). */
export function startServe(args) {
  const child = spawn(process.execPath, [SERVE, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const url = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve mode did not start within 30 s:\n${log}`)), 30_000);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      log += chunk;
      const ready = /HMI ready at (http:\/\/\S+?)\/? /.exec(log);
      if (ready) {
        clearTimeout(timer);
        resolve(ready[1]);
      }
    });
    child.stderr.on('data', (chunk) => (log += chunk));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`serve mode exited (${signal ?? code}) before it was ready:\n${log}`));
    });
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  return { child, url, log: () => log, stop };
}

/**
 * Calls a contract method over HTTP; throws with the status and body on an
 * error. `token` (from `auth.login`, `auth.setup` or `createUser`) logs the
 * call in as that user (a Bearer header); without it a script on this
 * machine is a viewer: it reads, it does not write, acknowledge or change.
 */
export async function callApi(baseUrl, method, body, token) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${baseUrl}/api/${method}`, { method: 'POST', headers, body: JSON.stringify(body) });
  const json = await response.json();
  if (!response.ok) throw new Error(`${method}: HTTP ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/** The administrator the helpers create on a runtime that has no user yet. */
export const TEST_ADMIN = Object.freeze({ user: 'admin', password: 'e2e-admin-password' });

/** The administrator's token per runtime (base URL), once made. */
const adminTokens = new Map();

/**
 * A token of the administrator: on a fresh runtime the first user is created
 * by `auth.setup` (allowed only from this machine, only while nobody
 * exists); later it logs in again.
 */
export async function adminToken(baseUrl) {
  const known = adminTokens.get(baseUrl);
  if (known) return known;
  const session = await callApi(baseUrl, 'auth.session', {});
  const { token } = await callApi(baseUrl, session.setupRequired ? 'auth.setup' : 'auth.login', TEST_ADMIN);
  adminTokens.set(baseUrl, token);
  return token;
}

/**
 * Makes a user with a role and a password (at least 8 characters), the
 * administrator first if the runtime has none (see `adminToken`), and logs
 * it in: returns its token, for `callApi`. An administrator named as on a
 * fresh runtime becomes the first user itself.
 */
export async function createUser(baseUrl, name, role, password) {
  const session = await callApi(baseUrl, 'auth.session', {});
  if (session.setupRequired && role === 'administrator') {
    const { token } = await callApi(baseUrl, 'auth.setup', { user: name, password });
    adminTokens.set(baseUrl, token);
    return { user: name, role, token };
  }
  await callApi(baseUrl, 'users.add', { user: name, role, password }, await adminToken(baseUrl));
  const { token } = await callApi(baseUrl, 'auth.login', { user: name, password });
  return { user: name, role, token };
}

/**
 * Logs the browser in: `auth.login` through the page's own request context,
 * so the HTTP-only session cookie lands in the browser, where the HMI's
 * calls carry it. A page already showing the HMI is reloaded (it reads who is
 * logged in when it starts) and waited for until it is connected and knows
 * the user.
 */
export async function loginPage(page, baseUrl, user, password) {
  const response = await page.request.post(`${baseUrl}/api/auth.login`, { data: { user, password } });
  const body = await response.json();
  if (!response.ok()) throw new Error(`auth.login as ${user}: HTTP ${response.status()} ${JSON.stringify(body)}`);
  if (page.url().startsWith(baseUrl)) {
    await page.reload();
    await page.locator('[data-testid="connection-state"][data-state="connected"]').waitFor({ timeout: 15_000 });
    await page.locator(`[data-testid="user-menu"][data-user="${user}"]`).waitFor({ timeout: 10_000 });
  }
  return body;
}
