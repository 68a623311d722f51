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

/** Calls a contract method over HTTP; throws with the status and body on an error. */
export async function callApi(baseUrl, method, body) {
  const response = await fetch(`${baseUrl}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`${method}: HTTP ${response.status} ${JSON.stringify(json)}`);
  return json;
}
