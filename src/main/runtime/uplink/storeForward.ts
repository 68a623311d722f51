// The uplink's store-and-forward queue as the runtime sees it: the client of
// the queue's store (queueStore.ts), which does all its SQLite work in the
// store worker, so queueing an outage's messages or reading them back for the
// replay never holds up the event loop that polls devices. What the queue
// keeps, in what order and within what bound is described in queueStore.ts.
//
// Pushes are cheap and synchronous: each is copied into a buffer here and the
// buffer goes to the store at the end of the event-loop turn (small payloads
// packed in one buffer, big ones moved: see queueBatch.ts), up to 8 MiB a
// message, with at most two such messages unanswered (while the store is
// behind, the rest waits here, bounded by maxBytes: see push). The store
// commits each batch before it answers. So, after a kill -9, what was pushed
// before the last answered batch is on disk; what is lost is at most what
// was pushed in the last turn plus the batches not answered yet (two,
// ≤ 16 MiB, a few milliseconds of writing while the disk keeps up).
// `flush()` resolves true once everything pushed before it is committed.
//
// Peek, ack and flush are asynchronous (answered by the store, in the order
// they were made, after the pushes made before them). `status()` is
// synchronous: the store's last status (every answer and a status event after
// its own retries carry it) plus what is still on its way to it. Drops of the
// size policy made by the store show once it received the pushes that caused
// them, within a turn or two.
import { StoreClient, type WorkerLocation } from '../storage/client';
import { pack, unpack } from './queueBatch';
import { type PushBatch, queueService } from './queueStore';
import type { QueuedMessage, QueueStoreOptions, QueueStoreStatus, StoreForwardStatus } from './queueTypes';

export type { QueuedMessage, StoreForwardStatus } from './queueTypes';

export interface StoreForwardOptions extends QueueStoreOptions {
  /** The store worker; omitted or null: the store runs on this thread (tests, tools). */
  readonly worker?: WorkerLocation | null;
}

/** Bytes sent to the store in one message, at most (a single bigger message goes alone). */
const BATCH_BYTES = 8 * 1024 * 1024;
/** Push messages the store may have unanswered before the rest waits here. */
const MAX_IN_FLIGHT = 2;

interface Entry {
  readonly topic: string;
  /** Our own copy: once sent, a big one moves to the worker. */
  readonly payload: Buffer;
  readonly ts: number;
  readonly qos: 0 | 1;
  readonly size: number;
  readonly movable: true;
}

interface Answer<T> {
  readonly value: T;
  readonly status: QueueStoreStatus;
}

export class StoreForwardQueue {
  private readonly client: StoreClient;
  private store: QueueStoreStatus;
  // Pushed, not sent yet: buffer[head..], oldest first.
  private buffer: Entry[] = [];
  private head = 0;
  private bufferBytes = 0;
  /** Messages and bytes sent to the store so far; the store's status says how many it received. */
  private sent = 0;
  private sentBytes = 0;
  /** The batches sent and not yet received: where each ends (in `sent`) and its first message's time. */
  private readonly onTheWay: { end: number; firstTs: number }[] = [];
  private unanswered = 0;
  /** Drops made here (the buffer alone was beyond maxBytes); the store counts them in the file. */
  private droppedHere = 0;
  private lastDropHere: number | null = null;
  private dropOlder = false;
  private sendImmediate: NodeJS.Immediate | null = null;
  /** Why the store cannot be reached (its worker died), or null. */
  private lost: string | null = null;
  private closed = false;

  constructor(private readonly options: StoreForwardOptions) {
    if (!(options.maxBytes > 0)) throw new RangeError(`storeAndForward.maxBytes must be positive, not ${options.maxBytes}`);
    const { worker, ...storeOptions } = options;
    this.store = {
      state: 'ok',
      problem: null,
      file: options.file,
      depth: 0,
      bytes: 0,
      oldestTs: null,
      dropped: 0,
      droppedSinceStart: 0,
      lastDropAt: null,
      inMemory: 0,
      received: 0,
      receivedBytes: 0,
      clientDropped: 0,
    };
    this.client = new StoreClient({
      service: 'uplinkQueue',
      options: storeOptions,
      worker: worker ?? null,
      factory: queueService,
      onEvent: (name, payload) => {
        if (name === 'status') this.update(payload as QueueStoreStatus);
      },
    });
  }

  /** Opens (or creates) the file. A file it cannot use leaves the queue degraded (the status says why), not the uplink down. */
  async open(): Promise<void> {
    this.closed = false;
    await this.ask('open').catch(() => undefined);
  }

  /**
   * Appends a message (the payload is copied); it goes to the store at the
   * end of this turn. While the store is behind, pushes wait here; if they
   * alone pass maxBytes, the oldest of them are dropped (and counted), and
   * with them everything older in the store, as the size policy would.
   */
  push(topic: string, payload: Uint8Array, ts: number, qos: 0 | 1): void {
    if (this.closed) return;
    const copy = Buffer.from(payload);
    const size = Buffer.byteLength(topic, 'utf8') + copy.byteLength;
    this.buffer.push({ topic, payload: copy, ts, qos, size, movable: true });
    this.bufferBytes += size;
    if (this.bufferBytes > this.options.maxBytes) this.dropHere();
    this.sendImmediate ??= setImmediate(() => {
      this.sendImmediate = null;
      this.send(false);
    });
  }

  /**
   * Up to `max` messages, oldest first, without removing them; at most
   * `maxBytes` of topic + payload, but always the first one. What was pushed
   * before the call is included.
   */
  async peek(max: number, maxBytes = Infinity): Promise<QueuedMessage[]> {
    this.send(true);
    const page = await this.ask<Parameters<typeof unpack>[0]>('peek', { max, maxBytes: maxBytes === Infinity ? null : maxBytes });
    const out: QueuedMessage[] = [];
    unpack(page, (topic, payload, ts, qos, seq) => out.push({ seq, topic, payload, ts, qos }));
    return out;
  }

  /** Removes everything up to and including `throughSeq` (the broker acknowledged publishing it); resolves once the store did. */
  async ack(throughSeq: number): Promise<void> {
    await this.ask('ack', { through: throughSeq });
  }

  status(): StoreForwardStatus {
    const s = this.store;
    const onTheWay = this.sent - s.received;
    const waiting = this.buffer.length - this.head;
    const newer = this.onTheWay[0]?.firstTs ?? this.buffer[this.head]?.ts ?? null;
    const droppedUnseen = this.droppedHere - s.clientDropped;
    const lastDropAt = s.lastDropAt === null || (this.lastDropHere !== null && this.lastDropHere > s.lastDropAt) ? this.lastDropHere : s.lastDropAt;
    return {
      state: this.lost === null ? s.state : 'degraded',
      problem: this.lost ?? s.problem,
      file: s.file,
      depth: s.depth + onTheWay + waiting,
      bytes: s.bytes + (this.sentBytes - s.receivedBytes) + this.bufferBytes,
      // The store's oldest when it holds any (null there: it cannot read its file), else the oldest on its way.
      oldestTs: s.depth > 0 ? s.oldestTs : newer,
      dropped: s.dropped + droppedUnseen,
      droppedSinceStart: s.droppedSinceStart + droppedUnseen,
      lastDropAt,
    };
  }

  /** Messages not written to the file: here, on their way, or in the store's memory (not written yet, or refused by the disk). */
  get inMemory(): number {
    return this.store.inMemory + (this.sent - this.store.received) + (this.buffer.length - this.head);
  }

  /** Sends all that waits and resolves true once it is committed; false when the disk refused it (it waits in the store's memory). */
  async flush(): Promise<boolean> {
    this.send(true);
    return this.ask<boolean>('flush').catch(() => false);
  }

  /** For tests: changes the page cap of the open file. */
  async setMaxPageCount(pages: number): Promise<void> {
    await this.ask('setMaxPageCount', { pages });
  }

  /**
   * Sends what waits, lets the store write it and close the file, and ends
   * its worker; what the disk refuses now is lost (the status says why).
   */
  async close(): Promise<void> {
    this.closed = true;
    if (!this.client.running) return;
    this.send(true);
    // The last status, so that what is shown after the stop is what the file holds.
    await this.ask('flush', undefined, 10_000).catch(() => undefined);
    await this.client.close();
  }

  /** Sends the buffer in batches of BATCH_BYTES; `all` ignores the limit on unanswered batches (a peek or flush must come after them). */
  private send(all: boolean): void {
    if (this.sendImmediate && all) {
      clearImmediate(this.sendImmediate);
      this.sendImmediate = null;
    }
    // A drop here goes even without messages: the store drops what is older, and counts.
    while ((this.head < this.buffer.length || this.dropOlder) && (all || this.unanswered < MAX_IN_FLIGHT) && this.client.running) {
      const from = this.head;
      let bytes = 0;
      while (this.head < this.buffer.length && (this.head === from || bytes + this.buffer[this.head]!.size <= BATCH_BYTES)) bytes += this.buffer[this.head++]!.size;
      const { packed, transfer } = pack(this.buffer.slice(from, this.head), false);
      const batch: PushBatch = {
        messages: packed,
        bytes,
        clientDropped: this.droppedHere,
        lastDropAt: this.lastDropHere,
        dropOlder: this.dropOlder,
      };
      this.dropOlder = false;
      if (this.head > from) this.onTheWay.push({ end: this.sent + (this.head - from), firstTs: this.buffer[from]!.ts });
      this.sent += this.head - from;
      this.sentBytes += bytes;
      this.bufferBytes -= bytes;
      this.compact();
      this.unanswered++;
      this.client
        // No timeout: a store slow to write is waited for (the pushes meanwhile wait here, bounded).
        .call<Answer<boolean>>('push', batch, { transfer, timeoutMs: Infinity })
        .then(
          (answer) => this.update(answer.status),
          (error: unknown) => this.unreachable(error),
        )
        .finally(() => {
          this.unanswered--;
          if (!this.closed) this.send(false);
        });
    }
  }

  /** The oldest pushes waiting here go until they fit in maxBytes (they alone are beyond it). */
  private dropHere(): void {
    let count = 0;
    while (this.bufferBytes > this.options.maxBytes && this.head < this.buffer.length) {
      this.bufferBytes -= this.buffer[this.head++]!.size;
      count++;
    }
    this.droppedHere += count;
    this.lastDropHere = Date.now();
    this.dropOlder = true;
    this.compact();
  }

  private compact(): void {
    if (this.head === this.buffer.length) {
      this.buffer = [];
      this.head = 0;
    } else if (this.head >= 4096 && this.head * 2 >= this.buffer.length) {
      this.buffer = this.buffer.slice(this.head);
      this.head = 0;
    }
  }

  private update(status: QueueStoreStatus): void {
    // Answers and events come in the order the store sent them: the last is the newest.
    this.store = status;
    while (this.onTheWay.length > 0 && this.onTheWay[0]!.end <= status.received) this.onTheWay.shift();
  }

  private unreachable(error: unknown): void {
    if (!this.client.running && !this.closed) this.lost = (error as Error).message;
  }

  /** A call whose answer carries the store's status. */
  private async ask<T>(method: string, args?: unknown, timeoutMs?: number): Promise<T> {
    try {
      const answer = await this.client.call<Answer<T>>(method, args, timeoutMs === undefined ? {} : { timeoutMs });
      this.update(answer.status);
      return answer.value;
    } catch (error) {
      this.unreachable(error);
      throw error;
    }
  }
}
