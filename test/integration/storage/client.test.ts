// The store channel: answers by id, errors as values (with SQLite's code),
// long lists in parts, a timeout that refuses a call the store does not
// answer, and a close that lets the store finish and leaves no thread behind.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { journalService } from '../../../src/main/runtime/alarms/journalStore';
import { StoreCallError, StoreClient } from '../../../src/main/runtime/storage/client';
import { Rows, type ServiceFactory } from '../../../src/main/runtime/storage/protocol';

const WORKER = { url: new URL('../../helpers/tsWorker.mjs', import.meta.url), entry: new URL('../../../src/main/runtime/storeWorker/worker.ts', import.meta.url).href };
const dirs: string[] = [];
afterEach(() => {
  while (dirs.length > 0) rmSync(dirs.pop()!, { recursive: true, force: true });
});

const testService: ServiceFactory<{ rows: number }> = (options, emit) => ({
  handlers: {
    echo: (args: unknown) => args,
    fail: () => {
      throw Object.assign(new Error('the disk is full'), { code: 'SQLITE_FULL' });
    },
    rows: () => new Rows('items', Array.from({ length: options.rows }, (_, i) => ({ i })), { total: options.rows }),
    busy: ({ ms }: { ms: number }) => {
      const end = Date.now() + ms;
      while (Date.now() < end);
      return 'done';
    },
    shout: () => emit('status', { state: 'degraded' }),
  },
  close: () => {},
});

describe('store client', () => {
  it('answers calls in order, errors as values, long lists in parts, and events', async () => {
    const events: unknown[] = [];
    const client = new StoreClient({ service: 'test', options: { rows: 12_345 }, worker: null, factory: testService, onEvent: (_name, payload) => events.push(payload) });
    const [a, b] = await Promise.all([client.call('echo', { n: 1 }), client.call('echo', [2])]);
    expect([a, b]).toEqual([{ n: 1 }, [2]]);
    const failure = await client.call('fail').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StoreCallError);
    expect(failure).toMatchObject({ message: 'the disk is full', code: 'SQLITE_FULL' });
    await expect(client.call('nope')).rejects.toThrow('the store has no method "nope"');
    const rows = await client.call<{ items: { i: number }[]; total: number }>('rows');
    expect(rows.total).toBe(12_345);
    expect(rows.items.map((r) => r.i)).toEqual(Array.from({ length: 12_345 }, (_, i) => i));
    await client.call('shout');
    expect(events).toEqual([{ state: 'degraded' }]);
    await client.close();
    await expect(client.call('echo', 1)).rejects.toThrow('the test store is closed');
  });

  it('refuses a call not answered in time, and goes on with the next', async () => {
    const client = new StoreClient({ service: 'test', options: { rows: 0 }, worker: null, factory: testService, timeoutMs: 30 });
    // Inline, the busy handler holds this thread: the timer fires after it, the late answer is ignored.
    const slow = client.call('busy', { ms: 60 }).catch((error: unknown) => error);
    expect(await slow).toMatchObject({ kind: 'timeout' });
    expect(await client.call('echo', 'next', { timeoutMs: 1000 })).toBe('next');
    await client.close();
  });

  it('runs a store in its own thread and ends the thread on close', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'client-'));
    dirs.push(dir);
    const client = new StoreClient({ service: 'alarmJournal', options: { file: join(dir, 'alarms.db') }, worker: WORKER, factory: journalService });
    const opened = await client.call<{ value: Map<string, unknown>; status: { state: string } }>('open');
    expect(opened.status.state).toBe('ok');
    expect(opened.value).toBeInstanceOf(Map);
    const worker = (client as unknown as { worker: { threadId: number } }).worker;
    expect(worker.threadId).toBeGreaterThan(0);
    await client.close();
    expect(client.running).toBe(false);
    // The thread has exited: its id is gone (-1).
    expect(worker.threadId).toBe(-1);
    await expect(client.call('status')).rejects.toThrow(/closed/);
  });
});
