// A file made read-only and then writable again: every store recovers within
// its retry period, whatever files its own failed attempt left beside it.
// (SQLite creates the -wal and -shm of a read-only file with the file's mode,
// 0444, and keeps them: once the file is writable again they were what still
// refused.) Runs with modes enforced, as nobody when the tests run as root.
import { chmodSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { JournalStore } from '../../../src/main/runtime/alarms/journalStore';
import { Historian, type HistorizedTag } from '../../../src/main/runtime/historian/historian';
import { HistorianStore } from '../../../src/main/runtime/historian/store';
import { QueueStore } from '../../../src/main/runtime/uplink/queueStore';
import { waitFor } from '../../helpers/waitFor';
import { asUnprivileged, ownedTempDir } from '../../helpers/unprivileged';

const dir = ownedTempDir('readonly-recovery-');
let n = 0;
const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const stop of cleanup.splice(0)) await stop();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TAG: HistorizedTag = {
  path: 'T/A', units: 'bar', description: '', dataType: 'float64', group: '', policy: { deadband: 0, maxIntervalMs: 3_600_000 },
};
const worker = {
  workerUrl: new URL('../../helpers/tsWorker.mjs', import.meta.url),
  workerEntry: new URL('../../../src/main/runtime/historian/worker.ts', import.meta.url).href,
};

describe('a file made read-only, then writable again', () => {
  it('the historian: unavailable while read-only, ok again within the retry period', async () => {
    await asUnprivileged(async () => {
      const file = join(dir, `h${++n}.db`);
      new HistorianStore(file).close();
      chmodSync(file, 0o444);
      const h = new Historian(null, { file, ...worker, tags: [TAG], flushMs: 100, retryMs: 200 });
      cleanup.push(() => h.stop());
      await waitFor(() => h.status().problem?.includes('read-only'), 'the diagnosis', 10_000);
      expect(h.status().state).toBe('unavailable');
      h.record(0, 1000, 1.5, 0);
      h.post();
      chmodSync(file, 0o644);
      await waitFor(() => h.status().state === 'ok', 'the historian to recover', 10_000);
      await waitFor(async () => (await h.flush()).samplesStored === 1, 'the waiting sample written');
    });
  });

  it('the alarm journal (the shared opener): degraded while read-only, ok again within the retry period', async () => {
    await asUnprivileged(async () => {
      const file = join(dir, `j${++n}.db`);
      const first = new JournalStore({ file });
      first.open();
      first.close();
      chmodSync(file, 0o444);
      const journal = new JournalStore({ file, retryMs: 100 });
      cleanup.push(() => journal.close());
      journal.open();
      journal.append({ entries: [entry()], states: [] });
      expect(journal.status()).toMatchObject({ state: 'degraded', problem: expect.stringContaining('read-only'), pending: 1 });
      chmodSync(file, 0o644);
      await waitFor(() => journal.status().state === 'ok', 'the journal to recover', 5000);
      expect(journal.status().pending).toBe(0);
      expect(journal.query({ from: 0, to: 10_000, limit: 10 }).entries).toHaveLength(1);
    });
  });

  it('the uplink queue (the shared opener): degraded while read-only, ok again within the retry period', async () => {
    await asUnprivileged(async () => {
      const file = join(dir, `q${++n}.db`);
      const first = new QueueStore({ file, maxBytes: 1_000_000 });
      first.open();
      first.close();
      chmodSync(file, 0o444);
      const queue = new QueueStore({ file, maxBytes: 1_000_000, retryMs: 100 });
      cleanup.push(() => queue.close());
      queue.open();
      expect(queue.status()).toMatchObject({ state: 'degraded', problem: expect.stringContaining('read-only') });
      chmodSync(file, 0o644);
      await waitFor(() => queue.status().state === 'ok', 'the queue to recover', 5000);
    });
  });
});

function entry() {
  return {
    ts: 1000, alarmId: 'T/A#hi', path: 'T/A', kind: 'hi' as const, priority: 2 as const, event: 'activated' as const, state: 'unacknowledged' as const,
    value: 9, message: 'high', user: null, workstation: null, comment: null,
  };
}
