// runtime.loop_lag_ms_p99: the delay of the event loop that polls devices
// (p99 of perf_hooks' monitorEventLoopDelay, 1 ms resolution) while
//   - 100,000 tags are polled once a second, in blocks of 125 registers that
//     arrive as separate events, as a Modbus driver's responses do,
//   - an alarm flood of 10,000 activations is journalled,
//   - a 100,000-row journal query, a 400-day KPI query and an audit list
//     (10,000 entries) run, one after the other, twice.
// The alarm journal and the security file run in the built store worker
// (out/main/storeWorker.js), as in the application: `npm run bench` builds
// first. The journal holds 400 days of history (300,000 entries) and the
// audit trail 20,000 entries before the measurement starts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { AlarmEngine } from '../src/main/runtime/alarms/alarmEngine';
import type { AlarmDefinition } from '../src/main/runtime/alarms/definition';
import { AlarmJournal } from '../src/main/runtime/alarms/journal';
import { JOURNAL_KIND } from '../src/main/runtime/alarms/journalSchema/index';
import { RUNTIME_CALLER, Security } from '../src/main/runtime/security/security';
import { SECURITY_KIND } from '../src/main/runtime/security/securitySchema/index';
import { openStore } from '../src/main/runtime/storage/openStore';
import type { TagDefinition } from '../src/main/runtime/tags/definition';
import { TagEngine } from '../src/main/runtime/tags/engine';
import { qualityOf } from '../src/main/runtime/tags/plausibility';
import { report } from './report';

const TAGS = 100_000;
const ALARMS = 10_000;
const BLOCK = 125;
const POLL_MS = 1000;
const DAY = 86_400_000;
const WORKER = { url: join(process.cwd(), 'out', 'main', 'storeWorker.js') };
const GOOD = qualityOf('good');

const dir = mkdtempSync(join(tmpdir(), 'bench-loop-lag-'));
const now = Date.now();

/** 400 days of a journal: 150,000 activations and as many clearances of 2,000 alarms. */
function prefillJournal(file: string): void {
  const db = openStore(file, JOURNAL_KIND);
  const insert = db.prepare('INSERT INTO journal (seq, ts, alarm_id, path, kind, priority, event, state, value, message, user, workstation, comment) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)');
  db.transaction(() => {
    let seq = 1;
    for (let i = 0; i < 150_000; i++) {
      const ts = now - 400 * DAY + Math.floor((i * 400 * DAY) / 150_000);
      const id = i % 2000;
      insert.run(seq++, ts, `Old/Tag${id}#hi`, `Old/Tag${id}`, 'hi', String((id % 4) + 1), 'activated', 'unacknowledged', '91', `Old ${id} high`, null, null, null);
      insert.run(seq++, ts + 30_000, `Old/Tag${id}#hi`, `Old/Tag${id}`, 'hi', String((id % 4) + 1), 'cleared', 'rtn_unacknowledged', '80', `Old ${id} high`, null, null, null);
    }
  })();
  db.close();
}

/** 20,000 audit entries (the list reads them; it does not verify the chain). */
function prefillAudit(file: string): void {
  const db = openStore(file, SECURITY_KIND);
  const insert = db.prepare('INSERT INTO audit (seq, ts, user, workstation, action, target, old_value, new_value, comment, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?)');
  db.transaction(() => {
    for (let i = 1; i <= 20_000; i++) insert.run(i, now - (20_000 - i) * 60_000, 'op', 'ws-1', 'tags.write', `Plant/T${i % 500}`, '1', '2', null, 'p'.repeat(64), 'h'.repeat(64));
  })();
  db.close();
}

const tags: TagDefinition[] = Array.from({ length: TAGS }, (_, i) => ({
  path: `Site/Area${Math.floor(i / 10_000)}/Unit${Math.floor(i / 100) % 100}/Tag${i}`,
  device: 'plc',
  address: `HR:${i % 65536}`,
  dataType: 'uint16',
  units: 'm',
  description: '',
  writable: false,
  deadband: 0,
}));
// The flood: a digital alarm on each of the first 10,000 tags, active when the value is not 0.
const alarms: AlarmDefinition[] = tags.slice(0, ALARMS).map((tag, i) => ({
  id: `${tag.path}#digital`,
  path: tag.path,
  area: tag.path.slice(0, tag.path.lastIndexOf('/')),
  kind: 'digital',
  priority: ((i % 4) + 1) as 1 | 2 | 3 | 4,
  limit: null,
  sp: null,
  state: true,
  category: null,
  deadband: 0,
  onDelayMs: 0,
  offDelayMs: 0,
  latch: false,
  reAlarmMs: null,
  message: 'Trip {path}',
  units: '',
  ne107: null,
  suppressedBy: null,
}));

async function main(): Promise<void> {
  const journalFile = join(dir, 'alarms.db');
  const securityFile = join(dir, 'security.db');
  prefillJournal(journalFile);
  prefillAudit(securityFile);

  const engine = new TagEngine(tags);
  const journal = new AlarmJournal({ file: journalFile, worker: WORKER });
  const alarmEngine = new AlarmEngine(engine, alarms, { journal });
  const security = new Security({ file: securityFile, worker: WORKER });
  await security.ready();
  await alarmEngine.start();

  // Polling: each second, every tag in blocks of BLOCK, each block its own event (spread over the second).
  let flood = false;
  let cycle = 0;
  let blocks = 0;
  const poll = () => {
    const ts = Date.now();
    cycle++;
    for (let start = 0; start < TAGS; start += BLOCK) {
      const at = Math.floor((start / TAGS) * (POLL_MS * 0.8));
      setTimeout(() => {
        for (let id = start; id < Math.min(TAGS, start + BLOCK); id++) {
          engine.ingest(id, id < ALARMS ? (flood ? 1 : 0) : (id + cycle) % 1000, GOOD, ts);
        }
        blocks++;
      }, at);
    }
  };
  poll();
  const poller = setInterval(poll, POLL_MS);
  await sleep(3000); // warm up: the first values, the alarm engine settled

  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const started = Date.now();

  // The flood: every alarm of the next poll activates.
  flood = true;
  await sleep(1500);
  const timings: string[] = [];
  const time = async (name: string, run: () => Promise<unknown>) => {
    const t0 = performance.now();
    const result = await run();
    timings.push(`${name} ${Math.round(performance.now() - t0)} ms`);
    return result;
  };
  for (let round = 0; round < 2; round++) {
    const rows = (await time('journal query', () => journal.query({ from: 0, to: Date.now() + 1000, limit: 100_000 }))) as { entries: unknown[] };
    if (rows.entries.length !== 100_000) throw new Error(`the journal query gave ${rows.entries.length} rows`);
    await time('kpis 400 d', () => journal.kpis(now - 400 * DAY, Date.now()));
    const audit = (await time('audit list', () => security.queryAudit({ from: 0, to: Date.now() + 1000, limit: 10_000 }))) as { entries: unknown[] };
    if (audit.entries.length !== 10_000) throw new Error(`the audit list gave ${audit.entries.length} entries`);
    // An operator action, answered once committed (journal and audit).
    alarmEngine.ack([alarms[round]!.id], RUNTIME_CALLER, 'bench');
    await time('ack committed', async () => {
      await alarmEngine.committed();
      await security.audit(RUNTIME_CALLER, 'alarms.ack', alarms[round]!.id, null, null, 'bench');
    });
  }
  await sleep(2000);
  histogram.disable();
  const seconds = (Date.now() - started) / 1000;

  const journalled = (await journal.query({ from: started - 60_000, to: Date.now() + 1000, limit: 100_000, events: ['activated'] })).entries.length;
  clearInterval(poller);
  await sleep(POLL_MS);
  await alarmEngine.stop();
  await security.close();
  rmSync(dir, { recursive: true, force: true });
  if (journalled < ALARMS) throw new Error(`only ${journalled} of the flood's ${ALARMS} activations were journalled`);

  const ms = (ns: number) => ns / 1e6;
  report('runtime.loop_lag_ms_p99', ms(histogram.percentile(99)), 'ms');
  console.error(
    `bench: ${seconds.toFixed(1)} s measured, ${blocks} blocks of ${BLOCK} tags polled, ${journalled} flood activations journalled; ` +
      `loop delay p50 ${ms(histogram.percentile(50)).toFixed(1)} ms, p99 ${ms(histogram.percentile(99)).toFixed(1)} ms, max ${ms(histogram.max).toFixed(1)} ms; ${timings.join(', ')}`,
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

await main();
