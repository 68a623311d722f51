// Sparkplug B payload encoder: protobuf wire format written by hand, for the
// edge node's hot path (a DDATA of a thousand metrics per poll cycle) and
// without a runtime dependency.
//
// Field numbers (sparkplug_b.proto of the Sparkplug 3.0 specification):
//
//   Payload        1 timestamp uint64   2 metrics Metric*   3 seq uint64
//                  4 uuid string        5 body bytes
//   Metric         1 name string        2 alias uint64      3 timestamp uint64
//                  4 datatype uint32    5 is_historical     6 is_transient
//                  7 is_null            8 metadata (never written)
//                  9 properties PropertySet
//                  value oneof: 10 int_value uint32, 11 long_value uint64,
//                  12 float_value float, 13 double_value double,
//                  14 boolean_value, 15 string_value, 16 bytes_value
//                  (17 dataset, 18 template, 19 extension: not supported)
//   PropertySet    1 keys string*       2 values PropertyValue*
//   PropertyValue  1 type uint32        2 is_null
//                  value oneof: 3 int_value uint32, 4 long_value uint64,
//                  5 float_value, 6 double_value, 7 boolean_value,
//                  8 string_value, 9 propertyset_value PropertySet,
//                  10 propertysets_value PropertySetList
//   PropertySetList 1 propertyset PropertySet*
//
// Fields go out in field-number order, as protoc and protobufjs write them,
// so the bytes are the canonical encoding.
//
// The scalar value fields of a metric (10..15) and of a property value (3..8)
// come in the same order, so one writer serves both, given the first field
// number ("base").
//
// Signed integers: the specification gives Int8/16/32 the protobuf type
// uint32 and Int64 uint64. We store the two's complement bit pattern: an
// Int8/16/32 sign-extended to 32 bits (-1 is 0xFFFFFFFF, a 5-byte varint),
// an Int64 as 64 bits (-1 is a 10-byte varint), as Eclipse Tahu does.
//
// Buffer ownership: every call encodes into one module-level scratch buffer,
// grown by doubling and reused by the next call, and returns a COPY of the
// bytes (`slice`). The caller owns the result: the MQTT client may queue it
// while offline, and the next encode cannot touch it.
//
// Nested messages: a length prefix comes before bytes whose length is not
// known yet. We reserve one byte, write the message, and when it turns out to
// be 128 bytes or longer move it up by the extra varint bytes (copyWithin).
// The common data metric (alias, timestamp, a scalar value; no name, no
// properties) cannot exceed 39 bytes, so it takes a bounded path: one
// capacity check, a one-byte length, no move.
//
// Varints below 2^53 are written from two 32-bit halves of a plain number;
// BigInt appears only when the caller passes a bigint.
import { DataType, type Metric, type MetricValue, type Payload, type PropertySet, type PropertyValue, type PropertyValueValue } from './types';

export interface EncodeOptions {
  /**
   * Leave Metric.datatype off the wire (each metric's datatype still chooses
   * its value field). For NDATA/DDATA/NCMD/DCMD, whose receiver knows the
   * datatypes from the birth: 2 bytes less per metric. Births must carry
   * datatypes, so never set this for NBIRTH/DBIRTH. Property value types are
   * always written.
   */
  omitDatatypes?: boolean;
}

const INITIAL_BYTES = 16 * 1024;
/** A scratch buffer grown past this is dropped after the call (a one-off huge payload should not stay pinned). */
const MAX_KEPT_BYTES = 4 * 1024 * 1024;
/** Nesting limit for property sets: also what stops a cyclic object graph. */
const MAX_DEPTH = 32;
const TWO_32 = 4294967296;
const MAX_UINT64 = (1n << 64n) - 1n;
const MIN_INT64 = -(1n << 63n);
const MAX_INT64 = (1n << 63n) - 1n;

// Tags: (field << 3) | wire type. Wire types: 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32.
const PAYLOAD_TIMESTAMP = 0x08;
const PAYLOAD_METRIC = 0x12;
const PAYLOAD_SEQ = 0x18;
const PAYLOAD_UUID = 0x22;
const PAYLOAD_BODY = 0x2a;
const METRIC_NAME = 0x0a;
const METRIC_ALIAS = 0x10;
const METRIC_TIMESTAMP = 0x18;
const METRIC_DATATYPE = 0x20;
const METRIC_HISTORICAL = 0x28;
const METRIC_TRANSIENT = 0x30;
const METRIC_NULL = 0x38;
const METRIC_PROPERTIES = 0x4a;
const METRIC_STRING = 0x7a;
/** Field 16 (bytes_value), wire type 2: 130 needs two varint bytes. */
const METRIC_BYTES_0 = 0x82;
const METRIC_BYTES_1 = 0x01;
const SET_KEY = 0x0a;
const SET_VALUE = 0x12;
const PROP_TYPE = 0x08;
const PROP_NULL = 0x10;
const PROP_STRING = 0x42;
const PROP_SET = 0x4a;
const PROP_SETS = 0x52;
const LIST_SET = 0x0a;
/** First value field: int_value. Then long, float, double, boolean, string. */
const METRIC_BASE = 10;
const PROP_BASE = 3;

let buf = new Uint8Array(INITIAL_BYTES);
let view = new DataView(buf.buffer);
let pos = 0;
/** What is being written, for error messages. */
let metricIndex = -1;
let metric: Metric | null = null;
let propertyKey: string | null = null;

const utf8Encoder = new TextEncoder();

/**
 * Encodes a Sparkplug B payload. Returns a fresh array the caller owns.
 * Throws RangeError or TypeError (naming the metric) for values that do not
 * fit their datatype, unsupported datatypes (DataSet, Template), seq outside
 * 0..255, or timestamps and aliases that are not non-negative safe integers.
 */
export function encodePayload(payload: Payload, options?: EncodeOptions): Uint8Array {
  pos = 0;
  metricIndex = -1;
  metric = null;
  propertyKey = null;
  const omitDatatypes = options?.omitDatatypes === true;
  ensure(16);
  if (payload.timestamp !== undefined) {
    buf[pos++] = PAYLOAD_TIMESTAMP;
    putUint(checkUint(payload.timestamp, 'timestamp'));
  }
  const metrics = payload.metrics;
  for (let i = 0; i < metrics.length; i++) {
    const m = metrics[i]!;
    metricIndex = i;
    metric = m;
    writeMetric(m, omitDatatypes);
  }
  metricIndex = -1;
  metric = null;
  if (payload.seq !== undefined) {
    const seq = payload.seq;
    if (!(Number.isInteger(seq) && seq >= 0 && seq <= 255)) fail(RangeError, `seq must be an integer in 0..255, got ${seq}`);
    ensure(3);
    buf[pos++] = PAYLOAD_SEQ;
    putUint(seq);
  }
  if (payload.uuid !== undefined) writeString(PAYLOAD_UUID, checkString(payload.uuid, 'uuid'));
  if (payload.body !== undefined) {
    if (!(payload.body instanceof Uint8Array)) fail(TypeError, 'body must be a Uint8Array');
    ensure(1);
    buf[pos++] = PAYLOAD_BODY;
    writeBytes(payload.body);
  }
  const out = buf.slice(0, pos);
  if (buf.length > MAX_KEPT_BYTES) {
    buf = new Uint8Array(INITIAL_BYTES);
    view = new DataView(buf.buffer);
  }
  return out;
}

function writeMetric(m: Metric, omitDatatypes: boolean): void {
  const value = m.value;
  const isNull = value === null || value === undefined || m.isNull === true;
  const datatype = m.datatype;
  if (datatype !== undefined && !(Number.isInteger(datatype) && datatype >= 0 && datatype <= 34)) {
    fail(RangeError, `unknown datatype ${String(datatype)}`);
  }
  const type = datatype === undefined || datatype === DataType.Unknown ? (isNull ? DataType.Unknown : inferType(value)) : datatype;

  if (m.name === undefined && m.properties === undefined && (isNull || (typeof value !== 'string' && !(value instanceof Uint8Array)))) {
    // Bounded: tag and length 2, alias and timestamp 9 each (a safe integer
    // is at most 8 varint bytes), datatype 2, flags 6, value 11 (a negative
    // Int64 is a 10-byte varint): 39 bytes at most, so the length is one
    // byte and one capacity check covers everything.
    ensure(40);
    buf[pos] = PAYLOAD_METRIC;
    const lengthAt = pos + 1;
    pos += 2;
    writeMetricHeader(m, datatype, omitDatatypes, isNull);
    if (!isNull) writeScalar(type, value as number | bigint | boolean, METRIC_BASE); // not a string nor bytes: checked above
    buf[lengthAt] = pos - lengthAt - 1;
    return;
  }

  ensure(2);
  buf[pos++] = PAYLOAD_METRIC;
  const lengthAt = pos++;
  if (m.name !== undefined) writeString(METRIC_NAME, checkString(m.name, 'name'));
  ensure(32);
  writeMetricHeader(m, datatype, omitDatatypes, isNull);
  if (m.properties !== undefined) writePropertySet(METRIC_PROPERTIES, m.properties, 0);
  if (!isNull) {
    if (typeof value === 'string') {
      if (!isStringType(type)) mismatch(type, value);
      writeString(METRIC_STRING, value);
    } else if (value instanceof Uint8Array) {
      if (!isBytesType(type)) fail(TypeError, `a Uint8Array value needs datatype Bytes, File or an array type, not ${typeName(type)}`);
      ensure(2);
      buf[pos++] = METRIC_BYTES_0;
      buf[pos++] = METRIC_BYTES_1;
      writeBytes(value);
    } else {
      ensure(12);
      writeScalar(type, value, METRIC_BASE);
    }
  }
  endLength(lengthAt);
}

/** Fields 2..7. The caller reserved 26 bytes. */
function writeMetricHeader(m: Metric, datatype: number | undefined, omitDatatypes: boolean, isNull: boolean): void {
  const b = buf;
  if (m.alias !== undefined) {
    b[pos++] = METRIC_ALIAS;
    putUint(checkUint(m.alias, 'alias'));
  }
  if (m.timestamp !== undefined) {
    b[pos++] = METRIC_TIMESTAMP;
    putUint(checkUint(m.timestamp, 'timestamp'));
  }
  if (datatype !== undefined && !omitDatatypes) {
    b[pos++] = METRIC_DATATYPE;
    b[pos++] = datatype; // 0..34: one varint byte
  }
  if (m.isHistorical === true) {
    b[pos++] = METRIC_HISTORICAL;
    b[pos++] = 1;
  }
  if (m.isTransient === true) {
    b[pos++] = METRIC_TRANSIENT;
    b[pos++] = 1;
  }
  if (isNull) {
    b[pos++] = METRIC_NULL;
    b[pos++] = 1;
  }
}

/**
 * Writes tag and value of a non-string, non-bytes value in the value field
 * that `type` selects, fields numbered from `base`. The caller reserved 11
 * bytes.
 */
function writeScalar(type: number, value: Exclude<PropertyValueValue | MetricValue, null | string>, base: number): void {
  switch (type) {
    case DataType.Int8:
      return writeInt32(value, type, -0x80, 0x7f, base);
    case DataType.Int16:
      return writeInt32(value, type, -0x8000, 0x7fff, base);
    case DataType.Int32:
      return writeInt32(value, type, -0x80000000, 0x7fffffff, base);
    case DataType.UInt8:
      return writeInt32(value, type, 0, 0xff, base);
    case DataType.UInt16:
      return writeInt32(value, type, 0, 0xffff, base);
    case DataType.UInt32:
      return writeInt32(value, type, 0, 0xffffffff, base);
    case DataType.Int64:
    case DataType.UInt64:
    case DataType.DateTime:
      return writeInt64(value, type, base);
    case DataType.Float:
      if (typeof value !== 'number') return mismatch(type, value);
      buf[pos++] = ((base + 2) << 3) | 5;
      view.setFloat32(pos, value, true);
      pos += 4;
      return;
    case DataType.Double:
      if (typeof value !== 'number') return mismatch(type, value);
      buf[pos++] = ((base + 3) << 3) | 1;
      view.setFloat64(pos, value, true);
      pos += 8;
      return;
    case DataType.Boolean:
      if (typeof value !== 'boolean') return mismatch(type, value);
      buf[pos++] = (base + 4) << 3;
      buf[pos++] = value ? 1 : 0;
      return;
    default:
      if (type === DataType.DataSet || type === DataType.Template) fail(TypeError, `${typeName(type)} values are not supported by this codec`);
      if (isStringType(type) || isBytesType(type) || type === DataType.PropertySet || type === DataType.PropertySetList) return mismatch(type, value);
      fail(RangeError, `unknown datatype ${type}`);
  }
}

/** Int8..UInt32 in int_value (uint32): negative values as their 32-bit two's complement. */
function writeInt32(value: unknown, type: number, min: number, max: number, base: number): void {
  if (typeof value !== 'number') return mismatch(type, value);
  if (!(Number.isInteger(value) && value >= min && value <= max)) fail(RangeError, `${typeName(type)} value ${value} is out of range ${min}..${max}`);
  buf[pos++] = base << 3;
  putUint(value >>> 0);
}

/** Int64, UInt64, DateTime in long_value (uint64): numbers (safe integers) or bigints. */
function writeInt64(value: unknown, type: number, base: number): void {
  const signed = type === DataType.Int64;
  let lo: number;
  let hi: number;
  if (typeof value === 'number') {
    if (!(Number.isSafeInteger(value) && (signed || value >= 0))) {
      fail(RangeError, `${typeName(type)} value ${value} is not a ${signed ? '' : 'non-negative '}safe integer (use a bigint beyond 2^53)`);
    }
    // Both halves of the 64-bit two's complement, exact for any safe integer:
    // ToUint32 is arithmetic modulo 2^32, and v / 2^32 is exact.
    lo = value >>> 0;
    hi = Math.floor(value / TWO_32) >>> 0;
  } else if (typeof value === 'bigint') {
    if (signed ? value < MIN_INT64 || value > MAX_INT64 : value < 0n || value > MAX_UINT64) {
      fail(RangeError, `${typeName(type)} value ${value} is out of range`);
    }
    const bits = BigInt.asUintN(64, value);
    lo = Number(bits & 0xffffffffn);
    hi = Number(bits >> 32n);
  } else {
    return mismatch(type, value);
  }
  buf[pos++] = (base + 1) << 3;
  putVarint64(lo, hi);
}

function writePropertySet(tag: number, set: PropertySet, depth: number): void {
  if (depth >= MAX_DEPTH) fail(RangeError, `property sets nested deeper than ${MAX_DEPTH} (a cycle?)`);
  if (typeof set !== 'object' || set === null || !Array.isArray(set.keys) || !Array.isArray(set.values)) {
    fail(TypeError, 'a PropertySet needs the arrays keys and values');
  }
  const { keys, values } = set;
  if (keys.length !== values.length) fail(RangeError, `a PropertySet has ${keys.length} keys but ${values.length} values`);
  const outerKey = propertyKey;
  ensure(2);
  buf[pos++] = tag;
  const lengthAt = pos++;
  for (let i = 0; i < keys.length; i++) writeString(SET_KEY, checkString(keys[i], 'property key'));
  for (let i = 0; i < values.length; i++) {
    propertyKey = keys[i]!;
    writePropertyValue(values[i]!, depth);
  }
  propertyKey = outerKey;
  endLength(lengthAt);
}

function writePropertyValue(pv: PropertyValue, depth: number): void {
  if (typeof pv !== 'object' || pv === null) fail(TypeError, 'a property value must be an object { type, value }');
  const value = pv.value;
  const isNull = value === null || value === undefined || pv.isNull === true;
  const declared = pv.type;
  if (declared !== undefined && !(Number.isInteger(declared) && declared >= 0 && declared <= 34)) fail(RangeError, `unknown property type ${String(declared)}`);
  ensure(16);
  buf[pos++] = SET_VALUE;
  const lengthAt = pos++;
  if (declared !== undefined) {
    buf[pos++] = PROP_TYPE;
    buf[pos++] = declared;
  }
  if (isNull) {
    buf[pos++] = PROP_NULL;
    buf[pos++] = 1;
  } else {
    const type = declared === undefined || declared === DataType.Unknown ? inferType(value) : declared;
    if (type === DataType.PropertySet) {
      if (Array.isArray(value) || typeof value !== 'object') return mismatch(type, value);
      writePropertySet(PROP_SET, value as PropertySet, depth + 1);
    } else if (type === DataType.PropertySetList) {
      if (!Array.isArray(value)) return mismatch(type, value);
      ensure(2);
      buf[pos++] = PROP_SETS;
      const listAt = pos++;
      for (const set of value) writePropertySet(LIST_SET, set, depth + 1);
      endLength(listAt);
    } else if (typeof value === 'string') {
      if (!isStringType(type)) mismatch(type, value);
      writeString(PROP_STRING, value);
    } else if (typeof value === 'object') {
      return mismatch(type, value);
    } else {
      if (isBytesType(type)) fail(TypeError, `${typeName(type)} is not a property value type`);
      writeScalar(type, value, PROP_BASE);
    }
  }
  endLength(lengthAt);
}

/** The datatype for an untyped value: the lossless choice for each JS type. */
function inferType(value: unknown): number {
  switch (typeof value) {
    case 'number':
      return DataType.Double;
    case 'boolean':
      return DataType.Boolean;
    case 'string':
      return DataType.String;
    case 'bigint':
      return value < 0n ? DataType.Int64 : DataType.UInt64;
    default:
      if (value instanceof Uint8Array) return DataType.Bytes;
      if (Array.isArray(value)) return DataType.PropertySetList;
      if (typeof value === 'object' && value !== null) return DataType.PropertySet;
      return fail(TypeError, `cannot encode a value of type ${typeof value}`);
  }
}

function isStringType(type: number): boolean {
  return type === DataType.String || type === DataType.Text || type === DataType.UUID;
}

function isBytesType(type: number): boolean {
  return type === DataType.Bytes || type === DataType.File || (type >= DataType.Int8Array && type <= DataType.DateTimeArray);
}

// ---- primitives ----

/** Makes room for `extra` more bytes after `pos`. */
function ensure(extra: number): void {
  if (pos + extra > buf.length) grow(extra);
}

function grow(extra: number): void {
  const grown = new Uint8Array(Math.max(buf.length * 2, pos + extra));
  grown.set(buf.subarray(0, pos));
  buf = grown;
  view = new DataView(grown.buffer);
}

/** Varint of a non-negative integer below 2^53. The caller reserved 8 bytes. */
function putUint(value: number): void {
  if (value < 0x80) {
    buf[pos++] = value;
    return;
  }
  if (value <= 0xffffffff) {
    const b = buf;
    let p = pos;
    let v = value >>> 0;
    while (v > 0x7f) {
      b[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    b[p++] = v;
    pos = p;
    return;
  }
  const lo = value >>> 0;
  putVarint64(lo, (value - lo) / TWO_32);
}

/** Varint of the 64-bit value hi * 2^32 + lo (both uint32). The caller reserved 10 bytes. */
function putVarint64(lo: number, hi: number): void {
  const b = buf;
  let p = pos;
  while (hi !== 0) {
    b[p++] = (lo & 0x7f) | 0x80;
    lo = ((lo >>> 7) | (hi << 25)) >>> 0;
    hi >>>= 7;
  }
  while (lo > 0x7f) {
    b[p++] = (lo & 0x7f) | 0x80;
    lo >>>= 7;
  }
  b[p++] = lo;
  pos = p;
}

function varintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

/**
 * Closes a length-delimited field whose one-byte length placeholder sits at
 * `lengthAt`: writes the length, moving the contents up when the varint needs
 * more than one byte.
 */
function endLength(lengthAt: number): void {
  const length = pos - lengthAt - 1;
  if (length < 0x80) {
    buf[lengthAt] = length;
    return;
  }
  const extra = varintSize(length) - 1;
  ensure(extra);
  buf.copyWithin(lengthAt + 1 + extra, lengthAt + 1, pos);
  const end = pos + extra;
  pos = lengthAt;
  putUint(length);
  pos = end;
}

/** Tag, length and UTF-8 bytes of a string field (the tag is one byte). */
function writeString(tag: number, s: string): void {
  const n = s.length;
  if (n <= 42) {
    // At most 3 bytes per UTF-16 unit: 126 bytes, so a one-byte length.
    ensure(2 + 3 * n);
    buf[pos] = tag;
    const start = pos + 2;
    const end = n === 0 ? start : putUtf8(s, start);
    buf[pos + 1] = end - start;
    pos = end;
    return;
  }
  // Reserve the length for the worst case, encode, then close the gap.
  const worst = 3 * n;
  const room = varintSize(worst);
  ensure(1 + room + worst);
  buf[pos++] = tag;
  const start = pos + room;
  const length = utf8Encoder.encodeInto(s, buf.subarray(start, start + worst)).written;
  const size = varintSize(length);
  if (size < room) buf.copyWithin(pos + size, start, start + length);
  putUint(length);
  pos += length;
}

/**
 * UTF-8 of a short string at `p` (room reserved by the caller); returns the
 * end. A JS loop beats TextEncoder.encodeInto on metric-name-sized strings,
 * which would also need a subarray per call. Lone surrogates become U+FFFD,
 * as with TextEncoder.
 */
function putUtf8(s: string, p: number): number {
  const b = buf;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      b[p++] = c;
    } else if (c < 0x800) {
      b[p++] = 0xc0 | (c >> 6);
      b[p++] = 0x80 | (c & 0x3f);
    } else {
      if (c >= 0xd800 && c <= 0xdfff) {
        const d = i + 1 < n ? s.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
          const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          b[p++] = 0xf0 | (cp >> 18);
          b[p++] = 0x80 | ((cp >> 12) & 0x3f);
          b[p++] = 0x80 | ((cp >> 6) & 0x3f);
          b[p++] = 0x80 | (cp & 0x3f);
          i++;
          continue;
        }
        c = 0xfffd;
      }
      b[p++] = 0xe0 | (c >> 12);
      b[p++] = 0x80 | ((c >> 6) & 0x3f);
      b[p++] = 0x80 | (c & 0x3f);
    }
  }
  return p;
}

/** Length and contents of a bytes field (the tag is already written). */
function writeBytes(bytes: Uint8Array): void {
  ensure(10 + bytes.length);
  putUint(bytes.length);
  buf.set(bytes, pos);
  pos += bytes.length;
}

// ---- checks and errors ----

function checkUint(value: number, what: string): number {
  if (typeof value === 'number' && value >= 0 && Number.isSafeInteger(value)) return value;
  return fail(RangeError, `${what} must be a non-negative safe integer, got ${String(value)}`);
}

function checkString(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  return fail(TypeError, `${what} must be a string, got ${typeof value}`);
}

function mismatch(type: number, value: unknown): never {
  const got = value instanceof Uint8Array ? 'Uint8Array' : Array.isArray(value) ? 'array' : typeof value;
  return fail(TypeError, `datatype ${typeName(type)} cannot carry a ${got} value`);
}

function typeName(type: number): string {
  for (const [name, code] of Object.entries(DataType)) if (code === type) return name;
  return String(type);
}

function fail(kind: typeof RangeError | typeof TypeError, message: string): never {
  let where = 'Sparkplug payload';
  if (metric !== null) {
    const id = metric.name !== undefined ? JSON.stringify(metric.name) : metric.alias !== undefined ? `alias ${metric.alias}` : 'unnamed';
    where = `metrics[${metricIndex}] (${id})`;
    if (propertyKey !== null) where += ` property ${JSON.stringify(propertyKey)}`;
  }
  throw new kind(`${where}: ${message}`);
}
