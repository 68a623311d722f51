// The uplink's store-and-forward queue on real SQLite files: order through
// push, peek and ack (from memory and disk alike), a reopen that keeps depth,
// bytes, age and the drop count, the size policy dropping the oldest, a full
// disk and a damaged file that keep messages in memory, and a burst of
// 100,000 drained in order. The store runs on this thread behind its channel
// (the same messages as with a worker), and once in the store worker; a
// process killed with SIGKILL keeps what was committed.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type QueuedMessage, StoreForwardQueue, type StoreForwardOptions } from '../../../src/main/runtime/uplink/storeForward';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'store-forward-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function queue(file: string, extra: Partial<StoreForwardOptions> = {}): StoreForwardQueue {
  const q = new StoreForwardQueue({ file, maxBytes: 1_000_000, retryMs: 50, ...extra });
  cleanups.push(() => q.close());
  return q;
}

const WORKER = { url: new URL('../../helpers/tsWorker.mjs', import.meta.url), entry: new URL('../../../src/main/runtime/storeWorker/worker.ts', import.meta.url).href };

const TOPIC = 'spBv1.0/Plant1/DDATA/hmi-01/PLC01'; // 33 bytes
/** A payload of `bytes` bytes that says which message it is. */
function payload(n: number, bytes = 100): Uint8Array {
  const out = new Uint8Array(bytes);
  new DataView(out.buffer).setUint32(0, n);
  out.fill(n % 251, 4);
  return out;
}
const numberOf = (message: QueuedMessage): number => new DataView(message.payload.buffer, message.payload.byteOffset).getUint32(0);

async function until(condition: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Everything, drained in pages of `page`, as message numbers. */
async function drain(q: StoreForwardQueue, page = 1000): Promise<number[]> {
  const seen: number[] = [];
  let lastSeq = 0;
  for (;;) {
    const messages = await q.peek(page);
    if (messages.length === 0) return seen;
    for (const m of messages) {
      if (m.seq <= lastSeq) throw new Error(`seq ${m.seq} after ${lastSeq}`);
      lastSeq = m.seq;
      seen.push(numberOf(m));
    }
    await q.ack(lastSeq);
  }
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

describe('store-and-forward queue', () => {
  it('keeps the order through push, peek and ack, merging what is written with what is still in memory', async () => {
    const q = queue(join(tempDir(), 'queue.db'));
    await q.open();
    for (let i = 0; i < 5; i++) q.push(TOPIC, payload(i), 1000 + i, 1);
    await until(() => q.inMemory === 0); // written without being asked
    for (let i = 5; i < 10; i++) q.push(TOPIC, payload(i), 1000 + i, i % 2 === 0 ? 0 : 1);
    expect(q.inMemory).toBe(5);
    expect(q.status()).toMatchObject({ state: 'ok', depth: 10, bytes: 10 * 133, oldestTs: 1000, dropped: 0 });

    const all = await q.peek(100);
    expect(all.map(numberOf)).toEqual(range(0, 10));
    expect(all.map((m) => m.seq)).toEqual(range(1, 11));
    expect(all[6]).toMatchObject({ topic: TOPIC, ts: 1006, qos: 0 });
    expect(q.status().depth).toBe(10); // peek removes nothing

    // A byte cap stops before the message that would pass it, but always gives one.
    expect((await q.peek(100, 300)).map(numberOf)).toEqual([0, 1]);
    expect((await q.peek(100, 10)).map(numberOf)).toEqual([0]);

    await q.ack(3); // from the disk
    expect((await q.peek(3)).map(numberOf)).toEqual([3, 4, 5]);
    expect(q.status()).toMatchObject({ depth: 7, bytes: 7 * 133, oldestTs: 1003 });
    await q.ack(7); // across the disk and memory
    expect((await q.peek(100)).map(numberOf)).toEqual([7, 8, 9]);
    expect(q.status()).toMatchObject({ depth: 3, oldestTs: 1007 });
    await q.ack(7); // again: nothing
    q.push(TOPIC, payload(10), 1010, 1);
    expect((await q.peek(100)).map((m) => m.seq)).toEqual([8, 9, 10, 11]);
    await q.ack(11);
    expect(q.status()).toMatchObject({ depth: 0, bytes: 0, oldestTs: null });
    expect(await q.peek(100)).toEqual([]);
  });

  it('survives a close and reopen with depth, bytes, oldest, drops and numbering intact', async () => {
    const file = join(tempDir(), 'queue.db');
    const first = queue(file, { maxBytes: 50 * 133 });
    await first.open();
    for (let i = 0; i < 60; i++) first.push(TOPIC, payload(i), 5000 + i, 1);
    await until(() => first.inMemory === 0);
    await first.ack(15); // messages 10..14 (seq 11..15): 45 remain
    first.push('ä/topic', payload(60, 7), 6000, 0); // a topic counts its UTF-8 bytes
    const before = first.status();
    expect(before).toMatchObject({ depth: 46, bytes: 45 * 133 + 8 + 7, oldestTs: 5015, dropped: 10, droppedSinceStart: 10 });
    await first.close();

    const second = queue(file, { maxBytes: 50 * 133 });
    await second.open();
    expect(second.status()).toEqual({ ...before, droppedSinceStart: 0 });
    const messages = await second.peek(1000);
    expect(messages.map(numberOf)).toEqual(range(15, 61));
    expect(messages.at(-1)).toMatchObject({ seq: 61, topic: 'ä/topic', ts: 6000, qos: 0 });
    expect(Buffer.from(messages.at(-1)!.payload)).toEqual(Buffer.from(payload(60, 7)));

    // Emptied and reopened, the numbering still goes on.
    await second.ack(61);
    await second.close();
    const third = queue(file, { maxBytes: 50 * 133 });
    await third.open();
    expect(third.status()).toMatchObject({ depth: 0, bytes: 0, oldestTs: null, dropped: 10 });
    third.push(TOPIC, payload(99), 7000, 1);
    expect((await third.peek(1))[0]!.seq).toBe(62);
  });

  it('drops the oldest first beyond maxBytes, from the disk and from memory, and keeps the count', async () => {
    const file = join(tempDir(), 'queue.db');
    const q = queue(file, { maxBytes: 10 * 133 });
    await q.open();
    for (let i = 0; i < 8; i++) q.push(TOPIC, payload(i), i, 1);
    await until(() => q.inMemory === 0); // 8 on disk
    const t0 = Date.now();
    for (let i = 8; i < 25; i++) q.push(TOPIC, payload(i), i, 1);
    // The store applies the policy once it has the pushes.
    expect(await q.flush()).toBe(true);
    expect(q.status()).toMatchObject({ depth: 10, bytes: 10 * 133, oldestTs: 15, dropped: 15, droppedSinceStart: 15 });
    expect(q.status().lastDropAt).toBeGreaterThanOrEqual(t0);
    expect((await q.peek(100)).map(numberOf)).toEqual(range(15, 25));
    expect(q.inMemory).toBe(0);

    // A message larger than the whole budget makes room for nothing: it goes too.
    q.push(TOPIC, payload(25, 2000), 25, 1);
    await q.flush();
    expect(q.status()).toMatchObject({ depth: 0, bytes: 0, dropped: 26 });
    q.push(TOPIC, payload(26), 26, 1);
    const lastDropAt = q.status().lastDropAt;
    await q.close();

    const reopened = queue(file, { maxBytes: 10 * 133 });
    await reopened.open();
    expect(reopened.status()).toMatchObject({ depth: 1, dropped: 26, droppedSinceStart: 0, lastDropAt });
    expect((await reopened.peek(10)).map(numberOf)).toEqual([26]);
  });

  it('keeps messages in memory while the disk is full, in order, and writes them once there is space', async () => {
    const file = join(tempDir(), 'queue.db');
    const q = queue(file, { maxPageCount: 16, maxBytes: 10_000_000 });
    await q.open();
    for (let i = 0; i < 10; i++) q.push(TOPIC, payload(i, 2000), i, 1);
    expect(await q.flush()).toBe(true);
    for (let i = 10; i < 210; i++) q.push(TOPIC, payload(i, 2000), i, 1);
    expect(await q.flush()).toBe(false);
    const full = q.status();
    expect(full.state).toBe('degraded');
    expect(full.problem).toContain('disk is full');
    expect(full.problem).toContain(file);
    expect(full).toMatchObject({ depth: 210, oldestTs: 0 });
    expect(q.inMemory).toBe(200);
    // The file's messages first, then memory's; acks work on both meanwhile.
    expect((await q.peek(1000)).map(numberOf)).toEqual(range(0, 210));
    await q.ack(5);
    expect(q.status()).toMatchObject({ state: 'degraded', depth: 205, oldestTs: 5 });
    await new Promise((resolve) => setTimeout(resolve, 120)); // retries that still fail lose nothing
    expect(q.status()).toMatchObject({ state: 'degraded', depth: 205 });

    await q.setMaxPageCount(1_000_000);
    await until(() => q.status().state === 'ok');
    expect(q.status()).toMatchObject({ problem: null, depth: 205 });
    expect(q.inMemory).toBe(0);
    await q.close();

    const reopened = queue(file);
    await reopened.open();
    expect(reopened.status()).toMatchObject({ state: 'ok', depth: 205, bytes: 205 * 2033, oldestTs: 5 });
    const messages = await reopened.peek(1000);
    expect(messages.map(numberOf)).toEqual(range(5, 210));
    expect(Buffer.from(messages[100]!.payload)).toEqual(Buffer.from(payload(105, 2000)));
  });

  it('leaves a damaged file untouched and keeps messages in memory, bounded', async () => {
    const file = join(tempDir(), 'queue.db');
    const garbage = Buffer.from('this is not a database, but somebody’s notes'.repeat(200));
    writeFileSync(file, garbage);
    const q = queue(file, { maxBytes: 5 * 133, retryMs: 20 });
    await q.open();
    expect(q.status()).toMatchObject({ state: 'degraded', depth: 0 });
    expect(q.status().problem).toMatch(/damaged.*left untouched/);
    for (let i = 0; i < 8; i++) q.push(TOPIC, payload(i), i, 1);
    expect(q.status()).toMatchObject({ depth: 5, dropped: 3, oldestTs: 3 });
    expect((await q.peek(10)).map(numberOf)).toEqual([3, 4, 5, 6, 7]);
    await new Promise((resolve) => setTimeout(resolve, 100)); // a few retries
    await q.ack((await q.peek(2))[1]!.seq);
    expect((await q.peek(10)).map(numberOf)).toEqual([5, 6, 7]);
    await q.close();
    expect(readFileSync(file)).toEqual(garbage);
  });

  it('takes the file when it becomes usable, after its own messages, once what was peeked from memory is acked', async () => {
    const dir = tempDir();
    const file = join(dir, 'queue.db');
    const other = join(dir, 'other.db');
    writeFileSync(file, 'not a database'.repeat(1000));
    const q = queue(file, { retryMs: 20 });
    await q.open();
    for (let i = 100; i < 103; i++) q.push(TOPIC, payload(i), i, 1);
    const handed = await q.peek(1); // the uplink publishes seq 1 from memory

    const previous = queue(other);
    await previous.open();
    for (let i = 0; i < 5; i++) previous.push(TOPIC, payload(i), i, 1);
    await previous.close();
    copyFileSync(other, file);

    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(q.status().state).toBe('degraded'); // seq 1 is still out
    await q.ack(handed[0]!.seq);
    await until(() => q.status().state === 'ok');
    const messages = await q.peek(100);
    expect(messages.map(numberOf)).toEqual([0, 1, 2, 3, 4, 101, 102]);
    expect(messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(q.inMemory).toBe(0);
  });

  it('takes a burst of 100,000 pushes and drains them all in order', async () => {
    const q = queue(join(tempDir(), 'queue.db'), { maxBytes: 500_000_000 });
    await q.open();
    const n = 100_000;
    for (let i = 0; i < n; i++) q.push(TOPIC, payload(i, 67), i, 1);
    // Known at once, before the store has any of it.
    expect(q.status()).toMatchObject({ depth: n, bytes: n * 100, oldestTs: 0 });
    expect(q.inMemory).toBe(n);
    // Part of it goes out before the rest is even written.
    const early = await q.peek(1000);
    expect(early.map(numberOf)).toEqual(range(0, 1000));
    await q.ack(early.at(-1)!.seq);
    await until(() => q.inMemory === 0);
    const rest = await drain(q);
    expect(rest).toHaveLength(n - 1000);
    expect(rest.every((value, i) => value === i + 1000)).toBe(true);
    expect(q.status()).toMatchObject({ state: 'ok', depth: 0, bytes: 0, dropped: 0 });
  });

  it('runs in the store worker: the same order, numbers and totals, and the thread ends on close', async () => {
    const file = join(tempDir(), 'queue.db');
    const q = queue(file, { worker: WORKER });
    await q.open();
    for (let i = 0; i < 20; i++) q.push(TOPIC, payload(i), 100 + i, 1);
    expect(q.status()).toMatchObject({ depth: 20, bytes: 20 * 133, oldestTs: 100 });
    expect(await q.flush()).toBe(true);
    const page = await q.peek(5);
    expect(page.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    await q.ack(5);
    expect(q.status()).toMatchObject({ state: 'ok', depth: 15, bytes: 15 * 133, oldestTs: 105 });
    const worker = (q as unknown as { client: { worker: { threadId: number } } }).client.worker;
    expect(worker.threadId).toBeGreaterThan(0);
    await q.close();
    expect(worker.threadId).toBe(-1);

    const reopened = queue(file, { worker: WORKER });
    await reopened.open();
    expect(await drain(reopened)).toEqual(range(5, 20));

    // Big payloads move between the threads instead of being copied; small ones beside them are packed.
    const big = [payload(100, 200_000), payload(101, 10), payload(102, 70_000)];
    for (const [i, bytes] of big.entries()) reopened.push(TOPIC, bytes, 200 + i, 1);
    const fromMemoryOrDisk = await reopened.peek(10);
    expect(await reopened.flush()).toBe(true);
    const fromDisk = await reopened.peek(10);
    for (const page of [fromMemoryOrDisk, fromDisk]) expect(page.map((m) => Buffer.from(m.payload))).toEqual(big.map((b) => Buffer.from(b)));
    expect(big[0]!.byteLength).toBe(200_000); // the caller's payload is untouched (the queue moved its own copy)
  });

  it('keeps, after a kill -9, everything pushed before the last commit it answered, in order', async () => {
    const file = join(tempDir(), 'queue.db');
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'queueKillChild.ts'), file], { stdio: ['ignore', 'pipe', 'inherit'] });
    cleanups.push(() => child.kill('SIGKILL'));
    let committed = 0;
    child.stdout.on('data', (d: Buffer) => {
      const lines = d.toString().trim().split('\n');
      committed = Number(lines[lines.length - 1]);
    });
    await until(() => committed >= 20_000, 30_000);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const told = committed; // printed after the commit, so at least this many are on disk

    const q = queue(file, { maxBytes: 1_000_000_000 }); // the child's budget: nothing dropped on opening
    await q.open();
    const seen = await drain(q, 10_000);
    console.log(`kill -9: ${told} pushed before the last answered commit, ${seen.length} on disk`);
    expect(seen.length).toBeGreaterThanOrEqual(told);
    expect(seen.every((value, i) => value === i)).toBe(true);
  }, 40_000);
});
