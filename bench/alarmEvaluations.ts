// alarms.evaluations_per_s: alarm definitions × value changes per second.
// 25,000 tags with four limit alarms each (hihi, hi, lo, lolo; deadband,
// on-delay) receive 40 rounds of new values. Each round about 1 % of the tags
// cross a limit, so transitions are journalled (to a real SQLite file, its
// flush included in the time) and batched to one listener, as in the runtime.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlarmDefinition } from '../src/main/runtime/alarms/definition';
import { AlarmEngine } from '../src/main/runtime/alarms/alarmEngine';
import { AlarmJournal } from '../src/main/runtime/alarms/journal';
import type { TagDefinition } from '../src/main/runtime/tags/definition';
import { TagEngine } from '../src/main/runtime/tags/engine';
import { qualityOf } from '../src/main/runtime/tags/plausibility';
import { report } from './report';

const TAGS = 25_000;
const ROUNDS = 40;
const GOOD = qualityOf('good');
const LIMITS = [
  ['hihi', 95, 1],
  ['hi', 90, 2],
  ['lo', 10, 3],
  ['lolo', 5, 1],
] as const;

const tags: TagDefinition[] = Array.from({ length: TAGS }, (_, i) => ({
  path: `Site/Area${i % 10}/Unit${Math.floor(i / 100) % 100}/PV${i}`,
  device: 'plc',
  address: `HR:${i % 65536}`,
  dataType: 'float32',
  units: 'm',
  description: '',
  writable: false,
  deadband: 0,
}));
const alarms: AlarmDefinition[] = tags.flatMap((tag) =>
  LIMITS.map(([kind, limit, priority]) => ({
    id: `${tag.path}#${kind}`,
    path: tag.path,
    area: tag.path.slice(0, tag.path.lastIndexOf('/')),
    kind,
    priority,
    limit,
    sp: null,
    state: null,
    category: null,
    deadband: 0.5,
    onDelayMs: 1000,
    offDelayMs: 0,
    latch: false,
    reAlarmMs: null,
    message: '{path} {value} {units} (limit {limit})',
    units: 'm',
    ne107: null,
    suppressedBy: null,
  })),
);

const dir = mkdtempSync(join(tmpdir(), 'alarm-bench-'));
const engine = new TagEngine(tags);
const journal = new AlarmJournal({ file: join(dir, 'alarms.db') });
await journal.open();
const alarmEngine = new AlarmEngine(engine, alarms, { journal });
let delivered = 0;
alarmEngine.subscribe((batch) => (delivered += batch.alarms.length));

const ids = tags.map((_, id) => id);
let seconds = 0;
for (let round = 0; round < ROUNDS; round++) {
  const ts = 1_000_000 + round * 1000;
  for (let id = 0; id < TAGS; id++) {
    // Mostly mid-range; 1 % of the tags at a time stay past hi/hihi for three rounds (past the on-delay), then return.
    const high = (id + Math.floor(round / 3)) % 100 === 0;
    engine.ingest(id, high ? 97 + round / 100 : 50 + ((id + round) % 30), GOOD, ts);
  }
  const started = process.hrtime.bigint();
  alarmEngine.onTagChanges(ids);
  await journal.flush();
  seconds += Number(process.hrtime.bigint() - started) / 1e9;
}
const transitions = (await journal.query({ from: 0, to: 1e13, limit: 100_000 })).entries.length;
const evaluations = TAGS * LIMITS.length * ROUNDS;
report('alarms.evaluations_per_s', Math.round(evaluations / seconds), 'eval/s');
console.error(`bench: ${evaluations} evaluations of ${alarms.length} alarms in ${seconds.toFixed(3)} s, ${transitions} journalled transitions, ${delivered} alarms batched`);
await alarmEngine.stop();
rmSync(dir, { recursive: true, force: true });
