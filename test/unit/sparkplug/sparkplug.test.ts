// The Sparkplug B codec against protobufjs, loaded with our own copy of the
// specification's schema (test/helpers/sparkplug_b.proto), as an independent
// implementation of the wire format: our bytes decoded by protobufjs, its
// bytes decoded by us, and byte-for-byte equality where both encode the same
// message. Then malformed input (every truncation, seeded garbage and
// mutations), the size of a typical DDATA, and the topics.
import protobuf from 'protobufjs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodePayload, fromWire, SparkplugDecodeError } from '../../../src/main/runtime/sparkplug/decode';
import { encodePayload } from '../../../src/main/runtime/sparkplug/encode';
import {
  deviceTopic,
  idProblem,
  nodeTopic,
  parseStatePayload,
  parseTopic,
  stateTopic,
  statePayload,
  type SparkplugTopic,
} from '../../../src/main/runtime/sparkplug/topics';
import { DataType, QualityCode, type Metric, type MetricValue, type Payload, type PropertySet } from '../../../src/main/runtime/sparkplug/types';
import { Prng } from '../../../src/shared/prng';

const root = protobuf.loadSync(fileURLToPath(new URL('../../helpers/sparkplug_b.proto', import.meta.url)));
const PbPayload = root.lookupType('org.eclipse.tahu.protobuf.Payload');

// protobufjs's plain objects (toObject with longs as BigInt and oneofs on).
interface PbPropertyValue {
  type?: number;
  isNull?: boolean;
  intValue?: number;
  longValue?: bigint;
  floatValue?: number;
  doubleValue?: number;
  booleanValue?: boolean;
  stringValue?: string;
  propertysetValue?: PbPropertySet;
  propertysetsValue?: { propertyset?: PbPropertySet[] };
  value?: string;
}
interface PbPropertySet {
  keys?: string[];
  values?: PbPropertyValue[];
}
interface PbMetric {
  name?: string;
  alias?: bigint;
  timestamp?: bigint;
  datatype?: number;
  isHistorical?: boolean;
  isTransient?: boolean;
  isNull?: boolean;
  properties?: PbPropertySet;
  intValue?: number;
  longValue?: bigint;
  floatValue?: number;
  doubleValue?: number;
  booleanValue?: boolean;
  stringValue?: string;
  bytesValue?: Uint8Array;
  /** The name of the oneof field present. */
  value?: string;
}
interface PbPayloadObject {
  timestamp?: bigint;
  metrics?: PbMetric[];
  seq?: bigint;
  uuid?: string;
  body?: Uint8Array;
}

/** Decodes with protobufjs. */
function pbDecode(bytes: Uint8Array): PbPayloadObject {
  return PbPayload.toObject(PbPayload.decode(bytes), { longs: BigInt, oneofs: true }) as PbPayloadObject;
}

/** Encodes with protobufjs; uint64 values given as decimal strings. */
function pbEncode(object: Record<string, unknown>): Uint8Array {
  return PbPayload.encode(PbPayload.fromObject(object)).finish();
}

const T0 = 1_736_121_600_000; // 2025-01-06T00:00:00Z
const TWO_64 = 1n << 64n;

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** Decodes, or returns the error; anything but a SparkplugDecodeError fails the test. */
function decodeOrError(bytes: Uint8Array): Payload | SparkplugDecodeError {
  try {
    return decodePayload(bytes);
  } catch (error) {
    if (!(error instanceof SparkplugDecodeError)) throw new Error(`not a SparkplugDecodeError for ${hex(bytes)}: ${String(error)}`, { cause: error });
    return error;
  }
}

function decodeError(bytes: Uint8Array | number[]): SparkplugDecodeError {
  const result = decodeOrError(bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes));
  if (!(result instanceof SparkplugDecodeError)) throw new Error('decoded, expected a SparkplugDecodeError');
  return result;
}

function one(metric: Metric, payload: Partial<Payload> = {}): Uint8Array {
  return encodePayload({ timestamp: T0, metrics: [metric], seq: 1, ...payload });
}

/** Our bytes are the canonical encoding: protobufjs re-encoding what it decoded gives the same bytes. */
function expectCanonical(bytes: Uint8Array): void {
  expect(hex(PbPayload.encode(PbPayload.decode(bytes)).finish())).toBe(hex(bytes));
}

function sameValue(actual: MetricValue, expected: MetricValue): void {
  if (typeof expected === 'number' && (Number.isNaN(expected) || Object.is(expected, -0))) expect(Object.is(actual, expected)).toBe(true);
  else expect(actual).toEqual(expected);
}

describe('DataType', () => {
  it('has the numbers of the specification', () => {
    expect([DataType.Int8, DataType.Int16, DataType.Int32, DataType.Int64, DataType.UInt8, DataType.UInt16, DataType.UInt32, DataType.UInt64]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect([DataType.Float, DataType.Double, DataType.Boolean, DataType.String, DataType.DateTime, DataType.Text]).toEqual([9, 10, 11, 12, 13, 14]);
    expect([DataType.UUID, DataType.DataSet, DataType.Bytes, DataType.File, DataType.Template, DataType.PropertySet, DataType.PropertySetList]).toEqual([15, 16, 17, 18, 19, 20, 21]);
    expect([DataType.Int8Array, DataType.DateTimeArray]).toEqual([22, 34]);
    expect(QualityCode).toEqual({ Bad: 0, Good: 192, Stale: 500 });
  });
});

/** One case per datatype and edge: our value, the oneof field and the raw wire value protobufjs sees. */
interface ValueCase {
  type: DataType;
  value: Exclude<MetricValue, null>;
  field: 'intValue' | 'longValue' | 'floatValue' | 'doubleValue' | 'booleanValue' | 'stringValue' | 'bytesValue';
  wire: number | bigint | boolean | string | Uint8Array;
  /** What decoding gives back, when not `value` (floats rounded, bigints in the safe range as numbers). */
  back?: MetricValue;
}

const longString = 'Ünïcødé ✓ 𝄞 '.repeat(40) + 'x'.repeat(300);
const VALUE_CASES: ValueCase[] = [
  { type: DataType.Int8, value: -128, field: 'intValue', wire: 0xffffff80 },
  { type: DataType.Int8, value: -1, field: 'intValue', wire: 0xffffffff },
  { type: DataType.Int8, value: 0, field: 'intValue', wire: 0 },
  { type: DataType.Int8, value: 127, field: 'intValue', wire: 127 },
  { type: DataType.Int16, value: -32768, field: 'intValue', wire: 0xffff8000 },
  { type: DataType.Int16, value: -2, field: 'intValue', wire: 0xfffffffe },
  { type: DataType.Int16, value: 32767, field: 'intValue', wire: 32767 },
  { type: DataType.Int32, value: -2147483648, field: 'intValue', wire: 0x80000000 },
  { type: DataType.Int32, value: -123456, field: 'intValue', wire: 2 ** 32 - 123456 },
  { type: DataType.Int32, value: 2147483647, field: 'intValue', wire: 2147483647 },
  { type: DataType.Int64, value: -1, field: 'longValue', wire: TWO_64 - 1n },
  { type: DataType.Int64, value: -Number.MAX_SAFE_INTEGER, field: 'longValue', wire: TWO_64 - BigInt(Number.MAX_SAFE_INTEGER) },
  { type: DataType.Int64, value: -(2n ** 63n), field: 'longValue', wire: 2n ** 63n },
  { type: DataType.Int64, value: 2n ** 63n - 1n, field: 'longValue', wire: 2n ** 63n - 1n },
  { type: DataType.Int64, value: -5n, field: 'longValue', wire: TWO_64 - 5n, back: -5 },
  { type: DataType.Int64, value: 3000, field: 'longValue', wire: 3000n },
  { type: DataType.UInt8, value: 255, field: 'intValue', wire: 255 },
  { type: DataType.UInt16, value: 65535, field: 'intValue', wire: 65535 },
  { type: DataType.UInt32, value: 4294967295, field: 'intValue', wire: 4294967295 },
  { type: DataType.UInt32, value: 0, field: 'intValue', wire: 0 },
  { type: DataType.UInt64, value: 0, field: 'longValue', wire: 0n },
  { type: DataType.UInt64, value: Number.MAX_SAFE_INTEGER, field: 'longValue', wire: BigInt(Number.MAX_SAFE_INTEGER) },
  { type: DataType.UInt64, value: 2n ** 53n + 1n, field: 'longValue', wire: 2n ** 53n + 1n },
  { type: DataType.UInt64, value: TWO_64 - 1n, field: 'longValue', wire: TWO_64 - 1n },
  { type: DataType.UInt64, value: 42n, field: 'longValue', wire: 42n, back: 42 },
  { type: DataType.DateTime, value: T0, field: 'longValue', wire: BigInt(T0) },
  { type: DataType.Float, value: 1.1, field: 'floatValue', wire: Math.fround(1.1), back: Math.fround(1.1) },
  { type: DataType.Float, value: -273.15, field: 'floatValue', wire: Math.fround(-273.15), back: Math.fround(-273.15) },
  { type: DataType.Float, value: Number.NaN, field: 'floatValue', wire: Number.NaN },
  { type: DataType.Float, value: Number.POSITIVE_INFINITY, field: 'floatValue', wire: Number.POSITIVE_INFINITY },
  { type: DataType.Float, value: Number.NEGATIVE_INFINITY, field: 'floatValue', wire: Number.NEGATIVE_INFINITY },
  { type: DataType.Float, value: -0, field: 'floatValue', wire: -0 },
  { type: DataType.Double, value: 0.1, field: 'doubleValue', wire: 0.1 },
  { type: DataType.Double, value: Number.NaN, field: 'doubleValue', wire: Number.NaN },
  { type: DataType.Double, value: Number.NEGATIVE_INFINITY, field: 'doubleValue', wire: Number.NEGATIVE_INFINITY },
  { type: DataType.Double, value: Number.MAX_VALUE, field: 'doubleValue', wire: Number.MAX_VALUE },
  { type: DataType.Double, value: 5e-324, field: 'doubleValue', wire: 5e-324 },
  { type: DataType.Boolean, value: true, field: 'booleanValue', wire: true },
  { type: DataType.Boolean, value: false, field: 'booleanValue', wire: false },
  { type: DataType.String, value: '', field: 'stringValue', wire: '' },
  { type: DataType.String, value: 'Pump 1 running', field: 'stringValue', wire: 'Pump 1 running' },
  { type: DataType.String, value: 'héllo wörld ✓ 𝄞', field: 'stringValue', wire: 'héllo wörld ✓ 𝄞' },
  { type: DataType.String, value: longString, field: 'stringValue', wire: longString },
  { type: DataType.Text, value: 'a\nmulti-line\ntext', field: 'stringValue', wire: 'a\nmulti-line\ntext' },
  { type: DataType.UUID, value: '3e1c8a3e-6f0e-4f0a-9a55-6a8d2c9d8f10', field: 'stringValue', wire: '3e1c8a3e-6f0e-4f0a-9a55-6a8d2c9d8f10' },
  { type: DataType.Bytes, value: Uint8Array.from([0, 1, 2, 255]), field: 'bytesValue', wire: Uint8Array.from([0, 1, 2, 255]) },
  { type: DataType.File, value: new Uint8Array(0), field: 'bytesValue', wire: new Uint8Array(0) },
  { type: DataType.Int16Array, value: Uint8Array.from([0xd0, 0x8a, 0x30, 0x75]), field: 'bytesValue', wire: Uint8Array.from([0xd0, 0x8a, 0x30, 0x75]) },
];

function caseName(c: ValueCase): string {
  const value = typeof c.value === 'string' ? JSON.stringify(c.value.length > 20 ? `${c.value.slice(0, 20)}…` : c.value) : c.value instanceof Uint8Array ? `bytes[${c.value.length}]` : String(c.value);
  const type = Object.entries(DataType).find(([, code]) => code === c.type)![0];
  return `${type} ${value}${typeof c.value === 'bigint' ? 'n' : ''}`;
}

/** A protobufjs object with the wire value in the case's field (uint64 as a decimal string). */
function pbValue(c: ValueCase): Record<string, unknown> {
  return { [c.field]: typeof c.wire === 'bigint' ? c.wire.toString() : c.wire };
}

describe('our encoder, decoded by protobufjs', () => {
  for (const c of VALUE_CASES) {
    it(caseName(c), () => {
      const bytes = one({ name: 'm', alias: 7, timestamp: T0 + 1, datatype: c.type, value: c.value });
      const decoded = pbDecode(bytes);
      const metric = decoded.metrics![0]!;
      expect(metric.value).toBe(c.field);
      const wire = metric[c.field];
      if (c.wire instanceof Uint8Array) expect(hex(wire as Uint8Array)).toBe(hex(c.wire));
      else if (typeof c.wire === 'number' && Number.isNaN(c.wire)) expect(wire).toBeNaN();
      else expect(Object.is(wire, c.wire) || wire === c.wire).toBe(true);
      expect(metric).toMatchObject({ name: 'm', alias: 7n, timestamp: BigInt(T0 + 1), datatype: c.type });
      expect(decoded).toMatchObject({ timestamp: BigInt(T0), seq: 1n });
      expectCanonical(bytes);
      // and back through our decoder
      sameValue(decodePayload(bytes).metrics[0]!.value, c.back ?? c.value);
    });
  }
});

describe('protobufjs encoder, decoded by us', () => {
  for (const c of VALUE_CASES) {
    it(caseName(c), () => {
      const bytes = pbEncode({ timestamp: String(T0), seq: '9', metrics: [{ name: 'm', alias: '7', timestamp: String(T0 + 1), datatype: c.type, ...pbValue(c) }] });
      const payload = decodePayload(bytes);
      expect(payload.timestamp).toBe(T0);
      expect(payload.seq).toBe(9);
      const metric = payload.metrics[0]!;
      expect(metric).toMatchObject({ name: 'm', alias: 7, timestamp: T0 + 1, datatype: c.type });
      sameValue(metric.value, c.back ?? c.value);
      // The same message from our encoder: the same bytes.
      expect(hex(encodePayload({ timestamp: T0, metrics: [{ name: 'm', alias: 7, timestamp: T0 + 1, datatype: c.type, value: c.value }], seq: 9 }))).toBe(hex(bytes));
    });
  }

  it('returns raw unsigned values without a datatype; fromWire applies the birth datatype', () => {
    const cases = VALUE_CASES.filter((c) => c.field === 'intValue' || c.field === 'longValue');
    const bytes = pbEncode({ metrics: cases.map((c, i) => ({ alias: String(i + 1), timestamp: String(T0), ...pbValue(c) })) });
    const metrics = decodePayload(bytes).metrics;
    cases.forEach((c, i) => {
      const raw = metrics[i]!.value;
      expect(metrics[i]!.datatype).toBeUndefined();
      const wire = typeof c.wire === 'bigint' && c.wire <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(c.wire) : c.wire;
      expect(raw).toEqual(wire);
      sameValue(fromWire(c.type, raw), c.back ?? c.value);
    });
  });

  it('reads signed small integers whichever width the sender sign-extended them to', () => {
    // -1 as Int8 from a sender that wrote the 8-bit pattern (0xFF), the 32-bit one, or a 64-bit varint.
    const bytes8 = pbEncode({ metrics: [{ alias: '1', datatype: DataType.Int8, intValue: 0xff }] });
    expect(decodePayload(bytes8).metrics[0]!.value).toBe(-1);
    const bytes16 = pbEncode({ metrics: [{ alias: '1', datatype: DataType.Int16, intValue: 0xffa9 }] });
    expect(decodePayload(bytes16).metrics[0]!.value).toBe(-87);
    // Metric { alias 1, datatype Int32, int_value: -2 as a 10-byte varint (how an int32 field would carry it) }
    const int32 = [0x12, 0x0f, 0x10, 0x01, 0x20, 0x03, 0x50, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
    expect(decodePayload(Uint8Array.from(int32)).metrics[0]!.value).toBe(-2);
    // Int32 in long_value, sign-extended to 64 bits.
    const inLong = pbEncode({ metrics: [{ alias: '1', datatype: DataType.Int32, longValue: (TWO_64 - 7n).toString() }] });
    expect(decodePayload(inLong).metrics[0]!.value).toBe(-7);
  });
});

describe('metric fields', () => {
  it('null values: is_null set, no value field, datatype kept', () => {
    const bytes = encodePayload({ metrics: [{ alias: 1, timestamp: T0, datatype: DataType.Int32, value: null }, { alias: 2, datatype: DataType.String, isNull: true, value: 'ignored' }] });
    const [a, b] = pbDecode(bytes).metrics!;
    expect(a).toEqual({ alias: 1n, timestamp: BigInt(T0), datatype: DataType.Int32, isNull: true });
    expect(b).toEqual({ alias: 2n, datatype: DataType.String, isNull: true });
    const back = decodePayload(bytes).metrics;
    expect(back[0]).toMatchObject({ alias: 1, isNull: true, value: null, datatype: DataType.Int32 });
    expect(back[1]).toMatchObject({ alias: 2, isNull: true, value: null });
    // from protobufjs, with a value present despite is_null: the flag wins
    const theirs = pbEncode({ metrics: [{ alias: '3', datatype: DataType.Double, isNull: true, doubleValue: 1.5 }] });
    expect(decodePayload(theirs).metrics[0]).toMatchObject({ isNull: true, value: null });
  });

  it('is_historical and is_transient both ways; false flags are not written', () => {
    const bytes = one({ name: 'h', datatype: DataType.Boolean, isHistorical: true, isTransient: true, value: true });
    expect(pbDecode(bytes).metrics![0]).toMatchObject({ isHistorical: true, isTransient: true, booleanValue: true });
    expect(decodePayload(bytes).metrics[0]).toMatchObject({ isHistorical: true, isTransient: true, value: true });
    const plain = one({ name: 'h', datatype: DataType.Boolean, isHistorical: false, isTransient: false, isNull: false, value: true });
    const metric = pbDecode(plain).metrics![0]!;
    expect(metric).not.toHaveProperty('isHistorical');
    expect(metric).not.toHaveProperty('isNull');
    const theirs = pbEncode({ metrics: [{ name: 'x', isHistorical: true, isTransient: false, datatype: DataType.Float, floatValue: 2.5 }] });
    expect(decodePayload(theirs).metrics[0]).toMatchObject({ isHistorical: true, isTransient: false, value: 2.5 });
  });

  it('metrics without a name (alias only), and without a datatype on the wire', () => {
    const metrics: Metric[] = [
      { alias: 1, timestamp: T0, datatype: DataType.Float, value: 20.5 },
      { alias: 16383, timestamp: T0, datatype: DataType.Int16, value: -3 },
      { alias: Number.MAX_SAFE_INTEGER, timestamp: T0, datatype: DataType.Boolean, value: true },
    ];
    const bytes = encodePayload({ timestamp: T0, metrics, seq: 4 }, { omitDatatypes: true });
    const theirs = pbDecode(bytes).metrics!;
    expect(theirs.map((m) => m.alias)).toEqual([1n, 16383n, BigInt(Number.MAX_SAFE_INTEGER)]);
    expect(theirs.every((m) => m.name === undefined && m.datatype === undefined)).toBe(true);
    expect(theirs.map((m) => m.value)).toEqual(['floatValue', 'intValue', 'booleanValue']);
    const ours = decodePayload(bytes).metrics;
    expect(ours.map((m) => [m.alias, m.name, m.datatype])).toEqual([
      [1, undefined, undefined],
      [16383, undefined, undefined],
      [Number.MAX_SAFE_INTEGER, undefined, undefined],
    ]);
    expect(ours.map((m, i) => fromWire(metrics[i]!.datatype, m.value))).toEqual([20.5, -3, true]);
  });

  it('infers the value field of untyped values, without writing a datatype', () => {
    const bytes = encodePayload({ metrics: [{ alias: 1, value: 1.5 }, { alias: 2, value: 'on' }, { alias: 3, value: false }, { alias: 4, value: -2n }, { alias: 5, value: 2n ** 60n }, { alias: 6, value: Uint8Array.of(9) }] });
    const theirs = pbDecode(bytes).metrics!;
    expect(theirs.map((m) => m.value)).toEqual(['doubleValue', 'stringValue', 'booleanValue', 'longValue', 'longValue', 'bytesValue']);
    expect(theirs.every((m) => m.datatype === undefined)).toBe(true);
  });

  it('properties: Quality, engineering units, limits, nested sets, both ways', () => {
    const properties: PropertySet = {
      keys: ['Quality', 'engUnit', 'engLow', 'engHigh', 'readOnly', 'counter', 'offset', 'mask', 'note', 'nested', 'list'],
      values: [
        { type: DataType.Int32, value: QualityCode.Stale },
        { type: DataType.String, value: '°C' },
        { type: DataType.Float, value: -50 },
        { type: DataType.Double, value: 150.25 },
        { type: DataType.Boolean, value: true },
        { type: DataType.Int64, value: -9_000_000_000 },
        { type: DataType.Int32, value: -40 },
        { type: DataType.UInt32, value: 0xffffffff },
        { type: DataType.String, isNull: true, value: null },
        { type: DataType.PropertySet, value: { keys: ['deep'], values: [{ type: DataType.UInt64, value: 2n ** 64n - 1n }] } },
        { type: DataType.PropertySetList, value: [{ keys: ['a'], values: [{ type: DataType.Int8, value: -1 }] }, { keys: [], values: [] }] },
      ],
    };
    const bytes = one({ name: 'Line 1/Temperature', alias: 12, timestamp: T0, datatype: DataType.Float, properties, value: 21.5 });
    expectCanonical(bytes);
    const theirs = pbDecode(bytes).metrics![0]!.properties!;
    expect(theirs.keys).toEqual(properties.keys);
    const v = theirs.values!;
    expect(v[0]).toEqual({ type: 3, intValue: 500, value: 'intValue' });
    expect(v[1]).toEqual({ type: 12, stringValue: '°C', value: 'stringValue' });
    expect(v[2]).toEqual({ type: 9, floatValue: -50, value: 'floatValue' });
    expect(v[5]).toEqual({ type: 4, longValue: TWO_64 - 9_000_000_000n, value: 'longValue' });
    expect(v[6]).toEqual({ type: 3, intValue: 2 ** 32 - 40, value: 'intValue' });
    expect(v[8]).toEqual({ type: 12, isNull: true });
    expect(v[9]!.propertysetValue).toEqual({ keys: ['deep'], values: [{ type: 8, longValue: TWO_64 - 1n, value: 'longValue' }] });
    expect(v[10]!.propertysetsValue!.propertyset).toHaveLength(2);
    const back = decodePayload(bytes).metrics[0]!;
    expect(back.properties).toEqual({
      keys: properties.keys,
      values: properties.values.map((pv) => ({ ...pv, isNull: pv.isNull, value: pv.value })),
    });
    // protobufjs → us
    const fromThem = pbEncode({
      metrics: [
        {
          name: 'x',
          datatype: DataType.Int16,
          intValue: 0xfffffff6,
          properties: { keys: ['Quality', 'engUnit', 'k'], values: [{ type: 3, intValue: 192 }, { type: 12, stringValue: 'bar' }, { type: 2, intValue: 0xffff8000 }] },
        },
      ],
    });
    expect(decodePayload(fromThem).metrics[0]).toMatchObject({
      value: -10,
      properties: { keys: ['Quality', 'engUnit', 'k'], values: [{ type: 3, value: 192 }, { type: 12, value: 'bar' }, { type: 2, value: -32768 }] },
    });
  });

  it('seq 0..255, timestamp, uuid and body', () => {
    for (let seq = 0; seq <= 255; seq++) {
      const bytes = encodePayload({ timestamp: T0 + seq, metrics: [], seq });
      expect(pbDecode(bytes).seq).toBe(BigInt(seq));
      expect(decodePayload(bytes).seq).toBe(seq);
      expect(decodePayload(pbEncode({ seq: String(seq) })).seq).toBe(seq);
    }
    const body = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    const bytes = encodePayload({ metrics: [], uuid: 'schema-1', body });
    expect(pbDecode(bytes)).toMatchObject({ uuid: 'schema-1' });
    expect(hex(pbDecode(bytes).body!)).toBe(hex(body));
    expect(decodePayload(bytes)).toMatchObject({ uuid: 'schema-1', body, metrics: [] });
    // an NDEATH: no seq, no timestamp
    expect(decodePayload(encodePayload({ metrics: [{ name: 'bdSeq', datatype: DataType.Int64, value: 3 }] }))).toMatchObject({ seq: undefined, timestamp: undefined });
  });

  it('long metrics and payloads: length prefixes of 2 and 3 bytes', () => {
    const name = 'n'.repeat(200); // metric > 127 bytes
    const big = 'é'.repeat(10_000); // metric > 16383 bytes
    const properties: PropertySet = { keys: Array.from({ length: 50 }, (_, i) => `key ${i}`), values: Array.from({ length: 50 }, (_, i) => ({ type: DataType.Int32, value: 100 - i * 7 })) };
    const metrics: Metric[] = [
      { name, alias: 1, timestamp: T0, datatype: DataType.Double, value: 1 },
      { name: 'big', alias: 2, timestamp: T0, datatype: DataType.Text, value: big },
      { name: 'props', alias: 3, timestamp: T0, datatype: DataType.Boolean, properties, value: true },
    ];
    const bytes = encodePayload({ timestamp: T0, metrics, seq: 0 });
    expectCanonical(bytes);
    const theirs = pbDecode(bytes).metrics!;
    expect(theirs[0]!.name).toBe(name);
    expect(theirs[1]!.stringValue).toBe(big);
    expect(theirs[2]!.properties!.keys).toEqual(properties.keys);
    const ours = decodePayload(bytes).metrics;
    expect(ours.map((m) => m.value)).toEqual([1, big, true]);
    expect(ours[2]!.properties!.values.map((v) => v.value)).toEqual(properties.values.map((v) => v.value));
  });

  it('encodes lone surrogates as U+FFFD, like TextEncoder', () => {
    const bytes = one({ name: 'a\ud800b', datatype: DataType.String, value: '\udc00' });
    expect(pbDecode(bytes).metrics![0]).toMatchObject({ name: 'a\ufffdb', stringValue: '\ufffd' });
  });

  it('skips metadata, DataSet and Template values (value null), then reads on', () => {
    const bytes = pbEncode({
      metrics: [
        { name: 'file', datatype: DataType.File, metadata: { contentType: 'text/plain', size: '3' }, bytesValue: Uint8Array.of(1, 2, 3) },
        { name: 'table', datatype: DataType.DataSet, datasetValue: { numOfColumns: '1', columns: ['a'], types: [3], rows: [{ elements: [{ intValue: 1 }] }] } },
        { name: 'udt', datatype: DataType.Template, templateValue: { version: '1', isDefinition: true, metrics: [{ name: 'inner', datatype: 3, intValue: 4 }] } },
        { name: 'after', datatype: DataType.Int8, intValue: 0xfffffffe },
      ],
    });
    const metrics = decodePayload(bytes).metrics;
    expect(metrics.map((m) => [m.name, m.datatype, m.value])).toEqual([
      ['file', DataType.File, Uint8Array.of(1, 2, 3)],
      ['table', DataType.DataSet, null],
      ['udt', DataType.Template, null],
      ['after', DataType.Int8, -2],
    ]);
  });

  it('skips unknown fields of every wire type, anywhere', () => {
    const metric: Metric = { name: 'm', alias: 1, timestamp: T0, datatype: DataType.Int8, value: -3, properties: { keys: ['Quality'], values: [{ type: DataType.Int32, value: 192 }] } };
    const valid = one(metric);
    const expected = decodePayload(valid);
    // Unknown field 50: varint, fixed64, length-delimited, fixed32, and a group holding a varint.
    const unknown = [0x90, 0x03, 0x96, 0x01, 0x91, 0x03, 1, 2, 3, 4, 5, 6, 7, 8, 0x92, 0x03, 0x02, 0xaa, 0xbb, 0x95, 0x03, 9, 9, 9, 9, 0x93, 0x03, 0x08, 0x05, 0x94, 0x03];
    expect(decodePayload(Uint8Array.from([...unknown, ...valid, ...unknown]))).toEqual(expected);
    // Inside the metric too: a payload of the metric alone starts with its tag and one-byte length.
    const alone = encodePayload({ metrics: [metric] });
    expect(alone[0]).toBe(0x12);
    const body = [...alone.subarray(2)];
    expect(body.length + unknown.length).toBeLessThan(128);
    const inner = Uint8Array.from([0x12, body.length + unknown.length, ...unknown, ...body]);
    expect(decodePayload(inner).metrics).toEqual(expected.metrics);
  });

  it('takes fields in any order (a value before its datatype) and lets the last value win', () => {
    // Metric { int_value 0xFFFFFFFF, datatype Int16, alias 5 }, then { boolean_value true, int_value 7, datatype UInt8, alias 6 }.
    const bytes = [0x12, 0x0a, 0x50, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x20, 0x02, 0x10, 0x05, 0x12, 0x08, 0x70, 0x01, 0x50, 0x07, 0x20, 0x05, 0x10, 0x06];
    expect(decodePayload(Uint8Array.from(bytes)).metrics.map((m) => [m.alias, m.datatype, m.value])).toEqual([
      [5, DataType.Int16, -1],
      [6, DataType.UInt8, 7],
    ]);
    // The same with the last alias cut off inside its metric: the varint is truncated where the metric ends.
    const cut = [...bytes.slice(0, 13), 0x07, ...bytes.slice(14, 21)];
    expect(decodeError(cut).message).toBe('Metric.alias: truncated varint at byte 21');
  });

  it('merges a repeated properties field, as protobuf merges messages', () => {
    // Metric { properties { keys 'a', values { type 3, int 1 } }, properties { keys 'b', values { type 11, bool 1 } } }
    const set = (key: number, value: number[]): number[] => [0x4a, 5 + value.length, 0x0a, 0x01, key, 0x12, value.length, ...value];
    const metric = [...set(0x61, [0x08, 0x03, 0x18, 0x01]), ...set(0x62, [0x08, 0x0b, 0x38, 0x01])];
    const payload = decodePayload(Uint8Array.from([0x12, metric.length, ...metric]));
    expect(payload.metrics[0]!.properties).toEqual({ keys: ['a', 'b'], values: [{ type: 3, isNull: undefined, value: 1 }, { type: 11, isNull: undefined, value: true }] });
  });

  it('decodes from a view into a larger buffer (as MQTT clients hand them out)', () => {
    const bytes = one({ alias: 3, timestamp: T0, datatype: DataType.Double, value: Math.PI });
    const pooled = Buffer.concat([Buffer.alloc(13, 0xee), Buffer.from(bytes), Buffer.alloc(7, 0xee)]).subarray(13, 13 + bytes.length);
    expect(decodePayload(pooled).metrics[0]!.value).toBe(Math.PI);
  });
});

describe('encodePayload', () => {
  it('returns a copy the caller keeps: the next encode does not touch it', () => {
    const first = one({ alias: 1, timestamp: T0, datatype: DataType.Float, value: 1 });
    const snapshot = hex(first);
    one({ alias: 2, timestamp: T0 + 5, datatype: DataType.Float, value: 2 });
    encodePayload({ metrics: [{ name: 'x'.repeat(100_000), datatype: DataType.String, value: 'y'.repeat(5_000_000) }] }); // grows and drops the scratch buffer
    expect(hex(first)).toBe(snapshot);
    expect(decodePayload(one({ alias: 9, datatype: DataType.Int8, value: -9 })).metrics[0]!.value).toBe(-9);
  });

  it('refuses values that do not fit their datatype, naming the metric', () => {
    const refuse = (metric: Metric, kind: typeof RangeError | typeof TypeError, pattern: RegExp): void => {
      expect(() => encodePayload({ metrics: [{ alias: 1, value: 1 }, metric] })).toThrow(kind);
      expect(() => encodePayload({ metrics: [{ alias: 1, value: 1 }, metric] })).toThrow(pattern);
    };
    refuse({ alias: 7, datatype: DataType.Int8, value: 128 }, RangeError, /metrics\[1\] \(alias 7\): Int8 value 128 is out of range -128\.\.127/);
    refuse({ name: 'u', datatype: DataType.UInt16, value: -1 }, RangeError, /metrics\[1\] \("u"\): UInt16 value -1/);
    refuse({ alias: 7, datatype: DataType.Int32, value: 1.5 }, RangeError, /Int32 value 1\.5/);
    refuse({ alias: 7, datatype: DataType.UInt64, value: 2 ** 53 }, RangeError, /not a non-negative safe integer/);
    refuse({ alias: 7, datatype: DataType.UInt64, value: -1n }, RangeError, /out of range/);
    refuse({ alias: 7, datatype: DataType.Int64, value: 2n ** 63n }, RangeError, /out of range/);
    refuse({ alias: 7, datatype: DataType.Float, value: 'x' }, TypeError, /datatype Float cannot carry a string value/);
    refuse({ alias: 7, datatype: DataType.String, value: 1 }, TypeError, /datatype String cannot carry a number value/);
    refuse({ alias: 7, datatype: DataType.Boolean, value: 1 }, TypeError, /Boolean cannot carry a number/);
    refuse({ alias: 7, datatype: DataType.Int32, value: Uint8Array.of(1) }, TypeError, /needs datatype Bytes/);
    refuse({ alias: 7, datatype: DataType.DataSet, value: 1 }, TypeError, /DataSet values are not supported/);
    refuse({ alias: 7, datatype: 99 as DataType, value: 1 }, RangeError, /unknown datatype 99/);
    refuse({ alias: -1, value: 1 }, RangeError, /alias must be a non-negative safe integer/);
    refuse({ alias: 1, timestamp: 1.5, value: 1 }, RangeError, /timestamp must be/);
    refuse({ alias: 7, datatype: DataType.Float, value: 1, properties: { keys: ['a', 'b'], values: [{ type: DataType.Int32, value: 1 }] } }, RangeError, /2 keys but 1 values/);
    refuse({ alias: 7, value: 1, properties: { keys: ['Quality'], values: [{ type: DataType.Int32, value: 3e9 }] } }, RangeError, /property "Quality": Int32 value 3000000000/);
    expect(() => encodePayload({ metrics: [], seq: 256 })).toThrow(/seq must be an integer in 0\.\.255/);
    expect(() => encodePayload({ metrics: [], timestamp: -1 })).toThrow(/timestamp must be/);
  });

  it('refuses a cyclic property set instead of recursing forever', () => {
    const set: PropertySet = { keys: ['self'], values: [] };
    set.values.push({ type: DataType.PropertySet, value: set });
    expect(() => encodePayload({ metrics: [{ alias: 1, value: 1, properties: set }] })).toThrow(/nested deeper than 32/);
  });
});

describe('decodePayload on malformed input', () => {
  it('names the problem and the byte offset', () => {
    let error = decodeError([0x08, 0x80]);
    expect(error.message).toBe('Payload.timestamp: truncated varint at byte 1');
    expect(error.offset).toBe(1);
    error = decodeError([0x12, 0x05, 0x10]);
    expect(error.message).toBe('Payload.metrics: length 5 runs past the end of its message (1 bytes left) at byte 1');
    error = decodeError([0x12, 0x03, 0x12, 0x01, 0x00]);
    expect(error.message).toBe('Metric.alias (field 2): wire type 2 (length-delimited), expected 0 (varint) at byte 2');
    error = decodeError([0x12, 0x03, 0x65, 0x00, 0x00]);
    expect(error.message).toBe('Metric.float_value: needs 4 bytes, 2 left at byte 3');
    error = decodeError([0x12, 0x02, 0x69, 0x00]);
    expect(error.message).toMatch(/^Metric\.double_value: needs 8 bytes/);
    error = decodeError([0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);
    expect(error.message).toBe('Payload.seq: varint longer than 64 bits at byte 1');
    error = decodeError([0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10]); // 2^53
    expect(error.message).toBe('Payload.timestamp: 9007199254740992 is beyond 2^53 - 1 at byte 1');
    expect(decodeError([0x00]).message).toBe('Payload: field number 0 is invalid at byte 0');
    expect(decodeError([0x0d, 0, 0, 0, 0]).message).toMatch(/^Payload\.timestamp \(field 1\): wire type 5 \(fixed32\), expected 0/);
    expect(decodeError([0x37]).message).toBe('field 6: invalid wire type 7 at byte 0');
    expect(decodeError([0x34]).message).toBe('end-group for field 6 without a start-group at byte 0');
    expect(decodeError([0x33, 0x08, 0x01]).message).toBe('group of field 6 is not closed at byte 0');
    expect(decodeError([0x33, 0x3c]).message).toBe('end-group for field 7 closes the group of field 6 at byte 1');
    expect(decodeError([0x12, 0x04, 0x4a, 0x02, 0x0a, 0x00]).message).toBe('PropertySet has 1 keys but 0 values at byte 4');
    expect(decodeError([0xff, 0xff, 0xff, 0xff, 0xff, 0x01]).message).toBe('field tag beyond 32 bits at byte 0');
  });

  it('refuses nesting deeper than 32 instead of overflowing the stack', () => {
    let set: Record<string, unknown> = { keys: ['leaf'], values: [{ type: DataType.Int32, intValue: 1 }] };
    for (let i = 0; i < 40; i++) set = { keys: ['k'], values: [{ type: DataType.PropertySet, propertysetValue: set }] };
    const bytes = pbEncode({ metrics: [{ name: 'deep', datatype: DataType.Int32, intValue: 1, properties: set }] });
    expect(decodeError(bytes).message).toMatch(/^property sets nested deeper than 32/);
    // groups too
    const groups = [...Array<number>(100).fill(0x33), ...Array<number>(100).fill(0x34)];
    expect(decodeError(groups).message).toMatch(/^groups nested deeper than 32/);
  });

  const rich = encodePayload({
    timestamp: T0,
    seq: 17,
    uuid: 'u-1',
    body: Uint8Array.of(1, 2, 3),
    metrics: [
      { name: 'Line 1/Temperature', alias: 300, timestamp: T0, datatype: DataType.Float, value: 21.5, properties: { keys: ['Quality', 'engUnit'], values: [{ type: DataType.Int32, value: 192 }, { type: DataType.String, value: '°C' }] } },
      { name: 'Counter', alias: 20_000, timestamp: T0 + 1, datatype: DataType.Int64, value: -123_456_789_012 },
      { name: 'Big', alias: 3, timestamp: T0 + 2, datatype: DataType.UInt64, value: 2n ** 64n - 3n },
      { name: 'Flag', alias: 4, timestamp: T0 + 3, datatype: DataType.Boolean, isHistorical: true, value: true },
      { name: 'Empty', alias: 5, timestamp: T0 + 4, datatype: DataType.String, value: '' },
      { name: 'Nothing', alias: 6, timestamp: T0 + 5, datatype: DataType.Int8, value: null },
      { name: 'Blob', alias: 7, timestamp: T0 + 6, datatype: DataType.Bytes, value: Uint8Array.of(9, 8, 7) },
      { alias: 8, timestamp: T0 + 7, value: Math.E },
      { name: 'Nested', alias: 9, datatype: DataType.Int16, value: -2, properties: { keys: ['s', 'l'], values: [{ type: DataType.PropertySet, value: { keys: ['x'], values: [{ type: DataType.Double, value: 1 }] } }, { type: DataType.PropertySetList, value: [{ keys: [], values: [] }] }] } },
    ],
  });

  it('every truncation of a valid payload decodes or throws SparkplugDecodeError', () => {
    let thrown = 0;
    for (let length = 0; length < rich.length; length++) {
      if (decodeOrError(rich.subarray(0, length)) instanceof SparkplugDecodeError) thrown++;
    }
    expect(decodeOrError(rich)).not.toBeInstanceOf(SparkplugDecodeError);
    // Cuts between top-level fields leave valid (shorter) payloads; everything else is an error.
    expect(thrown).toBeGreaterThan(rich.length * 0.9);
  });

  it('10,000 seeded garbage inputs and mutations decode or throw SparkplugDecodeError, and do not hang', () => {
    const prng = new Prng(20250106);
    const int = (n: number): number => Math.floor(prng.next() * n);
    let decoded = 0;
    for (let i = 0; i < 10_000; i++) {
      let input: Uint8Array;
      if (i % 2 === 0) {
        input = Uint8Array.from({ length: int(96) }, () => int(256));
      } else {
        input = rich.slice();
        const flips = 1 + int(4);
        for (let f = 0; f < flips; f++) input[int(input.length)] = prng.next() < 0.5 ? int(256) : input[int(input.length)]! ^ (1 << int(8));
        if (prng.next() < 0.2) input = input.subarray(0, int(input.length));
      }
      if (!(decodeOrError(input) instanceof SparkplugDecodeError)) decoded++;
    }
    // Both outcomes happen: the mutations are not all caught, nor all fatal.
    expect(decoded).toBeGreaterThan(100);
    expect(decoded).toBeLessThan(9_900);
  });
});

describe('size', () => {
  const metrics: Metric[] = Array.from({ length: 1000 }, (_, i) => ({ alias: 1 + i * 16, timestamp: T0 + 86_400_000 * 365 + i, datatype: DataType.Float, value: Math.sin(i) * 100 }));
  const lean = encodePayload({ timestamp: T0, metrics, seq: 42 }, { omitDatatypes: true }).length / metrics.length;
  const typed = encodePayload({ timestamp: T0, metrics, seq: 42 }).length / metrics.length;

  it(`a DDATA of 1000 Float metrics (alias < 16384, ms timestamp): ${lean.toFixed(2)} bytes/metric, ${typed.toFixed(2)} with datatypes`, () => {
    console.log(`Sparkplug DDATA, 1000 Float metrics: ${lean.toFixed(2)} bytes/metric without datatypes, ${typed.toFixed(2)} with`);
    expect(Math.max(...metrics.map((m) => m.alias!))).toBeLessThan(16384);
    expect(lean).toBeLessThanOrEqual(20);
    expect(typed).toBeLessThanOrEqual(20);
    expect(pbDecode(encodePayload({ timestamp: T0, metrics, seq: 42 }, { omitDatatypes: true })).metrics).toHaveLength(1000);
  });
});

describe('fromWire', () => {
  it('sign-extends, masks, and leaves everything else alone', () => {
    expect(fromWire(DataType.Int8, 0xff)).toBe(-1);
    expect(fromWire(DataType.Int8, 0xffffff80)).toBe(-128);
    expect(fromWire(DataType.Int8, -5)).toBe(-5); // idempotent
    expect(fromWire(DataType.Int16, 0x8000)).toBe(-32768);
    expect(fromWire(DataType.Int32, 0xffffffff)).toBe(-1);
    expect(fromWire(DataType.UInt8, 0x1ff)).toBe(0xff);
    expect(fromWire(DataType.UInt32, 0xffffffff)).toBe(0xffffffff);
    expect(fromWire(DataType.Int64, TWO_64 - 1n)).toBe(-1);
    expect(fromWire(DataType.Int64, 2n ** 63n)).toBe(-(2n ** 63n));
    expect(fromWire(DataType.Int64, 2n ** 62n)).toBe(2n ** 62n);
    expect(fromWire(DataType.UInt64, 12n)).toBe(12);
    expect(fromWire(DataType.UInt64, TWO_64 - 1n)).toBe(TWO_64 - 1n);
    expect(fromWire(DataType.Int32, TWO_64 - 2n)).toBe(-2);
    expect(fromWire(DataType.Int8, 1.5)).toBe(1.5);
    expect(fromWire(DataType.Float, 3)).toBe(3);
    expect(fromWire(undefined, 0xffffffff)).toBe(0xffffffff);
    expect(fromWire(DataType.Int8, 'x')).toBe('x');
    expect(fromWire(DataType.Int8, null)).toBe(null);
  });
});

describe('topics', () => {
  it('builds node, device and STATE topics', () => {
    expect(nodeTopic('Plant A', 'NBIRTH', 'edge-1')).toBe('spBv1.0/Plant A/NBIRTH/edge-1');
    expect(deviceTopic('Plant A', 'DDATA', 'edge-1', 'PLC 3')).toBe('spBv1.0/Plant A/DDATA/edge-1/PLC 3');
    expect(stateTopic('scada-host')).toBe('spBv1.0/STATE/scada-host');
    expect(deviceTopic('G', 'DCMD', 'E', '+')).toBe('spBv1.0/G/DCMD/E/+'); // a subscription filter
    expect(() => nodeTopic('a/b', 'NDATA', 'E')).toThrow(RangeError);
    expect(() => deviceTopic('G', 'DDATA', 'E', '')).toThrow(/device id "" is empty/);
    expect(() => stateTopic('h#')).toThrow(/contains '#'/);
  });

  it('parses what it builds', () => {
    const topics: SparkplugTopic[] = [
      ...(['NBIRTH', 'NDEATH', 'NDATA', 'NCMD'] as const).map((type) => ({ type, groupId: 'Group 1', edgeNodeId: 'Edge ✓' })),
      ...(['DBIRTH', 'DDEATH', 'DDATA', 'DCMD'] as const).map((type) => ({ type, groupId: 'Group 1', edgeNodeId: 'Edge', deviceId: 'Dev.1' })),
      { type: 'STATE', hostId: 'primary' },
    ];
    for (const topic of topics) {
      const text =
        topic.type === 'STATE' ? stateTopic(topic.hostId) : 'deviceId' in topic ? deviceTopic(topic.groupId, topic.type, topic.edgeNodeId, topic.deviceId) : nodeTopic(topic.groupId, topic.type, topic.edgeNodeId);
      expect(parseTopic(text)).toEqual(topic);
    }
    // a group named STATE is still a group: the number of levels decides
    expect(parseTopic('spBv1.0/STATE/NDATA/E')).toEqual({ type: 'NDATA', groupId: 'STATE', edgeNodeId: 'E' });
  });

  it('returns null for anything that is not a Sparkplug B topic', () => {
    for (const topic of [
      '',
      'spBv1.0',
      'spBv1.0/',
      'spAv1.0/G/NDATA/E',
      'spBv1.1/G/NDATA/E',
      'STATE/host',
      'spBv1.0/STATE/host/extra',
      'spBv1.0/STATE/',
      'spBv1.0/G/NDATA/E/D',
      'spBv1.0/G/DDATA/E',
      'spBv1.0/G/NDATA',
      'spBv1.0//NDATA/E',
      'spBv1.0/G/NDATA/',
      'spBv1.0/G/ndata/E',
      'spBv1.0/G/FOO/E',
      'spBv1.0/G/DDATA/E/D/x',
      'spBv1.0/G/DDATA/E/+',
      'plant/temperature',
    ]) {
      expect(parseTopic(topic), topic).toBeNull();
    }
  });

  it('validates ids with a readable problem', () => {
    expect(idProblem('Plant 1 – Line A ✓')).toBeNull();
    expect(idProblem('')).toBe('is empty');
    expect(idProblem('a/b')).toMatch(/contains '\/'/);
    expect(idProblem('a+b')).toMatch(/contains '\+'/);
    expect(idProblem('#')).toMatch(/contains '#'/);
    expect(idProblem('a\u0000')).toMatch(/U\+0000/);
    expect(idProblem('a\ud800')).toMatch(/lone surrogate/);
    expect(idProblem('𝄞')).toBeNull();
  });

  it('STATE payloads are the 3.0 JSON', () => {
    const text = statePayload({ online: true, timestamp: T0 });
    expect(JSON.parse(text)).toEqual({ online: true, timestamp: T0 });
    expect(parseStatePayload(text)).toEqual({ online: true, timestamp: T0 });
    expect(parseStatePayload(new TextEncoder().encode('{"online":false,"timestamp":5,"extra":1}'))).toEqual({ online: false, timestamp: 5 });
    for (const bad of ['', 'ONLINE', 'null', '[]', '{"online":true}', '{"online":"true","timestamp":1}', '{"timestamp":1}', '{"online":true,"timestamp":"1"}']) {
      expect(parseStatePayload(bad), bad).toBeNull();
    }
    expect(() => statePayload({ online: true, timestamp: Number.NaN })).toThrow(RangeError);
  });
});
