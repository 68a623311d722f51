// Messages packed for the trip between the queue's client and its worker: the
// payloads side by side in one ArrayBuffer that is transferred, not copied,
// and the small fields in plain arrays. Structured cloning thousands of small
// Uint8Arrays one by one costs more than the copy into one buffer.

export interface PackedMessages {
  readonly topics: string[];
  readonly ts: number[];
  readonly qos: (0 | 1)[];
  /** Payload lengths; payload i starts where payload i-1 ended. */
  readonly lengths: number[];
  /** Present only on the way back from the store (the messages' numbers). */
  readonly seqs?: number[];
  readonly bytes: ArrayBuffer;
}

export interface PackableMessage {
  readonly seq?: number;
  readonly topic: string;
  readonly payload: Uint8Array;
  readonly ts: number;
  readonly qos: 0 | 1;
}

export function pack(messages: readonly PackableMessage[], withSeqs: boolean): PackedMessages {
  let total = 0;
  for (const m of messages) total += m.payload.byteLength;
  const bytes = new Uint8Array(total);
  const out: PackedMessages = { topics: [], ts: [], qos: [], lengths: [], bytes: bytes.buffer, ...(withSeqs ? { seqs: [] } : {}) };
  let at = 0;
  for (const m of messages) {
    bytes.set(m.payload, at);
    at += m.payload.byteLength;
    out.topics.push(m.topic);
    out.ts.push(m.ts);
    out.qos.push(m.qos);
    out.lengths.push(m.payload.byteLength);
    if (withSeqs) out.seqs!.push(m.seq ?? 0);
  }
  return out;
}

/** Calls `each` with every message; the payloads are views into `packed.bytes` (no copy). */
export function unpack(packed: PackedMessages, each: (topic: string, payload: Buffer, ts: number, qos: 0 | 1, seq: number) => void): void {
  let at = 0;
  for (let i = 0; i < packed.topics.length; i++) {
    const length = packed.lengths[i]!;
    each(packed.topics[i]!, Buffer.from(packed.bytes, at, length), packed.ts[i]!, packed.qos[i]!, packed.seqs?.[i] ?? 0);
    at += length;
  }
}
