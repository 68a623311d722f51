// System alarms: diagnostic alarms of the runtime's own components, tied to
// no tag. They are alarms like the others: listed, counted, journalled (on a
// real SQLite file), acknowledged, shelved, brought back after a restart,
// and kept when the project's alarms are reconfigured.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AlarmEngine } from '../../../src/main/runtime/alarms/alarmEngine';
import type { AlarmDefinition } from '../../../src/main/runtime/alarms/definition';
import { AlarmJournal } from '../../../src/main/runtime/alarms/journal';
import { alarmSchema } from '../../../src/main/runtime/alarms/schema';
import { trustedCaller } from '../../../src/main/runtime/security/security';
import { TagEngine } from '../../../src/main/runtime/tags/engine';
import type { TagDefinition } from '../../../src/main/runtime/tags/definition';
import { systemAlarmId, type AlarmsChanged } from '../../../src/shared/alarms';
import { GOOD } from '../../../src/shared/types';
import { waitFor } from '../../helpers/waitFor';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

const LEVEL: TagDefinition = { path: 'Plant/Level', device: 'plc', address: 'HR:0', dataType: 'float64', units: 'm', description: 'Level', writable: false, deadband: 0 };
const HI: AlarmDefinition = {
  id: 'Plant/Level#hi',
  path: 'Plant/Level',
  area: 'Plant',
  kind: 'hi',
  priority: 2,
  limit: 8,
  sp: null,
  state: null,
  category: null,
  deadband: 0,
  onDelayMs: 0,
  offDelayMs: 0,
  latch: false,
  reAlarmMs: null,
  message: 'Level high: {value} {units}',
  units: 'm',
  ne107: null,
  suppressedBy: null,
};
const AUDIT = systemAlarmId('audit');
const SPEC = { label: 'Audit trail' };
const operator = trustedCaller('olga', 'ws1', 'operator');

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sysalarm-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** An engine over one tag with a hi alarm, journalled to `file` (in-process store). */
async function engineWith(file: string, before?: (alarms: AlarmEngine) => void) {
  const tags = new TagEngine([LEVEL]);
  const journal = new AlarmJournal({ file, flushMs: 5, retryMs: 50, worker: null });
  const alarms = new AlarmEngine(tags, [HI], { journal, batchMs: 5, tickMs: 20 });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await alarms.stop();
  };
  cleanups.push(stop);
  before?.(alarms);
  await alarms.start();
  return { tags, alarms, journal, stop };
}

describe('system alarms', () => {
  it('are raised and cleared by a component: listed, counted, journalled, acknowledged and shelved like any alarm', async () => {
    const { tags, alarms, journal } = await engineWith(join(tempDir(), 'alarms.db'));
    const batches: AlarmsChanged[] = [];
    alarms.subscribe((batch) => batches.push(batch));

    alarms.setCondition(AUDIT, SPEC, true, 'The audit trail cannot be written: the disk is full');
    const raised = alarms.find(AUDIT)!;
    expect(raised).toMatchObject({
      id: 'system/audit',
      path: 'system/audit',
      area: 'system',
      kind: 'system',
      priority: 'diagnostic',
      state: 'unacknowledged',
      value: null,
      message: 'The audit trail cannot be written: the disk is full',
    });
    expect(alarms.counts()).toMatchObject({ listed: 1, active: 1, unacknowledged: 1, unackByPriority: { diagnostic: 1 } });
    await waitFor(() => batches.some((b) => b.alarms.some((a) => a.id === AUDIT)), 'a batch with the system alarm');

    // A tag's alarm is as it was.
    tags.ingest(tags.find('Plant/Level')!.id, 9, GOOD, Date.now());
    tags.flush();
    expect(alarms.find('Plant/Level#hi')).toMatchObject({ state: 'unacknowledged', value: 9, message: 'Level high: 9 m' });

    // Raising again changes nothing; a new message is taken.
    alarms.setCondition(AUDIT, SPEC, true, 'The audit trail cannot be written: 3 entries wait');
    expect(alarms.find(AUDIT)).toMatchObject({ state: 'unacknowledged', activeAt: raised.activeAt, message: 'The audit trail cannot be written: 3 entries wait' });

    expect(alarms.ack([AUDIT], operator, 'seen')).toEqual([AUDIT]);
    expect(alarms.find(AUDIT)).toMatchObject({ state: 'acknowledged', ackedBy: 'olga' });
    alarms.shelve(AUDIT, 60_000, 'disk being replaced', operator);
    expect(alarms.counts()).toMatchObject({ shelved: 1 });
    alarms.unshelve(AUDIT, operator, null);
    alarms.setCondition(AUDIT, SPEC, false, 'The audit trail is written again');
    expect(alarms.find(AUDIT)).toMatchObject({ state: 'normal', message: 'The audit trail is written again' });

    expect(await alarms.committed()).toBe(true);
    const { entries } = await journal.query({ from: 0, to: Date.now() + 1000, alarmId: AUDIT, limit: 100 });
    expect(entries.map((e) => e.event).reverse()).toEqual(['activated', 'acknowledged', 'shelved', 'unshelved', 'cleared']);
    expect(entries.every((e) => e.kind === 'system' && e.priority === 'diagnostic' && e.value === null && e.path === AUDIT)).toBe(true);
    const byArea = await journal.query({ from: 0, to: Date.now() + 1000, area: 'system', limit: 100 });
    expect(byArea.entries).toHaveLength(5);
  });

  it('take a priority and kind of their own, and a default message from their label', async () => {
    const { alarms } = await engineWith(join(tempDir(), 'alarms.db'));
    alarms.setCondition('plc1#communication', { kind: 'communication', label: 'plc1', device: 'plc1', priority: 3 }, true);
    expect(alarms.find('plc1#communication')).toMatchObject({ kind: 'communication', priority: 3, device: 'plc1', message: 'plc1 communication lost', state: 'unacknowledged' });
    expect(alarms.find('Plant/Level#hi')!.device).toBeUndefined();
  });

  it('come back after a restart as they were, and a condition set before the start does not raise them twice', async () => {
    const file = join(tempDir(), 'alarms.db');
    const first = await engineWith(file);
    first.alarms.setCondition(AUDIT, SPEC, true, 'degraded');
    first.alarms.setCondition(systemAlarmId('login_attack'), { label: 'Login attack' }, true, 'attack');
    first.alarms.setCondition(systemAlarmId('login_attack'), { label: 'Login attack' }, false, 'attack over');
    const activeAt = first.alarms.find(AUDIT)!.activeAt;
    await first.stop();

    // Still degraded at the next start: the component says so before the engine started.
    const second = await engineWith(file, (alarms) => alarms.setCondition(AUDIT, SPEC, true, 'still degraded'));
    expect(second.alarms.find(AUDIT)).toMatchObject({ state: 'unacknowledged', activeAt, message: 'still degraded' });
    // One nobody has set since the start takes its saved state when it is first set.
    second.alarms.setCondition(systemAlarmId('login_attack'), { label: 'Login attack' }, false);
    expect(second.alarms.find(systemAlarmId('login_attack'))).toMatchObject({ state: 'rtn_unacknowledged' });
    await second.alarms.committed();
    const { entries } = await second.journal.query({ from: 0, to: Date.now() + 1000, alarmId: AUDIT, limit: 10 });
    expect(entries.map((e) => e.event)).toEqual(['activated']);
  });

  it('stay when the project’s alarms are reconfigured, and cannot take a tag alarm’s id', async () => {
    const { alarms } = await engineWith(join(tempDir(), 'alarms.db'));
    alarms.setCondition(AUDIT, SPEC, true, 'degraded');
    alarms.reconfigure([]);
    expect(alarms.find('Plant/Level#hi')).toBeUndefined();
    expect(alarms.find(AUDIT)).toMatchObject({ state: 'unacknowledged', message: 'degraded' });
    alarms.reconfigure([HI]);
    expect(alarms.list().map((a) => a.id).sort()).toEqual(['Plant/Level#hi', AUDIT]);
    expect(() => alarms.setCondition('Plant/Level#hi', SPEC, true)).toThrow('is an alarm of a tag');
  });

  it('cannot be declared in a project file', () => {
    const result = alarmSchema.safeParse({ kind: 'system', priority: 'diagnostic' });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.message).toContain('kind must be one of hihi');
  });
});
