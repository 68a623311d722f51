// tags.add_10k_ms: a running runtime polls 100,000 Modbus tags (a simulator
// server in this process, polled once a second); one change set adds 10,000
// more. The figure is the time from the call until every one of the new tags
// is polled and Good: the whole change set checked against the project,
// applied to the engine, the driver (replanned), the historian's recorder,
// the alarms and the fan-out, and the new blocks read.
import { crossCheck } from '../src/main/runtime/project/validate';
import { projectSchema } from '../src/main/runtime/project/schema';
import { Runtime } from '../src/main/runtime/runtime';
import { ModbusTcpServer } from '../src/main/simulator/modbusTcpServer';
import { RegisterBank } from '../src/main/simulator/registerBank';
import { report } from './report';

const TAGS = 100_000;
const ADDED = 10_000;
const bank = new RegisterBank().define('HR', 0, 65_536).define('IR', 0, 65_536);
const server = new ModbusTcpServer(bank, { host: '127.0.0.1', port: 0 });
const port = await server.listen();

const tagAt = (i: number) => ({
  path: `Site/Area${i % 10}/Unit${Math.floor(i / 1000) % 100}/Tag${i}`,
  device: 'plc',
  address: i < 65_536 ? `HR:${i}` : `IR:${i - 65_536}`,
  units: 'bar',
  scale: { rawMin: 0, rawMax: 65535, euMin: 0, euMax: 100 },
});
const problems: string[] = [];
const project = crossCheck(
  projectSchema.parse({
    name: '100k tags',
    devices: [{ name: 'plc', driver: 'modbus-tcp', host: '127.0.0.1', port, pollMs: 1000, timeoutMs: 2000, maxGap: 0 }],
    tags: Array.from({ length: TAGS }, (_, i) => tagAt(i)),
  }),
  (path, message) => problems.push(`${path.join('.')}: ${message}`),
);
if (problems.length > 0) throw new Error(problems.join('\n'));

const runtime = new Runtime(project);
runtime.start();
const allGood = async (paths: readonly string[], what: string) => {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (paths.every((path) => runtime.engine.find(path)?.quality.status === 'good')) return;
    if (Date.now() > deadline) throw new Error(`${what}: not every tag turned Good in 60 s`);
    await new Promise((r) => setTimeout(r, 5));
  }
};
await allGood(project.tags.map((tag) => tag.path), 'the first 100,000');
// Settle into the poll rhythm before the change.
await new Promise((r) => setTimeout(r, 1500));

// The new tags: the rest of the input registers, as a commissioning engineer's CSV import would bring them.
const added = Array.from({ length: ADDED }, (_, i) => ({ ...tagAt(TAGS + i), path: `Site/New/Unit${Math.floor(i / 100)}/Tag${i}` }));
const started = performance.now();
await runtime.applyChanges({ tags: { add: added } });
const applied = performance.now() - started;
await allGood(added.map((tag) => tag.path), 'the added 10,000');
const live = performance.now() - started;

await runtime.stop();
await server.close();
report('tags.add_10k_apply_ms', Math.round(applied), 'ms');
report('tags.add_10k_ms', Math.round(live), 'ms');
