// Sparkplug B payload decoder: the protobuf wire format read by hand (field
// numbers in encode.ts), for the host driver.
//
// Tolerant where protobuf is: fields in any order, a repeated non-repeated
// field's last occurrence wins (a second `properties` merges into the first),
// unknown fields (extensions, newer fields) are skipped by their wire type,
// a uint32 written as a longer varint keeps its low 32 bits, non-canonical
// varints are accepted. Metadata, DataSet, Template and extension values are
// skipped: such a metric has value null, its datatype says what it was.
//
// Strict where the bytes are malformed: a truncated varint or fixed field, a
// varint longer than 10 bytes or beyond 64 bits, a length past the end of its
// message, a known field with the wrong wire type, field number 0, wire types
// 6 and 7, unbalanced groups, nesting deeper than MAX_DEPTH, a PropertySet
// whose keys and values differ in number, and uint64 header fields (payload
// timestamp and seq, metric alias and timestamp) beyond 2^53 - 1, which a JS
// number cannot hold. Each throws a SparkplugDecodeError naming the field and
// the byte offset. Nothing else is thrown, and every loop advances, so any
// input either decodes or throws that error.
//
// Values come back as encode.ts takes them: with a datatype on the metric
// (births), signed integers are sign-extended from their unsigned wire form.
// Without one (data messages by alias) the raw unsigned value is returned;
// `fromWire` applies the datatype the caller learned from the birth.
//
// Strings are decoded leniently (invalid UTF-8 becomes U+FFFD, as proto2
// allows). Bytes fields (body, bytes_value) are copies, not views of the
// input, so a decoded payload does not pin the MQTT client's buffer.
import { DataType, type Metric, type MetricValue, type Payload, type PropertySet, type PropertyValue, type PropertyValueValue } from './types';

/** Malformed Sparkplug B bytes. `offset` is where in the input the problem is. */
export class SparkplugDecodeError extends Error {
  override name = 'SparkplugDecodeError';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at byte ${offset}`);
  }
}

/** Nested messages (property sets, groups) deeper than this are refused: recursion must stay bounded. */
const MAX_DEPTH = 32;
const TWO_32 = 4294967296;
/** hi half of 2^53: varints with hi below this are safe integers. */
const SAFE_HI = 0x200000;
const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE_BIG = -MAX_SAFE_BIG;

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;
const WIRE_START_GROUP = 3;
const WIRE_END_GROUP = 4;
const WIRE_FIXED32 = 5;
const WIRE_NAMES = ['varint', 'fixed64', 'length-delimited', 'start-group', 'end-group', 'fixed32', 'invalid 6', 'invalid 7'];

/** Known fields of a message: name and wire type by field number (unlisted numbers are unknown fields). */
interface Schema {
  readonly message: string;
  readonly fields: readonly (readonly [name: string, wire: number] | undefined)[];
}

const PAYLOAD: Schema = {
  message: 'Payload',
  fields: [undefined, ['timestamp', WIRE_VARINT], ['metrics', WIRE_LEN], ['seq', WIRE_VARINT], ['uuid', WIRE_LEN], ['body', WIRE_LEN]],
};
const METRIC: Schema = {
  message: 'Metric',
  fields: [
    undefined,
    ['name', WIRE_LEN],
    ['alias', WIRE_VARINT],
    ['timestamp', WIRE_VARINT],
    ['datatype', WIRE_VARINT],
    ['is_historical', WIRE_VARINT],
    ['is_transient', WIRE_VARINT],
    ['is_null', WIRE_VARINT],
    ['metadata', WIRE_LEN],
    ['properties', WIRE_LEN],
    ['int_value', WIRE_VARINT],
    ['long_value', WIRE_VARINT],
    ['float_value', WIRE_FIXED32],
    ['double_value', WIRE_FIXED64],
    ['boolean_value', WIRE_VARINT],
    ['string_value', WIRE_LEN],
    ['bytes_value', WIRE_LEN],
    ['dataset_value', WIRE_LEN],
    ['template_value', WIRE_LEN],
    ['extension_value', WIRE_LEN],
  ],
};
const PROPERTY_SET: Schema = { message: 'PropertySet', fields: [undefined, ['keys', WIRE_LEN], ['values', WIRE_LEN]] };
const PROPERTY_VALUE: Schema = {
  message: 'PropertyValue',
  fields: [
    undefined,
    ['type', WIRE_VARINT],
    ['is_null', WIRE_VARINT],
    ['int_value', WIRE_VARINT],
    ['long_value', WIRE_VARINT],
    ['float_value', WIRE_FIXED32],
    ['double_value', WIRE_FIXED64],
    ['boolean_value', WIRE_VARINT],
    ['string_value', WIRE_LEN],
    ['propertyset_value', WIRE_LEN],
    ['propertysets_value', WIRE_LEN],
    ['extension_value', WIRE_LEN],
  ],
};
const PROPERTY_SET_LIST: Schema = { message: 'PropertySetList', fields: [undefined, ['propertyset', WIRE_LEN]] };

const EMPTY = new Uint8Array(0);
const utf8Decoder = new TextDecoder('utf-8');

// The input being decoded. Module state rather than a reader object: decoding
// is synchronous and calls no user code, and the hot functions then keep the
// cursor out of a heap object.
let bytes: Uint8Array = EMPTY;
let view: DataView = new DataView(EMPTY.buffer);
let pos = 0;
/** The last varint read, as two uint32 halves: value = hi * 2^32 + lo. */
let lo = 0;
let hi = 0;

/** Decodes a Sparkplug B payload; throws SparkplugDecodeError for malformed bytes. */
export function decodePayload(input: Uint8Array): Payload {
  bytes = input;
  view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  pos = 0;
  try {
    return readPayload(input.length);
  } finally {
    bytes = EMPTY; // do not keep the caller's buffer alive
    view = new DataView(EMPTY.buffer);
  }
}

/**
 * A raw wire value read back as `datatype` says: Int8/16/32 sign-extended
 * from the low 8/16/32 bits, UInt8/16/32 the low bits, Int64 from 64-bit
 * two's complement (a bigint only beyond the safe range), UInt64/DateTime a
 * number when safe. Idempotent: an already converted value is unchanged, as
 * is anything that is not an integer, and any other datatype.
 */
export function fromWire(datatype: number | undefined, value: MetricValue): MetricValue {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return value;
    switch (datatype) {
      case DataType.Int8:
        return (value << 24) >> 24;
      case DataType.Int16:
        return (value << 16) >> 16;
      case DataType.Int32:
        return value | 0;
      case DataType.UInt8:
        return value & 0xff;
      case DataType.UInt16:
        return value & 0xffff;
      case DataType.UInt32:
        return value >>> 0;
      default:
        return value;
    }
  }
  if (typeof value === 'bigint') {
    switch (datatype) {
      case DataType.Int8:
        return Number(BigInt.asIntN(8, value));
      case DataType.Int16:
        return Number(BigInt.asIntN(16, value));
      case DataType.Int32:
        return Number(BigInt.asIntN(32, value));
      case DataType.UInt8:
        return Number(BigInt.asUintN(8, value));
      case DataType.UInt16:
        return Number(BigInt.asUintN(16, value));
      case DataType.UInt32:
        return Number(BigInt.asUintN(32, value));
      case DataType.Int64:
        return safe(BigInt.asIntN(64, value));
      case DataType.UInt64:
      case DataType.DateTime:
        return safe(BigInt.asUintN(64, value));
      default:
        return value;
    }
  }
  return value;
}

function safe(value: bigint): number | bigint {
  return value >= MIN_SAFE_BIG && value <= MAX_SAFE_BIG ? Number(value) : value;
}

// ---- messages ----

function readPayload(end: number): Payload {
  let timestamp: number | undefined;
  let seq: number | undefined;
  let uuid: string | undefined;
  let body: Uint8Array | undefined;
  const metrics: Metric[] = [];
  while (pos < end) {
    const at = pos;
    const tag = readTag(end);
    switch (tag) {
      case 0x08:
        timestamp = readSafe(end, 'Payload.timestamp');
        break;
      case 0x12: {
        const metricEnd = readLength(end, 'Payload.metrics');
        metrics.push(readMetric(metricEnd));
        break;
      }
      case 0x18:
        seq = readSafe(end, 'Payload.seq');
        break;
      case 0x22:
        uuid = readString(end, 'Payload.uuid');
        break;
      case 0x2a:
        body = readBytes(end, 'Payload.body');
        break;
      default:
        otherField(tag, at, end, PAYLOAD, 0);
    }
  }
  return { timestamp, metrics, seq, uuid, body };
}

function readMetric(end: number): Metric {
  let name: string | undefined;
  let alias: number | undefined;
  let timestamp: number | undefined;
  let datatype: number | undefined;
  let isHistorical: boolean | undefined;
  let isTransient: boolean | undefined;
  let isNull: boolean | undefined;
  let properties: PropertySet | undefined;
  let value: MetricValue = null;
  while (pos < end) {
    const at = pos;
    const tag = readTag(end);
    switch (tag) {
      case 0x0a:
        name = readString(end, 'Metric.name');
        break;
      case 0x10:
        alias = readSafe(end, 'Metric.alias');
        break;
      case 0x18:
        timestamp = readSafe(end, 'Metric.timestamp');
        break;
      case 0x20:
        readVarint(end, 'Metric.datatype');
        datatype = lo;
        break;
      case 0x28:
        isHistorical = readBool(end, 'Metric.is_historical');
        break;
      case 0x30:
        isTransient = readBool(end, 'Metric.is_transient');
        break;
      case 0x38:
        isNull = readBool(end, 'Metric.is_null');
        break;
      case 0x4a: {
        const setEnd = readLength(end, 'Metric.properties');
        properties = readPropertySet(setEnd, 1, properties);
        break;
      }
      case 0x50:
        readVarint(end, 'Metric.int_value');
        value = lo;
        break;
      case 0x58:
        value = readLong(end, 'Metric.long_value');
        break;
      case 0x65:
        value = readFloat(end, 'Metric.float_value');
        break;
      case 0x69:
        value = readDouble(end, 'Metric.double_value');
        break;
      case 0x70:
        value = readBool(end, 'Metric.boolean_value');
        break;
      case 0x7a:
        value = readString(end, 'Metric.string_value');
        break;
      case 0x82: // field 16 bytes_value: (16 << 3) | 2 = 130
        value = readBytes(end, 'Metric.bytes_value');
        break;
      case 0x42: // metadata: skipped
        pos = readLength(end, 'Metric.metadata');
        break;
      case 0x8a: // 17 dataset_value, 18 template_value, 19 extension_value: not supported, skipped
      case 0x92:
      case 0x9a:
        pos = readLength(end, `Metric.${METRIC.fields[tag >>> 3]![0]}`);
        value = null;
        break;
      default:
        otherField(tag, at, end, METRIC, 1);
    }
  }
  if (isNull === true) value = null;
  else if (datatype !== undefined) value = fromWire(datatype, value);
  return { name, alias, timestamp, datatype: datatype as DataType | undefined, isHistorical, isTransient, isNull, properties, value };
}

/** A PropertySet in [pos, end); merges into `into` (a repeated occurrence of the same field). */
function readPropertySet(end: number, depth: number, into?: PropertySet): PropertySet {
  const start = pos;
  if (depth > MAX_DEPTH) throw new SparkplugDecodeError(`property sets nested deeper than ${MAX_DEPTH}`, start);
  const keys = into?.keys ?? [];
  const values = into?.values ?? [];
  while (pos < end) {
    const at = pos;
    const tag = readTag(end);
    if (tag === 0x0a) {
      keys.push(readString(end, 'PropertySet.keys'));
    } else if (tag === 0x12) {
      const valueEnd = readLength(end, 'PropertySet.values');
      values.push(readPropertyValue(valueEnd, depth));
    } else {
      otherField(tag, at, end, PROPERTY_SET, depth);
    }
  }
  if (keys.length !== values.length) throw new SparkplugDecodeError(`PropertySet has ${keys.length} keys but ${values.length} values`, start);
  return { keys, values };
}

function readPropertyValue(end: number, depth: number): PropertyValue {
  let type: number | undefined;
  let isNull: boolean | undefined;
  let value: PropertyValueValue = null;
  while (pos < end) {
    const at = pos;
    const tag = readTag(end);
    switch (tag) {
      case 0x08:
        readVarint(end, 'PropertyValue.type');
        type = lo;
        break;
      case 0x10:
        isNull = readBool(end, 'PropertyValue.is_null');
        break;
      case 0x18:
        readVarint(end, 'PropertyValue.int_value');
        value = lo;
        break;
      case 0x20:
        value = readLong(end, 'PropertyValue.long_value');
        break;
      case 0x2d:
        value = readFloat(end, 'PropertyValue.float_value');
        break;
      case 0x31:
        value = readDouble(end, 'PropertyValue.double_value');
        break;
      case 0x38:
        value = readBool(end, 'PropertyValue.boolean_value');
        break;
      case 0x42:
        value = readString(end, 'PropertyValue.string_value');
        break;
      case 0x4a: {
        const setEnd = readLength(end, 'PropertyValue.propertyset_value');
        value = readPropertySet(setEnd, depth + 1);
        break;
      }
      case 0x52: {
        const listEnd = readLength(end, 'PropertyValue.propertysets_value');
        value = readPropertySetList(listEnd, depth + 1);
        break;
      }
      case 0x5a: // 11 extension_value: skipped
        pos = readLength(end, 'PropertyValue.extension_value');
        value = null;
        break;
      default:
        otherField(tag, at, end, PROPERTY_VALUE, depth);
    }
  }
  if (isNull === true) value = null;
  else if (type !== undefined && (typeof value === 'number' || typeof value === 'bigint')) value = fromWire(type, value) as number | bigint;
  return { type: type as DataType | undefined, isNull, value };
}

function readPropertySetList(end: number, depth: number): PropertySet[] {
  const sets: PropertySet[] = [];
  while (pos < end) {
    const at = pos;
    const tag = readTag(end);
    if (tag === 0x0a) {
      const setEnd = readLength(end, 'PropertySetList.propertyset');
      sets.push(readPropertySet(setEnd, depth + 1));
    } else {
      otherField(tag, at, end, PROPERTY_SET_LIST, depth);
    }
  }
  return sets;
}

/** A field the switch did not take: a known field with the wrong wire type (an error) or an unknown one (skipped). */
function otherField(tag: number, at: number, end: number, schema: Schema, depth: number): void {
  const field = tag >>> 3;
  const wire = tag & 7;
  if (field === 0) throw new SparkplugDecodeError(`${schema.message}: field number 0 is invalid`, at);
  const known = schema.fields[field];
  if (known !== undefined) {
    throw new SparkplugDecodeError(
      `${schema.message}.${known[0]} (field ${field}): wire type ${wire} (${WIRE_NAMES[wire]}), expected ${known[1]} (${WIRE_NAMES[known[1]]})`,
      at,
    );
  }
  skipField(field, wire, at, end, depth);
}

/** Skips the value of an unknown field whose tag (at `at`) was just read. */
function skipField(field: number, wire: number, at: number, end: number, depth: number): void {
  switch (wire) {
    case WIRE_VARINT:
      readVarint(end, `unknown field ${field}`);
      return;
    case WIRE_FIXED64:
      need(8, end, `unknown field ${field}`);
      pos += 8;
      return;
    case WIRE_LEN:
      pos = readLength(end, `unknown field ${field}`);
      return;
    case WIRE_FIXED32:
      need(4, end, `unknown field ${field}`);
      pos += 4;
      return;
    case WIRE_START_GROUP: {
      // Deprecated groups: skip fields until the matching end-group.
      if (depth >= MAX_DEPTH) throw new SparkplugDecodeError(`groups nested deeper than ${MAX_DEPTH}`, at);
      while (pos < end) {
        const innerAt = pos;
        const tag = readTag(end);
        const innerField = tag >>> 3;
        const innerWire = tag & 7;
        if (innerField === 0) throw new SparkplugDecodeError('field number 0 is invalid', innerAt);
        if (innerWire === WIRE_END_GROUP) {
          if (innerField !== field) throw new SparkplugDecodeError(`end-group for field ${innerField} closes the group of field ${field}`, innerAt);
          return;
        }
        skipField(innerField, innerWire, innerAt, end, depth + 1);
      }
      throw new SparkplugDecodeError(`group of field ${field} is not closed`, at);
    }
    case WIRE_END_GROUP:
      throw new SparkplugDecodeError(`end-group for field ${field} without a start-group`, at);
    default:
      throw new SparkplugDecodeError(`field ${field}: invalid wire type ${wire}`, at);
  }
}

// ---- primitives ----

/** A field tag. Most are one byte. */
function readTag(end: number): number {
  const b = bytes[pos]!; // pos < end is the loop condition of every caller
  if (b < 0x80) {
    pos++;
    return b;
  }
  const at = pos;
  readVarint(end, 'field tag');
  if (hi !== 0) throw new SparkplugDecodeError('field tag beyond 32 bits', at);
  return lo;
}

/**
 * Reads a varint of up to 64 bits into `lo` and `hi`, without BigInt: bits
 * 0..31 go to lo, 32..63 to hi. The fifth byte straddles the two.
 */
function readVarint(end: number, what: string): void {
  const start = pos;
  let p = pos;
  if (p >= end) throw truncated(what, start);
  let b = bytes[p++]!;
  if (b < 0x80) {
    lo = b;
    hi = 0;
    pos = p;
    return;
  }
  let l = b & 0x7f;
  for (let shift = 7; shift < 28; shift += 7) {
    if (p >= end) throw truncated(what, start);
    b = bytes[p++]!;
    l |= (b & 0x7f) << shift;
    if (b < 0x80) {
      lo = l;
      hi = 0;
      pos = p;
      return;
    }
  }
  if (p >= end) throw truncated(what, start);
  b = bytes[p++]!;
  l |= (b & 0x0f) << 28;
  let h = (b & 0x7f) >>> 4;
  if (b < 0x80) {
    lo = l >>> 0;
    hi = h;
    pos = p;
    return;
  }
  for (let shift = 3; shift <= 31; shift += 7) {
    if (p >= end) throw truncated(what, start);
    b = bytes[p++]!;
    // The tenth byte holds bit 63 only.
    if (shift === 31 && b > 1) throw new SparkplugDecodeError(`${what}: varint longer than 64 bits`, start);
    h |= (b & 0x7f) << shift;
    if (b < 0x80) {
      lo = l >>> 0;
      hi = h >>> 0;
      pos = p;
      return;
    }
  }
  // Unreachable: the tenth byte either ends the varint or was refused above.
  throw new SparkplugDecodeError(`${what}: varint longer than 10 bytes`, start);
}

function truncated(what: string, at: number): SparkplugDecodeError {
  return new SparkplugDecodeError(`${what}: truncated varint`, at);
}

/** A uint64 that must fit a JS number (timestamps, seq, alias). */
function readSafe(end: number, what: string): number {
  const at = pos;
  readVarint(end, what);
  if (hi >= SAFE_HI) throw new SparkplugDecodeError(`${what}: ${bigOf(lo, hi)} is beyond 2^53 - 1`, at);
  return hi * TWO_32 + lo;
}

/** A uint64 value: a number when safe, else a bigint. */
function readLong(end: number, what: string): number | bigint {
  readVarint(end, what);
  return hi < SAFE_HI ? hi * TWO_32 + lo : bigOf(lo, hi);
}

function bigOf(low: number, high: number): bigint {
  return (BigInt(high) << 32n) | BigInt(low);
}

function readBool(end: number, what: string): boolean {
  readVarint(end, what);
  return (lo | hi) !== 0;
}

/** Reads a length prefix and returns where the field ends, checked against `end`. */
function readLength(end: number, what: string): number {
  const at = pos;
  readVarint(end, what);
  const left = end - pos;
  if (hi !== 0 || lo > left) {
    throw new SparkplugDecodeError(`${what}: length ${hi === 0 ? lo : bigOf(lo, hi)} runs past the end of its message (${left} bytes left)`, at);
  }
  return pos + lo;
}

function need(size: number, end: number, what: string): void {
  if (end - pos < size) throw new SparkplugDecodeError(`${what}: needs ${size} bytes, ${end - pos} left`, pos);
}

function readFloat(end: number, what: string): number {
  need(4, end, what);
  const value = view.getFloat32(pos, true);
  pos += 4;
  return value;
}

function readDouble(end: number, what: string): number {
  need(8, end, what);
  const value = view.getFloat64(pos, true);
  pos += 8;
  return value;
}

function readString(end: number, what: string): string {
  const stringEnd = readLength(end, what);
  const start = pos;
  pos = stringEnd;
  if (stringEnd - start <= 24) {
    // Short ASCII (metric names, keys): skip TextDecoder's per-call overhead.
    let s = '';
    for (let i = start; i < stringEnd; i++) {
      const c = bytes[i]!;
      if (c >= 0x80) return utf8Decoder.decode(bytes.subarray(start, stringEnd));
      s += String.fromCharCode(c);
    }
    return s;
  }
  return utf8Decoder.decode(bytes.subarray(start, stringEnd));
}

function readBytes(end: number, what: string): Uint8Array {
  const bytesEnd = readLength(end, what);
  // A copy as a plain Uint8Array: Buffer#slice (MQTT clients hand out Buffers) would be a view.
  const copy = new Uint8Array(bytes.subarray(pos, bytesEnd));
  pos = bytesEnd;
  return copy;
}
