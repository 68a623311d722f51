// The uplink's store-and-forward queue on real SQLite files: order through
// push, peek and ack (from memory and disk alike), a reopen that keeps depth,
// bytes, age and the drop count, the size policy dropping the oldest, a full
// disk and a damaged file that keep messages in memory, and a burst of
// 100,000 drained in order.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type QueuedMessage, StoreForwardQueue, type StoreForwardOptions } from '../../../src/main/runtime/uplink/storeForward';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()!();
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

const TOPIC = 'spBv1.0/Plant1/DDATA/hmi-01/PLC01'; // 33 bytes
/** A payload of `bytes` bytes that says which message it is. */
function payload(n: number, bytes = 100): Uint8Array {
  const out = new Uint8Array(bytes);
  new DataView(out.buffer).setUint32(0, n);
  out.fill(n % 251, 4);
  return out;
}
const numberOf = (message: QueuedMessage): number => new DataView(message.payload.buffer, message.payload.byteOffset).getUint32(0);
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function until(condition: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Everything, drained in pages of `page`, as message numbers. */
function drain(q: StoreForwardQueue, page = 1000): number[] {
  const seen: number[] = [];
  let lastSeq = 0;
  for (;;) {
    const messages = q.peek(page);
    if (messages.length === 0) return seen;
    for (const m of messages) {
      if (m.seq <= lastSeq) throw new Error(`seq ${m.seq} after ${lastSeq}`);
      lastSeq = m.seq;
      seen.push(numberOf(m));
    }
    q.ack(lastSeq);
  }
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

describe('store-and-forward queue', () => {
  it('keeps the order through push, peek and ack, merging what is written with what is still in memory', async () => {
    const q = queue(join(tempDir(), 'queue.db'));
    q.open();
    for (let i = 0; i < 5; i++) q.push(TOPIC, payload(i), 1000 + i, 1);
    await turn();
    expect(q.inMemory).toBe(0);
    for (let i = 5; i < 10; i++) q.push(TOPIC, payload(i), 1000 + i, i % 2 === 0 ? 0 : 1);
    expect(q.inMemory).toBe(5);
    expect(q.status()).toMatchObject({ state: 'ok', depth: 10, bytes: 10 * 133, oldestTs: 1000, dropped: 0 });

    const all = q.peek(100);
    expect(all.map(numberOf)).toEqual(range(0, 10));
    expect(all.map((m) => m.seq)).toEqual(range(1, 11));
    expect(all[6]).toMatchObject({ topic: TOPIC, ts: 1006, qos: 0 });
    expect(q.status().depth).toBe(10); // peek removes nothing

    // A byte cap stops before the message that would pass it, but always gives one.
    expect(q.peek(100, 300).map(numberOf)).toEqual([0, 1]);
    expect(q.peek(100, 10).map(numberOf)).toEqual([0]);

    q.ack(3); // from the disk
    expect(q.peek(3).map(numberOf)).toEqual([3, 4, 5]);
    expect(q.status()).toMatchObject({ depth: 7, bytes: 7 * 133, oldestTs: 1003 });
    q.ack(7); // across the disk and memory
    expect(q.peek(100).map(numberOf)).toEqual([7, 8, 9]);
    expect(q.status()).toMatchObject({ depth: 3, oldestTs: 1007 });
    q.ack(7); // again: nothing
    q.push(TOPIC, payload(10), 1010, 1);
    expect(q.peek(100).map((m) => m.seq)).toEqual([8, 9, 10, 11]);
    q.ack(11);
    expect(q.status()).toMatchObject({ depth: 0, bytes: 0, oldestTs: null });
    expect(q.peek(100)).toEqual([]);
  });

  it('survives a close and reopen with depth, bytes, oldest, drops and numbering intact', async () => {
    const file = join(tempDir(), 'queue.db');
    const first = queue(file, { maxBytes: 50 * 133 });
    first.open();
    for (let i = 0; i < 60; i++) first.push(TOPIC, payload(i), 5000 + i, 1);
    await turn();
    first.ack(15); // messages 10..14 (seq 11..15): 45 remain
    first.push('ä/topic', payload(60, 7), 6000, 0); // a topic counts its UTF-8 bytes
    const before = first.status();
    expect(before).toMatchObject({ depth: 46, bytes: 45 * 133 + 8 + 7, oldestTs: 5015, dropped: 10, droppedSinceStart: 10 });
    first.close();

    const second = queue(file, { maxBytes: 50 * 133 });
    second.open();
    expect(second.status()).toEqual({ ...before, droppedSinceStart: 0 });
    const messages = second.peek(1000);
    expect(messages.map(numberOf)).toEqual(range(15, 61));
    expect(messages.at(-1)).toMatchObject({ seq: 61, topic: 'ä/topic', ts: 6000, qos: 0 });
    expect(Buffer.from(messages.at(-1)!.payload)).toEqual(Buffer.from(payload(60, 7)));

    // Emptied and reopened, the numbering still goes on.
    second.ack(61);
    second.close();
    const third = queue(file, { maxBytes: 50 * 133 });
    third.open();
    expect(third.status()).toMatchObject({ depth: 0, bytes: 0, oldestTs: null, dropped: 10 });
    third.push(TOPIC, payload(99), 7000, 1);
    expect(third.peek(1)[0]!.seq).toBe(62);
  });

  it('drops the oldest first beyond maxBytes, from the disk and from memory, and keeps the count', async () => {
    const file = join(tempDir(), 'queue.db');
    const q = queue(file, { maxBytes: 10 * 133 });
    q.open();
    for (let i = 0; i < 8; i++) q.push(TOPIC, payload(i), i, 1);
    await turn(); // 8 on disk
    const t0 = Date.now();
    for (let i = 8; i < 25; i++) q.push(TOPIC, payload(i), i, 1);
    expect(q.status()).toMatchObject({ depth: 10, bytes: 10 * 133, oldestTs: 15, dropped: 15, droppedSinceStart: 15 });
    expect(q.status().lastDropAt).toBeGreaterThanOrEqual(t0);
    expect(q.peek(100).map(numberOf)).toEqual(range(15, 25));
    await turn();
    expect(q.inMemory).toBe(0);

    // A message larger than the whole budget makes room for nothing: it goes too.
    q.push(TOPIC, payload(25, 2000), 25, 1);
    expect(q.status()).toMatchObject({ depth: 0, bytes: 0, dropped: 26 });
    q.push(TOPIC, payload(26), 26, 1);
    const lastDropAt = q.status().lastDropAt;
    q.close();

    const reopened = queue(file, { maxBytes: 10 * 133 });
    reopened.open();
    expect(reopened.status()).toMatchObject({ depth: 1, dropped: 26, droppedSinceStart: 0, lastDropAt });
    expect(reopened.peek(10).map(numberOf)).toEqual([26]);
  });

  it('keeps messages in memory while the disk is full, in order, and writes them once there is space', async () => {
    const file = join(tempDir(), 'queue.db');
    const q = queue(file, { maxPageCount: 16, maxBytes: 10_000_000 });
    q.open();
    for (let i = 0; i < 10; i++) q.push(TOPIC, payload(i, 2000), i, 1);
    expect(q.flush()).toBe(true);
    for (let i = 10; i < 210; i++) q.push(TOPIC, payload(i, 2000), i, 1);
    expect(q.flush()).toBe(false);
    const full = q.status();
    expect(full.state).toBe('degraded');
    expect(full.problem).toContain('disk is full');
    expect(full.problem).toContain(file);
    expect(full).toMatchObject({ depth: 210, oldestTs: 0 });
    expect(q.inMemory).toBe(200);
    // The file's messages first, then memory's; acks work on both meanwhile.
    expect(q.peek(1000).map(numberOf)).toEqual(range(0, 210));
    q.ack(5);
    expect(q.status()).toMatchObject({ state: 'degraded', depth: 205, oldestTs: 5 });
    await new Promise((resolve) => setTimeout(resolve, 120)); // retries that still fail lose nothing
    expect(q.status()).toMatchObject({ state: 'degraded', depth: 205 });

    q.setMaxPageCount(1_000_000);
    await until(() => q.status().state === 'ok');
    expect(q.status()).toMatchObject({ problem: null, depth: 205 });
    expect(q.inMemory).toBe(0);
    q.close();

    const reopened = queue(file);
    reopened.open();
    expect(reopened.status()).toMatchObject({ state: 'ok', depth: 205, bytes: 205 * 2033, oldestTs: 5 });
    const messages = reopened.peek(1000);
    expect(messages.map(numberOf)).toEqual(range(5, 210));
    expect(Buffer.from(messages[100]!.payload)).toEqual(Buffer.from(payload(105, 2000)));
  });

  it('leaves a damaged file untouched and keeps messages in memory, bounded', async () => {
    const file = join(tempDir(), 'queue.db');
    const garbage = Buffer.from('this is not a database, but somebody’s notes'.repeat(200));
    writeFileSync(file, garbage);
    const q = queue(file, { maxBytes: 5 * 133, retryMs: 20 });
    q.open();
    expect(q.status()).toMatchObject({ state: 'degraded', depth: 0 });
    expect(q.status().problem).toMatch(/damaged.*left untouched/);
    for (let i = 0; i < 8; i++) q.push(TOPIC, payload(i), i, 1);
    expect(q.status()).toMatchObject({ depth: 5, dropped: 3, oldestTs: 3 });
    expect(q.peek(10).map(numberOf)).toEqual([3, 4, 5, 6, 7]);
    await new Promise((resolve) => setTimeout(resolve, 100)); // a few retries
    q.ack(q.peek(2)[1]!.seq);
    expect(q.peek(10).map(numberOf)).toEqual([5, 6, 7]);
    q.close();
    expect(readFileSync(file)).toEqual(garbage);
  });

  it('takes the file when it becomes usable, after its own messages, once what was peeked from memory is acked', async () => {
    const dir = tempDir();
    const file = join(dir, 'queue.db');
    const other = join(dir, 'other.db');
    writeFileSync(file, 'not a database'.repeat(1000));
    const q = queue(file, { retryMs: 20 });
    q.open();
    for (let i = 100; i < 103; i++) q.push(TOPIC, payload(i), i, 1);
    const handed = q.peek(1); // the uplink publishes seq 1 from memory

    const previous = queue(other);
    previous.open();
    for (let i = 0; i < 5; i++) previous.push(TOPIC, payload(i), i, 1);
    previous.close();
    copyFileSync(other, file);

    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(q.status().state).toBe('degraded'); // seq 1 is still out
    q.ack(handed[0]!.seq);
    await until(() => q.status().state === 'ok');
    const messages = q.peek(100);
    expect(messages.map(numberOf)).toEqual([0, 1, 2, 3, 4, 101, 102]);
    expect(messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(q.inMemory).toBe(0);
  });

  it('takes a burst of 100,000 pushes and drains them all in order', async () => {
    const q = queue(join(tempDir(), 'queue.db'), { maxBytes: 500_000_000 });
    q.open();
    const n = 100_000;
    for (let i = 0; i < n; i++) q.push(TOPIC, payload(i, 67), i, 1);
    expect(q.status()).toMatchObject({ depth: n, bytes: n * 100 });
    // Part of it goes out before the burst is even written.
    const early = q.peek(1000);
    expect(early.map(numberOf)).toEqual(range(0, 1000));
    q.ack(early.at(-1)!.seq);
    // 9.9 MB goes in slices, one per turn.
    await turn();
    expect(q.inMemory).toBeGreaterThan(0);
    expect(q.inMemory).toBeLessThan(n - 1000);
    await until(() => q.inMemory === 0);
    const rest = drain(q);
    expect(rest).toHaveLength(n - 1000);
    expect(rest.every((value, i) => value === i + 1000)).toBe(true);
    expect(q.status()).toMatchObject({ state: 'ok', depth: 0, bytes: 0, dropped: 0 });
  });
});
