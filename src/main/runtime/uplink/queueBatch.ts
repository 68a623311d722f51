// Messages packed for the trip between the queue's client and its worker.
// Structured cloning thousands of small Uint8Arrays one by one costs more
// than one copy, and a big payload costs a copy either way; so small payloads
// are copied side by side into one buffer, and a big one that owns its own
// buffer (a SQLite blob, the client's copy of a push) is moved as it is.
// Either way the receiver gets views, and nothing is copied on arrival.

/** A payload this big travels in its own buffer, moved rather than copied, when it may be. */
const MOVE_BYTES = 64 * 1024;

export interface PackedMessages {
  readonly topics: string[];
  readonly ts: number[];
  readonly qos: (0 | 1)[];
  readonly lengths: number[];
  /** Present only on the way back from the store (the messages' numbers). */
  readonly seqs?: number[];
  /** The copied payloads, side by side in message order. */
  readonly bytes: ArrayBuffer;
  /** Indices (ascending) of the messages whose payload was moved, and those buffers, in the same order. */
  readonly moved: number[];
  readonly buffers: ArrayBuffer[];
}

export interface PackableMessage {
  readonly seq?: number;
  readonly topic: string;
  readonly payload: Uint8Array;
  readonly ts: number;
  readonly qos: 0 | 1;
  /** The sender lets go of this payload: a big one may be moved (it is unusable here afterwards). */
  readonly movable?: boolean;
}

/** What to post: the packed messages and the buffers to transfer with them. */
export function pack(messages: readonly PackableMessage[], withSeqs: boolean): { packed: PackedMessages; transfer: ArrayBuffer[] } {
  const move = messages.map((m) => m.movable === true && m.payload.byteLength >= MOVE_BYTES && ownsItsBuffer(m.payload));
  let total = 0;
  for (let i = 0; i < messages.length; i++) if (!move[i]) total += messages[i]!.payload.byteLength;
  const bytes = new Uint8Array(total);
  const packed: PackedMessages = { topics: [], ts: [], qos: [], lengths: [], bytes: bytes.buffer, moved: [], buffers: [], ...(withSeqs ? { seqs: [] } : {}) };
  let at = 0;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    if (move[i]) {
      packed.moved.push(i);
      packed.buffers.push(m.payload.buffer as ArrayBuffer);
    } else {
      bytes.set(m.payload, at);
      at += m.payload.byteLength;
    }
    packed.topics.push(m.topic);
    packed.ts.push(m.ts);
    packed.qos.push(m.qos);
    packed.lengths.push(m.payload.byteLength);
    if (withSeqs) packed.seqs!.push(m.seq ?? 0);
  }
  return { packed, transfer: [packed.bytes, ...packed.buffers] };
}

/** Calls `each` with every message; the payloads are views of the buffers that came (no copy). */
export function unpack(packed: PackedMessages, each: (topic: string, payload: Buffer, ts: number, qos: 0 | 1, seq: number) => void): void {
  let at = 0;
  let moved = 0;
  for (let i = 0; i < packed.topics.length; i++) {
    const length = packed.lengths[i]!;
    let payload: Buffer;
    if (packed.moved[moved] === i) {
      payload = Buffer.from(packed.buffers[moved++]!, 0, length);
    } else {
      payload = Buffer.from(packed.bytes, at, length);
      at += length;
    }
    each(packed.topics[i]!, payload, packed.ts[i]!, packed.qos[i]!, packed.seqs?.[i] ?? 0);
  }
}

/** True when the view is the whole of a plain ArrayBuffer (not a slice of Node's pool, not shared). */
function ownsItsBuffer(view: Uint8Array): boolean {
  return view.buffer instanceof ArrayBuffer && view.byteOffset === 0 && view.buffer.byteLength === view.byteLength;
}
