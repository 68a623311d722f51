// A process that pushes numbered messages into a store-and-forward queue
// (its store in the store worker) until it is killed, printing how many had
// been pushed before each flush the store answered as committed.
import { StoreForwardQueue } from '../../../src/main/runtime/uplink/storeForward';

const file = process.argv[2]!;
const queue = new StoreForwardQueue({
  file,
  maxBytes: 1_000_000_000,
  worker: { url: new URL('../../helpers/tsWorker.mjs', import.meta.url), entry: new URL('../../../src/main/runtime/storeWorker/worker.ts', import.meta.url).href },
});

function payload(n: number): Uint8Array {
  const out = new Uint8Array(64);
  new DataView(out.buffer).setUint32(0, n);
  return out;
}

await queue.open();
let n = 0;
for (;;) {
  for (let i = 0; i < 50; i++) queue.push('kill/test', payload(n++), Date.now(), 1);
  const through = n;
  // More pushes while the flush is on its way: some are always uncommitted when the kill comes.
  const committed = queue.flush();
  for (let i = 0; i < 50; i++) queue.push('kill/test', payload(n++), Date.now(), 1);
  if (await committed) process.stdout.write(`${through}\n`);
}
