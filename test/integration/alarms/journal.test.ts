// The alarm journal on a real SQLite file: entries and states survive a
// reopen, a full disk keeps entries in memory until space is back, and a
// file it cannot use degrades the journal without losing what arrives. The
// journal's store runs in its worker thread, as in the application.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AlarmJournal, type NewEntry } from '../../../src/main/runtime/alarms/journal';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/** The store worker, run from source through tsx. */
const WORKER = { url: new URL('../../helpers/tsWorker.mjs', import.meta.url), entry: new URL('../../../src/main/runtime/storeWorker/worker.ts', import.meta.url).href };

function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'journal-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'alarms.db');
}

function journal(file: string, extra: Partial<ConstructorParameters<typeof AlarmJournal>[0]> = {}): AlarmJournal {
  const j = new AlarmJournal({ file, flushMs: 5, retryMs: 50, worker: WORKER, ...extra });
  cleanups.push(() => j.close());
  return j;
}

const entry = (ts: number, n = 0, extra: Partial<NewEntry> = {}): NewEntry => ({
  ts,
  alarmId: `Plant/T${n % 10}#hi`,
  path: `Plant/T${n % 10}`,
  kind: 'hi',
  priority: 2,
  event: 'activated',
  state: 'unacknowledged',
  value: 8.75,
  message: `Tank ${n} high: 8.75 m`,
  user: null,
  workstation: null,
  comment: null,
  ...extra,
});

const snapshot = { state: 'acknowledged', activeAt: 5, ackedAt: 6, ackedBy: 'op', shelvedUntil: null, shelveReason: null, outOfService: false, outOfServiceReason: null } as const;

describe('alarm journal', () => {
  it('keeps entries and states across a reopen, and filters by search, area, event and time', async () => {
    const file = tempFile();
    const first = journal(file);
    await first.open();
    for (let i = 0; i < 50; i++) first.append(entry(1000 + i, i));
    first.append(entry(2000, 3, { event: 'acknowledged', state: 'acknowledged', user: 'alice', comment: 'Flow 100% checked', value: true }));
    first.saveState('Plant/T3#hi', snapshot);
    await first.close();

    const second = journal(file);
    const states = await second.open();
    expect(states.get('Plant/T3#hi')).toEqual(snapshot);
    const all = await second.query({ from: 0, to: 10_000, limit: 1000 });
    expect(all.entries).toHaveLength(51);
    expect(all.entries[0]).toMatchObject({ event: 'acknowledged', user: 'alice', value: true, priority: 2 });
    expect(all.entries.map((e) => e.seq)).toEqual([...all.entries.map((e) => e.seq)].sort((a, b) => b - a));
    // LIKE wildcards in the search are taken literally.
    expect((await second.query({ from: 0, to: 10_000, limit: 100, search: '100%' })).entries).toHaveLength(1);
    expect((await second.query({ from: 0, to: 10_000, limit: 100, search: 'ALICE' })).entries).toHaveLength(1);
    expect((await second.query({ from: 1010, to: 1019, limit: 100 })).entries).toHaveLength(10);
    expect((await second.query({ from: 0, to: 10_000, limit: 100, events: ['activated'], alarmId: 'Plant/T3#hi' })).entries).toHaveLength(5);
    expect((await second.query({ from: 0, to: 10_000, limit: 100, area: 'Plant' })).entries).toHaveLength(51);
    expect((await second.query({ from: 0, to: 10_000, limit: 100, area: 'Pla' })).entries).toHaveLength(0);
    const page = await second.query({ from: 0, to: 10_000, limit: 10 });
    expect([page.entries.length, page.truncated]).toEqual([10, true]);
    // Numbering goes on after the reopen.
    second.append(entry(3000));
    expect((await second.query({ from: 2999, to: 3001, limit: 1 })).entries[0]!.seq).toBe(52);
  });

  it('keeps entries in memory while the disk is full, answers queries with them, and writes them once there is space', async () => {
    const file = tempFile();
    const j = journal(file, { maxPageCount: 8 });
    await j.open();
    for (let i = 0; i < 3000; i++) j.append(entry(1000 + i, i, { message: `a long enough message to fill pages ${'x'.repeat(100)} ${i}` }));
    expect(await j.flush()).toBe(false);
    const full = j.status();
    expect(full.state).toBe('degraded');
    expect(full.problem).toContain('disk is full');
    expect(full.pending).toBe(3000);
    expect((await j.query({ from: 0, to: 1e13, limit: 5000 })).entries).toHaveLength(3000);

    await j.setMaxPageCount(1_000_000);
    await new Promise((r) => setTimeout(r, 200));
    expect(j.status()).toMatchObject({ state: 'ok', pending: 0, problem: null });
    await j.close();
    const reopened = journal(file);
    await reopened.open();
    expect((await reopened.query({ from: 0, to: 1e13, limit: 5000 })).entries).toHaveLength(3000);
  });

  it('refuses a damaged file with the reason, leaves it untouched, and keeps what arrives', async () => {
    const file = tempFile();
    writeFileSync(file, 'this is not a database, but somebody’s notes'.repeat(200));
    const j = journal(file, { retryMs: 60_000 });
    expect((await j.open()).size).toBe(0);
    expect(j.status().problem).toMatch(/damaged/);
    j.append(entry(1));
    expect(j.status().pending).toBe(1);
    expect((await j.query({ from: 0, to: 10, limit: 10 })).entries).toHaveLength(1);
    await expect(j.activations(0, 10)).rejects.toThrow(/not available: .*damaged/);
  });

  it('bounds what waits in memory, dropping the oldest and counting them', async () => {
    const file = tempFile();
    writeFileSync(file, 'x'.repeat(8192));
    const j = journal(file, { maxPending: 100, retryMs: 60_000 });
    await j.open();
    for (let i = 0; i < 250; i++) j.append(entry(i, i));
    expect(j.status()).toMatchObject({ pending: 100, dropped: 150 });
    expect((await j.query({ from: 0, to: 1000, limit: 1000 })).entries.at(-1)!.ts).toBe(150);
  });
});
