// tags.rss_mb_100k: resident memory of a runtime holding 100,000 tags with
// live values. The tags (65,536 holding registers and 34,464 input registers)
// are polled once a second over Modbus TCP from a simulator server in this
// same process (a few hundred kB of registers), whose values change between
// scans; the figure is taken once every tag is Good and a few scans went by.
import { crossCheck } from '../src/main/runtime/project/validate';
import { projectSchema } from '../src/main/runtime/project/schema';
import { Runtime } from '../src/main/runtime/runtime';
import { ModbusTcpServer } from '../src/main/simulator/modbusTcpServer';
import { RegisterBank } from '../src/main/simulator/registerBank';
import { detailOf } from '../src/shared/types';
import { report } from './report';

const TAGS = 100_000;
const bank = new RegisterBank().define('HR', 0, 65_536).define('IR', 0, 65_536);
const server = new ModbusTcpServer(bank, { host: '127.0.0.1', port: 0 });
const port = await server.listen();
const churn = setInterval(() => {
  const hr = bank.registers('HR');
  const ir = bank.registers('IR');
  for (let i = 0; i < hr.length; i++) hr[i] = (hr[i]! + 1 + (i % 7)) & 0xffff;
  for (let i = 0; i < ir.length; i++) ir[i] = (ir[i]! + 3) & 0xffff;
}, 500);

const tags = Array.from({ length: TAGS }, (_, i) => ({
  path: `Site/Area${i % 10}/Unit${Math.floor(i / 1000) % 100}/Tag${i}`,
  device: 'plc',
  address: i < 65_536 ? `HR:${i}` : `IR:${i - 65_536}`,
  units: 'bar',
  scale: { rawMin: 0, rawMax: 65535, euMin: 0, euMax: 100 },
  deadband: 0.01,
}));
const problems: string[] = [];
const project = crossCheck(
  projectSchema.parse({
    name: '100k tags',
    devices: [{ name: 'plc', driver: 'modbus-tcp', host: '127.0.0.1', port, pollMs: 1000, timeoutMs: 2000, maxGap: 0 }],
    tags,
  }),
  (path, message) => problems.push(`${path.join('.')}: ${message}`),
);
if (problems.length > 0) throw new Error(problems.join('\n'));
tags.length = 0;

const runtime = new Runtime(project);
runtime.start();
const deadline = Date.now() + 30_000;
while (runtime.engine.tags.some((tag) => tag.quality.status !== 'good')) {
  if (Date.now() > deadline) throw new Error('not every tag turned Good in 30 s');
  await new Promise((r) => setTimeout(r, 200));
}
await new Promise((r) => setTimeout(r, 3000)); // a few scans of changing values
(globalThis as { gc?: () => void }).gc?.();
await new Promise((r) => setTimeout(r, 200));
const rss = process.memoryUsage().rss / 1024 / 1024;
const scanMs = detailOf(runtime.devices()[0]!, 'lastScanMs');

clearInterval(churn);
await runtime.stop();
await server.close();
report('tags.rss_mb_100k', Math.round(rss), 'MB');
report('tags.scan_ms_100k', typeof scanMs === 'number' ? scanMs : -1, 'ms');
