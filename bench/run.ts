// `npm run bench`: runs every benchmark in its own process (so memory figures
// are not polluted by the others) and prints each figure as `name value unit`.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BENCHES = ['modbusPlanner.ts', 'modbusThroughput.ts', 'tagChanges.ts', 'tagsMemory.ts', 'serveFirstValue.ts', 'historianCodec.ts', 'historian.ts', 'trendRender.ts', 'alarmEvaluations.ts', 'alarmFlood.ts', 'uplink.ts', 'projectLoad.ts', 'tagsAdd.ts', 'loopLag.ts', 'serveClients.ts'];
const only = process.argv.slice(2);
let failed = false;

for (const file of BENCHES) {
  if (only.length > 0 && !only.some((name) => file.includes(name))) continue;
  const path = fileURLToPath(new URL(file, import.meta.url));
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', path], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) {
    console.error(`bench: ${file} failed (exit ${result.status ?? result.signal})`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
