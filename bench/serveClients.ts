// serve.rss_mb_50_clients: the resident memory of serve mode (`node
// out/main/serve.js`, a process of its own) polling 2,000 changing tags,
// before 50 WebSocket clients come (`_before`), at its peak while each of them
// watches every tag, the alarms and the devices (the figure itself), and once
// they have left and the process has had time to settle (`_after`). What the
// clients held is given back when they leave; the runtime's own counts say so
// exactly (test/integration/transport/clients.test.ts), this says what it
// costs and what the process returns to the system. RSS is read after a
// forced garbage collection (bench/memoryProbe.mjs, loaded into the child),
// which also gives the heap in use (`serve.heap_mb_50_clients_before` /
// `_after`): RSS may stay above its start (the allocator keeps pages), the
// heap must not. Needs `npm run build`.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { RawModbusServer } from '../test/helpers/rawModbusServer';
import { report } from './report';

const CLIENTS = 50;
const TAGS = 2000;
const WATCH_MS = 10_000;
const SETTLE_MS = 20_000;

/** The child's resident set, MB (Linux /proc). */
function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/** The child's memory after a full collection (bench/memoryProbe.mjs), MB. */
function collected(target: ChildProcess): Promise<{ rss: number; heapUsed: number }> {
  return new Promise((resolve) => {
    const listener = (message: unknown) => {
      const { memory } = message as { memory?: NodeJS.MemoryUsage };
      if (!memory) return;
      target.off('message', listener);
      resolve({ rss: memory.rss / 2 ** 20, heapUsed: memory.heapUsed / 2 ** 20 });
    };
    target.on('message', listener);
    target.send('memory');
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const device = new RawModbusServer();
const devicePort = await device.listen();
// Every register changes every 100 ms: each poll brings 2,000 changes to send.
const ticker = setInterval(() => {
  for (let i = 0; i < TAGS; i++) device.registers[i] = (device.registers[i]! + 1 + i) & 0x7fff;
}, 100);

const dir = mkdtempSync(join(tmpdir(), 'bench-serve-clients-'));
const paths = Array.from({ length: TAGS }, (_, i) => `Plant/Area${Math.floor(i / 100)}/T${i}`);
const project = [
  'name: serve clients bench',
  `devices: [{ name: plc, driver: modbus-tcp, host: 127.0.0.1, port: ${devicePort}, pollMs: 100 }]`,
  'tags:',
  ...paths.map((path, i) => `  - { path: ${path}, device: plc, address: "HR:${i}"${i % 100 === 0 ? ', alarms: [{ kind: hi, limit: 16000, priority: 2, message: high }]' : ''} }`),
  '',
].join('\n');
writeFileSync(join(dir, 'project.yaml'), project);

const probe = join(process.cwd(), 'bench', 'memoryProbe.mjs');
const serve = join(process.cwd(), 'out', 'main', 'serve.js');
const child = spawn(process.execPath, ['--expose-gc', '--import', probe, serve, '--project', join(dir, 'project.yaml'), '--port', '0', '--data', join(dir, 'data')], {
  stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
});
try {
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /HMI ready at (\S+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
  await sleep(5000); // first polls, the historian's first chunks
  const before = await collected(child);

  let messages = 0;
  const clients = await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      const ws = new WebSocket(`${url.replace('http', 'ws')}api/events`);
      ws.on('message', () => messages++);
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      ws.send(JSON.stringify({ op: 'subscribe', id: 't', event: 'tags.changed', params: { paths } }));
      ws.send(JSON.stringify({ op: 'subscribe', id: 'a', event: 'alarms.changed', params: {} }));
      ws.send(JSON.stringify({ op: 'subscribe', id: 'd', event: 'devices.status', params: {} }));
      return ws;
    }),
  );
  let peak = 0;
  for (const end = Date.now() + WATCH_MS; Date.now() < end; ) {
    peak = Math.max(peak, rssMb(child.pid!));
    await sleep(250);
  }
  if (messages < CLIENTS * 10) throw new Error(`the clients received only ${messages} messages`);
  await Promise.all(
    clients.map(
      (ws) =>
        new Promise((resolve) => {
          ws.once('close', resolve);
          ws.close();
        }),
    ),
  );
  // V8 gives memory back to the system after a few idle collections, not at once.
  await sleep(SETTLE_MS);
  const after = await collected(child);

  report('serve.rss_mb_50_clients_before', Math.round(before.rss), 'MB');
  report('serve.rss_mb_50_clients', Math.round(peak), 'MB');
  report('serve.rss_mb_50_clients_after', Math.round(after.rss), 'MB');
  report('serve.heap_mb_50_clients_before', before.heapUsed, 'MB');
  report('serve.heap_mb_50_clients_after', after.heapUsed, 'MB');
} finally {
  clearInterval(ticker);
  if (child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
  await device.close();
}
