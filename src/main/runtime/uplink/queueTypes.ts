// The store-and-forward queue's types, shared by its client on the runtime's
// event loop (storeForward.ts) and its store in the worker (queueStore.ts).

export interface QueuedMessage {
  readonly seq: number;
  readonly topic: string;
  readonly payload: Uint8Array;
  /** When it was queued, ms. */
  readonly ts: number;
  readonly qos: 0 | 1;
}

/** What the store in the worker is built from. */
export interface QueueStoreOptions {
  readonly file: string;
  /** Topic + payload bytes kept, on disk and in memory (project key storeAndForward.maxBytes). */
  readonly maxBytes: number;
  /** How often a refused file is tried again. */
  readonly retryMs?: number;
  /** A cap on the file in 4 KiB pages (tests use it to fill the "disk"). */
  readonly maxPageCount?: number;
}

export interface StoreForwardStatus {
  readonly state: 'ok' | 'degraded';
  readonly problem: string | null;
  readonly file: string;
  /** Messages waiting. */
  readonly depth: number;
  readonly bytes: number;
  /** When the oldest waiting message was queued (its age is now - oldestTs); null: none waits. */
  readonly oldestTs: number | null;
  /** Messages dropped by the size policy since the file was created. */
  readonly dropped: number;
  readonly droppedSinceStart: number;
  readonly lastDropAt: number | null;
}

/** The store's status as its client mirrors it: with what it received, to add what is still on its way. */
export interface QueueStoreStatus extends StoreForwardStatus {
  /** Messages held in the worker's memory, not written (yet, or refused by the disk). */
  readonly inMemory: number;
  /** Messages and their bytes received from the client since the start. */
  readonly received: number;
  readonly receivedBytes: number;
  /** The client's own drop count (see PushBatch.clientDropped) as last received. */
  readonly clientDropped: number;
}
