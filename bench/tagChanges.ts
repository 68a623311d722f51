// tags.changes_per_s: readings of 100,000 tags go through the tag engine
// (scaling, plausibility, deadband) and the fanout to one client subscribed
// to all of them; the client's batches are serialised to JSON as the
// WebSocket transport does. Counts the changes that reach the client.
import { TagEngine } from '../src/main/runtime/tags/engine';
import { ChangeFanout } from '../src/main/runtime/tags/fanout';
import type { TagDefinition } from '../src/main/runtime/tags/definition';
import { qualityOf } from '../src/main/runtime/tags/plausibility';
import { report } from './report';

const TAGS = 100_000;
const ROUNDS = 20;
const GOOD = qualityOf('good');

const definitions: TagDefinition[] = Array.from({ length: TAGS }, (_, i) => ({
  path: `Site/Area${Math.floor(i / 10_000)}/Unit${Math.floor(i / 100) % 100}/Tag${i}`,
  device: 'plc',
  address: `HR:${i % 65536}`,
  dataType: 'uint16',
  units: 'm',
  description: '',
  writable: false,
  deadband: 0.5,
  scale: { rawMin: 0, rawMax: 1000, euMin: 0, euMax: 100 },
  limits: { min: 0, max: 100 },
}));

const engine = new TagEngine(definitions);
const fanout = new ChangeFanout(engine, 50);
let delivered = 0;
let bytes = 0;
const subscription = fanout.subscribe((changes) => {
  delivered += changes.length;
  bytes += JSON.stringify({ id: 's', event: 'tags.changed', payload: changes }).length;
});
subscription.setPaths(definitions.map((d) => d.path));
fanout.flush(); // the initial values
delivered = 0;
bytes = 0;

const started = process.hrtime.bigint();
for (let round = 1; round <= ROUNDS; round++) {
  const ts = 1_000_000 + round * 500;
  // Every tag moves by 10 counts = 1 m, past its 0.5 m deadband.
  for (let id = 0; id < TAGS; id++) engine.ingest(id, (round * 10 + id) % 1000, GOOD, ts);
  engine.flush();
  fanout.flush();
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
fanout.dispose();

if (delivered !== TAGS * ROUNDS) {
  console.error(`bench: ${delivered} changes reached the client, expected ${TAGS * ROUNDS}`);
  process.exit(1);
}
report('tags.changes_per_s', Math.round(delivered / seconds), 'changes/s');
report('tags.change_bytes_per_change', Math.round(bytes / delivered), 'B');
