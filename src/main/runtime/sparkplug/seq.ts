// A payload's seq, appended to a payload encoded without one. Protobuf fields
// may come in any order, so the queue keeps payloads made while offline and
// the session stamps its own seq on them when they finally go out.

/** Payload.seq is field 3, varint: tag byte 0x18, then seq (0..255) as a varint. */
export function appendSeq(payload: Uint8Array, seq: number): Uint8Array {
  const out = new Uint8Array(payload.length + (seq < 128 ? 2 : 3));
  out.set(payload);
  let i = payload.length;
  out[i++] = 0x18;
  if (seq < 128) out[i] = seq;
  else {
    out[i++] = (seq & 0x7f) | 0x80;
    out[i] = seq >>> 7;
  }
  return out;
}
