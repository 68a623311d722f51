// A process that records one sample per millisecond into a historian until it
// is killed, printing the time of the newest sample handed to the worker.
import { Historian } from '../../../src/main/runtime/historian/historian';

const file = process.argv[2]!;
const historian = new Historian(null, {
  file,
  workerUrl: new URL('../../helpers/tsWorker.mjs', import.meta.url),
  workerEntry: new URL('../../../src/main/runtime/historian/worker.ts', import.meta.url).href,
  tags: [{ path: 'K/A', units: '', description: '', dataType: 'float64', group: '', policy: { deadband: 0, maxIntervalMs: 3_600_000 } }],
});
let next = Date.now();
setInterval(() => {
  const now = Date.now();
  for (; next <= now; next++) historian.record(0, next, next % 1000, 0);
  historian.post();
  process.stdout.write(`${next - 1}\n`);
}, 100);
