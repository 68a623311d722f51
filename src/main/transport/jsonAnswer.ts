// An answer as JSON, built in slices on the runtime's event loop, and
// bounded in bytes.
//
// `JSON.stringify` of a large answer (a million history points, 100,000
// journal entries) holds the event loop for as long as it takes — half a
// second and more — and polling and event delivery wait meanwhile. Here the
// answer is written piece by piece (a column of a series 8,192 numbers at a
// time), and every few milliseconds the encoder yields to the loop
// (setImmediate), so a tick of polling or a batch of tag changes goes out
// between two slices. Past `maxBytes` it stops and says how far it got: the
// answer is refused rather than built.
//
// What comes out is what `JSON.stringify(value, replacer)` gives with the
// transport's replacer: typed arrays (history columns) as arrays, NaN and
// ±Infinity as null, undefined properties left out.

/** Time on the event loop between two yields. */
const SLICE_MS = 8;
/** Numbers of a column per piece. */
const COLUMN_SLICE = 8192;
/** Characters per part written to the socket. */
const PART_CHARS = 64 * 1024;

export type Encoded = { readonly ok: true; readonly parts: string[]; readonly bytes: number } | { readonly ok: false; readonly bytes: number };

/** `value` as JSON in parts, or `ok: false` once it passed `maxBytes` (`bytes`: how far it got). */
export async function encodeAnswer(value: unknown, maxBytes: number, replacer: (key: string, value: unknown) => unknown): Promise<Encoded> {
  const parts: string[] = [];
  let bytes = 0;
  // Small pieces (a comma, an entry) are gathered into parts of about PART_CHARS, written one write each.
  let part = '';
  let sliceStart = performance.now();
  for (const piece of pieces(value, replacer)) {
    part += piece;
    if (part.length < PART_CHARS) continue;
    parts.push(part);
    bytes += Buffer.byteLength(part);
    part = '';
    if (bytes > maxBytes) return { ok: false, bytes };
    if (performance.now() - sliceStart > SLICE_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
  if (part !== '') {
    parts.push(part);
    bytes += Buffer.byteLength(part);
  }
  return bytes > maxBytes ? { ok: false, bytes } : { ok: true, parts, bytes };
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value) as unknown;
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

function isTypedArray(value: object): value is ArrayLike<number> {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

/** An object whose values are all primitives: one native stringify is the fastest way. */
function isFlat(value: Record<string, unknown>): boolean {
  for (const key in value) {
    const v = value[key];
    if (typeof v === 'object' && v !== null) return false;
  }
  return true;
}

function number(x: number): string {
  return Number.isFinite(x) ? String(x) : 'null';
}

function* column(values: ArrayLike<number>): Generator<string> {
  if (values.length === 0) {
    yield '[]';
    return;
  }
  for (let start = 0; start < values.length; start += COLUMN_SLICE) {
    const end = Math.min(values.length, start + COLUMN_SLICE);
    let text = start === 0 ? '[' : ',';
    text += number(values[start]!);
    for (let i = start + 1; i < end; i++) text += `,${number(values[i]!)}`;
    yield end === values.length ? `${text}]` : text;
  }
}

function* pieces(value: unknown, replacer: (key: string, value: unknown) => unknown): Generator<string> {
  if (typeof value !== 'object' || value === null) {
    // A primitive; at the top or in an array, undefined and functions are null.
    yield JSON.stringify(value, replacer) ?? 'null';
    return;
  }
  if (isTypedArray(value)) {
    yield* column(value);
    return;
  }
  if (Array.isArray(value)) {
    yield '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) yield ',';
      yield* pieces(value[i], replacer);
    }
    yield ']';
    return;
  }
  if (!isPlainObject(value) || isFlat(value)) {
    yield JSON.stringify(value, replacer);
    return;
  }
  yield '{';
  let first = true;
  for (const key of Object.keys(value)) {
    const v = value[key];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    yield `${first ? '' : ','}${JSON.stringify(key)}:`;
    first = false;
    yield* pieces(v, replacer);
  }
  yield '}';
}
